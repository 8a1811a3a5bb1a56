import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

actor EventLog {
    private(set) var events: [ForwarderEvent] = []
    func append(_ event: ForwarderEvent) { events.append(event) }
}

@Suite("LocalForwarder resilience", .tags(.interop))
struct ForwarderResilienceTests {
    @Test("sshd killed with open connections, then restarted: clean close, disconnect reported, reconnect within backoff, no leaks")
    func reconnectsAfterServerRestart() async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        guard !server.isExternal else { return }
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let baseline = await fileDescriptorBaseline()
        let baselineTargets = openFileDescriptorTargets()

        var policy = ReconnectPolicy()
        policy.initialDelay = .milliseconds(100)
        policy.maximumDelay = .milliseconds(800)
        policy.connectionWaitTimeout = .seconds(15)
        let forwarder = try await LocalForwarder.start(
            connect: { try await connectAuthenticated(server, identity: identity) },
            reconnect: policy, targetHost: "127.0.0.1", targetPort: echo.port)
        let log = EventLog()
        let collector = Task { for await event in forwarder.events { await log.append(event) } }

        // An open connection that is mid-conversation when sshd dies.
        let open = try LoopbackTCPClient(connectingTo: forwarder.localPort)
        defer { open.close() }
        try open.send(Array("ping\n".utf8))
        #expect(try await onThread { open.receiveLine(timeout: .seconds(5)) } == "ping\n")

        server.kill()
        // The open connection gets a clean close, never a hang.
        let eof = try await onThread { open.receiveUntilEOF(limit: 1024, timeout: .seconds(10)).sawEOF }
        #expect(eof)
        #expect(await eventually { await log.events.contains { if case .disconnected = $0 { return true } else { return false } } })

        // Let a few reconnect attempts fail against the dead port, then bring sshd back.
        try await Task.sleep(for: .milliseconds(700))
        try server.restart()
        let restartedAt = ContinuousClock.now
        #expect(await eventually(timeout: .seconds(10)) {
            await log.events.filter { if case .connected = $0 { return true } else { return false } }.count == 2
        })
        // Backoff is capped at 800 ms (+20% jitter), so the reconnect comes within about a second of the restart.
        #expect(ContinuousClock.now - restartedAt < .seconds(3))
        let attempts = await log.events.compactMap { event -> Duration? in
            if case let .reconnecting(_, delay) = event { return delay } else { return nil }
        }
        #expect(!attempts.isEmpty)
        #expect(attempts.allSatisfy { $0 <= .milliseconds(960) })

        // New connections work again.
        let payload = randomBytes(200_000)
        #expect(try await roundTripThrough(port: forwarder.localPort, payload: payload) == payload)

        await forwarder.stop()
        collector.cancel()
        #expect(await eventually { openFileDescriptorCount() <= baseline + 1 },
                "file descriptors: \(openFileDescriptorCount()) vs baseline \(baseline) (+1 for the test's own socket); new: \(openFileDescriptorTargets().filter { baselineTargets[$0.key] != $0.value })")
    }
}
