import NIOCore

// The channel messages whose only field is the recipient channel (RFC 4254 §5.3, §5.4).

extension ByteBuffer {
    /// Reads the single `recipient channel` field of `message` and requires nothing to follow it.
    fileprivate mutating func readRecipientChannelOnly(_ message: String) throws -> UInt32 {
        var cursor = self
        let channel = try cursor.readUInt32Field("\(message) recipient channel")
        try cursor.requireFullyConsumed(message)
        self = cursor
        return channel
    }
}

/// SSH_MSG_CHANNEL_EOF (RFC 4254 §5.3): the sender will send no more data on the channel.
package struct ChannelEOF: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32

    /// Creates a message from its field.
    package init(recipientChannel: UInt32) { self.recipientChannel = recipientChannel }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        recipientChannel = try buffer.readRecipientChannelOnly("SSH_MSG_CHANNEL_EOF")
    }

    /// Writes the message number and the field.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelEOF)
        buffer.writeSSHUInt32(recipientChannel)
    }
}

/// SSH_MSG_CHANNEL_CLOSE (RFC 4254 §5.3): the sender closes the channel; the peer answers in kind.
package struct ChannelClose: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32

    /// Creates a message from its field.
    package init(recipientChannel: UInt32) { self.recipientChannel = recipientChannel }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        recipientChannel = try buffer.readRecipientChannelOnly("SSH_MSG_CHANNEL_CLOSE")
    }

    /// Writes the message number and the field.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelClose)
        buffer.writeSSHUInt32(recipientChannel)
    }
}

/// SSH_MSG_CHANNEL_SUCCESS (RFC 4254 §5.4): a channel request with want reply succeeded.
package struct ChannelSuccess: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32

    /// Creates a message from its field.
    package init(recipientChannel: UInt32) { self.recipientChannel = recipientChannel }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        recipientChannel = try buffer.readRecipientChannelOnly("SSH_MSG_CHANNEL_SUCCESS")
    }

    /// Writes the message number and the field.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelSuccess)
        buffer.writeSSHUInt32(recipientChannel)
    }
}

/// SSH_MSG_CHANNEL_FAILURE (RFC 4254 §5.4): a channel request with want reply failed.
package struct ChannelFailure: Equatable, Sendable {
    /// The receiver's channel number.
    package var recipientChannel: UInt32

    /// Creates a message from its field.
    package init(recipientChannel: UInt32) { self.recipientChannel = recipientChannel }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        recipientChannel = try buffer.readRecipientChannelOnly("SSH_MSG_CHANNEL_FAILURE")
    }

    /// Writes the message number and the field.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelFailure)
        buffer.writeSSHUInt32(recipientChannel)
    }
}
