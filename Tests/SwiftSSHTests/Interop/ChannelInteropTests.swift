import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

/// Writes `payload` through `channel` in chunks, half-closes, and reads everything back; returns what came back.
func echoRoundTrip(_ channel: SSHChannel, payload: [UInt8], chunk: Int = 32 * 1024) async throws -> [UInt8] {
    try await withThrowingTaskGroup(of: [UInt8].self) { group in
        group.addTask {
            var offset = 0
            while offset < payload.count {
                let end = min(offset + chunk, payload.count)
                try await channel.write(ByteBuffer(bytes: payload[offset..<end]))
                offset = end
            }
            try await channel.finish()
            return []
        }
        group.addTask {
            var received: [UInt8] = []
            received.reserveCapacity(payload.count)
            for try await buffer in channel { received += buffer.readableBytesView }
            return received
        }
        var result: [UInt8] = []
        for try await part in group where !part.isEmpty { result = part }
        return result
    }
}

@Suite("direct-tcpip channels through OpenSSH sshd", .tags(.interop))
struct ChannelInteropTests {
    @Test("100 concurrent channels each echo 1 MiB of random data, byte for byte")
    func concurrentChannels() async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let client = try await connectAuthenticated(server, identity: identity)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    let payload = randomBytes(1024 * 1024)
                    let channel = try await client.openDirectTCPIP(host: "127.0.0.1", port: echo.port)
                    let back = try await echoRoundTrip(channel, payload: payload)
                    await channel.close()
                    return back == payload ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(await client.closeReason() == nil)
        await client.close()
    }

    @Test("64 MiB through one channel while sshd rekeys every 1 MiB, byte for byte")
    func largeTransferWithRekeys() async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        sshd.rekeyLimit = "1M"
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let client = try await connectAuthenticated(server, identity: identity)
        let payload = randomBytes(64 * 1024 * 1024)
        let channel = try await client.openDirectTCPIP(host: "127.0.0.1", port: echo.port)
        let back = try await echoRoundTrip(channel, payload: payload, chunk: 256 * 1024)
        #expect(back.count == payload.count)
        #expect(back == payload)
        let rekeys = try await client.completedKeyExchanges() - 1
        #expect(rekeys >= 64, "only \(rekeys) rekeys for 128 MiB of traffic with RekeyLimit 1M")
        await client.close()
    }

    @Test("A channel to a closed port fails with sshd's reason")
    func closedPort() async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let closedPort = try LoopbackPorts.pickFree()
        let client = try await connectAuthenticated(server, identity: identity)
        do {
            let channel = try await client.openDirectTCPIP(host: "127.0.0.1", port: closedPort)
            await channel.close()
            Issue.record("a channel to a closed port opened")
        } catch let error as SSHError {
            #expect(error.code == .channelOpenFailed)
            #expect(error.channelOpenFailureReason == 2) // SSH_OPEN_CONNECT_FAILED
            #expect(error.message.contains("connect failed"))
            #expect(error.message.contains("Connection refused"))
        }
        // The connection survives a refused channel.
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let channel = try await client.openDirectTCPIP(host: "127.0.0.1", port: echo.port)
        #expect(try await echoRoundTrip(channel, payload: Array("still alive".utf8)) == Array("still alive".utf8))
        await client.close()
    }

    @Test("Keepalive: a stopped sshd is declared dead within interval × (count + 1)")
    func keepaliveDetectsStoppedServer() async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.resume(); server.stop() }
        guard !server.isExternal else { return }
        let client = try await connectAuthenticated(server, identity: identity,
                                                    keepalive: SSHKeepalive(interval: .seconds(1), countMax: 2))
        // Give the first keepalive a chance to be answered while sshd runs.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(client.isActive)
        server.suspend()
        let start = ContinuousClock.now
        let reason = await client.waitUntilClosed()
        let elapsed = ContinuousClock.now - start
        #expect(reason?.code == .timeout)
        #expect(reason?.message.contains("keepalive") == true)
        #expect(elapsed <= .seconds(3) + .milliseconds(500), "declared dead after \(elapsed)")
    }
}
