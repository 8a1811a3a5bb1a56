import HostileServer
import NIOCore
import NIOPosix
import Synchronization

/// Serves a `HostileServer` script on 127.0.0.2 over real TCP: each accepted connection runs its own
/// copy of the script. The server counts live connections so a test can check that the client
/// released its socket (the server's side of it closed) in time.
final class HostileLoopbackServer: Sendable {
    private let channel: any Channel
    let port: Int
    /// 127.0.0.2, not 127.0.0.1: the sshd harness reserves 127.0.0.1 ports by binding and releasing
    /// them, and a hostile server that grabbed such a port would answer the harness's clients.
    static let host = "127.0.0.2"

    /// Binds an ephemeral loopback port; `receiveBufferSize` shrinks each connection's SO_RCVBUF so
    /// a script that stops reading pushes back on the client after a few KiB.
    static func start(_ script: [HostileStep], offer: HostileOffer = HostileOffer(),
                      receiveBufferSize: Int? = nil) async throws -> HostileLoopbackServer {
        let counters = Counters()
        let host = Self.host
        // A thread of its own: a flooding script runs long on its event loop and must not stall the
        // client's loop (or other tests' connections) on the shared singleton group.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize ?? 128 * 1024))
            .childChannelInitializer { child in
                counters.opened()
                child.closeFuture.whenComplete { _ in counters.closed() }
                return child.eventLoop.makeCompletedFuture {
                    var server = try HostileServer(script: script)
                    server.offer = offer
                    try child.pipeline.syncOperations.addHandler(HostileServerHandler(server: server))
                }
            }
            .bind(host: host, port: 0).get()
        return HostileLoopbackServer(channel: channel, group: group, counters: counters)
    }

    private let counters: Counters
    private let group: MultiThreadedEventLoopGroup

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, counters: Counters) {
        self.channel = channel
        self.group = group
        self.counters = counters
        port = channel.localAddress?.port ?? 0
    }

    /// Connections whose server side is still open.
    var liveConnections: Int { counters.live }
    /// Connections accepted so far.
    var acceptedConnections: Int { counters.accepted }

    /// Waits up to `timeout` until no connection is open; true when that happened.
    func waitUntilAllClosed(timeout: Duration = .seconds(5)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if counters.live == 0 { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return counters.live == 0
    }

    /// Closes the listener and any connection still open, and stops the server's thread.
    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// Thread-safe counters.
    final class Counters: Sendable {
        private let state = Mutex((live: 0, accepted: 0))
        func opened() { state.withLock { $0.live += 1; $0.accepted += 1 } }
        func closed() { state.withLock { $0.live -= 1 } }
        var live: Int { state.withLock { $0.live } }
        var accepted: Int { state.withLock { $0.accepted } }
    }
}

/// Moves bytes between one TCP connection and one `HostileServer`.
private final class HostileServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var server: HostileServer

    init(server: HostileServer) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        server.pump()
        flush(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        server.receive(Array(bytes.readableBytesView))
        flush(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func flush(_ context: ChannelHandlerContext) {
        let bytes = server.takeOutbound()
        if !bytes.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
        if server.wantsReadingStopped {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
        if server.isClosed || server.failure != nil {
            context.close(promise: nil)
        }
    }
}
