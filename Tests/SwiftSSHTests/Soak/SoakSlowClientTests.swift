import Foundation
import Glibc
import SSHDHarness
import Testing
@testable import SwiftSSH

/// Local clients that misbehave on a forwarder's port.
enum BrokenClients {
    /// Connects and sends until the path stops taking bytes (a send blocks for `stallAfter`), or
    /// `limit` bytes; never reads. Returns the client (kept open by the caller) and the bytes sent.
    static func neverReader(port: Int, limit: Int, stallAfter: Duration) throws -> (LoopbackTCPClient, Int) {
        let client = try LoopbackTCPClient(connectingTo: port)
        let chunk = randomBytes(64 * 1024)
        var sent = 0
        while sent < limit {
            do { try client.send(chunk, timeout: stallAfter) } catch { break }
            sent += chunk.count
        }
        return (client, sent)
    }

    /// Connects, sends `bytes`, reads a little, then closes with SO_LINGER 0 so the kernel sends a
    /// reset (RST) mid-stream. Returns the bytes read before the reset.
    static func resetMidStream(port: Int, bytes: Int) throws -> Int {
        let client = try LoopbackTCPClient(connectingTo: port)
        try client.send(randomBytes(bytes), timeout: .seconds(10))
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var descriptor = pollfd(fd: client.fileDescriptor, events: Int16(POLLIN), revents: 0)
        var read = 0
        if poll(&descriptor, 1, 2000) > 0 {
            read = max(0, buffer.withUnsafeMutableBytes { recv(client.fileDescriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) })
        }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(client.fileDescriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        client.close()
        return read
    }
}

extension SoakTests {
    @Test("Slow and broken local clients (never reads, resets, half-closes) do not stall another connection on the same SSH connection")
    func slowAndBrokenClients() async throws {
        let (server, identity) = try await Self.startServer()
        defer { server.stop() }
        guard !server.isExternal else { return }
        let client = try await connectAuthenticated(server, identity: identity)
        // Warm up NIO with a forwarder of its own, then take the baseline without any forwarder or target.
        do {
            let echo = try LoopbackEchoServer()
            let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
            try await Self.warmUp(port: forwarder.localPort)
            await forwarder.stop()
            echo.stop()
        }
        #expect(await eventually { (try? await client.openChannelCount()) == 0 })
        let baselineFDs = openFileDescriptorCount()
        let pattern = CheckedStreamPattern(blockSize: 64 * 1024)
        let goodBlocks = SoakSettings.pick(short: 512, long: 8192)  // 32 MiB, or 512 MiB
        // The good connection's bound: 32 MiB at no less than 2 MB/s (loopback does 30-300 MB/s here).
        let goodBound = Duration.seconds(goodBlocks * pattern.blockSize / 2_000_000 + 5)
        let sampler = ResourceSampler()
        var rounds = 0
        try await SoakSettings.repeatRounds { round in
            // A fresh target and forwarder per round on the same SSH connection: stopping the target
            // at the end of the round releases what sshd still holds for the stuck connections.
            let echo = try LoopbackEchoServer()
            defer { echo.stop() }
            let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
            let port = forwarder.localPort
            let solo = try await runCheckedStream(port: port, pattern: pattern, stream: 0, blocks: goodBlocks, timeout: goodBound)
            #expect(solo.isIntact)
            // A client that never reads: it fills the echo path until its own sends block.
            let (stuck, stuckSent) = try await onThread {
                try BrokenClients.neverReader(port: port, limit: 256 << 20, stallAfter: .milliseconds(500))
            }
            defer { stuck.close() }
            #expect(stuckSent < 256 << 20, "the never-reading client was never pushed back (flow control)")
            // Resetters and half-closers run while the good connection moves its data.
            let stop = Task { () -> (resets: Int, halfCloses: Int, halfClosesIntact: Int) in
                var resets = 0, halfCloses = 0, intact = 0
                var index = 0
                while !Task.isCancelled && index < 1000 {
                    _ = try await onThread { try BrokenClients.resetMidStream(port: port, bytes: 512 * 1024) }
                    resets += 1
                    let halfClosed = try await runCheckedStream(port: port, pattern: pattern, stream: 1_000_000 + index, blocks: 16,
                                                                timeout: .seconds(30))
                    halfCloses += 1
                    if halfClosed.isIntact { intact += 1 }
                    index += 1
                }
                return (resets, halfCloses, intact)
            }
            let good = try await runCheckedStream(port: port, pattern: pattern, stream: 1 + round, blocks: goodBlocks, timeout: goodBound)
            stop.cancel()
            let others = try await stop.value
            #expect(good.isIntact, "round \(round): the good connection got \(good.receivedBytes) bytes, error \(good.sendError ?? "none")")
            #expect(good.elapsed < goodBound, "round \(round): the good connection took \(good.elapsed)")
            #expect(others.resets > 0 && others.halfCloses == others.halfClosesIntact, "half-closes intact: \(others)")
            // The never-reader is still open and stuck; closing it frees the forwarder's side at once.
            stuck.close()
            #expect(await eventually(timeout: .seconds(15)) { forwarder.statistics.activeConnections == 0 })
            // sshd answers our CHANNEL_CLOSE only once it has written its buffered data to the target
            // (OpenSSH drains a channel's output before closing it), and this echo target, blocked
            // writing to sshd, reads no more: those channels stay half-closed until the target goes.
            let stuckAtTarget = echo.activeConnectionCount
            let channelsBeforeTargetStop = try await client.openChannelCount()
            echo.stop()
            let channelsClosed = await eventually(timeout: .seconds(15)) { (try? await client.openChannelCount()) == 0 }
            let channelsLeft = (try? await client.openChannelCount()) ?? -1
            #expect(channelsClosed, "channels still open after the target stopped: \(channelsLeft)")
            let forwarderStats = forwarder.statistics
            await forwarder.stop()
            #expect(await eventually(timeout: .seconds(10)) { openFileDescriptorCount() <= baselineFDs },
                    "fds \(openFileDescriptorCount()) vs baseline \(baselineFDs)")
            rounds += 1
            let peaks = sampler.peaks
            printSoakFigures("slow clients", ["round": "\(round)", "goodBytes": "\(good.receivedBytes)",
                                              "goodMBps": String(format: "%.0f", good.bytesPerSecond / 1e6),
                                              "soloMBps": String(format: "%.0f", solo.bytesPerSecond / 1e6),
                                              "neverReaderSent": "\(stuckSent)", "resets": "\(others.resets)",
                                              "halfCloses": "\(others.halfCloses)", "connections": "\(forwarderStats.totalConnections)",
                                              "stuckAtTarget": "\(stuckAtTarget)", "channelsUntilTargetStop": "\(channelsBeforeTargetStop)",
                                              "peakRSS": mebibytes(peaks.residentBytes), "peakFDs": "\(peaks.fileDescriptors)",
                                              "baselineFDs": "\(baselineFDs)", "fdsAfter": "\(openFileDescriptorCount())"])
        }
        sampler.stop()
        #expect(try await client.openChannelCount() == 0)
        #expect(await client.closeReason() == nil, "the SSH connection must survive its broken local clients")
        await client.close()
    }
}
