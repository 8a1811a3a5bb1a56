import Foundation
import NIOPosix
import SSHDHarness

/// The number of open file descriptors of this process (Linux /proc/self/fd).
func openFileDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Each open descriptor of this process with what it refers to ("socket:[123]", a path, ...), for
/// leak messages.
func openFileDescriptorTargets() -> [String: String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    var targets: [String: String] = [:]
    for name in names {
        targets[name] = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")) ?? "?"
    }
    return targets
}

/// The open descriptor count to compare a leak check against, taken after NIO's shared event loops
/// exist: they open their own descriptors on first use, which must not count as a leak when the test
/// runs alone. Each loop's timerfd appears with its first scheduled task, and libdispatch's timerfd
/// (one per clock behind `Task.sleep`) with the first sleep on that clock.
func fileDescriptorBaseline() async -> Int {
    try? await Task.sleep(for: .milliseconds(1))
    try? await Task.sleep(for: .milliseconds(1), clock: .suspending)
    try? await Task.sleep(nanoseconds: 1_000_000)
    for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
        try? await loop.scheduleTask(in: .milliseconds(1)) {}.futureResult.get()
    }
    return openFileDescriptorCount()
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
