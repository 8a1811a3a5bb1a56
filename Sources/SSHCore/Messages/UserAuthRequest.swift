import NIOCore

/// SSH_MSG_USERAUTH_REQUEST (RFC 4252 §5) with the method-specific fields of "none" (§5.2),
/// "publickey" (§7), "password" (§8) and "keyboard-interactive" (RFC 4256 §3.1).
///
/// Its description never shows a password.
package struct UserAuthRequest: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The authentication method and its fields.
    package enum Method: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// "none" (RFC 4252 §5.2): asks which methods can continue.
        case none
        /// "password" (RFC 4252 §8). With `newPassword`, the password-change form (boolean TRUE,
        /// old password, new password); otherwise boolean FALSE and the password.
        case password(password: String, newPassword: String?)
        /// "publickey" (RFC 4252 §7). Without `signature`, a query whether the key is acceptable
        /// (boolean FALSE); with it, the actual authentication (boolean TRUE).
        case publicKey(algorithm: String, publicKey: ByteBuffer, signature: ByteBuffer?)
        /// "keyboard-interactive" (RFC 4256 §3.1).
        case keyboardInteractive(languageTag: String, submethods: String)
        /// Any other method, with its fields left as raw bytes.
        case other(name: String, data: ByteBuffer)

        /// The method name sent on the wire (RFC 4252 §5).
        package var name: String {
            switch self {
            case .none: return "none"
            case .password: return "password"
            case .publicKey: return "publickey"
            case .keyboardInteractive: return "keyboard-interactive"
            case let .other(name, _): return name
            }
        }

        /// A summary that never includes a password.
        package var description: String {
            switch self {
            case .none:
                return "none"
            case let .password(_, newPassword):
                return newPassword == nil ? "password(<redacted>)" : "password(<redacted>, new: <redacted>)"
            case let .publicKey(algorithm, publicKey, signature):
                return "publickey(\(algorithm), key: \(publicKey.readableBytes) bytes, "
                    + (signature.map { "signature: \($0.readableBytes) bytes)" } ?? "query)")
            case let .keyboardInteractive(_, submethods):
                return "keyboard-interactive(submethods: \(submethods))"
            case let .other(name, data):
                return "\(name)(\(data.readableBytes) bytes)"
            }
        }

        /// The same as `description`, so debug printing cannot show a password either.
        package var debugDescription: String { description }

        /// A mirror without children, so `dump` and reflection cannot show a password.
        package var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    /// The user name (ISO-10646 UTF-8).
    package var userName: String
    /// The service to start after authentication, usually "ssh-connection".
    package var serviceName: String
    /// The method and its fields.
    package var method: Method

    /// Creates a message from its fields.
    package init(userName: String, serviceName: String, method: Method) {
        self.userName = userName
        self.serviceName = serviceName
        self.method = method
    }

    /// A summary that never includes a password.
    package var description: String {
        "UserAuthRequest(userName: \(userName), serviceName: \(serviceName), method: \(method))"
    }

    /// The same as `description`, so debug printing cannot show a password either.
    package var debugDescription: String { description }

    /// Parses the fields after the message number; the buffer must hold nothing else, except for
    /// an unknown method, whose fields are kept as `data`.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        userName = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST user name")
        serviceName = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST service name")
        let methodName = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST method name")
        switch methodName {
        case "none":
            method = .none
        case "password":
            let changing = try cursor.readBooleanField("SSH_MSG_USERAUTH_REQUEST password change flag")
            let password = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST password")
            let newPassword = changing ? try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST new password") : nil
            method = .password(password: password, newPassword: newPassword)
        case "publickey":
            let signed = try cursor.readBooleanField("SSH_MSG_USERAUTH_REQUEST publickey signature flag")
            let algorithm = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST public key algorithm name")
            let publicKey = try cursor.readStringField("SSH_MSG_USERAUTH_REQUEST public key blob")
            let signature = signed ? try cursor.readStringField("SSH_MSG_USERAUTH_REQUEST signature") : nil
            method = .publicKey(algorithm: algorithm, publicKey: publicKey, signature: signature)
        case "keyboard-interactive":
            let languageTag = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST language tag")
            let submethods = try cursor.readUTF8Field("SSH_MSG_USERAUTH_REQUEST submethods")
            method = .keyboardInteractive(languageTag: languageTag, submethods: submethods)
        default:
            method = .other(name: methodName, data: cursor.readRemainingBytes())
        }
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_REQUEST \(method.name)")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthRequest)
        buffer.writeSSHString(userName)
        buffer.writeSSHString(serviceName)
        buffer.writeSSHString(method.name)
        switch method {
        case .none:
            break
        case let .password(password, newPassword):
            buffer.writeSSHBoolean(newPassword != nil)
            buffer.writeSSHString(password)
            if let newPassword { buffer.writeSSHString(newPassword) }
        case let .publicKey(algorithm, publicKey, signature):
            buffer.writeSSHBoolean(signature != nil)
            buffer.writeSSHString(algorithm)
            buffer.writeSSHString(publicKey)
            if let signature { buffer.writeSSHString(signature) }
        case let .keyboardInteractive(languageTag, submethods):
            buffer.writeSSHString(languageTag)
            buffer.writeSSHString(submethods)
        case let .other(_, data):
            buffer.writeBytes(data.readableBytesView)
        }
    }
}
