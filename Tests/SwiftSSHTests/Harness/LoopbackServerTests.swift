import Foundation
import SSHDHarness
import Testing

/// The threaded loopback echo and sink servers used as forwarding targets.
@Suite("Loopback echo and sink servers")
struct LoopbackServerTests {
    @Test("echo returns every byte and closes its side after the client's half-close")
    func echoWithHalfClose() throws {
        let server = try LoopbackEchoServer()
        defer { server.stop() }
        let client = try LoopbackTCPClient(connectingTo: server.port)
        let payload = (0..<32 * 1024).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        try client.send(payload)
        client.shutdownWrite()
        let (echoed, sawEOF) = client.receiveUntilEOF(timeout: .seconds(10))
        #expect(echoed == payload)
        #expect(sawEOF)
    }

    @Test("sink counts and discards bytes, then closes after half-close")
    func sinkCounts() throws {
        let server = try LoopbackSinkServer()
        defer { server.stop() }
        let client = try LoopbackTCPClient(connectingTo: server.port)
        try client.send([UInt8](repeating: 0x5a, count: 1 << 20))
        client.shutdownWrite()
        let (bytes, sawEOF) = client.receiveUntilEOF(timeout: .seconds(10))
        #expect(bytes.isEmpty)
        #expect(sawEOF)
        #expect(server.waitForReceivedByteCount(atLeast: 1 << 20, timeout: .seconds(5)))
        #expect(server.receivedByteCount == 1 << 20)
    }

    @Test("connections beyond the limit are closed on accept")
    func connectionLimit() throws {
        let server = try LoopbackEchoServer(maximumConnections: 1)
        defer { server.stop() }
        let first = try LoopbackTCPClient(connectingTo: server.port)
        try first.send(Array("ping\n".utf8))
        #expect(first.receiveLine(timeout: .seconds(5)) == "ping\n")
        let second = try LoopbackTCPClient(connectingTo: server.port)
        let (bytes, sawEOF) = second.receiveUntilEOF(timeout: .seconds(5))
        #expect(bytes.isEmpty)
        #expect(sawEOF)
        #expect(server.rejectedConnectionCount == 1)
        #expect(server.activeConnectionCount == 1)
    }

    @Test("stop() joins all threads within the bound, closes open connections and the listener")
    func stopIsBounded() throws {
        let server = try LoopbackEchoServer()
        let clients = try (0..<5).map { _ in try LoopbackTCPClient(connectingTo: server.port) }
        try clients[0].send(Array("x\n".utf8))
        #expect(clients[0].receiveLine(timeout: .seconds(5)) == "x\n")
        let start = ContinuousClock.now
        #expect(server.stop(timeout: .seconds(3)))
        #expect(ContinuousClock.now - start < .seconds(3))
        for client in clients { #expect(client.receiveUntilEOF(timeout: .seconds(2)).sawEOF) }
        #expect(server.activeConnectionCount == 0)
        #expect(throws: SSHDHarnessError.self) { try LoopbackTCPClient(connectingTo: server.port, timeout: .milliseconds(200)) }
        #expect(server.stop(timeout: .seconds(1)))
    }
}
