import NIOCore

/// SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1) with the channel-type-specific fields of "session"
/// (§6.1), "direct-tcpip" and "forwarded-tcpip" (§7.2).
package struct ChannelOpen: Equatable, Sendable {
    /// The fields of a "direct-tcpip" channel open (RFC 4254 §7.2): a client asks the server to
    /// connect to `hostToConnect`:`portToConnect`.
    package struct DirectTCPIP: Equatable, Sendable {
        /// The host the server should connect to.
        package var hostToConnect: String
        /// The port the server should connect to.
        package var portToConnect: UInt32
        /// The IP address of the machine where the connection originated.
        package var originatorAddress: String
        /// The port on the originating machine.
        package var originatorPort: UInt32

        /// Creates the fields.
        package init(hostToConnect: String, portToConnect: UInt32, originatorAddress: String, originatorPort: UInt32) {
            self.hostToConnect = hostToConnect
            self.portToConnect = portToConnect
            self.originatorAddress = originatorAddress
            self.originatorPort = originatorPort
        }
    }

    /// The fields of a "forwarded-tcpip" channel open (RFC 4254 §7.2): the server reports a
    /// connection to a port forwarded with "tcpip-forward".
    package struct ForwardedTCPIP: Equatable, Sendable {
        /// The address that was connected to.
        package var addressThatWasConnected: String
        /// The port that was connected to.
        package var portThatWasConnected: UInt32
        /// The IP address of the machine where the connection originated.
        package var originatorAddress: String
        /// The port on the originating machine.
        package var originatorPort: UInt32

        /// Creates the fields.
        package init(
            addressThatWasConnected: String, portThatWasConnected: UInt32, originatorAddress: String,
            originatorPort: UInt32
        ) {
            self.addressThatWasConnected = addressThatWasConnected
            self.portThatWasConnected = portThatWasConnected
            self.originatorAddress = originatorAddress
            self.originatorPort = originatorPort
        }
    }

    /// The channel type and its type-specific fields.
    package enum ChannelType: Equatable, Sendable {
        /// "session" (RFC 4254 §6.1).
        case session
        /// "direct-tcpip" (RFC 4254 §7.2).
        case directTCPIP(DirectTCPIP)
        /// "forwarded-tcpip" (RFC 4254 §7.2).
        case forwardedTCPIP(ForwardedTCPIP)
        /// Any other type (e.g. "x11"), with its fields left as raw bytes.
        case other(name: String, data: ByteBuffer)

        /// The channel type name sent on the wire.
        package var name: String {
            switch self {
            case .session: return "session"
            case .directTCPIP: return "direct-tcpip"
            case .forwardedTCPIP: return "forwarded-tcpip"
            case let .other(name, _): return name
            }
        }
    }

    /// The channel type and its fields.
    package var channelType: ChannelType
    /// The sender's number for the channel.
    package var senderChannel: UInt32
    /// How many bytes the sender will accept before a window adjust.
    package var initialWindowSize: UInt32
    /// The largest data packet the sender will accept.
    package var maximumPacketSize: UInt32

    /// Creates a message from its fields.
    package init(channelType: ChannelType, senderChannel: UInt32, initialWindowSize: UInt32, maximumPacketSize: UInt32) {
        self.channelType = channelType
        self.senderChannel = senderChannel
        self.initialWindowSize = initialWindowSize
        self.maximumPacketSize = maximumPacketSize
    }

    /// Parses the fields after the message number; the buffer must hold nothing else, except for
    /// an unknown channel type, whose fields are kept as `data`.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        let typeName = try cursor.readUTF8Field("SSH_MSG_CHANNEL_OPEN channel type")
        senderChannel = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN sender channel")
        initialWindowSize = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN initial window size")
        maximumPacketSize = try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN maximum packet size")
        switch typeName {
        case "session":
            channelType = .session
        case "direct-tcpip":
            channelType = .directTCPIP(DirectTCPIP(
                hostToConnect: try cursor.readUTF8Field("SSH_MSG_CHANNEL_OPEN direct-tcpip host to connect"),
                portToConnect: try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN direct-tcpip port to connect"),
                originatorAddress: try cursor.readUTF8Field("SSH_MSG_CHANNEL_OPEN direct-tcpip originator IP address"),
                originatorPort: try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN direct-tcpip originator port")))
        case "forwarded-tcpip":
            channelType = .forwardedTCPIP(ForwardedTCPIP(
                addressThatWasConnected: try cursor.readUTF8Field(
                    "SSH_MSG_CHANNEL_OPEN forwarded-tcpip address that was connected"),
                portThatWasConnected: try cursor.readUInt32Field(
                    "SSH_MSG_CHANNEL_OPEN forwarded-tcpip port that was connected"),
                originatorAddress: try cursor.readUTF8Field(
                    "SSH_MSG_CHANNEL_OPEN forwarded-tcpip originator IP address"),
                originatorPort: try cursor.readUInt32Field("SSH_MSG_CHANNEL_OPEN forwarded-tcpip originator port")))
        default:
            channelType = .other(name: typeName, data: cursor.readRemainingBytes())
        }
        try cursor.requireFullyConsumed("SSH_MSG_CHANNEL_OPEN \(channelType.name)")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.channelOpen)
        buffer.writeSSHString(channelType.name)
        buffer.writeSSHUInt32(senderChannel)
        buffer.writeSSHUInt32(initialWindowSize)
        buffer.writeSSHUInt32(maximumPacketSize)
        switch channelType {
        case .session:
            break
        case let .directTCPIP(fields):
            buffer.writeSSHString(fields.hostToConnect)
            buffer.writeSSHUInt32(fields.portToConnect)
            buffer.writeSSHString(fields.originatorAddress)
            buffer.writeSSHUInt32(fields.originatorPort)
        case let .forwardedTCPIP(fields):
            buffer.writeSSHString(fields.addressThatWasConnected)
            buffer.writeSSHUInt32(fields.portThatWasConnected)
            buffer.writeSSHString(fields.originatorAddress)
            buffer.writeSSHUInt32(fields.originatorPort)
        case let .other(_, data):
            buffer.writeBytes(data.readableBytesView)
        }
    }
}

/// The "direct-tcpip" channel-open fields (RFC 4254 §7.2); the same type as `ChannelOpen.DirectTCPIP`.
package typealias DirectTCPIP = ChannelOpen.DirectTCPIP

/// The "forwarded-tcpip" channel-open fields (RFC 4254 §7.2); the same type as `ChannelOpen.ForwardedTCPIP`.
package typealias ForwardedTCPIP = ChannelOpen.ForwardedTCPIP
