import NIOCore

/// SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1).
package struct UserAuthFailure: Equatable, Sendable {
    /// The methods that may productively continue the authentication.
    package var authenticationsThatCanContinue: [String]
    /// Whether the request that failed was itself successful but more methods are required.
    package var partialSuccess: Bool

    /// Creates a message from its fields.
    package init(authenticationsThatCanContinue: [String], partialSuccess: Bool) {
        self.authenticationsThatCanContinue = authenticationsThatCanContinue
        self.partialSuccess = partialSuccess
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        authenticationsThatCanContinue = try cursor.readNameListField(
            "SSH_MSG_USERAUTH_FAILURE authentications that can continue")
        partialSuccess = try cursor.readBooleanField("SSH_MSG_USERAUTH_FAILURE partial success")
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_FAILURE")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthFailure)
        buffer.writeSSHNameList(authenticationsThatCanContinue)
        buffer.writeSSHBoolean(partialSuccess)
    }
}

/// SSH_MSG_USERAUTH_SUCCESS (RFC 4252 §5.1). No fields.
package struct UserAuthSuccess: Equatable, Sendable {
    /// Creates the message.
    package init() {}

    /// Checks that nothing follows the message number.
    package init(parsing buffer: inout ByteBuffer) throws {
        try buffer.requireFullyConsumed("SSH_MSG_USERAUTH_SUCCESS")
    }

    /// Writes the message number.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthSuccess)
    }
}

/// SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4). `message` is peer text: sanitize it before display.
package struct UserAuthBanner: Equatable, Sendable {
    /// The banner text (ISO-10646 UTF-8), possibly several lines.
    package var message: String
    /// The language tag of `message` (RFC 3066).
    package var languageTag: String

    /// Creates a message from its fields.
    package init(message: String, languageTag: String = "") {
        self.message = message
        self.languageTag = languageTag
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        message = try cursor.readUTF8Field("SSH_MSG_USERAUTH_BANNER message")
        languageTag = try cursor.readUTF8Field("SSH_MSG_USERAUTH_BANNER language tag")
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_BANNER")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthBanner)
        buffer.writeSSHString(message)
        buffer.writeSSHString(languageTag)
    }
}

/// SSH_MSG_USERAUTH_PK_OK (RFC 4252 §7): the server would accept this key. Number 60 in the
/// "publickey" method; parse it from `SSHMessage.userAuthMethodSpecific`.
package struct UserAuthPKOK: Equatable, Sendable {
    /// The public key algorithm name from the request.
    package var algorithm: String
    /// The public key blob from the request.
    package var publicKey: ByteBuffer

    /// Creates a message from its fields.
    package init(algorithm: String, publicKey: ByteBuffer) {
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        algorithm = try cursor.readUTF8Field("SSH_MSG_USERAUTH_PK_OK public key algorithm name")
        publicKey = try cursor.readStringField("SSH_MSG_USERAUTH_PK_OK public key blob")
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_PK_OK")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthPKOK)
        buffer.writeSSHString(algorithm)
        buffer.writeSSHString(publicKey)
    }
}

/// SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252 §8): the password has expired. Number 60 in the
/// "password" method; parse it from `SSHMessage.userAuthMethodSpecific`.
package struct UserAuthPasswdChangeReq: Equatable, Sendable {
    /// The prompt (ISO-10646 UTF-8); peer text, sanitize before display.
    package var prompt: String
    /// The language tag of `prompt` (RFC 3066).
    package var languageTag: String

    /// Creates a message from its fields.
    package init(prompt: String, languageTag: String = "") {
        self.prompt = prompt
        self.languageTag = languageTag
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        prompt = try cursor.readUTF8Field("SSH_MSG_USERAUTH_PASSWD_CHANGEREQ prompt")
        languageTag = try cursor.readUTF8Field("SSH_MSG_USERAUTH_PASSWD_CHANGEREQ language tag")
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_PASSWD_CHANGEREQ")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthPasswdChangeReq)
        buffer.writeSSHString(prompt)
        buffer.writeSSHString(languageTag)
    }
}
