import Foundation
import SSHDHarness

/// The number of open file descriptors of this process (Linux /proc/self/fd).
func openFileDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Waits (bounded) until `condition` holds; returns whether it did.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return await condition()
}

/// Runs blocking work on its own thread, so it never blocks Swift's cooperative pool (2 threads here).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Connects a plain TCP client to 127.0.0.1:`port`, sends `payload`, half-closes, and reads until EOF.
func roundTripThrough(port: Int, payload: [UInt8], timeout: Duration = .seconds(30)) async throws -> [UInt8] {
    let client = try LoopbackTCPClient(connectingTo: port)
    defer { client.close() }
    async let received = onThread { client.receiveUntilEOF(limit: payload.count + 1024, timeout: timeout).bytes }
    try await onThread {
        try client.send(payload, timeout: timeout)
        client.shutdownWrite()
    }
    return try await received
}
