import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4253 §4.2: what a server may send before and as its identification string.
@Suite("Hostile server: version line")
struct HostileVersionLineTests {
    private static func lines(_ line: String, count: Int) -> [UInt8] { Array(String(repeating: line + "\r\n", count: count).utf8) }

    @Test("A flood of 1,025 preamble lines is refused at the 1,024-line limit")
    func preambleFlood() throws {
        var harness = try HostileHarness([.raw(Self.lines("hello from the preamble", count: 1025))] + HostileScript.handshake())
        harness.run()
        harness.expectClosed(with: .versionExchange(.tooManyPreambleLines(limit: 1024)), notifiesPeer: false)
    }

    @Test("A preamble line over 8 KiB without a newline is refused before it is buffered further")
    func overlongPreambleLine() throws {
        var harness = try HostileHarness([.raw([UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024))])
        harness.run()
        harness.expectClosed(with: .versionExchange(.preambleLineTooLong(limit: 8 * 1024)), notifiesPeer: false)
        #expect(harness.peakBuffered <= 8 * 1024 + 4096)
    }

    @Test("An identification string over 255 bytes is refused")
    func overlongVersionLine() throws {
        var harness = try HostileHarness([.version("SSH-2.0-" + String(repeating: "v", count: 300))])
        harness.run()
        harness.expectClosed(with: .versionExchange(.versionLineTooLong(limit: 255)), notifiesPeer: false)
    }

    @Test("A NUL inside the identification string is refused")
    func nulInVersion() throws {
        var harness = try HostileHarness([.raw(Array("SSH-2.0-Hostile".utf8) + [0] + Array("x\r\n".utf8))])
        harness.run()
        harness.expectClosed(with: .versionExchange(.nulByte), notifiesPeer: false)
    }

    @Test("A NUL in a preamble line is refused")
    func nulInPreamble() throws {
        var harness = try HostileHarness([.raw(Array("banner".utf8) + [0] + Array("line\r\n".utf8))] + HostileScript.handshake())
        harness.run()
        harness.expectClosed(with: .versionExchange(.nulByte), notifiesPeer: false)
    }

    @Test("SSH-1.5 is refused as an unsupported protocol version")
    func protocolOne() throws {
        var harness = try HostileHarness([.version("SSH-1.5-OldServer")])
        harness.run()
        harness.expectClosed(with: .versionExchange(.unsupportedProtocolVersion("1.5")), notifiesPeer: false)
    }

    @Test("An identification string without a software version is malformed")
    func missingSoftwareVersion() throws {
        var harness = try HostileHarness([.version("SSH-2.0-")])
        harness.run()
        harness.expectClosed(with: .versionExchange(.malformedVersionLine("SSH-2.0-")), notifiesPeer: false)
    }

    @Test("A slow drip: 1,000 preamble lines and the whole handshake one byte at a time still connect")
    func slowDrip() throws {
        var harness = try HostileHarness([.raw(Self.lines("drip", count: 1000))] + HostileScript.authenticated(), chunkSize: 1)
        harness.run(maxSteps: 1_000_000)
        harness.expectAlive()
        #expect(harness.isAuthenticated)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("A server that sends its version and then nothing leaves the client waiting with tiny buffers")
    func silentAfterVersion() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Silent")])
        harness.run()
        harness.expectAlive()
        #expect(harness.peakBuffered == 0)
        #expect(harness.serverIdentification == "SSH-2.0-Silent")
    }

    @Test("An identification string split across a partial line waits, then connects")
    func versionSplitAcrossChunks() throws {
        var harness = try HostileHarness(HostileScript.authenticated(), chunkSize: 3)
        harness.run()
        harness.expectAlive()
        #expect(harness.isAuthenticated)
    }
}
