import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Listens on a local address and forwards every accepted TCP connection through an SSH connection
/// to `targetHost`:`targetPort` as the server sees them: `ssh -L` as a type.
///
/// Each accepted connection gets its own `direct-tcpip` channel (RFC 4254 §7.2) with the accepted peer
/// as originator. Bytes flow both ways with backpressure; EOF in one direction is passed on and leaves
/// the other open. Several forwarders can share one `SSHClient`.
public final class LocalForwarder: Sendable {
    /// Live counters.
    public struct Statistics: Sendable, Hashable {
        /// Connections being forwarded now.
        public var activeConnections = 0
        /// Connections accepted since start.
        public var totalConnections = 0
        /// Bytes sent from local clients to the target.
        public var bytesToTarget: UInt64 = 0
        /// Bytes sent from the target back to local clients.
        public var bytesFromTarget: UInt64 = 0
        /// Connections closed because the channel could not be opened.
        public var failedConnections = 0
    }

    private typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// The address the forwarder listens on, with the real port when 0 was asked for.
    public let localAddress: SocketAddress
    /// The target as the SSH server resolves it.
    public let target: (host: String, port: Int)
    /// Events about the SSH connection: connected, disconnected and why, reconnecting. For a forwarder
    /// over a caller-owned client only `disconnected` can appear.
    public let events: AsyncStream<ForwarderEvent>
    private let statisticsState = Mutex(Statistics())
    private let serverChannel: any Channel
    private let runTask: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let gracePeriod = Mutex<Duration>(.seconds(5))
    private let supervisor: ClientSupervisor
    private let ownsClient: Bool
    private let logger: Logger

    /// The local port (useful when 0 was asked for).
    public var localPort: Int { localAddress.port ?? 0 }

    /// A snapshot of the counters.
    public var statistics: Statistics { statisticsState.withLock { $0 } }

    /// Starts forwarding `bindHost`:`bindPort` (default 127.0.0.1, port 0 = any free port) through
    /// `client`, which the caller keeps owning.
    public static func start(client: SSHClient, bindHost: String = "127.0.0.1", bindPort: Int = 0,
                             targetHost: String, targetPort: Int, logger: Logger = Logger(label: "SwiftSSH.forwarder"),
                             eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LocalForwarder {
        let (events, continuation) = AsyncStream<ForwarderEvent>.makeStream()
        let supervisor = ClientSupervisor(fixed: client, logger: logger, events: continuation)
        return try await start(supervisor: supervisor, ownsClient: false, events: events, bindHost: bindHost, bindPort: bindPort,
                               targetHost: targetHost, targetPort: targetPort, logger: logger, group: eventLoopGroup)
    }

    /// Starts forwarding with an SSH connection the forwarder makes with `connect` and owns: when it
    /// dies (keepalive misses, reset, server restart), the listening socket stays open and the
    /// forwarder reconnects by `reconnect`. The first connection must succeed, or this throws.
    public static func start(connect: @escaping @Sendable () async throws -> SSHClient, reconnect: ReconnectPolicy = ReconnectPolicy(),
                             bindHost: String = "127.0.0.1", bindPort: Int = 0, targetHost: String, targetPort: Int,
                             logger: Logger = Logger(label: "SwiftSSH.forwarder"),
                             eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LocalForwarder {
        let first = try await connect()
        let (events, continuation) = AsyncStream<ForwarderEvent>.makeStream()
        let supervisor = ClientSupervisor(connect: connect, initial: first, policy: reconnect, logger: logger, events: continuation)
        do {
            return try await start(supervisor: supervisor, ownsClient: true, events: events, bindHost: bindHost, bindPort: bindPort,
                                   targetHost: targetHost, targetPort: targetPort, logger: logger, group: eventLoopGroup)
        } catch {
            await supervisor.stop(closeClient: true)
            throw error
        }
    }

    /// Starts a forwarder over a supervisor that may be shared by several forwarders (the CLI's `-L`s);
    /// `connectionLimit` closes the listener after that many accepted connections (a jump-host bridge).
    package static func start(supervisor: ClientSupervisor, ownsClient: Bool, events: AsyncStream<ForwarderEvent>,
                              bindHost: String, bindPort: Int, targetHost: String, targetPort: Int, logger: Logger,
                              group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                              connectionLimit: Int? = nil) async throws -> LocalForwarder {
        let server: NIOAsyncChannel<Accepted, Never>
        // Accepted sockets go to the SSH connection's event loop, where `ForwardingBridge` joins them
        // to their channel without a thread hop. The handler is installed before the socket is
        // registered, so nothing it reads (not even data and EOF read at once) is lost.
        let childGroup: any EventLoopGroup = supervisor.activeClient?.channel.eventLoop ?? group
        do {
            server = try await ServerBootstrap(group: group, childGroup: childGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // NIO's default backlog (256) overflows when a pool opens hundreds of connections at
                // once, and the kernel then resets some; the kernel caps this at net.core.somaxconn.
                .serverChannelOption(.backlog, value: Self.listenBacklog)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                // Start small (each idle connection keeps its receive buffer) and grow to 256 KiB reads under load.
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 256 * 1024))
                .bind(host: bindHost, port: bindPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let client = supervisor.activeClient, client.channel.eventLoop === channel.eventLoop {
                            let bridge = ForwardingBridge()
                            try channel.pipeline.syncOperations.addHandler(bridge)
                            return .bridged(channel, NIOLoopBound(bridge, eventLoop: channel.eventLoop), client)
                        }
                        return .tasks(try Connection(wrappingChannelSynchronously: channel,
                                                     configuration: .init(isOutboundHalfClosureEnabled: true)))
                    }
                }
        } catch {
            throw SSHError(code: .invalidConfiguration, message: "cannot listen on \(bindHost) port \(bindPort): \(error)")
        }
        guard let address = server.channel.localAddress else {
            throw SSHError(code: .invalidConfiguration, message: "the listening socket on \(bindHost) has no address")
        }
        let forwarder = LocalForwarder(address: address, target: (targetHost, targetPort), events: events,
                                       serverChannel: server.channel, supervisor: supervisor, ownsClient: ownsClient, logger: logger,
                                       connectionLimit: connectionLimit)
        let task = Task { await forwarder.run(server) }
        forwarder.runTask.withLock { $0 = task }
        logger.info("forwarding", metadata: ["listen": "\(address)", "target": "\(targetHost):\(targetPort)"])
        return forwarder
    }

    private let connectionLimit: Int?

    private init(address: SocketAddress, target: (host: String, port: Int), events: AsyncStream<ForwarderEvent>,
                 serverChannel: any Channel, supervisor: ClientSupervisor, ownsClient: Bool, logger: Logger, connectionLimit: Int?) {
        self.connectionLimit = connectionLimit
        localAddress = address
        self.target = target
        self.events = events
        self.serverChannel = serverChannel
        self.supervisor = supervisor
        self.ownsClient = ownsClient
        self.logger = logger
    }

    /// Stops accepting, lets open connections finish for up to `gracePeriod`, then closes them; closes
    /// the SSH connection if the forwarder made it.
    public func stop(gracePeriod: Duration = .seconds(5)) async {
        self.gracePeriod.withLock { $0 = gracePeriod }
        try? await serverChannel.close()
        let task = runTask.withLock { $0 }
        await task?.value
        await supervisor.stop(closeClient: ownsClient)
    }

    // MARK: - Accept loop

    /// The listen backlog asked for (Linux caps it at net.core.somaxconn, 4096 by default).
    static let listenBacklog: Int32 = 4096

    /// An accepted connection: joined on the SSH connection's event loop, or copied by tasks.
    enum Accepted: Sendable {
        case bridged(any Channel, NIOLoopBound<ForwardingBridge>, SSHClient)
        case tasks(NIOAsyncChannel<ByteBuffer, ByteBuffer>)
    }

    private func run(_ server: NIOAsyncChannel<Accepted, Never>) async {
        await withTaskGroup(of: Void.self) { group in
            do {
                try await server.executeThenClose { inbound in
                    var accepted = 0
                    for try await connection in inbound {
                        group.addTask { await self.forward(connection) }
                        accepted += 1
                        if let limit = connectionLimit, accepted >= limit {
                            try? await serverChannel.close()
                        }
                    }
                }
            } catch {
                logger.debug("listener ended", metadata: ["reason": "\(error)"])
            }
            // Stopped accepting: give open connections the grace period, then cancel them.
            let grace = gracePeriod.withLock { $0 }
            let drained = await withTaskGroup(of: Bool.self) { timer in
                timer.addTask {
                    try? await Task.sleep(for: grace)
                    return false
                }
                timer.addTask {
                    while self.statistics.activeConnections > 0 && !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return true
                }
                let first = await timer.next() ?? false
                timer.cancelAll()
                return first
            }
            if !drained { group.cancelAll() }
            await group.waitForAll()
        }
    }

    private func forward(_ accepted: Accepted) async {
        statisticsState.withLock {
            $0.activeConnections += 1
            $0.totalConnections += 1
        }
        defer { statisticsState.withLock { $0.activeConnections -= 1 } }
        switch accepted {
        case let .bridged(local, bridge, client): await forwardOnLoop(local, bridge: bridge, client: client)
        case let .tasks(connection): await forwardWithTasks(connection)
        }
    }

    /// The fast path: socket and SSH connection share an event loop, and `ForwardingBridge` moves the
    /// bytes there. Returns when the local connection has closed.
    private func forwardOnLoop(_ local: any Channel, bridge: NIOLoopBound<ForwardingBridge>, client: SSHClient) async {
        let handler = client.handler
        let counters = ForwardingBridge.Counters(
            toTarget: { count in self.statisticsState.withLock { $0.bytesToTarget += UInt64(count) } },
            fromTarget: { count in self.statisticsState.withLock { $0.bytesFromTarget += UInt64(count) } })
        let (host, port) = target
        let peer = local.remoteAddress
        let opened = local.eventLoop.flatSubmit { () -> EventLoopFuture<UInt32> in
            bridge.value.attach(to: handler.value, counters: counters)
            return handler.value.openDirectTCPIP(host: host, port: port, originatorAddress: peer?.ipAddress ?? "127.0.0.1",
                                                 originatorPort: peer?.port ?? 0, inbound: ChannelInbound { _ in },
                                                 bridge: bridge.value)
        }
        do {
            _ = try await opened.get()
        } catch {
            statisticsState.withLock { $0.failedConnections += 1 }
            logger.warning("channel open failed; closing the local connection", metadata: ["reason": "\(error)"])
            try? await local.close()
            return
        }
        await withTaskCancellationHandler {
            try? await local.closeFuture.get()
        } onCancel: {
            local.close(promise: nil)
        }
    }

    /// The general path, for a socket accepted while the SSH connection was down or on another event
    /// loop: two tasks copy through `SSHChannel`.
    private func forwardWithTasks(_ connection: Connection) async {
        let peer = connection.channel.remoteAddress
        do {
            try await connection.executeThenClose { inbound, outbound in
                guard let client = await supervisor.currentClient() else {
                    statisticsState.withLock { $0.failedConnections += 1 }
                    logger.warning("closing a local connection: no SSH connection came up in time", metadata: ["peer": "\(peer.map { "\($0)" } ?? "?")"])
                    return
                }
                let channel: SSHChannel
                do {
                    channel = try await client.openDirectTCPIP(host: target.host, port: target.port,
                                                               originatorAddress: peer?.ipAddress ?? "127.0.0.1",
                                                               originatorPort: peer?.port ?? 0)
                } catch {
                    statisticsState.withLock { $0.failedConnections += 1 }
                    logger.warning("channel open failed; closing the local connection", metadata: ["reason": "\(error)"])
                    return
                }
                try await pump(inbound: inbound, outbound: outbound, channel: channel)
            }
        } catch {
            logger.debug("forwarded connection ended", metadata: ["reason": "\(error)"])
        }
    }

    /// Copies both ways until both directions ended; EOF from either side is passed on as a half-close.
    private func pump(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                      channel: SSHChannel) async throws {
        do {
            try await copyBothWays(inbound: inbound, outbound: outbound, channel: channel)
        } catch {
            await channel.close()
            throw error
        }
        await channel.close()
    }

    private func copyBothWays(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                              channel: SSHChannel) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await buffer in inbound {
                    try await channel.write(buffer)
                    self.statisticsState.withLock { $0.bytesToTarget += UInt64(buffer.readableBytes) }
                }
                try await channel.finish()
            }
            group.addTask {
                for try await buffer in channel {
                    try await outbound.write(buffer)
                    self.statisticsState.withLock { $0.bytesFromTarget += UInt64(buffer.readableBytes) }
                }
                outbound.finish()
            }
            // Not waitForAll(): it waits for every child before rethrowing, and the other direction may
            // be blocked reading a local client that never sends again.
            do {
                while try await group.next() != nil {}
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
