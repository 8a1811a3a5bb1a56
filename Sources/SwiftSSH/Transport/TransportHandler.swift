import NIOCore
import SSHCore
import SSHCrypto

/// The NIO side of the transport: moves bytes between the socket and the sans-IO `ClientTransport`
/// and turns its events into promise completions. It makes no protocol decision of its own.
final class TransportHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the handler reports when the transport is ready (SERVICE_ACCEPT for ssh-userauth).
    struct Ready: Sendable {
        var algorithms: NegotiatedAlgorithms
        var serverVersion: String
        var hostKey: SSHHostKey
    }

    private var transport: ClientTransport
    private let hostKeyValidator: HostKeyValidator
    private let host: String
    private let port: Int
    private let ready: EventLoopPromise<Ready>
    private var context: ChannelHandlerContext?
    private var serverVersion = ""
    private var hostKey: SSHHostKey?
    private var readyAlgorithms: NegotiatedAlgorithms?
    private var rekeyTimer: RepeatedTask?
    private let startTime = NIODeadline.now()
    /// Called on the event loop for every event after the handler's own handling (tests observe with it).
    var onEvent: ((ClientTransportEvent) -> Void)?
    /// The close reason, once the transport closed.
    private(set) var closeReason: SSHProtocolError?

    init(configuration: ClientTransportConfiguration, randomSource: any RandomSource, hostKeyValidator: HostKeyValidator,
         host: String, port: Int, ready: EventLoopPromise<Ready>) {
        transport = ClientTransport(configuration: configuration, randomSource: randomSource)
        self.hostKeyValidator = hostKeyValidator
        self.host = host
        self.port = port
        self.ready = ready
    }

    /// The number of key exchanges completed so far.
    var completedKeyExchanges: Int { transport.completedKeyExchanges }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard rekeyTimer == nil else { return }
        transport.start()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        rekeyTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            loopBound.value.tick()
        }
        pump()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        transport.receive(&bytes)
        pump()
    }

    func channelInactive(context: ChannelHandlerContext) {
        rekeyTimer?.cancel()
        let reason = closeReason ?? .disconnectedByPeer(reasonCode: 10, description: "the TCP connection closed")
        ready.fail(SSHTransportFailure(reason))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        ready.fail(error)
        context.close(promise: nil)
    }

    private func tick() {
        let elapsed = NIODeadline.now() - startTime
        transport.tick(now: .nanoseconds(elapsed.nanoseconds))
        pump()
    }

    /// Sends SSH_MSG_IGNORE packets (tests use this to push data through rekeys).
    func sendIgnore(_ data: ByteBuffer) {
        transport.sendIgnore(data)
        pump()
    }

    /// Starts a client-initiated rekey now.
    func initiateRekey() {
        transport.initiateRekey()
        pump()
    }

    /// Sends DISCONNECT and closes.
    func disconnect() {
        transport.disconnect()
        pump()
        context?.close(promise: nil)
    }

    /// Writes what the transport produced and handles its events, until both are drained.
    private func pump() {
        guard let context else { return }
        while true {
            var wrote = false
            if let output = transport.takeOutbound() {
                context.writeAndFlush(wrapOutboundOut(output), promise: nil)
                wrote = true
            }
            let events = transport.takeEvents()
            for event in events { handle(event, context: context) }
            if !wrote && events.isEmpty { break }
        }
    }

    private func handle(_ event: ClientTransportEvent, context: ChannelHandlerContext) {
        switch event {
        case let .serverIdentification(version):
            serverVersion = version
        case let .hostKeyVerificationRequired(key, _):
            let hostKey = SSHHostKey(key)
            self.hostKey = hostKey
            let validator = hostKeyValidator
            let request = HostKeyValidator.Context(host: host, port: port, hostKey: hostKey)
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            Task {
                let verdict = await validator.validate(request)
                eventLoop.execute { loopBound.value.decide(verdict) }
            }
        case let .keyExchangeCompleted(algorithms, _):
            readyAlgorithms = algorithms
        case .serviceAccepted:
            if let readyAlgorithms, let hostKey {
                ready.succeed(Ready(algorithms: readyAlgorithms, serverVersion: serverVersion, hostKey: hostKey))
            }
        case let .closed(reason):
            closeReason = reason
            ready.fail(SSHTransportFailure(reason))
            context.eventLoop.execute { context.close(promise: nil) }
        case .serverExtensions, .message, .debugMessage, .peerUnimplemented:
            break
        }
        onEvent?(event)
    }

    private func decide(_ verdict: HostKeyVerdict) {
        switch verdict {
        case .accept: transport.hostKeyDecision(accepted: true, reason: "")
        case let .reject(reason): transport.hostKeyDecision(accepted: false, reason: reason)
        }
        pump()
    }
}

/// A transport failure carried through NIO promises.
struct SSHTransportFailure: Error, CustomStringConvertible {
    let reason: SSHProtocolError
    init(_ reason: SSHProtocolError) { self.reason = reason }
    var description: String { reason.description }
}
