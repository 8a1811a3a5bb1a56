import Logging
import NIOCore
import NIOPosix
import SSHCore
import SSHCrypto

/// An authenticated SSH connection to a server, typically a bastion, over which any number of
/// `direct-tcpip` channels reach hosts behind it (RFC 4254 §7.2).
///
/// `connect` returns only when the connection is authenticated, or throws an `SSHError` that says
/// what failed and why. Every wait has a timeout; cancelling the calling task cancels the wait.
public final class SSHClient: Sendable {
    /// The server's identification string, cleaned of control characters.
    public let serverVersion: String
    /// The algorithms negotiated in the first key exchange.
    public let negotiatedAlgorithms: SSHNegotiatedAlgorithms
    /// The host key the server proved it holds, as the host-key policy accepted it.
    public let hostKey: SSHHostKey
    /// Banners the server sent during authentication (RFC 4252 §5.4), cleaned of control characters.
    public let banners: [String]
    /// The authentication method that succeeded (`publickey`, `password`, `keyboard-interactive`, `none`).
    public let authenticationMethod: String?
    let channel: any Channel
    let handler: NIOLoopBound<ConnectionHandler>
    private let closedFuture: EventLoopFuture<Void>
    /// For a connection through a jump host: the in-process bridge into the jump client's channel.
    private let jumpBridge: JumpHostBridge?
    package let internalAlgorithms: NegotiatedAlgorithms

    private init(channel: any Channel, handler: NIOLoopBound<ConnectionHandler>, ready: ConnectionHandler.Ready,
                 closed: EventLoopFuture<Void>, jumpBridge: JumpHostBridge?) {
        self.jumpBridge = jumpBridge
        self.channel = channel
        self.handler = handler
        self.closedFuture = closed
        serverVersion = ready.serverVersion
        internalAlgorithms = ready.algorithms
        negotiatedAlgorithms = SSHNegotiatedAlgorithms(ready.algorithms)
        hostKey = ready.hostKey
        banners = ready.banners
        authenticationMethod = ready.authenticationMethod
    }

    /// Connects, verifies the host key with `hostKeyValidator`, and authenticates as `user` with the
    /// given methods, tried in order.
    ///
    /// With `jumpHost`, the connection runs inside a `direct-tcpip` channel that `jumpHost` opens to
    /// `host`:`port` (RFC 4254 §7.2), like OpenSSH's ProxyJump, with no listening socket in between.
    /// `host` and `port` are then resolved by the jump host, and `hostKeyValidator` checks this hop's
    /// key against that name and port. Chain hops by passing a client that was itself connected
    /// `via:` another. The caller keeps owning `jumpHost`: close this client first, then the jump host.
    public static func connect(
        host: String, port: Int = 22, user: String,
        authentication: [SSHAuthenticationMethod],
        hostKeyValidator: HostKeyValidator,
        algorithms: SSHAlgorithms = SSHAlgorithms(),
        timeouts: SSHTimeouts = SSHTimeouts(),
        keepalive: SSHKeepalive = SSHKeepalive(),
        flowControl: SSHFlowControl = SSHFlowControl(),
        refuseNoneAuthentication: Bool = false,
        via jumpHost: SSHClient? = nil,
        logger: Logger = Logger(label: "SwiftSSH"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SSHClient {
        var configuration = try makeConfiguration(user: user, authentication: authentication, algorithms: algorithms,
                                                  flowControl: flowControl)
        configuration.authentication.refuseNoneAuthentication = refuseNoneAuthentication
        // OpenSSH's order_hostkeyalgs: key types already known for this host first, so a server with
        // several host keys never shows one we have no record of and produce a false mismatch.
        let knownTypes = await hostKeyValidator.knownKeyTypes(host: host, port: port)
        configuration.transport.algorithms.hostKey = orderedHostKeyAlgorithms(
            preferences: configuration.transport.algorithms.hostKey, knownKeyTypes: knownTypes)
        let responder = authentication.lazy.compactMap { method -> (@Sendable (SSHKeyboardInteractiveChallenge) async throws -> [String])? in
            if case let .keyboardInteractive(responder) = method.kind { return responder } else { return nil }
        }.first
        let settings = ConnectionHandler.Settings(host: host, port: port, readiness: .authenticated, hostKeyValidator: hostKeyValidator,
                                                  keyboardInteractive: responder, timeouts: timeouts, keepalive: keepalive, logger: logger)
        return try await establish(configuration: configuration, settings: settings, randomSource: SystemRandomSource(),
                                   group: eventLoopGroup, via: jumpHost)
    }

    /// Connects, runs `body` with the client, and closes the connection however `body` ends.
    public static func withConnection<Result: Sendable>(
        host: String, port: Int = 22, user: String,
        authentication: [SSHAuthenticationMethod],
        hostKeyValidator: HostKeyValidator,
        algorithms: SSHAlgorithms = SSHAlgorithms(),
        timeouts: SSHTimeouts = SSHTimeouts(),
        keepalive: SSHKeepalive = SSHKeepalive(),
        logger: Logger = Logger(label: "SwiftSSH"),
        _ body: (SSHClient) async throws -> Result
    ) async throws -> Result {
        let client = try await connect(host: host, port: port, user: user, authentication: authentication,
                                       hostKeyValidator: hostKeyValidator, algorithms: algorithms, timeouts: timeouts,
                                       keepalive: keepalive, logger: logger)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Opens a `direct-tcpip` channel to `host`:`port` as the server sees them (RFC 4254 §7.2). The
    /// originator is what the server logs as the connection's source.
    public func openDirectTCPIP(host: String, port: Int, originatorAddress: String = "127.0.0.1",
                                originatorPort: Int = 0) async throws -> SSHChannel {
        try await SSHChannel.open(on: self, host: host, port: port, originatorAddress: originatorAddress, originatorPort: originatorPort)
    }

    /// Sends DISCONNECT and closes the connection; open channels end.
    public func close() async {
        let handler = self.handler
        try? await channel.eventLoop.submit { handler.value.disconnect() }.get()
        try? await closedFuture.get()
        // Our end of the bridge closed with the connection; the bridge passes that on and ends.
        await jumpBridge?.finish(within: .seconds(5))
    }

    /// Waits until the connection ends and returns why: nil when we closed it, the error otherwise.
    public func waitUntilClosed() async -> SSHError? {
        try? await closedFuture.get()
        return await closeReason()
    }

    /// Why the connection ended, or nil while it is open (or when we closed it).
    public func closeReason() async -> SSHError? {
        let handler = self.handler
        return try? await channel.eventLoop.submit { handler.value.closeError }.get()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    // MARK: - Package API for tests and the forwarder

    /// Connects and returns as soon as the server accepts `ssh-userauth` (transport-level tests).
    package static func connectTransport(
        host: String, port: Int, transport: ClientTransportConfiguration = .init(), hostKeyValidator: HostKeyValidator,
        timeouts: SSHTimeouts = SSHTimeouts(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SSHClient {
        var configuration = ClientConnectionConfiguration(authentication: UserAuthConfiguration(user: "nobody", credentials: []))
        configuration.transport = transport
        configuration.startsAuthentication = false
        let settings = ConnectionHandler.Settings(host: host, port: port, readiness: .serviceAccepted, hostKeyValidator: hostKeyValidator,
                                                  keyboardInteractive: nil, timeouts: timeouts, keepalive: SSHKeepalive(),
                                                  logger: Logger(label: "SwiftSSH.transport"))
        return try await establish(configuration: configuration, settings: settings, randomSource: SystemRandomSource(), group: group)
    }

    /// Connects with a fully specified core configuration (tests that need transport settings).
    package static func connect(
        host: String, port: Int, configuration: ClientConnectionConfiguration, hostKeyValidator: HostKeyValidator,
        keyboardInteractive: (@Sendable (SSHKeyboardInteractiveChallenge) async throws -> [String])? = nil,
        timeouts: SSHTimeouts = SSHTimeouts(), keepalive: SSHKeepalive = SSHKeepalive(), via jumpHost: SSHClient? = nil,
        logger: Logger = Logger(label: "SwiftSSH"), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SSHClient {
        let settings = ConnectionHandler.Settings(host: host, port: port, readiness: .authenticated, hostKeyValidator: hostKeyValidator,
                                                  keyboardInteractive: keyboardInteractive, timeouts: timeouts, keepalive: keepalive,
                                                  logger: logger)
        return try await establish(configuration: configuration, settings: settings, randomSource: SystemRandomSource(), group: group,
                                   via: jumpHost)
    }

    /// Sends `count` bytes of SSH_MSG_IGNORE data in packets of at most `packetSize` bytes, one event-loop
    /// task per packet so the server's messages are read in between, and pausing while a key exchange
    /// runs (a paced sender, as a test needs to see one rekey per rekey limit).
    package func sendIgnore(totalBytes count: Int, packetSize: Int = 16 * 1024) async throws {
        let handler = self.handler
        var remaining = count
        while remaining > 0 {
            let size = min(packetSize, remaining)
            remaining -= size
            var rekeying = try await channel.eventLoop.submit { handler.value.sendIgnore(size: size) }.get()
            let deadline = ContinuousClock.now + .seconds(10)
            while rekeying && ContinuousClock.now < deadline && channel.isActive {
                try await Task.sleep(for: .milliseconds(1))
                rekeying = try await channel.eventLoop.submit { handler.value.isKeyExchangeInProgress }.get()
            }
        }
    }

    /// Starts a client-initiated rekey.
    package func initiateRekey() async throws {
        let handler = self.handler
        try await channel.eventLoop.submit { handler.value.initiateRekey() }.get()
    }

    /// Channels open (or opening) on this connection (leak checks in tests).
    package func openChannelCount() async throws -> Int {
        let handler = self.handler
        return try await channel.eventLoop.submit { handler.value.openChannelCount }.get()
    }

    /// Completed key exchanges, the first included.
    package func completedKeyExchanges() async throws -> Int {
        let handler = self.handler
        return try await channel.eventLoop.submit { handler.value.completedKeyExchanges }.get()
    }

    // MARK: - Setup

    package static func makeConfiguration(user: String, authentication: [SSHAuthenticationMethod], algorithms: SSHAlgorithms,
                                          flowControl: SSHFlowControl) throws -> ClientConnectionConfiguration {
        let credentials: [UserAuthCredential] = authentication.map { method in
            switch method.kind {
            case let .signingKey(key, label): return .publicKey(key, label: label)
            case let .password(password): return .password(SecureBytes(Array(password.utf8)))
            case .keyboardInteractive: return .keyboardInteractive
            }
        }
        var configuration = ClientConnectionConfiguration(authentication: UserAuthConfiguration(user: user, credentials: credentials))
        configuration.transport.algorithms = algorithms.preferences
        do {
            try configuration.transport.algorithms.validate()
        } catch {
            throw SSHError(code: .invalidConfiguration, message: error.description)
        }
        configuration.flow.initialWindowSize = flowControl.windowSize
        configuration.flow.maximumPacketSize = flowControl.maximumPacketSize
        return configuration
    }

    private static func establish(configuration: ClientConnectionConfiguration, settings: ConnectionHandler.Settings,
                                  randomSource: any RandomSource, group: any EventLoopGroup,
                                  via jumpHost: SSHClient? = nil) async throws -> SSHClient {
        guard let jumpHost else {
            return try await establish(configuration: configuration, settings: settings, randomSource: randomSource,
                                       group: group, transport: .tcp)
        }
        // A jump host (OpenSSH's ProxyJump): the stream to the next hop is a direct-tcpip channel of the
        // jump client, bridged in-process. Host-key checking still uses the real host name and port.
        let bridge = try await JumpHostBridge.open(through: jumpHost, host: settings.host, port: settings.port,
                                                   group: group, logger: settings.logger)
        do {
            return try await establish(configuration: configuration, settings: settings, randomSource: randomSource,
                                       group: group, transport: .jumpHost(bridge))
        } catch {
            await bridge.shutdown()
            throw error
        }
    }

    /// What carries the connection's bytes.
    private enum Transport {
        /// A TCP connection to the settings' host and port.
        case tcp
        /// A jump host's channel, through the bridge's socket end.
        case jumpHost(JumpHostBridge)
    }

    private static func establish(configuration: ClientConnectionConfiguration, settings: ConnectionHandler.Settings,
                                  randomSource: any RandomSource, group: any EventLoopGroup,
                                  transport: Transport) async throws -> SSHClient {
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: ConnectionHandler.Ready.self)
        let closed = eventLoop.makePromise(of: Void.self)
        let handlerPromise = eventLoop.makePromise(of: NIOLoopBound<ConnectionHandler>.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.timeouts.connect.timeAmount)
            // Reads of up to 256 KiB: a full window of packets arrives in a few syscalls.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 * 1024, maximum: 256 * 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ConnectionHandler(configuration: configuration, randomSource: randomSource,
                                                    settings: settings, ready: ready, closed: closed)
                    // Stop reading from the server while our own output cannot drain: every server
                    // message may cost a reply (REQUEST_FAILURE, CHANNEL_FAILURE, UNIMPLEMENTED), and a
                    // server that floods requests without reading would otherwise grow our buffers.
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    try channel.pipeline.syncOperations.addHandler(handler)
                    handlerPromise.succeed(NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
        let channel: any Channel
        var bridge: JumpHostBridge?
        do {
            switch transport {
            case .tcp:
                // TCP_NODELAY: a TCP option (NIO's `.socketOption(.tcp_nodelay)` would set SO_DEBUG); not
                // for the jump bridge's AF_UNIX socket, which has no TCP options.
                channel = try await bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: settings.host, port: settings.port).get()
            case let .jumpHost(jumpBridge):
                bridge = jumpBridge
                channel = try await bootstrap.withConnectedSocket(jumpBridge.connectionDescriptor).get()
            }
        } catch {
            closed.succeed()
            ready.fail(error)
            handlerPromise.fail(error)
            throw SSHError(connectFailure: error, host: settings.host, port: settings.port, timeout: settings.timeouts.connect)
        }
        do {
            let result = try await withTaskCancellationHandler {
                try await ready.futureResult.get()
            } onCancel: {
                channel.close(promise: nil)
            }
            let handler = try await handlerPromise.futureResult.get()
            return SSHClient(channel: channel, handler: handler, ready: result, closed: closed.futureResult, jumpBridge: bridge)
        } catch let error as SSHError {
            try? await channel.close()
            throw error
        } catch {
            try? await channel.close()
            if error is CancellationError { throw error }
            throw SSHError(code: .connectionClosed, message: "connecting to \(settings.host) port \(settings.port) failed: \(error)")
        }
    }
}

extension SSHError {
    /// Maps a TCP connect failure to a name-resolution, connect or timeout error.
    init(connectFailure error: any Error, host: String, port: Int, timeout: Duration) {
        if let connectionError = error as? NIOConnectionError {
            if connectionError.connectionErrors.isEmpty {
                self.init(code: .nameResolutionFailed, message: "could not resolve host name \(host)")
                return
            }
            let reasons = connectionError.connectionErrors.map { "\($0.target): \($0.error)" }.joined(separator: "; ")
            self.init(code: .connectionFailed, message: "could not connect to \(host) port \(port): \(reasons)")
            return
        }
        if case ChannelError.connectTimeout = error {
            self.init(code: .timeout, message: "connecting to \(host) port \(port) timed out after \(timeout)")
            return
        }
        self.init(code: .connectionFailed, message: "could not connect to \(host) port \(port): \(error)")
    }
}
