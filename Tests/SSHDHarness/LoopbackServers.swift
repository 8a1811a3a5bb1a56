import Foundation

/// A threaded TCP echo server on 127.0.0.1 (kernel-chosen port): every byte received is written
/// back; after the client's EOF (half-close) the server shuts down its write side. Bounded: at most
/// `maximumConnections` concurrent connections (more are closed on accept). Stops on `deinit`.
public final class LoopbackEchoServer: Sendable {
    private let engine: LoopbackTCPServer

    /// The listening port on 127.0.0.1.
    public var port: Int { engine.port }

    /// Starts listening; throws if the socket cannot be bound.
    public init(maximumConnections: Int = 2000) throws {
        engine = try LoopbackTCPServer(mode: .echo, maximumConnections: maximumConnections)
    }

    /// Connections currently being served.
    public var activeConnectionCount: Int { engine.state.withLock { $0.activeConnections } }
    /// Connections accepted and served since start.
    public var acceptedConnectionCount: Int { engine.state.withLock { $0.acceptedConnections } }
    /// Connections closed on accept because `maximumConnections` were active.
    public var rejectedConnectionCount: Int { engine.state.withLock { $0.rejectedConnections } }

    /// Closes the listener and every connection and joins all threads, waiting at most `timeout`.
    /// Returns false if a thread was still running at the deadline. Idempotent.
    @discardableResult
    public func stop(timeout: Duration = .seconds(5)) -> Bool { engine.stop(timeout: timeout) }

    deinit { engine.stop() }
}

/// A threaded TCP server on 127.0.0.1 that reads and discards everything, counting the bytes;
/// after the client's EOF it shuts down its write side. Same bounds and lifecycle as `LoopbackEchoServer`.
public final class LoopbackSinkServer: Sendable {
    private let engine: LoopbackTCPServer

    /// The listening port on 127.0.0.1.
    public var port: Int { engine.port }

    /// Starts listening; throws if the socket cannot be bound.
    public init(maximumConnections: Int = 2000) throws {
        engine = try LoopbackTCPServer(mode: .sink, maximumConnections: maximumConnections)
    }

    /// Total bytes received (and discarded) over all connections.
    public var receivedByteCount: Int { engine.state.withLock { $0.receivedBytes } }
    /// Connections currently being served.
    public var activeConnectionCount: Int { engine.state.withLock { $0.activeConnections } }
    /// Connections accepted and served since start.
    public var acceptedConnectionCount: Int { engine.state.withLock { $0.acceptedConnections } }
    /// Connections closed on accept because `maximumConnections` were active.
    public var rejectedConnectionCount: Int { engine.state.withLock { $0.rejectedConnections } }

    /// Polls (10 ms) until at least `count` bytes were received or `timeout` passes.
    public func waitForReceivedByteCount(atLeast count: Int, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if receivedByteCount >= count { return true }
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Closes the listener and every connection and joins all threads, waiting at most `timeout`.
    /// Returns false if a thread was still running at the deadline. Idempotent.
    @discardableResult
    public func stop(timeout: Duration = .seconds(5)) -> Bool { engine.stop(timeout: timeout) }

    deinit { engine.stop() }
}
