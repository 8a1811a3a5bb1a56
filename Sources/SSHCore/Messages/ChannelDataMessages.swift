import NIOCore

/// SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).
package struct ChannelWindowAdjust: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32
    /// How many more bytes the sender of this message will accept.
    package var bytesToAdd: UInt32

    /// Creates a message from its fields.
    package init(recipientChannel: UInt32, bytesToAdd: UInt32) {
        self.recipientChannel = recipientChannel
        self.bytesToAdd = bytesToAdd
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        recipientChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_WINDOW_ADJUST recipient channel")
        bytesToAdd = try cursor.readUInt32Field("SSH_MSG_CHANNEL_WINDOW_ADJUST bytes to add")
        try cursor.requireFullyConsumed("SSH_MSG_CHANNEL_WINDOW_ADJUST")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelWindowAdjust)
        buffer.writeSSHUInt32(recipientChannel)
        buffer.writeSSHUInt32(bytesToAdd)
    }
}

/// SSH_MSG_CHANNEL_DATA (RFC 4254 §5.2).
package struct ChannelData: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32
    /// The data (a slice of the packet when parsed).
    package var data: ByteBuffer

    /// Creates a message from its fields.
    package init(recipientChannel: UInt32, data: ByteBuffer) {
        self.recipientChannel = recipientChannel
        self.data = data
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        recipientChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_DATA recipient channel")
        data = try cursor.readStringField("SSH_MSG_CHANNEL_DATA data")
        try cursor.requireFullyConsumed("SSH_MSG_CHANNEL_DATA")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelData)
        buffer.writeSSHUInt32(recipientChannel)
        buffer.writeSSHString(data)
    }
}

/// SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2); data type code 1 is SSH_EXTENDED_DATA_STDERR.
package struct ChannelExtendedData: Equatable, Sendable {
    /// SSH_EXTENDED_DATA_STDERR (RFC 4254 §5.2).
    package static let stderrDataTypeCode: UInt32 = 1

    /// The receiver's channel number.
    package var recipientChannel: UInt32
    /// What kind of data this is (1 = stderr).
    package var dataTypeCode: UInt32
    /// The data (a slice of the packet when parsed).
    package var data: ByteBuffer

    /// Creates a message from its fields.
    package init(recipientChannel: UInt32, dataTypeCode: UInt32, data: ByteBuffer) {
        self.recipientChannel = recipientChannel
        self.dataTypeCode = dataTypeCode
        self.data = data
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        recipientChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_EXTENDED_DATA recipient channel")
        dataTypeCode = try cursor.readUInt32Field("SSH_MSG_CHANNEL_EXTENDED_DATA data type code")
        data = try cursor.readStringField("SSH_MSG_CHANNEL_EXTENDED_DATA data")
        try cursor.requireFullyConsumed("SSH_MSG_CHANNEL_EXTENDED_DATA")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelExtendedData)
        buffer.writeSSHUInt32(recipientChannel)
        buffer.writeSSHUInt32(dataTypeCode)
        buffer.writeSSHString(data)
    }
}

/// SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4), e.g. "pty-req", "shell", "exec", "exit-status".
package struct ChannelRequest: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32
    /// The request type (US-ASCII).
    package var requestType: String
    /// Whether the sender wants SSH_MSG_CHANNEL_SUCCESS or _FAILURE back.
    package var wantReply: Bool
    /// The type-specific data: all bytes after `wantReply`.
    package var typeSpecificData: ByteBuffer

    /// Creates a message from its fields.
    package init(recipientChannel: UInt32, requestType: String, wantReply: Bool, typeSpecificData: ByteBuffer = ByteBuffer()) {
        self.recipientChannel = recipientChannel
        self.requestType = requestType
        self.wantReply = wantReply
        self.typeSpecificData = typeSpecificData
    }

    /// Parses the fields after the message number; the remaining bytes become `typeSpecificData`.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        recipientChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_REQUEST recipient channel")
        requestType = try cursor.readUTF8Field("SSH_MSG_CHANNEL_REQUEST request type")
        wantReply = try cursor.readBooleanField("SSH_MSG_CHANNEL_REQUEST want reply")
        typeSpecificData = cursor.readRemainingBytes()
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelRequest)
        buffer.writeSSHUInt32(recipientChannel)
        buffer.writeSSHString(requestType)
        buffer.writeSSHBoolean(wantReply)
        buffer.writeBytes(typeSpecificData.readableBytesView)
    }
}
