import NIOCore

/// The client side of the connection protocol (RFC 4254) as a sans-IO state machine: channels with
/// flow control in both directions, and global requests. Receive credit goes back to the peer only
/// when the application says it consumed the bytes, so a slow reader slows only its own channel.
package struct ConnectionStateMachine {
    private let flow: ChannelFlowConfiguration
    private var channels: [UInt32: ChannelState] = [:]
    private var nextLocalID: UInt32 = 0
    private var outbound: [OutboundMessage] = []
    private var events: [ConnectionEvent] = []
    /// Global requests we sent with want_reply and whose replies are outstanding (RFC 4254 §4).
    private var pendingGlobalReplies = 0
    /// The most channels open at once.
    package var maximumChannels = 16 * 1024

    /// Creates the machine with flow-control settings for the channels we open.
    package init(flow: ChannelFlowConfiguration = .init()) { self.flow = flow }

    /// How many channels exist (opening, open, or closing).
    package var channelCount: Int { channels.count }

    /// Takes the messages to send.
    package mutating func takeOutbound() -> [OutboundMessage] {
        outbound.takeAll()
    }

    /// Takes the events that happened.
    package mutating func takeEvents() -> [ConnectionEvent] {
        events.takeAll()
    }

    // MARK: - Commands

    /// Opens a `direct-tcpip` channel to `host`:`port` (RFC 4254 §7.2); returns our channel id, or nil
    /// when too many channels are open.
    package mutating func openDirectTCPIP(host: String, port: UInt32, originatorAddress: String, originatorPort: UInt32) -> UInt32? {
        guard channels.count < maximumChannels else { return nil }
        var id = nextLocalID
        while channels[id] != nil { id &+= 1 }
        nextLocalID = id &+ 1
        channels[id] = ChannelState(localID: id, initialWindow: flow.initialWindowSize)
        let open = ChannelOpen(channelType: .directTCPIP(.init(hostToConnect: host, portToConnect: port,
                                                               originatorAddress: originatorAddress, originatorPort: originatorPort)),
                               senderChannel: id, initialWindowSize: flow.initialWindowSize, maximumPacketSize: flow.maximumPacketSize)
        emit { open.write(to: &$0) }
        return id
    }

    /// Sends as much of `data` as the peer's window and packet size allow, as CHANNEL_DATA packets, and
    /// removes what was sent from `data`. What remains waits for `sendWindowOpened`.
    package mutating func send(_ data: inout ByteBuffer, on id: UInt32) {
        guard var channel = channels[id], channel.phase == .open, !channel.sentEOF, !channel.sentClose else { return }
        let packetLimit = Int(channel.remoteMaximumPacketSize)
        while data.readableBytes > 0, channel.sendWindow > 0, packetLimit > 0 {
            let length = min(data.readableBytes, packetLimit, Int(clamping: channel.sendWindow))
            guard let chunk = data.readSlice(length: length) else { break }
            channel.sendWindow -= UInt64(length)
            // CHANNEL_DATA (RFC 4254 §5.2): number, recipient and the data's length in a small head;
            // the data itself goes to the encoder as the body, uncopied until then.
            var head = ByteBuffer()
            head.reserveCapacity(9)
            head.writeInteger(SSHMessageNumber.channelData)
            head.writeSSHUInt32(channel.remoteID)
            head.writeSSHUInt32(UInt32(length))
            outbound.append(OutboundMessage(head: head, body: chunk))
        }
        channels[id] = channel
    }

    /// The send credit left on a channel.
    package func sendWindow(of id: UInt32) -> UInt64 { channels[id]?.sendWindow ?? 0 }

    /// Tells the machine the application consumed `count` bytes of a channel's data; credit goes back
    /// to the peer once half the window has been consumed (RFC 4254 §5.2).
    package mutating func consumed(_ count: Int, on id: UInt32) {
        guard var channel = channels[id], count > 0 else { return }
        channel.consumedSinceAdjust &+= UInt32(clamping: count)
        if channel.phase == .open, !channel.receivedEOF, !channel.sentClose,
           channel.consumedSinceAdjust >= flow.initialWindowSize / 2 {
            let adjust = channel.consumedSinceAdjust
            channel.receiveWindow &+= adjust
            channel.consumedSinceAdjust = 0
            let remote = channel.remoteID
            emit { ChannelWindowAdjust(recipientChannel: remote, bytesToAdd: adjust).write(to: &$0) }
        }
        channels[id] = channel
    }

    /// Sends CHANNEL_EOF: we will send no more data; receiving continues (RFC 4254 §5.3).
    package mutating func sendEOF(on id: UInt32) {
        guard var channel = channels[id], channel.phase == .open, !channel.sentEOF, !channel.sentClose else { return }
        channel.sentEOF = true
        channels[id] = channel
        let remote = channel.remoteID
        emit { ChannelEOF(recipientChannel: remote).write(to: &$0) }
    }

    /// Sends CHANNEL_CLOSE; the id is freed when the peer's CLOSE arrives (RFC 4254 §5.3).
    package mutating func close(_ id: UInt32) {
        guard var channel = channels[id], !channel.sentClose else { return }
        if channel.phase == .opening {
            // The confirmation has not arrived yet: close as soon as it does.
            channel.sentClose = true
            channels[id] = channel
            return
        }
        channel.sentClose = true
        channels[id] = channel
        let remote = channel.remoteID
        emit { ChannelClose(recipientChannel: remote).write(to: &$0) }
        finishIfClosed(id)
    }

    /// Sends `keepalive@openssh.com` with want_reply, as OpenSSH's ServerAliveInterval does.
    package mutating func sendKeepalive() {
        pendingGlobalReplies += 1
        emit { GlobalRequest(requestName: "keepalive@openssh.com", wantReply: true, requestSpecificData: ByteBuffer()).write(to: &$0) }
    }

    // MARK: - Inbound

    /// Handles a message numbered 80–127.
    package mutating func receive(_ payload: ByteBuffer) throws(SSHProtocolError) {
        var body = payload
        let message: SSHMessage
        do {
            message = try SSHMessage.parse(&body)
        } catch {
            throw .malformedMessage("connection message \(payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0): \(error)")
        }
        switch message {
        case let .globalRequest(request):
            // RFC 4254 §4: we support no global requests from the server (hostkeys-00@openssh.com
            // comes without want_reply and is ignored).
            if request.wantReply { emit { RequestFailure().write(to: &$0) } }
        case .requestSuccess, .requestFailure:
            guard pendingGlobalReplies > 0 else { throw .unexpectedMessage(number: payload.firstByte, phase: "connection (no global request is pending)") }
            pendingGlobalReplies -= 1
            if case .requestSuccess = message { events.append(.globalRequestReply(success: true)) } else { events.append(.globalRequestReply(success: false)) }
        case let .channelOpen(open):
            // We accept no channels from the server: no remote forwarding, agent or X11 (RFC 4254 §5.1).
            emit {
                ChannelOpenFailure(recipientChannel: open.senderChannel, reasonCode: 1,
                                   description: "SwiftSSH accepts no channels from the server", languageTag: "").write(to: &$0)
            }
        case let .channelOpenConfirmation(confirmation): try handleOpenConfirmation(confirmation)
        case let .channelOpenFailure(failure): try handleOpenFailure(failure)
        case let .channelWindowAdjust(adjust): try handleWindowAdjust(adjust)
        case let .channelData(data): try handleData(channel: data.recipientChannel, data.data, extended: false)
        case let .channelExtendedData(data): try handleData(channel: data.recipientChannel, data.data, extended: true)
        case let .channelEOF(eof): try handleEOF(eof.recipientChannel)
        case let .channelClose(close): try handleClose(close.recipientChannel)
        case let .channelRequest(request): try handleChannelRequest(request)
        case let .channelSuccess(reply): _ = try openChannel(reply.recipientChannel, "CHANNEL_SUCCESS")
        case let .channelFailure(reply): _ = try openChannel(reply.recipientChannel, "CHANNEL_FAILURE")
        default:
            throw .unexpectedMessage(number: payload.firstByte, phase: "the connection protocol")
        }
    }

    private mutating func handleOpenConfirmation(_ confirmation: ChannelOpenConfirmation) throws(SSHProtocolError) {
        let id = confirmation.recipientChannel
        guard var channel = channels[id], channel.phase == .opening else {
            throw .malformedMessage("CHANNEL_OPEN_CONFIRMATION for channel \(id), which we are not opening")
        }
        guard confirmation.maximumPacketSize > 0 else {
            throw .malformedMessage("CHANNEL_OPEN_CONFIRMATION for channel \(id) with a maximum packet size of 0")
        }
        channel.remoteID = confirmation.senderChannel
        channel.sendWindow = UInt64(confirmation.initialWindowSize)
        channel.remoteMaximumPacketSize = confirmation.maximumPacketSize
        channel.phase = .open
        let closeRequested = channel.sentClose
        channel.sentClose = false
        channels[id] = channel
        if closeRequested {
            close(id)
        } else {
            events.append(.channelOpened(channel: id))
        }
    }

    private mutating func handleOpenFailure(_ failure: ChannelOpenFailure) throws(SSHProtocolError) {
        let id = failure.recipientChannel
        guard let channel = channels[id], channel.phase == .opening else {
            throw .malformedMessage("CHANNEL_OPEN_FAILURE for channel \(id), which we are not opening")
        }
        channels[id] = nil
        events.append(.channelOpenFailed(channel: id, reasonCode: failure.reasonCode,
                                         description: sanitizedPeerText(failure.description, maxLength: 512)))
    }

    private mutating func handleWindowAdjust(_ adjust: ChannelWindowAdjust) throws(SSHProtocolError) {
        var channel = try openChannel(adjust.recipientChannel, "CHANNEL_WINDOW_ADJUST")
        let window = channel.sendWindow + UInt64(adjust.bytesToAdd)
        // RFC 4254 §5.2: a window may not be increased above 2^32 − 1 bytes.
        guard window <= UInt64(UInt32.max) else {
            throw .malformedMessage("CHANNEL_WINDOW_ADJUST for channel \(channel.localID) overflows the window past 2^32 - 1")
        }
        let wasClosed = channel.sendWindow == 0
        channel.sendWindow = window
        channels[channel.localID] = channel
        if wasClosed && adjust.bytesToAdd > 0 { events.append(.sendWindowOpened(channel: channel.localID)) }
    }

    private mutating func handleData(channel id: UInt32, _ data: ByteBuffer, extended: Bool) throws(SSHProtocolError) {
        var channel = try openChannel(id, extended ? "CHANNEL_EXTENDED_DATA" : "CHANNEL_DATA")
        guard !channel.receivedEOF else { throw .malformedMessage("data on channel \(id) after its EOF") }
        let length = data.readableBytes
        guard length <= Int(flow.maximumPacketSize) else {
            throw .malformedMessage("\(length) bytes of data on channel \(id) exceed our maximum packet size of \(flow.maximumPacketSize)")
        }
        guard UInt32(length) <= channel.receiveWindow else {
            throw .malformedMessage("\(length) bytes of data on channel \(id) exceed the \(channel.receiveWindow) bytes of window left")
        }
        channel.receiveWindow -= UInt32(length)
        channels[id] = channel
        if channel.sentClose { consumed(length, on: id); return }
        if extended {
            // A direct-tcpip channel has no stderr: drop it, but give the window back (RFC 4254 §5.2).
            consumed(length, on: id)
        } else if length > 0 {
            events.append(.data(channel: id, data))
        }
    }

    private mutating func handleEOF(_ id: UInt32) throws(SSHProtocolError) {
        var channel = try openChannel(id, "CHANNEL_EOF")
        guard !channel.receivedEOF else { throw .malformedMessage("a second CHANNEL_EOF on channel \(id)") }
        channel.receivedEOF = true
        channels[id] = channel
        events.append(.endOfFile(channel: id))
    }

    private mutating func handleClose(_ id: UInt32) throws(SSHProtocolError) {
        var channel = try openChannel(id, "CHANNEL_CLOSE")
        channel.receivedClose = true
        channels[id] = channel
        if !channel.sentClose {
            channel.sentClose = true
            channels[id] = channel
            let remote = channel.remoteID
            emit { ChannelClose(recipientChannel: remote).write(to: &$0) }
        }
        finishIfClosed(id)
    }

    private mutating func handleChannelRequest(_ request: ChannelRequest) throws(SSHProtocolError) {
        let channel = try openChannel(request.recipientChannel, "CHANNEL_REQUEST")
        // A direct-tcpip channel takes no requests (RFC 4254 §6 requests are for sessions).
        if request.wantReply {
            let remote = channel.remoteID
            emit { ChannelFailure(recipientChannel: remote).write(to: &$0) }
        }
    }

    /// The open channel `id`, or a protocol error naming the message: an unknown id, a channel not yet
    /// confirmed, or one whose CLOSE the peer already sent.
    private func openChannel(_ id: UInt32, _ message: String) throws(SSHProtocolError) -> ChannelState {
        guard let channel = channels[id] else { throw .malformedMessage("\(message) for unknown channel \(id)") }
        guard channel.phase == .open else { throw .malformedMessage("\(message) for channel \(id), which is not open") }
        guard !channel.receivedClose else { throw .malformedMessage("\(message) for channel \(id) after its CLOSE") }
        return channel
    }

    private mutating func finishIfClosed(_ id: UInt32) {
        guard let channel = channels[id], channel.sentClose, channel.receivedClose else { return }
        channels[id] = nil
        events.append(.channelClosed(channel: id))
    }

    private mutating func emit(_ write: (inout ByteBuffer) -> Void) {
        var payload = ByteBuffer()
        write(&payload)
        outbound.append(OutboundMessage(payload))
    }
}

extension ByteBuffer {
    /// The first readable byte (a payload's message number), or 0 when empty.
    var firstByte: UInt8 { getInteger(at: readerIndex, as: UInt8.self) ?? 0 }
}
