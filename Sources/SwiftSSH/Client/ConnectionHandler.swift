import Logging
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SSHCore
import SSHCrypto

/// The NIO side of a client connection. It moves bytes between the socket and the sans-IO
/// `ClientConnectionCore`, turns core events into promise completions and channel deliveries, and
/// runs the timers (timeouts, keepalive, rekey clock). It makes no protocol decision of its own.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// When `connect` returns.
    enum Readiness { case serviceAccepted, authenticated }

    /// What the caller learns when the connection is ready.
    struct Ready: Sendable {
        var algorithms: NegotiatedAlgorithms
        var serverVersion: String
        var hostKey: SSHHostKey
        var banners: [String]
        var authenticationMethod: String?
    }

    struct Settings {
        var host: String
        var port: Int
        var readiness: Readiness
        var hostKeyValidator: HostKeyValidator
        var keyboardInteractive: (@Sendable (SSHKeyboardInteractiveChallenge) async throws -> [String])?
        var timeouts: SSHTimeouts
        var keepalive: SSHKeepalive
        var logger: Logger
    }

    /// One open (or opening) channel's handler-side state.
    final class ChannelRecord {
        let inbound: ChannelInbound
        var openPromise: EventLoopPromise<Void>?
        var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>)] = []
        var target: String
        /// Set by `finish` and `closeChannel`: no more data may be queued (it could never be sent).
        var writingEnded = false
        /// Set when a local socket on this event loop is joined to the channel: data, EOF and close go
        /// to it instead of `inbound`.
        let bridge: ForwardingBridge?
        init(inbound: ChannelInbound, openPromise: EventLoopPromise<Void>, target: String, bridge: ForwardingBridge? = nil) {
            self.inbound = inbound
            self.openPromise = openPromise
            self.target = target
            self.bridge = bridge
        }
    }

    private var core: ClientConnectionCore
    private let settings: Settings
    private let ready: EventLoopPromise<Ready>
    let closed: EventLoopPromise<Void>
    private var context: ChannelHandlerContext?
    private var serverVersion = ""
    private var hostKey: SSHHostKey?
    private var algorithms: NegotiatedAlgorithms?
    private var banners: [String] = []
    private var channels: [UInt32: ChannelRecord] = [:]
    private var phaseTimeout: Scheduled<Void>?
    /// Armed while a key exchange after the first one runs; see `watchRekey`.
    private var rekeyTimeout: Scheduled<Void>?
    /// `completedKeyExchanges` when `rekeyTimeout` was armed, so that a rekey that starts right after
    /// another one ended gets a deadline of its own.
    private var rekeyTimeoutArmedAt = 0
    private var clockTimer: RepeatedTask?
    private var keepaliveTimer: RepeatedTask?
    private var lastReceivedAt = NIODeadline.now()
    private var unansweredKeepalives = 0
    private let startTime = NIODeadline.now()
    private var isReady = false
    /// True while `pump` runs, so that a nested call (a bridge's write completing at once) leaves the
    /// draining to the outer loop.
    private var isPumping = false
    /// Channel opens sent and not yet answered; while there are any, received data is ACKed at once.
    private var pendingOpens = 0
    /// Why the connection ended; nil while it is open or when we closed it ourselves.
    private(set) var closeError: SSHError?
    private(set) var isClosed = false

    init(configuration: ClientConnectionConfiguration, randomSource: any RandomSource, settings: Settings,
         ready: EventLoopPromise<Ready>, closed: EventLoopPromise<Void>) {
        core = ClientConnectionCore(configuration: configuration, randomSource: randomSource)
        self.settings = settings
        self.ready = ready
        self.closed = closed
    }

    /// Completed key exchanges, the first included (tests observe rekeys with it).
    var completedKeyExchanges: Int { core.completedKeyExchanges }

    // MARK: - NIO events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard clockTimer == nil else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        phaseTimeout = context.eventLoop.scheduleTask(in: settings.timeouts.handshake.timeAmount) {
            loopBound.value.fail(SSHError(code: .timeout, message: "the SSH handshake with \(loopBound.value.settings.host) port \(loopBound.value.settings.port) did not complete within \(loopBound.value.settings.timeouts.handshake)"))
        }
        clockTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            loopBound.value.tick()
        }
        if let interval = settings.keepalive.interval {
            // Checked ten times per interval, so death is declared at most interval/10 late.
            let check = TimeAmount.nanoseconds(max(interval.timeAmount.nanoseconds / 10, 10_000_000))
            keepaliveTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { _ in
                loopBound.value.keepaliveTick()
            }
        }
        core.start()
        pump()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        let isSmallRead = bytes.readableBytes < Self.interactiveReadLimit
        lastReceivedAt = .now()
        unansweredKeepalives = 0
        core.receive(&bytes)
        pump()
        if pendingOpens > 0 || isSmallRead { acknowledgeNow(context) }
    }

    /// Reads below this size are request/response traffic, where a delayed ACK costs a round trip
    /// of up to 40 ms whenever sshd (which leaves Nagle on for non-tty sessions) has a second small
    /// packet to send; bulk reads are larger and keep the kernel's delayed ACKs.
    private static let interactiveReadLimit = 8 * 1024

    /// Sends the TCP ACK for what we just read now rather than after the delayed-ACK timer (Linux
    /// TCP_QUICKACK). While a channel open waits for its confirmation, sshd's Nagle algorithm holds that
    /// small reply back as long as it has unacknowledged data in flight, typically the
    /// hostkeys-00@openssh.com request it sends right after authentication; with our ACK delayed,
    /// the first forwarded connection would wait about 40 ms.
    private func acknowledgeNow(_ context: ChannelHandlerContext) {
        #if os(Linux)
        let quickAck = ChannelOptions.Types.SocketOption(level: .init(rawValue: Int32(IPPROTO_TCP)),
                                                         name: .init(rawValue: Int32(TCP_QUICKACK)))
        try? context.channel.syncOptions?.setOption(quickAck, value: 1)
        #endif
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            for id in channels.keys.sorted() { flushWrites(id) }
            pump()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(closeError ?? SSHError(code: .connectionClosed, message: "the TCP connection to \(settings.host) port \(settings.port) closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(SSHError(code: .connectionClosed, message: "the TCP connection to \(settings.host) port \(settings.port) failed: \(error)"))
    }

    // MARK: - Commands (on the event loop)

    /// Opens a direct-tcpip channel; the future completes when the server confirms or refuses. With a
    /// `bridge`, the channel's data, EOF and close go to it on this loop rather than to `inbound`.
    func openDirectTCPIP(host: String, port: Int, originatorAddress: String, originatorPort: Int,
                         inbound: ChannelInbound, bridge: ForwardingBridge? = nil) -> EventLoopFuture<UInt32> {
        guard let context else { preconditionFailure("openDirectTCPIP before the handler was added") }
        guard !isClosed else { return context.eventLoop.makeFailedFuture(closeError ?? Self.closedError) }
        let id = core.withConnection {
            $0.openDirectTCPIP(host: host, port: UInt32(clamping: port), originatorAddress: originatorAddress,
                               originatorPort: UInt32(clamping: originatorPort))
        }
        guard let id else {
            return context.eventLoop.makeFailedFuture(SSHError(code: .channelOpenFailed, message: "too many channels open on this connection"))
        }
        let promise = context.eventLoop.makePromise(of: Void.self)
        channels[id] = ChannelRecord(inbound: inbound, openPromise: promise, target: "\(host) port \(port)", bridge: bridge)
        pendingOpens += 1
        promise.futureResult.whenComplete { [loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)] _ in
            loopBound.value.pendingOpens -= 1
        }
        pump()
        acknowledgeNow(context)
        let timeout = context.eventLoop.scheduleTask(in: settings.timeouts.channelOpen.timeAmount) { [loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)] in
            let handler = loopBound.value
            guard let record = handler.channels[id], let open = record.openPromise else { return }
            record.openPromise = nil
            open.fail(SSHError(code: .timeout, message: "opening a channel to \(record.target) took longer than \(handler.settings.timeouts.channelOpen)"))
            handler.core.withConnection { $0.close(id) }
            handler.pump()
        }
        promise.futureResult.whenComplete { _ in timeout.cancel() }
        return promise.futureResult.map { id }
    }

    /// Hands `data` to the transport at once when nothing is queued before it on channel `id` and
    /// the window, the socket and the key-exchange state allow; returns true when all of it went.
    /// What the window could not take stays in `data`, for `write(_:channel:)` to queue behind.
    /// The forwarding bridge's per-chunk path: no promise, no queue entry.
    func sendNow(_ data: inout ByteBuffer, channel id: UInt32) -> Bool {
        guard let context, !isClosed, let record = channels[id], !record.writingEnded,
              record.pendingWrites.isEmpty, context.channel.isWritable, !core.isOutboundPaused else { return false }
        core.withConnection { $0.send(&data, on: id) }
        pump()
        return data.readableBytes == 0
    }

    /// Queues `data` on channel `id`; the future completes when all of it was handed to the transport.
    func write(_ data: ByteBuffer, channel id: UInt32) -> EventLoopFuture<Void> {
        guard let context else { preconditionFailure("write before the handler was added") }
        guard let record = channels[id], !isClosed else {
            return context.eventLoop.makeFailedFuture(closeError ?? SSHError(code: .channelClosed, message: "the channel is closed"))
        }
        guard !record.writingEnded else {
            return context.eventLoop.makeFailedFuture(SSHError(
                code: .channelClosed, message: "the channel to \(record.target) was finished or closed for writing"))
        }
        let promise = context.eventLoop.makePromise(of: Void.self)
        record.pendingWrites.append((data, promise))
        flushWrites(id)
        pump()
        return promise.futureResult
    }

    /// The task waiting on `write` was cancelled: if that write is still queued, fails it and every
    /// write queued on the channel with `CancellationError` and closes the channel, since part of the
    /// byte stream may already be on the wire and what follows could not be sent in order.
    func cancelWrite(_ write: EventLoopFuture<Void>, channel id: UInt32) {
        guard let record = channels[id], record.pendingWrites.contains(where: { $0.1.futureResult === write }) else { return }
        let cancelled = record.pendingWrites
        record.pendingWrites.removeAll()
        for (_, promise) in cancelled { promise.fail(CancellationError()) }
        closeChannel(id)
    }

    /// Sends CHANNEL_EOF after the queued writes.
    func finish(channel id: UInt32) {
        guard let record = channels[id] else { return }
        record.writingEnded = true
        if record.pendingWrites.isEmpty {
            core.withConnection { $0.sendEOF(on: id) }
            pump()
        } else if let context {
            let promise = context.eventLoop.makePromise(of: Void.self)
            record.pendingWrites.append((ByteBuffer(), promise))
            promise.futureResult.whenSuccess { [loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)] in
                loopBound.value.finish(channel: id)
            }
        }
    }

    /// Sends CHANNEL_CLOSE. No data may follow it (RFC 4254 §5.3), so writes still waiting for
    /// window fail now rather than when (or if) the server answers.
    func closeChannel(_ id: UInt32) {
        channels[id]?.writingEnded = true
        core.withConnection { $0.close(id) }
        if let record = channels[id] {
            let pending = record.pendingWrites
            record.pendingWrites = []
            for (_, promise) in pending {
                promise.fail(SSHError(code: .channelClosed, message: "the channel to \(record.target) was closed before all data was sent"))
            }
        }
        pump()
    }

    /// Tells the core the reader consumed `count` bytes, so window credit can go back.
    func consumed(_ count: Int, channel id: UInt32) {
        core.withConnection { $0.consumed(count, on: id) }
        pump()
    }

    /// Sends one SSH_MSG_IGNORE packet (tests push data through rekeys with it) and says whether a
    /// key exchange is now running.
    func sendIgnore(size: Int) -> Bool {
        core.sendIgnore(ByteBuffer(repeating: 0x5A, count: size))
        pump()
        return core.isKeyExchangeInProgress
    }

    /// Channels open or opening.
    var openChannelCount: Int { channels.count }

    /// Whether a key exchange is running.
    var isKeyExchangeInProgress: Bool { core.isKeyExchangeInProgress }

    /// Starts a client-initiated rekey.
    func initiateRekey() {
        core.initiateRekey()
        pump()
    }

    /// Sends DISCONNECT and closes.
    func disconnect() {
        guard !isClosed else { return }
        core.disconnect()
        pump()
        fail(nil)
    }

    // MARK: - Core plumbing

    private func flushWrites(_ id: UInt32) {
        // While a key exchange holds the outbound direction the core would only queue the data; keep
        // it here, where the writer waits on its promise, so a stalled rekey cannot grow memory.
        guard let record = channels[id], let context, context.channel.isWritable, !core.isOutboundPaused else { return }
        while let (pending, promise) = record.pendingWrites.first {
            var data = pending
            if data.readableBytes > 0 {
                core.withConnection { $0.send(&data, on: id) }
            }
            if data.readableBytes > 0 {
                record.pendingWrites[0] = (data, promise)
                break
            }
            record.pendingWrites.removeFirst()
            promise.succeed()
        }
    }

    private func tick() {
        let elapsed = NIODeadline.now() - startTime
        core.tick(now: .nanoseconds(elapsed.nanoseconds))
        pump()
    }

    /// OpenSSH's ServerAliveInterval/CountMax: one probe per interval of silence from the server; when
    /// the silence reaches interval × (countMax + 1), the server is declared dead.
    private func keepaliveTick() {
        guard isReady, !isClosed, let interval = settings.keepalive.interval else { return }
        let silence = NIODeadline.now() - lastReceivedAt
        let intervalsOfSilence = Int(silence.nanoseconds / max(interval.timeAmount.nanoseconds, 1))
        if intervalsOfSilence > settings.keepalive.countMax {
            fail(SSHError(code: .timeout, message: "the server at \(settings.host) port \(settings.port) answered none of \(unansweredKeepalives) keepalives sent \(interval) apart; declaring it dead"))
            return
        }
        while unansweredKeepalives < intervalsOfSilence {
            unansweredKeepalives += 1
            core.sendKeepalive()
        }
        pump()
    }

    /// Writes what the core produced and handles its events, until both are drained.
    /// Whether the core's outbound direction was held by a key exchange at the last pump.
    private var outboundWasPaused = false

    private func pump() {
        guard let context, !isPumping else { return }
        isPumping = true
        defer { isPumping = false }
        while true {
            var wrote = false
            if let output = core.takeOutbound() {
                context.writeAndFlush(wrapOutboundOut(output), promise: nil)
                wrote = true
            }
            let events = core.takeEvents()
            for event in events { handle(event, context: context) }
            let paused = core.isOutboundPaused
            if outboundWasPaused && !paused {
                // The key exchange released the outbound direction: send what writers left waiting.
                for id in channels.keys.sorted() { flushWrites(id) }
                wrote = true
            }
            outboundWasPaused = paused
            if !wrote && events.isEmpty { break }
        }
        watchRekey()
    }

    /// Bounds every key exchange after the connection is ready (a rekey, RFC 4253 §9) by
    /// `timeouts.handshake`, as `phaseTimeout` bounds the first: a server that starts or accepts a
    /// rekey and never finishes it would otherwise hold the connection (and every writer, whose
    /// data waits while the key exchange holds the outbound direction) forever.
    private func watchRekey() {
        guard isReady, !isClosed, let context else { return }
        guard core.isKeyExchangeInProgress else {
            rekeyTimeout?.cancel()
            rekeyTimeout = nil
            return
        }
        let completed = core.completedKeyExchanges
        if rekeyTimeout != nil && rekeyTimeoutArmedAt == completed { return }
        rekeyTimeout?.cancel()
        rekeyTimeoutArmedAt = completed
        let limit = settings.timeouts.handshake
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        rekeyTimeout = context.eventLoop.scheduleTask(in: limit.timeAmount) {
            let handler = loopBound.value
            guard handler.core.isKeyExchangeInProgress, handler.core.completedKeyExchanges == completed else { return }
            handler.fail(SSHError(code: .timeout, message: "a key exchange (rekey) with \(handler.settings.host) port \(handler.settings.port) did not complete within \(limit)"))
        }
    }

    private func handle(_ event: ClientConnectionEvent, context: ChannelHandlerContext) {
        switch event {
        case let .serverIdentification(version):
            serverVersion = version
            settings.logger.debug("server identification", metadata: ["version": "\(version)"])
        case let .hostKeyVerificationRequired(key, _):
            let hostKey = SSHHostKey(key)
            self.hostKey = hostKey
            validateHostKey(hostKey, context: context)
        case let .keyExchangeCompleted(negotiated, isFirst):
            algorithms = negotiated
            if isFirst {
                settings.logger.debug("key exchange complete", metadata: [
                    "kex": "\(negotiated.keyExchange.name)", "hostkey": "\(negotiated.hostKey.name)",
                    "cipher": "\(negotiated.cipherClientToServer.name)", "mac": "\(negotiated.macClientToServer?.name ?? "<implicit>")"])
            }
        case .serviceAccepted:
            if settings.readiness == .serviceAccepted {
                becomeReady(method: nil)
            } else {
                rescheduleTimeout(settings.timeouts.authentication, what: "authentication")
            }
        case let .authentication(authEvent):
            handleAuthentication(authEvent, context: context)
        case let .connection(connectionEvent):
            handleConnection(connectionEvent)
        case let .debugMessage(text):
            settings.logger.debug("server debug message", metadata: ["text": "\(text)"])
        case let .closed(failure):
            fail(SSHError(failure))
        }
    }

    private func handleAuthentication(_ event: UserAuthEvent, context: ChannelHandlerContext) {
        switch event {
        case let .banner(text):
            banners.append(text)
            settings.logger.info("server banner", metadata: ["banner": "\(text)"])
        case let .challenge(challenge):
            guard let responder = settings.keyboardInteractive else {
                core.provideResponses([])
                return
            }
            let publicChallenge = SSHKeyboardInteractiveChallenge(
                name: challenge.name, instruction: challenge.instruction,
                prompts: challenge.prompts.map(\.prompt), echo: challenge.prompts.map(\.echo))
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            Task {
                let responses = (try? await responder(publicChallenge)) ?? []
                eventLoop.execute {
                    loopBound.value.core.provideResponses(responses)
                    loopBound.value.pump()
                }
            }
        case let .partialSuccess(method, methods):
            settings.logger.info("partial authentication success", metadata: ["method": "\(method)", "continue": "\(methods.joined(separator: ","))"])
        case let .authenticated(method, noneAccepted):
            if noneAccepted {
                settings.logger.warning("the server accepted authentication method \"none\": it lets anyone in as this user")
            }
            settings.logger.debug("authenticated", metadata: ["method": "\(method)"])
            if settings.readiness == .authenticated { becomeReady(method: method) }
        case .failed:
            break // followed by .closed(.authentication)
        }
    }

    private func handleConnection(_ event: ConnectionEvent) {
        switch event {
        case let .channelOpened(id):
            if let record = channels[id], let promise = record.openPromise {
                record.openPromise = nil
                record.bridge?.channelOpened(id: id)
                promise.succeed()
            }
        case let .channelOpenFailed(id, code, description):
            guard let record = channels.removeValue(forKey: id) else { return }
            let reason = ["administratively prohibited", "connect failed", "unknown channel type", "resource shortage"]
            let name = (1...4).contains(code) ? reason[Int(code) - 1] : "reason code \(code)"
            record.openPromise?.fail(SSHError(
                code: .channelOpenFailed,
                message: "the server refused to open a channel to \(record.target): \(name)\(description.isEmpty ? "" : " (\(description))")",
                channelOpenFailureReason: code))
            record.openPromise = nil
            record.inbound.finish(error: SSHError(code: .channelOpenFailed, message: "channel open failed"))
            record.bridge?.remoteClosed()
        case let .data(id, data):
            guard let record = channels[id] else { return }
            if let bridge = record.bridge {
                bridge.deliver(data)
            } else if record.inbound.deliver(data) {
                core.withConnection { $0.consumed(data.readableBytes, on: id) }
            }
        case let .endOfFile(id):
            if let bridge = channels[id]?.bridge { bridge.remoteFinished() } else { channels[id]?.inbound.finish() }
        case let .channelClosed(id):
            guard let record = channels.removeValue(forKey: id) else { return }
            record.inbound.finish()
            record.bridge?.remoteClosed()
            record.openPromise?.fail(SSHError(code: .channelOpenFailed, message: "the channel to \(record.target) closed before it opened"))
            for (_, promise) in record.pendingWrites {
                promise.fail(SSHError(code: .channelClosed, message: "the channel to \(record.target) closed before all data was sent"))
            }
        case let .sendWindowOpened(id):
            flushWrites(id)
        case .globalRequestReply:
            unansweredKeepalives = 0
        }
    }

    private func validateHostKey(_ hostKey: SSHHostKey, context: ChannelHandlerContext) {
        let validator = settings.hostKeyValidator
        let request = HostKeyValidator.Context(host: settings.host, port: settings.port, hostKey: hostKey)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task {
            let verdict = await validator.validate(request)
            eventLoop.execute {
                let handler = loopBound.value
                switch verdict {
                case .accept: handler.core.hostKeyDecision(accepted: true, reason: "")
                case let .reject(reason): handler.core.hostKeyDecision(accepted: false, reason: reason)
                }
                handler.pump()
            }
        }
    }

    private func becomeReady(method: String?) {
        guard !isReady, let algorithms, let hostKey else { return }
        isReady = true
        phaseTimeout?.cancel()
        ready.succeed(Ready(algorithms: algorithms, serverVersion: serverVersion, hostKey: hostKey, banners: banners,
                            authenticationMethod: method))
    }

    private func rescheduleTimeout(_ duration: Duration, what: String) {
        guard let context else { return }
        phaseTimeout?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        phaseTimeout = context.eventLoop.scheduleTask(in: duration.timeAmount) {
            loopBound.value.fail(SSHError(code: .timeout, message: "\(what) with \(loopBound.value.settings.host) port \(loopBound.value.settings.port) did not complete within \(duration)"))
        }
    }

    private static let closedError = SSHError(code: .connectionClosed, message: "the connection is closed")

    /// Ends the connection: fails whatever waits, ends every channel, closes the socket. `error` nil
    /// means we closed it on purpose.
    private func fail(_ error: SSHError?) {
        guard !isClosed else { return }
        isClosed = true
        closeError = error
        phaseTimeout?.cancel()
        rekeyTimeout?.cancel()
        clockTimer?.cancel()
        keepaliveTimer?.cancel()
        let failure = error ?? Self.closedError
        ready.fail(failure)
        for (_, record) in channels {
            record.openPromise?.fail(failure)
            record.inbound.finish(error: error)
            record.bridge?.remoteClosed()
            for (_, promise) in record.pendingWrites { promise.fail(failure) }
        }
        channels.removeAll()
        if let error { settings.logger.debug("connection closed", metadata: ["reason": "\(error)"]) }
        context?.close(promise: nil)
        closed.succeed()
    }
}

extension Duration {
    /// The same span as NIO's `TimeAmount`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
