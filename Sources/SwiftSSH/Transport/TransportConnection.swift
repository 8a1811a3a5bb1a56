import NIOCore
import NIOPosix
import SSHCore
import SSHCrypto

/// An SSH transport over TCP that has completed its first key exchange and had `ssh-userauth`
/// accepted (RFC 4253 §10). The authenticated client builds on it; tests use it directly.
package final class SSHTransportConnection: Sendable {
    /// The algorithms negotiated in the first key exchange.
    package let algorithms: NegotiatedAlgorithms
    /// The server's identification string, cleaned of control characters.
    package let serverVersion: String
    /// The host key the server proved it holds.
    package let hostKey: SSHHostKey
    private let channel: any Channel
    private let handler: NIOLoopBound<TransportHandler>

    private init(channel: any Channel, handler: NIOLoopBound<TransportHandler>, ready: TransportHandler.Ready) {
        self.channel = channel
        self.handler = handler
        self.algorithms = ready.algorithms
        self.serverVersion = ready.serverVersion
        self.hostKey = ready.hostKey
    }

    /// Connects over TCP, runs the version exchange and first key exchange, lets `hostKeyValidator`
    /// decide on the host key, and returns once SERVICE_ACCEPT arrived, or throws.
    package static func connect(
        host: String, port: Int, configuration: ClientTransportConfiguration = .init(),
        hostKeyValidator: HostKeyValidator, randomSource: any RandomSource = SystemRandomSource(),
        connectTimeout: Duration = .seconds(10), handshakeTimeout: Duration = .seconds(30),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SSHTransportConnection {
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: TransportHandler.Ready.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000
                + connectTimeout.components.attoseconds / 1_000_000_000))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = TransportHandler(configuration: configuration, randomSource: randomSource,
                                                   hostKeyValidator: hostKeyValidator, host: host, port: port, ready: ready)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        let timeout = eventLoop.scheduleTask(in: .nanoseconds(Int64(handshakeTimeout.components.seconds) * 1_000_000_000)) {
            ready.fail(SSHTransportTimeout(seconds: Int(handshakeTimeout.components.seconds)))
            channel.close(promise: nil)
        }
        do {
            let result = try await ready.futureResult.get()
            timeout.cancel()
            let handler = try await eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: TransportHandler.self), eventLoop: eventLoop)
            }.get()
            return SSHTransportConnection(channel: channel, handler: handler, ready: result)
        } catch {
            timeout.cancel()
            try? await channel.close()
            throw error
        }
    }

    /// Sends `count` bytes of SSH_MSG_IGNORE data in packets of at most `packetSize` bytes.
    package func sendIgnore(totalBytes count: Int, packetSize: Int = 16 * 1024) async throws {
        let handler = self.handler
        try await channel.eventLoop.submit {
            var remaining = count
            while remaining > 0 {
                let size = min(packetSize, remaining)
                handler.value.sendIgnore(ByteBuffer(repeating: 0x5A, count: size))
                remaining -= size
            }
        }.get()
    }

    /// Starts a client-initiated rekey.
    package func initiateRekey() async throws {
        let handler = self.handler
        try await channel.eventLoop.submit { handler.value.initiateRekey() }.get()
    }

    /// How many key exchanges have completed, the first included.
    package func completedKeyExchanges() async throws -> Int {
        let handler = self.handler
        return try await channel.eventLoop.submit { handler.value.completedKeyExchanges }.get()
    }

    /// Why the transport closed, if it did.
    package func closeReason() async throws -> SSHProtocolError? {
        let handler = self.handler
        return try await channel.eventLoop.submit { handler.value.closeReason }.get()
    }

    /// Sends DISCONNECT and closes the TCP connection.
    package func close() async {
        let handler = self.handler
        try? await channel.eventLoop.submit { handler.value.disconnect() }.get()
        try? await channel.closeFuture.get()
    }
}

/// The handshake did not finish in time.
struct SSHTransportTimeout: Error, CustomStringConvertible {
    let seconds: Int
    var description: String { "the SSH handshake did not complete within \(seconds) seconds" }
}
