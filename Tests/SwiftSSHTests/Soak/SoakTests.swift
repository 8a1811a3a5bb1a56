import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

/// Issue 8 point 3: soak and fault tests against a real sshd. Short form in CI; `Scripts/soak`
/// runs the long form (`SWIFTSSH_SOAK=long`, optionally `SWIFTSSH_SOAK_HOURS`). Serialized: each
/// test measures this process's file descriptors and memory, which a neighbour would disturb.
@Suite("Soak and faults", .serialized, .tags(.interop))
struct SoakTests {
    /// Starts sshd (on its own thread: it blocks until sshd listens) authorizing a fresh key, with
    /// `configure` applied to its configuration.
    static func startServer(_ configure: (inout SSHDConfiguration) -> Void = { _ in }) async throws -> (SSHDServer, TestIdentity) {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        sshd.logLevel = "INFO"  // DEBUG3 would log every packet of a soak run
        configure(&sshd)
        let configuration = sshd
        return (try await onThread { try SSHDServer.start(configuration) }, identity)
    }

    /// Lets NIO's event loops and the cooperative pool create their threads and descriptors, so a
    /// baseline taken afterwards is not undercut by lazily created ones.
    static func warmUp(port: Int) async throws {
        let payload = randomBytes(4096)
        for _ in 0..<4 { _ = try await roundTripThrough(port: port, payload: payload, timeout: .seconds(10)) }
    }

    @Test("Rekeys: bytes through a LocalForwarder with sshd at RekeyLimit 1M, every byte checked, rekeys counted")
    func rekeys() async throws {
        let (server, identity) = try await Self.startServer { $0.rekeyLimit = "1M" }
        defer { server.stop() }
        guard !server.isExternal else { return }
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let sizeMiB = SoakSettings.pick(short: 256, long: 2048)
        var transport = ClientTransportConfiguration()
        transport.rekeyDataLimit = 1 << 40  // count sshd's rekeys only
        let client = try await connectAuthenticated(server, identity: identity, transport: transport)
        let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        let pattern = CheckedStreamPattern(blockSize: 1 << 20)
        // Memory must not follow the stream: 512 MiB over the baseline (glibc keeps freed 1 MiB
        // blocks in its heap once its mmap threshold has grown, hence the room; Docs/Testing.md).
        let rssBound = residentMemoryBytes() + (512 << 20)
        let sampler = ResourceSampler(interval: .milliseconds(200))
        var totalBytes = 0
        var rounds = 0
        try await SoakSettings.repeatRounds { round in
            let before = try await client.completedKeyExchanges()
            let result = try await runCheckedStream(port: forwarder.localPort, pattern: pattern, stream: round, blocks: sizeMiB,
                                                    timeout: .seconds(SoakSettings.pick(short: 150, long: 1800)))
            let rekeys = try await client.completedKeyExchanges() - before
            #expect(result.isIntact, "round \(round): sent \(result.sentBytes), received \(result.receivedBytes), mismatched blocks \(result.mismatchedBlocks), EOF \(result.sawEOF), error \(result.sendError ?? "none")")
            #expect(result.receivedBytes == sizeMiB << 20)
            // sshd rekeys after 1 MiB in either direction; the echo makes both directions carry the
            // stream. Slack: data queued during a key exchange is counted late (10%), plus 4.
            let expected = sizeMiB - sizeMiB / 10 - 4
            #expect(rekeys > expected, "round \(round): only \(rekeys) rekeys for \(sizeMiB) MiB (expected more than \(expected))")
            totalBytes += result.receivedBytes
            rounds += 1
            let peaks = sampler.peaks
            #expect(peaks.residentBytes <= rssBound, "round \(round): peak RSS \(mebibytes(peaks.residentBytes)) > bound \(mebibytes(rssBound))")
            printSoakFigures("rekeys", ["round": "\(round)", "bytes": "\(result.receivedBytes)", "rekeys": "\(rekeys)",
                                        "MBps": String(format: "%.0f", result.bytesPerSecond / 1e6),
                                        "peakRSS": mebibytes(peaks.residentBytes), "peakFDs": "\(peaks.fileDescriptors)"])
        }
        let peaks = sampler.stop()
        #expect(await client.closeReason() == nil)
        let allRekeys = try await client.completedKeyExchanges() - 1
        await forwarder.stop()
        await client.close()
        printSoakFigures("rekeys total", ["rounds": "\(rounds)", "bytes": "\(totalBytes)", "rekeys": "\(allRekeys)",
                                          "peakRSS": mebibytes(peaks.residentBytes), "peakFDs": "\(peaks.fileDescriptors)"])
    }
}
