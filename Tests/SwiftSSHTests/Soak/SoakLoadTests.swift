import Foundation
import SSHDHarness
import Testing
@testable import SwiftSSH

extension SoakTests {
    @Test("Load: K concurrent forwarded connections of 256 KiB each, checked end to end; fds and RSS bounded, fds back to baseline")
    func load() async throws {
        let (server, identity) = try await Self.startServer()
        defer { server.stop() }
        guard !server.isExternal else { return }
        let connections = SoakSettings.pick(short: 500, long: 1000)  // over NIO's default backlog of 256 (a regression test)
        let echo = try LoopbackEchoServer(maximumConnections: connections + 16)
        defer { echo.stop() }
        let client = try await connectAuthenticated(server, identity: identity)
        let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        try await Self.warmUp(port: forwarder.localPort)
        #expect(await eventually { forwarder.statistics.activeConnections == 0 && echo.activeConnectionCount == 0 })
        let baselineFDs = openFileDescriptorCount()
        let baselineRSS = residentMemoryBytes()
        // Bounds (Docs/Testing.md, "Soak and fault tests"): three descriptors per connection (the
        // test's socket, the forwarder's accepted socket, the echo server's socket; all channels share
        // one SSH socket) plus 64 for NIO and the harness; memory 1.5 MiB per connection (test
        // buffers and thread stacks, forwarder buffers under 256 KiB each way, echo thread) plus 128 MiB.
        let fdBound = baselineFDs + 3 * connections + 64
        let rssBound = baselineRSS + connections * 3 * (1 << 19) + (128 << 20)
        let pattern = CheckedStreamPattern(blockSize: 64 * 1024)
        let blocks = 4  // 256 KiB per connection
        let sampler = ResourceSampler()
        var rounds = 0
        var totalBytes = 0
        try await SoakSettings.repeatRounds { round in
            let barrier = ArrivalBarrier(count: connections)
            let started = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: CheckedStreamResult.self) { group in
                for index in 0..<connections {
                    group.addTask {
                        try await runCheckedStream(port: forwarder.localPort, pattern: pattern, stream: round * connections + index,
                                                   blocks: blocks, timeout: .seconds(120)) {
                            barrier.arriveAndWait(timeout: .seconds(60))  // every connection open at once
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let took = ContinuousClock.now - started
            let broken = results.filter { !$0.isIntact }.count
            let bytes = results.reduce(0) { $0 + $1.receivedBytes }
            let firstBroken = results.first { !$0.isIntact }.map {
                "sent \($0.sentBytes), received \($0.receivedBytes), EOF \($0.sawEOF), ended \($0.ended), mismatched \($0.mismatchedBlocks), error \($0.sendError ?? "none")"
            } ?? ""
            #expect(broken == 0, "round \(round): \(broken) of \(connections) connections lost or changed bytes; first: \(firstBroken); forwarder: \(forwarder.statistics); echo rejected \(echo.rejectedConnectionCount)")
            #expect(bytes == connections * blocks * pattern.blockSize)
            totalBytes += bytes
            rounds += 1
            let peaks = sampler.peaks
            #expect(peaks.fileDescriptors <= fdBound, "peak fds \(peaks.fileDescriptors) > bound \(fdBound)")
            #expect(peaks.residentBytes <= rssBound, "peak RSS \(mebibytes(peaks.residentBytes)) > bound \(mebibytes(rssBound))")
            #expect(await eventually(timeout: .seconds(20)) { forwarder.statistics.activeConnections == 0 })
            // +1: the sampler thread may be reading /proc/self at that moment.
            let settled = await eventually(timeout: .seconds(10)) { openFileDescriptorCount() <= baselineFDs + 1 }
            #expect(settled, "fds \(openFileDescriptorCount()) did not return to baseline \(baselineFDs)")
            printSoakFigures("load", ["round": "\(round)", "connections": "\(connections)", "bytes": "\(bytes)",
                                      "seconds": String(format: "%.1f", Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18),
                                      "peakRSS": mebibytes(peaks.residentBytes), "baselineRSS": mebibytes(baselineRSS),
                                      "rssBound": mebibytes(rssBound), "peakFDs": "\(peaks.fileDescriptors)",
                                      "baselineFDs": "\(baselineFDs)", "fdBound": "\(fdBound)", "fdsAfter": "\(openFileDescriptorCount())"])
        }
        let peaks = sampler.stop()
        #expect(forwarder.statistics.totalConnections == 4 + rounds * connections)
        #expect(try await client.openChannelCount() == 0)
        #expect(await client.closeReason() == nil)
        await forwarder.stop()
        await client.close()
        printSoakFigures("load total", ["rounds": "\(rounds)", "connections": "\(rounds * connections)", "bytes": "\(totalBytes)",
                                        "peakRSS": mebibytes(peaks.residentBytes), "peakFDs": "\(peaks.fileDescriptors)"])
    }
}
