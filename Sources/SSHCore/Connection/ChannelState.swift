import NIOCore

/// Flow-control settings for the channels we open (RFC 4254 §5.1–§5.2).
package struct ChannelFlowConfiguration: Sendable, Hashable {
    /// The receive window we grant each channel (default 2 MiB).
    package var initialWindowSize: UInt32 = 2 * 1024 * 1024
    /// The largest CHANNEL_DATA payload we accept (default 32 KiB).
    package var maximumPacketSize: UInt32 = 32 * 1024
    /// Creates the defaults.
    package init() {}
}

/// One channel's bookkeeping. The sending half and the receiving half are kept apart (OpenSSH's
/// nchan model): EOF in one direction leaves the other open.
struct ChannelState {
    enum Phase: Equatable { case opening, open, closed }

    let localID: UInt32
    var remoteID: UInt32 = 0
    var phase = Phase.opening
    /// Send credit: bytes the peer still lets us send (RFC 4254 §5.2); at most 2^32 − 1.
    var sendWindow: UInt64 = 0
    /// The peer's maximum data payload per packet.
    var remoteMaximumPacketSize: UInt32 = 0
    /// Receive credit we have granted and the peer has not yet used.
    var receiveWindow: UInt32
    /// Bytes the application consumed that we have not yet given back with WINDOW_ADJUST.
    var consumedSinceAdjust: UInt32 = 0
    var sentEOF = false
    var receivedEOF = false
    var sentClose = false
    var receivedClose = false

    init(localID: UInt32, initialWindow: UInt32) {
        self.localID = localID
        self.receiveWindow = initialWindow
    }
}

/// What the connection layer reports (RFC 4254).
package enum ConnectionEvent: Sendable, Equatable {
    /// Our CHANNEL_OPEN was confirmed.
    case channelOpened(channel: UInt32)
    /// Our CHANNEL_OPEN was refused (RFC 4254 §5.1); the description is cleaned of control characters.
    case channelOpenFailed(channel: UInt32, reasonCode: UInt32, description: String)
    /// Data arrived on a channel.
    case data(channel: UInt32, ByteBuffer)
    /// The peer will send no more data on this channel (CHANNEL_EOF).
    case endOfFile(channel: UInt32)
    /// The channel is closed in both directions and its id is free.
    case channelClosed(channel: UInt32)
    /// The peer granted send credit; queued data may flow again.
    case sendWindowOpened(channel: UInt32)
    /// A reply to one of our global requests with want_reply (keepalives).
    case globalRequestReply(success: Bool)
}
