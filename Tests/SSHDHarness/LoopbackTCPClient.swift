import Foundation
import Glibc

/// A blocking TCP (or socket-pair) client for tests, every operation bounded by a timeout.
public final class LoopbackTCPClient: @unchecked Sendable {
    /// The socket (close-on-exec). Closed by `close()` or `deinit`.
    public let fileDescriptor: Int32
    private let ownsDescriptor: Bool
    private let lock = NSLock()
    private var closed = false  // guarded by `lock`

    /// Connects to 127.0.0.1:`port`, retrying every 50 ms while refused, for at most `timeout`
    /// (useful while `ssh -L` is still setting up its listener).
    public init(connectingTo port: Int, timeout: Duration = .seconds(10)) throws {
        let deadline = ContinuousClock.now + timeout
        var lastError: Int32 = ETIMEDOUT
        while true {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw SSHDHarnessError.systemCall(operation: "socket", errno: errno) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if result == 0 {
                self.fileDescriptor = fd
                self.ownsDescriptor = true
                return
            }
            lastError = errno
            Glibc.close(fd)
            guard ContinuousClock.now < deadline else {
                throw SSHDHarnessError.systemCall(operation: "connect 127.0.0.1:\(port)", errno: lastError)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Wraps an existing descriptor (e.g. `SSHDInetdSession.fileDescriptor`); closes it only if `owning`.
    public init(adopting fileDescriptor: Int32, owning: Bool) {
        self.fileDescriptor = fileDescriptor
        self.ownsDescriptor = owning
    }

    deinit { close() }

    /// Sends all of `bytes` (MSG_NOSIGNAL), waiting at most `timeout` for buffer space.
    public func send(_ bytes: [UInt8], timeout: Duration = .seconds(10)) throws {
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            guard ContinuousClock.now < deadline else { throw SSHDHarnessError.systemCall(operation: "send", errno: ETIMEDOUT) }
            guard wait(for: Int16(POLLOUT), until: deadline) else { continue }
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.send(fileDescriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SSHDHarnessError.systemCall(operation: "send", errno: errno)
            }
            offset += written
        }
    }

    /// Half-closes: shuts down the write side so the peer reads EOF.
    public func shutdownWrite() { _ = shutdown(fileDescriptor, Int32(SHUT_WR)) }

    /// Reads until the peer's EOF, an error, `limit` bytes, or `timeout`. `sawEOF` tells which.
    public func receiveUntilEOF(limit: Int = 64 << 20, timeout: Duration = .seconds(10)) -> (bytes: [UInt8], sawEOF: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while received.count < limit, ContinuousClock.now < deadline {
            guard wait(for: Int16(POLLIN), until: deadline) else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fileDescriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return (received, true) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return (received, true)
            }
            received += buffer[0..<count]
        }
        return (received, false)
    }

    /// Reads byte by byte until `\n` (included), EOF or `timeout`; nil if no complete line arrived.
    public func receiveLine(maximumLength: Int = 8192, timeout: Duration = .seconds(10)) -> String? {
        let deadline = ContinuousClock.now + timeout
        var line: [UInt8] = []
        while line.count < maximumLength, ContinuousClock.now < deadline {
            guard wait(for: Int16(POLLIN), until: deadline) else { continue }
            var byte: UInt8 = 0
            let count = recv(fileDescriptor, &byte, 1, Int32(MSG_DONTWAIT))
            if count == 0 { return nil }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return nil
            }
            line.append(byte)
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
        }
        return nil
    }

    /// Closes the descriptor if this client owns it. Idempotent.
    public func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            if ownsDescriptor { Glibc.close(fileDescriptor) }
        }
    }

    /// Polls for `events` for at most 100 ms (and never past `deadline`).
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        var descriptor = pollfd(fd: fileDescriptor, events: events, revents: 0)
        let remaining = deadline - ContinuousClock.now
        let milliseconds = max(0, min(100, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)))
        return poll(&descriptor, 1, milliseconds) > 0
    }
}

/// Loopback port helpers for tests.
public enum LoopbackPorts {
    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    /// Another process can take it before you bind it; retry if that matters.
    public static func pickFree() throws -> Int { try LoopbackSockets.pickFreePort() }
}
