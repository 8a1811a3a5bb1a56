import NIOCore

/// Joins one accepted local TCP connection to one `direct-tcpip` channel when both live on the same
/// event loop: bytes go from socket to SSH packets and back inside that loop, with no task or thread
/// hop per chunk (the async path of `LocalForwarder` costs two hops per chunk).
///
/// Flow control both ways: a local read whose data the SSH window cannot take yet stops reading from
/// the local socket until it has gone out; window credit goes back to the server (RFC 4254 §5.2) as
/// soon as the local socket takes the bytes while it is writable, and only after they were written
/// when it is not, so a local reader that stops reading stops the server. EOF in either
/// direction is passed on as a half-close; the connection ends when both directions have ended or
/// either side closes.
final class ForwardingBridge: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Counts bytes for the forwarder's statistics.
    struct Counters: Sendable {
        var toTarget: @Sendable (Int) -> Void
        var fromTarget: @Sendable (Int) -> Void
    }

    private var connection: ConnectionHandler?
    private var counters = Counters(toTarget: { _ in }, fromTarget: { _ in })
    private var context: ChannelHandlerContext?
    private var id: UInt32?
    /// Local reads handed to the connection and not yet sent for lack of window.
    private var unsentWrites = 0
    /// Reads are held back (NIO's `read` not passed on) until the channel is open and while local data
    /// waits for window.
    private var readingPaused = true
    /// What the local socket sent before the channel was confirmed: NIO reads a socket's remaining
    /// bytes and its EOF as soon as it sees the peer close, whether or not a read was asked for.
    private var early: [ByteBuffer] = []
    private var earlyEOF = false
    private var localEOF = false
    private var remoteEOF = false
    private var closed = false
    /// Both directions ended while local data still waited for window: close once it has gone out.
    private var closeWhenSent = false

    /// Created in the accepted socket's initializer, before it is registered.
    init() {}

    /// Names the SSH connection (on this loop) the channel will be opened on.
    func attach(to connection: ConnectionHandler, counters: Counters) {
        self.connection = connection
        self.counters = counters
    }

    /// Called on the event loop when the channel is confirmed: starts reading the local socket.
    func channelOpened(id: UInt32) {
        self.id = id
        guard !closed, let context else {
            connection?.closeChannel(id)
            return
        }
        let waiting = early
        early = []
        for bytes in waiting { send(bytes, context: context) }
        if earlyEOF { localFinished() }
        if unsentWrites == 0 { resumeReading() }
    }

    // MARK: - Local socket → SSH

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let bytes = unwrapInboundIn(data)
        guard id != nil else {
            early.append(bytes)
            return
        }
        send(bytes, context: context)
    }

    private func send(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        guard let id, let connection, !closed else { return }
        let count = bytes.readableBytes
        var bytes = bytes
        // The common case: the window takes it all now, with no promise to wait on.
        if unsentWrites == 0 && connection.sendNow(&bytes, channel: id) {
            counters.toTarget(count)
            return
        }
        unsentWrites += 1
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        connection.write(bytes, channel: id).whenComplete { result in
            let bridge = loopBound.value
            bridge.unsentWrites -= 1
            switch result {
            case .success:
                bridge.counters.toTarget(count)
                if bridge.unsentWrites == 0 {
                    if bridge.closeWhenSent { bridge.closeBoth() } else if bridge.readingPaused { bridge.resumeReading() }
                }
            case .failure:
                bridge.closeBoth()
            }
        }
        // The window could not take it all: stop reading until it has gone out.
        if unsentWrites > 0 && !readingPaused { pauseReading() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            if id == nil { earlyEOF = true } else { localFinished() }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The local socket sent EOF: pass it on after the queued data (`ConnectionHandler.finish` orders it).
    private func localFinished() {
        localEOF = true
        guard let id else { return }
        connection?.finish(channel: id)
        if remoteEOF && !closed { closeAfterFinish() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeBoth()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeBoth()
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if !readingPaused && !closed { context.read() }
    }

    func read(context: ChannelHandlerContext) {
        if !readingPaused { context.read() }
    }

    private func pauseReading() {
        readingPaused = true
    }

    /// Asks for the next read even when NIO has not asked us to pass one on: right after the channel
    /// opens, the socket may not have requested one through the pipeline yet.
    private func resumeReading() {
        readingPaused = false
        // Before the accepted socket is registered and active, a read would be lost: NIO then reads
        // on activation by itself, through `read(context:)`.
        guard !closed, !localEOF, let context, context.channel.isActive else { return }
        context.read()
    }

    // MARK: - SSH → local socket (called by ConnectionHandler on the same loop)

    /// Writes channel data to the local socket. The window credit goes back at once while the socket
    /// is writable (what NIO holds for it is under its high-water mark), otherwise once this chunk is
    /// written, so a local reader that stops reading holds at most one window plus the high-water
    /// mark here.
    func deliver(_ data: ByteBuffer) {
        guard let context, let id, !closed else { return }
        let count = data.readableBytes
        if context.channel.isWritable {
            context.writeAndFlush(wrapOutboundOut(data), promise: nil)
            counters.fromTarget(count)
            connection?.consumed(count, channel: id)
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(data)).whenComplete { result in
            let bridge = loopBound.value
            switch result {
            case .success:
                bridge.counters.fromTarget(count)
                bridge.connection?.consumed(count, channel: id)
            case .failure:
                bridge.closeBoth()
            }
        }
    }

    /// The server sent CHANNEL_EOF: half-close the local socket once what was written has gone out
    /// (NIO shuts the socket's output only after its pending writes); when the local side already
    /// ended too, the connection is done.
    func remoteFinished() {
        remoteEOF = true
        guard let context, !closed else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: promise)
        promise.futureResult.whenComplete { [loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)] result in
            let bridge = loopBound.value
            if (try? result.get()) == nil {
                bridge.closeBoth()
            } else if bridge.localEOF {
                bridge.closeAfterFinish()
            }
        }
    }

    /// The channel closed or the SSH connection ended: close the local socket.
    func remoteClosed() {
        remoteEOF = true
        closeBoth()
    }

    /// Both directions have ended: close once every local read has been handed to the transport, so
    /// CHANNEL_CLOSE never overtakes data (RFC 4254 §5.3).
    private func closeAfterFinish() {
        if unsentWrites == 0 { closeBoth() } else { closeWhenSent = true }
    }

    private func closeBoth() {
        guard !closed else { return }
        closed = true
        if let id { connection?.closeChannel(id) }
        context?.close(promise: nil)
    }
}
