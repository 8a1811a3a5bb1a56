import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

@Suite("LocalForwarder through OpenSSH sshd", .tags(.interop))
struct LocalForwarderTests {
    private static func setUp() async throws -> (SSHDServer, LoopbackEchoServer, SSHClient) {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        let echo = try LoopbackEchoServer()
        let client = try await connectAuthenticated(server, identity: identity)
        return (server, echo, client)
    }

    @Test("Port 0 binds 127.0.0.1 with a real port; 20 connections echo their bytes; statistics add up")
    func forwardsConnections() async throws {
        let (server, echo, client) = try await Self.setUp()
        defer { echo.stop(); server.stop() }
        let baseline = await fileDescriptorBaseline()
        let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        #expect(forwarder.localAddress.ipAddress == "127.0.0.1")
        #expect(forwarder.localPort > 0)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let payload = randomBytes(100_000 + index)
                    return try await roundTripThrough(port: forwarder.localPort, payload: payload) == payload ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(await eventually { forwarder.statistics.activeConnections == 0 })
        let statistics = forwarder.statistics
        #expect(statistics.totalConnections == 20)
        let expectedBytes = UInt64((0..<20).reduce(0) { $0 + 100_000 + $1 })
        #expect(statistics.bytesToTarget == expectedBytes)
        #expect(statistics.bytesFromTarget == expectedBytes)
        await forwarder.stop()
        #expect(await client.closeReason() == nil)
        await client.close()
        #expect(await eventually { openFileDescriptorCount() <= baseline }, "file descriptors: \(openFileDescriptorCount()) > baseline \(baseline)")
    }

    @Test("Half-close: a client that shuts down its write side still receives the full response")
    func halfClose() async throws {
        let (server, echo, client) = try await Self.setUp()
        defer { echo.stop(); server.stop() }
        let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        // The echo server answers only after our EOF reaches it, and keeps sending after that.
        let request = randomBytes(3 * 1024 * 1024)
        let response = try await roundTripThrough(port: forwarder.localPort, payload: request)
        #expect(response == request)
        await forwarder.stop()
        await client.close()
    }

    @Test("A refused channel closes the local socket at once and is counted")
    func channelOpenFailure() async throws {
        let (server, echo, client) = try await Self.setUp()
        defer { echo.stop(); server.stop() }
        let closedPort = try LoopbackPorts.pickFree()
        let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: closedPort)
        let start = ContinuousClock.now
        let response = try await roundTripThrough(port: forwarder.localPort, payload: Array("hello".utf8), timeout: .seconds(10))
        #expect(response.isEmpty)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(await eventually { forwarder.statistics.failedConnections == 1 })
        await forwarder.stop()
        await client.close()
    }

    @Test("Several forwarders share one client")
    func sharedClient() async throws {
        let (server, echo, client) = try await Self.setUp()
        defer { echo.stop(); server.stop() }
        let first = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        let second = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        #expect(first.localPort != second.localPort)
        #expect(try await roundTripThrough(port: first.localPort, payload: Array("one".utf8)) == Array("one".utf8))
        #expect(try await roundTripThrough(port: second.localPort, payload: Array("two".utf8)) == Array("two".utf8))
        await first.stop()
        await second.stop()
        await client.close()
    }

    @Test("stop() refuses new connections and closes open ones after the grace period")
    func stopWithGrace() async throws {
        let (server, echo, client) = try await Self.setUp()
        defer { echo.stop(); server.stop() }
        let forwarder = try await LocalForwarder.start(client: client, targetHost: "127.0.0.1", targetPort: echo.port)
        let port = forwarder.localPort
        // An idle open connection: it never half-closes, so only the grace period ends it.
        let idle = try LoopbackTCPClient(connectingTo: port)
        defer { idle.close() }
        #expect(await eventually { forwarder.statistics.activeConnections == 1 })
        let start = ContinuousClock.now
        await forwarder.stop(gracePeriod: .milliseconds(500))
        let took = ContinuousClock.now - start
        #expect(took >= .milliseconds(450) && took < .seconds(5), "stop took \(took)")
        #expect(forwarder.statistics.activeConnections == 0)
        let eof = try await onThread { idle.receiveUntilEOF(limit: 1024, timeout: .seconds(5)).sawEOF }
        #expect(eof)
        #expect(throws: (any Error).self) { _ = try LoopbackTCPClient(connectingTo: port, timeout: .milliseconds(200)) }
        await client.close()
    }
}
