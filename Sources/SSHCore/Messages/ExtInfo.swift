import NIOCore

/// SSH_MSG_EXT_INFO (RFC 8308 §2.3): extension names and values, e.g. "server-sig-algs".
package struct ExtInfo: Equatable, Sendable {
    /// One extension: its name and its value, whose encoding depends on the extension.
    package struct Extension: Equatable, Sendable {
        /// The extension name (RFC 8308 §2.3).
        package var name: String
        /// The raw extension value (a string's contents; RFC 8308 §2.3).
        package var value: ByteBuffer

        /// Creates an extension entry.
        package init(name: String, value: ByteBuffer) {
            self.name = name
            self.value = value
        }
    }

    /// Our limit on the number of extensions in one message, to bound memory use.
    package static let maximumExtensionCount = 1024

    /// The extensions in the order sent.
    package var extensions: [Extension]

    /// Creates a message from its extensions.
    package init(extensions: [Extension]) { self.extensions = extensions }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    ///
    /// - Throws: `SSHWireError.limitExceeded` for more than 1024 extensions (checked before any
    ///   entry is read).
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        let count = try cursor.readCountField("SSH_MSG_EXT_INFO nr-extensions", limit: Self.maximumExtensionCount)
        var extensions: [Extension] = []
        extensions.reserveCapacity(count)
        for _ in 0..<count {
            let name = try cursor.readUTF8Field("SSH_MSG_EXT_INFO extension-name")
            let value = try cursor.readStringField("SSH_MSG_EXT_INFO extension-value")
            extensions.append(Extension(name: name, value: value))
        }
        try cursor.requireFullyConsumed("SSH_MSG_EXT_INFO")
        self.extensions = extensions
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.extInfo)
        buffer.writeSSHUInt32(ByteBuffer.sshLength(extensions.count))
        for entry in extensions {
            buffer.writeSSHString(entry.name)
            buffer.writeSSHString(entry.value)
        }
    }
}
