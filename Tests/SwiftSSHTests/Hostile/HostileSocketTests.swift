import HostileServer
import NIOCore
import SSHCore
import Synchronization
import Testing
@testable import SwiftSSH

/// Hostile-server cases through the real NIO `SSHClient` over a loopback TCP socket: each checks the
/// public error, the time it took, and that the client released its socket (the server saw it close)
/// and its channel streams (reads end).
@Suite("Hostile server over loopback TCP", .serialized)
struct HostileSocketTests {
    private static let deadline: Duration = .seconds(10)

    private static var timeouts: SSHTimeouts {
        var timeouts = SSHTimeouts()
        timeouts.connect = .seconds(5)
        timeouts.handshake = .seconds(10)
        timeouts.authentication = .seconds(5)
        timeouts.channelOpen = .seconds(5)
        return timeouts
    }

    private static func connect(_ server: HostileLoopbackServer, handshakeTimeout: Duration? = nil) async throws -> SSHClient {
        var timeouts = Self.timeouts
        if let handshakeTimeout { timeouts.handshake = handshakeTimeout }
        return try await SSHClient.connect(host: HostileLoopbackServer.host, port: server.port, user: "tester", authentication: [.password("unused")],
                                           hostKeyValidator: .insecurelyAcceptAnyHostKey(), timeouts: timeouts)
    }

    /// Connecting fails with `code` within the deadline, and the client's socket is closed.
    private static func expectConnectFails(_ script: [HostileStep], code: SSHError.Code, messageContains text: String = "",
                                           handshakeTimeout: Duration? = nil,
                                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let server = try await HostileLoopbackServer.start(script)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let client = try await connect(server, handshakeTimeout: handshakeTimeout)
            await client.close()
            Issue.record("connected to a hostile server", sourceLocation: sourceLocation)
        } catch let error as SSHError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(text.isEmpty || error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
            #expect(isPrintable(error.message), sourceLocation: sourceLocation)
        }
        #expect(clock.now - start < deadline, sourceLocation: sourceLocation)
        #expect(await server.waitUntilAllClosed(), "the client kept its socket open", sourceLocation: sourceLocation)
        #expect(server.acceptedConnections == 1, sourceLocation: sourceLocation)
        await server.stop()
    }

    @Test("A server that closes before its version line: connectionClosed, socket released")
    func earlyClose() async throws {
        try await Self.expectConnectFails([.close], code: .connectionClosed)
    }

    @Test("A server that closes in the middle of its version line: connectionClosed, socket released")
    func closeMidVersion() async throws {
        try await Self.expectConnectFails([.raw(Array("SSH-2.0-Half".utf8)), .close], code: .connectionClosed)
    }

    @Test("A server that stalls after its version line: the handshake times out and the socket is released")
    func stallAfterVersion() async throws {
        try await Self.expectConnectFails([.version("SSH-2.0-Stall")], code: .timeout, messageContains: "did not complete",
                                          handshakeTimeout: .seconds(2))
    }

    @Test("A preamble flood over TCP fails the version exchange")
    func preambleFlood() async throws {
        try await Self.expectConnectFails([.raw(Array(String(repeating: "flood\r\n", count: 1025).utf8))], code: .versionExchangeFailed,
                                          messageContains: "1024")
    }

    @Test("A bad host-key signature over TCP fails the key exchange")
    func badSignature() async throws {
        try await Self.expectConnectFails([.version("SSH-2.0-Forger"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage),
                                           .kexReply(.corruptSignature), .newKeys], code: .keyExchangeFailed, messageContains: "does not verify")
    }

    @Test("A tampered packet after authentication ends the connection with a protocol error and releases the socket")
    func tamperedAfterAuth() async throws {
        let server = try await HostileLoopbackServer.start(HostileScript.authenticated() + [
            .awaitMessage(HostileMessage.channelOpen), .tampered(HostileMessage.ignore([UInt8](repeating: 1, count: 64)), .tag),
        ])
        let client = try await Self.connect(server)
        await #expect(throws: SSHError.self) { _ = try await client.openDirectTCPIP(host: "db.internal", port: 5432) }
        let reason = await client.waitUntilClosed()
        #expect(reason?.code == .protocolError, "\(String(describing: reason))")
        #expect(reason?.message.contains("message authentication failed") == true)
        #expect(!client.isActive)
        #expect(await server.waitUntilAllClosed())
        await server.stop()
    }

    @Test("Regression (data lost before DISCONNECT): the last echo is read, then reads end, the error is escaped, the socket is released")
    func disconnectWithEscapes() async throws {
        let server = try await HostileLoopbackServer.start(HostileScript.authenticated() + [
            .awaitMessage(HostileMessage.channelOpen), .confirmChannel(senderChannel: 100, window: 1 << 20, maximumPacket: 32 * 1024),
            .awaitMessage(HostileMessage.channelData), .echoLastChannelData(recipient: 0),
            .packet(HostileMessage.disconnect(reason: 2, description: Array("bye\u{1b}[2J\r\n\u{202E}".utf8))),
        ])
        let client = try await Self.connect(server)
        let channel = try await client.openDirectTCPIP(host: "db.internal", port: 5432)
        try await channel.write(Array("ping".utf8))
        var iterator = channel.makeAsyncIterator()
        // Regression: the echo arrives in the same read as the DISCONNECT and used to be lost.
        let echo = try await iterator.next()
        #expect(echo.map { String(buffer: $0) } == "ping")
        var ended = false
        do {
            while try await iterator.next() != nil {}
            ended = true
        } catch {
            ended = true
        }
        #expect(ended)
        let reason = await client.waitUntilClosed()
        #expect(reason?.code == .disconnectedByServer, "\(String(describing: reason))")
        #expect(reason?.message.contains("bye\\x1b[2J\\x0d\\x0a\\u{202E}") == true, "\(String(describing: reason))")
        #expect(reason.map { isPrintable($0.message) } == true)
        #expect(await server.waitUntilAllClosed())
        await server.stop()
    }

    @Test("10,000 IGNOREs and DEBUGs over TCP are absorbed and a channel round trip still works")
    func floodThenEcho() async throws {
        var script = HostileScript.authenticated()
        for index in 0..<10_000 {
            script.append(.packet(index % 2 == 0 ? HostileMessage.ignore([UInt8](repeating: 0x2A, count: 100))
                                                 : HostileMessage.debug(Array("noise \u{1b}[5m".utf8), display: false)))
        }
        script += [.awaitMessage(HostileMessage.channelOpen), .confirmChannel(senderChannel: 100, window: 1 << 20, maximumPacket: 32 * 1024),
                   .awaitMessage(HostileMessage.channelData), .echoLastChannelData(recipient: 0)]
        let server = try await HostileLoopbackServer.start(script)
        let client = try await Self.connect(server)
        let channel = try await client.openDirectTCPIP(host: "db.internal", port: 5432)
        try await channel.write(Array("still here".utf8))
        var iterator = channel.makeAsyncIterator()
        let echo = try await iterator.next()
        #expect(echo.map { String(buffer: $0) } == "still here")
        await client.close()
        #expect(await client.waitUntilClosed() != nil || !client.isActive)
        #expect(await server.waitUntilAllClosed())
        await server.stop()
    }

    @Test("Regression (unbounded queue in a stalled rekey): channel writes wait while the server's key exchange stalls")
    func writesWaitDuringStalledKex() async throws {
        let server = try await HostileLoopbackServer.start(HostileScript.authenticated() + [
            .awaitMessage(HostileMessage.channelOpen), .confirmChannel(senderChannel: 100, window: UInt32.max, maximumPacket: 32 * 1024),
            .awaitMessage(HostileMessage.channelData), .kexInit, .awaitMessage(HostileMessage.kexInitMessage),
        ])
        let client = try await Self.connect(server)
        let channel = try await client.openDirectTCPIP(host: "db.internal", port: 5432)
        try await channel.write([1])
        let clock = ContinuousClock()
        let start = clock.now
        let handler = client.handler
        while clock.now - start < .seconds(5) {
            if try await client.channel.eventLoop.submit({ handler.value.isKeyExchangeInProgress }).get() { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let finished = WriteFlag()
        let writer = Task {
            try await channel.write(ByteBuffer(repeating: 0x57, count: 4 << 20))
            finished.value.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(500))
        let finishedEarly = finished.value.withLock { $0 }
        #expect(!finishedEarly, "a 4 MiB write completed while the key exchange was stalled: it was queued, not held")
        #expect(client.isActive)
        await client.close()
        await #expect(throws: (any Error).self) { try await writer.value }
        #expect(await server.waitUntilAllClosed())
        await server.stop()
    }

    /// Waits (bounded) until `client` closes and returns why, or nil if it was still open at the deadline.
    private static func closeReason(of client: SSHClient, within limit: Duration) async throws -> SSHError? {
        let clock = ContinuousClock()
        let start = clock.now
        while client.isActive && clock.now - start < limit {
            try await Task.sleep(for: .milliseconds(20))
        }
        guard !client.isActive else { return nil }
        return await client.waitUntilClosed()
    }

    @Test("A rekey the server starts and never finishes ends the connection with a timeout after timeouts.handshake",
          arguments: [false, true])
    func stalledRekeyTimesOut(clientInitiated: Bool) async throws {
        // Server-initiated: the server sends KEXINIT, reads ours and our ECDH init, and goes quiet.
        // Client-initiated: the server reads our KEXINIT and never answers it.
        let stall: [HostileStep] = clientInitiated
            ? [.awaitMessage(HostileMessage.kexInit)]
            : [.kexInit, .awaitMessage(HostileMessage.kexInitMessage)]
        let server = try await HostileLoopbackServer.start(HostileScript.authenticated() + stall)
        let client = try await Self.connect(server, handshakeTimeout: .seconds(2))
        let clock = ContinuousClock()
        let start = clock.now
        if clientInitiated { try await client.initiateRekey() }
        let reason = try await Self.closeReason(of: client, within: .seconds(8))
        let elapsed = clock.now - start
        #expect(reason?.code == .timeout, "\(String(describing: reason)); still open: \(client.isActive)")
        #expect(reason?.message.contains("a key exchange (rekey) with \(HostileLoopbackServer.host) port \(server.port) did not complete within \(Duration.seconds(2))") == true,
                "\(String(describing: reason))")
        #expect(elapsed >= .milliseconds(1500) && elapsed < .seconds(6), "took \(elapsed)")
        if client.isActive { await client.close() }
        #expect(await server.waitUntilAllClosed())
        await server.stop()
    }

    @Test("Regression (replies piled up without back-pressure): a server that floods want_reply requests and never reads cannot grow the client's buffers")
    func replyFloodToServerThatDoesNotRead() async throws {
        // Small socket buffers on both sides (16 KiB) so the flood outgrows them quickly.
        let request = HostileMessage.globalRequest("keepalive@openssh.com", wantReply: true)
        let server = try await HostileLoopbackServer.start(HostileScript.authenticated() + [
            .awaitMessage(HostileMessage.channelOpen), .stopReading,
        ] + Array(repeating: .packet(request), count: 20_000), receiveBufferSize: 16 * 1024)
        let client = try await Self.connect(server)
        try await client.channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: 16 * 1024).get()
        // The channel open is only the trigger: the server answers it with the flood, never a confirmation.
        let opener = Task { try await client.openDirectTCPIP(host: "db.internal", port: 5432) }
        var peak = 0
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(100))
            peak = max(peak, try await client.channel.getOption(ChannelOptions.bufferedWritableBytes).get())
        }
        // Each request costs a 32-byte reply (about 640 KB for the flood). With back-pressure the
        // client stops reading at NIO's 64 KiB high-water mark plus one event-loop turn of replies.
        #expect(peak <= 256 * 1024, "the client buffered \(peak) bytes of replies for a server that does not read")
        #expect(client.isActive)
        await client.close()
        _ = await opener.result
        #expect(await server.waitUntilAllClosed())
        await server.stop()
    }
}

/// True when `text` has no C0 control, DEL or C1 control.
private func isPrintable(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
}

/// Set once a background write completed.
private final class WriteFlag: Sendable {
    let value = Mutex(false)
}
