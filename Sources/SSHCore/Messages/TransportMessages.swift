import NIOCore

/// SSH_MSG_DISCONNECT (RFC 4253 §11.1). The description is peer text: show or log it only through
/// `sanitizedPeerText(descriptionBytes, …)`, which escapes control characters and invalid UTF-8.
package struct Disconnect: Equatable, Sendable {
    /// The raw reason code, kept even when it is not one of RFC 4253 §11.1's codes.
    package var reasonCode: UInt32
    /// The description's bytes as sent. RFC 4253 §11.1 says ISO-10646 UTF-8, but a server that sends
    /// something else is still disconnecting us for `reasonCode`, so parsing keeps the raw bytes rather
    /// than rejecting the message (which would lose the reason).
    package var descriptionBytes: [UInt8]
    /// The language tag of the description (RFC 3066), usually empty; bytes that are not UTF-8 are
    /// replaced by U+FFFD.
    package var languageTag: String

    /// The human-readable reason, with any invalid UTF-8 replaced by U+FFFD (use
    /// `sanitizedPeerText(descriptionBytes, …)` to show it escaped).
    package var description: String {
        get { String(decoding: descriptionBytes, as: UTF8.self) }
        set { descriptionBytes = Array(newValue.utf8) }
    }

    /// Creates a message from its fields.
    package init(reasonCode: UInt32, description: String, languageTag: String = "") {
        self.reasonCode = reasonCode
        self.descriptionBytes = Array(description.utf8)
        self.languageTag = languageTag
    }

    /// Creates a message with one of the reason codes of RFC 4253 §11.1.
    package init(reason: DisconnectReason, description: String, languageTag: String = "") {
        self.init(reasonCode: reason.rawValue, description: description, languageTag: languageTag)
    }

    /// The reason code as a known `DisconnectReason`, or nil for a code RFC 4253 §11.1 does not define.
    package var reason: DisconnectReason? { DisconnectReason(rawValue: reasonCode) }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        reasonCode = try cursor.readUInt32Field("SSH_MSG_DISCONNECT reason code")
        descriptionBytes = Array(try cursor.readStringField("SSH_MSG_DISCONNECT description").readableBytesView)
        languageTag = String(decoding: try cursor.readStringField("SSH_MSG_DISCONNECT language tag").readableBytesView, as: UTF8.self)
        try cursor.requireFullyConsumed("SSH_MSG_DISCONNECT")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.disconnect)
        buffer.writeSSHUInt32(reasonCode)
        buffer.writeSSHString(descriptionBytes)
        buffer.writeSSHString(languageTag)
    }
}

/// SSH_MSG_IGNORE (RFC 4253 §11.2): data the receiver must ignore.
package struct Ignore: Equatable, Sendable {
    /// The arbitrary data.
    package var data: ByteBuffer

    /// Creates a message from its field.
    package init(data: ByteBuffer) { self.data = data }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        data = try cursor.readStringField("SSH_MSG_IGNORE data")
        try cursor.requireFullyConsumed("SSH_MSG_IGNORE")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.ignore)
        buffer.writeSSHString(data)
    }
}

/// SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4): the reply to a message number the peer does not know.
package struct Unimplemented: Equatable, Sendable {
    /// The sequence number of the rejected packet.
    package var sequenceNumber: UInt32

    /// Creates a message from its field.
    package init(sequenceNumber: UInt32) { self.sequenceNumber = sequenceNumber }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        sequenceNumber = try cursor.readUInt32Field("SSH_MSG_UNIMPLEMENTED packet sequence number")
        try cursor.requireFullyConsumed("SSH_MSG_UNIMPLEMENTED")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.unimplemented)
        buffer.writeSSHUInt32(sequenceNumber)
    }
}

/// SSH_MSG_DEBUG (RFC 4253 §11.3). `message` is peer text: sanitize it before showing it.
package struct Debug: Equatable, Sendable {
    /// Whether the peer asks for the message to be shown to the user.
    package var alwaysDisplay: Bool
    /// The debug text (ISO-10646 UTF-8).
    package var message: String
    /// The language tag of `message` (RFC 3066).
    package var languageTag: String

    /// Creates a message from its fields.
    package init(alwaysDisplay: Bool, message: String, languageTag: String = "") {
        self.alwaysDisplay = alwaysDisplay
        self.message = message
        self.languageTag = languageTag
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        alwaysDisplay = try cursor.readBooleanField("SSH_MSG_DEBUG always_display")
        message = try cursor.readUTF8Field("SSH_MSG_DEBUG message")
        languageTag = try cursor.readUTF8Field("SSH_MSG_DEBUG language tag")
        try cursor.requireFullyConsumed("SSH_MSG_DEBUG")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.debug)
        buffer.writeSSHBoolean(alwaysDisplay)
        buffer.writeSSHString(message)
        buffer.writeSSHString(languageTag)
    }
}

/// SSH_MSG_SERVICE_REQUEST (RFC 4253 §10), e.g. for "ssh-userauth".
package struct ServiceRequest: Equatable, Sendable {
    /// The requested service.
    package var serviceName: String

    /// Creates a message from its field.
    package init(serviceName: String) { self.serviceName = serviceName }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        serviceName = try cursor.readUTF8Field("SSH_MSG_SERVICE_REQUEST service name")
        try cursor.requireFullyConsumed("SSH_MSG_SERVICE_REQUEST")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.serviceRequest)
        buffer.writeSSHString(serviceName)
    }
}

/// SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10).
package struct ServiceAccept: Equatable, Sendable {
    /// The accepted service.
    package var serviceName: String

    /// Creates a message from its field.
    package init(serviceName: String) { self.serviceName = serviceName }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        serviceName = try cursor.readUTF8Field("SSH_MSG_SERVICE_ACCEPT service name")
        try cursor.requireFullyConsumed("SSH_MSG_SERVICE_ACCEPT")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.serviceAccept)
        buffer.writeSSHString(serviceName)
    }
}

/// SSH_MSG_NEWKEYS (RFC 4253 §7.3): the new keys are in use from the next packet on. No fields.
package struct NewKeys: Equatable, Sendable {
    /// Creates the message.
    package init() {}

    /// Checks that nothing follows the message number.
    package init(parsing buffer: inout ByteBuffer) throws {
        try buffer.requireFullyConsumed("SSH_MSG_NEWKEYS")
    }

    /// Writes the message number.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.newKeys)
    }
}
