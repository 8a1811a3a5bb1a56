import NIOCore

/// SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1).
package struct ChannelOpenConfirmation: Equatable, Sendable {
    /// The channel number the opener chose (its `senderChannel`).
    package var recipientChannel: UInt32
    /// The confirming side's number for the channel.
    package var senderChannel: UInt32
    /// How many bytes the confirming side will accept before a window adjust.
    package var initialWindowSize: UInt32
    /// The largest data packet the confirming side will accept.
    package var maximumPacketSize: UInt32
    /// The channel-type-specific data: all bytes after `maximumPacketSize`.
    package var channelSpecificData: ByteBuffer

    /// Creates a message from its fields.
    package init(
        recipientChannel: UInt32, senderChannel: UInt32, initialWindowSize: UInt32, maximumPacketSize: UInt32,
        channelSpecificData: ByteBuffer = ByteBuffer()
    ) {
        self.recipientChannel = recipientChannel
        self.senderChannel = senderChannel
        self.initialWindowSize = initialWindowSize
        self.maximumPacketSize = maximumPacketSize
        self.channelSpecificData = channelSpecificData
    }

    /// Parses the fields after the message number; the remaining bytes become `channelSpecificData`.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        recipientChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN_CONFIRMATION recipient channel")
        senderChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN_CONFIRMATION sender channel")
        initialWindowSize = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN_CONFIRMATION initial window size")
        maximumPacketSize = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN_CONFIRMATION maximum packet size")
        channelSpecificData = cursor.readRemainingBytes()
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelOpenConfirmation)
        buffer.writeSSHUInt32(recipientChannel)
        buffer.writeSSHUInt32(senderChannel)
        buffer.writeSSHUInt32(initialWindowSize)
        buffer.writeSSHUInt32(maximumPacketSize)
        buffer.writeBytes(channelSpecificData.readableBytesView)
    }
}

/// SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1). `description` is peer text: sanitize it before display.
package struct ChannelOpenFailure: Equatable, Sendable {
    /// The channel number the opener chose.
    package var recipientChannel: UInt32
    /// The raw reason code, kept even when it is not one of RFC 4254 §5.1's codes.
    package var reasonCode: UInt32
    /// A human-readable reason (ISO-10646 UTF-8).
    package var description: String
    /// The language tag of `description` (RFC 3066).
    package var languageTag: String

    /// Creates a message from its fields.
    package init(recipientChannel: UInt32, reasonCode: UInt32, description: String, languageTag: String = "") {
        self.recipientChannel = recipientChannel
        self.reasonCode = reasonCode
        self.description = description
        self.languageTag = languageTag
    }

    /// Creates a message with one of the reason codes of RFC 4254 §5.1.
    package init(recipientChannel: UInt32, reason: ChannelOpenFailureReason, description: String, languageTag: String = "") {
        self.init(
            recipientChannel: recipientChannel, reasonCode: reason.rawValue, description: description,
            languageTag: languageTag)
    }

    /// The reason code as a known `ChannelOpenFailureReason`, or nil for a code RFC 4254 §5.1 does not define.
    package var reason: ChannelOpenFailureReason? { ChannelOpenFailureReason(rawValue: reasonCode) }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        recipientChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN_FAILURE recipient channel")
        reasonCode = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN_FAILURE reason code")
        description = try cursor.readUTF8Field("SSH_MSG_CHANNEL_OPEN_FAILURE description")
        languageTag = try cursor.readUTF8Field("SSH_MSG_CHANNEL_OPEN_FAILURE language tag")
        try cursor.requireFullyConsumed("SSH_MSG_CHANNEL_OPEN_FAILURE")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelOpenFailure)
        buffer.writeSSHUInt32(recipientChannel)
        buffer.writeSSHUInt32(reasonCode)
        buffer.writeSSHString(description)
        buffer.writeSSHString(languageTag)
    }
}
