import Foundation
import Glibc
import Synchronization

/// The engine behind `LoopbackEchoServer` and `LoopbackSinkServer`: one accept thread plus one
/// thread per connection, all polling with a 100 ms timeout so `stop()` is noticed promptly.
final class LoopbackTCPServer: Sendable {
    /// What a connection thread does with received bytes.
    enum Mode: Sendable {
        /// Write every byte back; after the peer's EOF, shut down the write side.
        case echo
        /// Count and discard; after the peer's EOF, shut down the write side.
        case sink
    }

    /// Counters and flags shared by all threads.
    struct State: Sendable {
        var stopping = false
        var liveThreads = 0
        var activeConnections = 0
        var acceptedConnections = 0
        var rejectedConnections = 0
        var receivedBytes = 0
    }

    let port: Int
    let state = Mutex(State())
    private let listenFD: Int32
    private let mode: Mode
    private let maximumConnections: Int
    private static let pollMilliseconds: Int32 = 100
    private static let bufferSize = 64 * 1024

    init(mode: Mode, maximumConnections: Int) throws {
        precondition(maximumConnections > 0, "maximumConnections must be positive")
        let (fd, port) = try LoopbackSockets.bind(port: 0, listen: 512)
        self.listenFD = fd
        self.port = port
        self.mode = mode
        self.maximumConnections = maximumConnections
        state.withLock { $0.liveThreads = 1 }
        startThread(name: "Loopback.accept") { [self] in acceptLoop() }
    }

    /// Sets the stop flag and waits (at most `timeout`) until every thread has exited; the
    /// threads close their own sockets. Returns false if some thread was still running.
    @discardableResult
    func stop(timeout: Duration = .seconds(5)) -> Bool {
        state.withLock { $0.stopping = true }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.liveThreads }) == 0 { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return state.withLock { $0.liveThreads } == 0
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            body()
            self.state.withLock { $0.liveThreads -= 1 }
        }
        thread.name = name
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Accepts until stopped; a connection beyond `maximumConnections` is closed at once.
    private func acceptLoop() {
        defer { close(listenFD) }
        while !isStopping {
            guard waitReadable(listenFD) else { continue }
            let fd = LoopbackSockets.acceptCloseOnExec(listenFD)
            guard fd >= 0 else { continue }
            let admitted = state.withLock { state -> Bool in
                guard state.activeConnections < maximumConnections, !state.stopping else {
                    state.rejectedConnections += 1
                    return false
                }
                state.activeConnections += 1
                state.acceptedConnections += 1
                state.liveThreads += 1
                return true
            }
            guard admitted else {
                close(fd)
                continue
            }
            startThread(name: "Loopback.connection") { [self] in serve(fd) }
        }
    }

    /// Serves one connection until EOF, an error, or stop.
    private func serve(_ fd: Int32) {
        defer {
            close(fd)
            state.withLock { $0.activeConnections -= 1 }
        }
        var buffer = [UInt8](repeating: 0, count: Self.bufferSize)
        while !isStopping {
            guard waitReadable(fd) else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                shutdown(fd, Int32(SHUT_WR))
                return
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            state.withLock { $0.receivedBytes += count }
            if mode == .echo, !writeAll(fd, buffer, count: count) { return }
        }
    }

    /// Writes `count` bytes, polling for writability so a stop is honoured even if the peer stalls.
    private func writeAll(_ fd: Int32, _ buffer: [UInt8], count: Int) -> Bool {
        var offset = 0
        while offset < count, !isStopping {
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&descriptor, 1, Self.pollMilliseconds) > 0 else { continue }
            let written = buffer.withUnsafeBytes { bytes in
                send(fd, bytes.baseAddress.map { $0 + offset }, count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += written
        }
        return offset == count
    }

    /// Polls `fd` for input (or hang-up/error) for at most 100 ms.
    private func waitReadable(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Self.pollMilliseconds) > 0
    }
}
