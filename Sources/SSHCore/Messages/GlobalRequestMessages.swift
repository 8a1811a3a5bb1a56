import NIOCore

/// SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4), e.g. "tcpip-forward" or "keepalive@openssh.com".
package struct GlobalRequest: Equatable, Sendable {
    /// The request name (US-ASCII).
    package var requestName: String
    /// Whether the sender wants SSH_MSG_REQUEST_SUCCESS or _FAILURE back.
    package var wantReply: Bool
    /// The request-specific data: all bytes after `wantReply`.
    package var requestSpecificData: ByteBuffer

    /// Creates a message from its fields.
    package init(requestName: String, wantReply: Bool, requestSpecificData: ByteBuffer = ByteBuffer()) {
        self.requestName = requestName
        self.wantReply = wantReply
        self.requestSpecificData = requestSpecificData
    }

    /// Parses the fields after the message number; the remaining bytes become `requestSpecificData`.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        requestName = try cursor.readUTF8Field("SSH_MSG_GLOBAL_REQUEST request name")
        wantReply = try cursor.readBooleanField("SSH_MSG_GLOBAL_REQUEST want reply")
        requestSpecificData = cursor.readRemainingBytes()
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.globalRequest)
        buffer.writeSSHString(requestName)
        buffer.writeSSHBoolean(wantReply)
        buffer.writeBytes(requestSpecificData.readableBytesView)
    }
}

/// SSH_MSG_REQUEST_SUCCESS (RFC 4254 §4).
package struct RequestSuccess: Equatable, Sendable {
    /// The response-specific data: all bytes after the message number (e.g. the bound port of a
    /// "tcpip-forward" for port 0, RFC 4254 §7.1).
    package var responseSpecificData: ByteBuffer

    /// Creates a message from its field.
    package init(responseSpecificData: ByteBuffer = ByteBuffer()) {
        self.responseSpecificData = responseSpecificData
    }

    /// Takes every byte after the message number as `responseSpecificData`.
    package init(parsing buffer: inout ByteBuffer) throws {
        responseSpecificData = buffer.readRemainingBytes()
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.requestSuccess)
        buffer.writeBytes(responseSpecificData.readableBytesView)
    }
}

/// SSH_MSG_REQUEST_FAILURE (RFC 4254 §4). No fields.
package struct RequestFailure: Equatable, Sendable {
    /// Creates the message.
    package init() {}

    /// Checks that nothing follows the message number.
    package init(parsing buffer: inout ByteBuffer) throws {
        try buffer.requireFullyConsumed("SSH_MSG_REQUEST_FAILURE")
    }

    /// Writes the message number.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.requestFailure)
    }
}
