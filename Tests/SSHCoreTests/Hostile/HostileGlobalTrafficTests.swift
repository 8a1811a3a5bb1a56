import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4253 §11 and RFC 4254 §4: floods of messages that need no channel.
@Suite("Hostile server: global traffic floods")
struct HostileGlobalTrafficTests {
    private static let floodSize = 10_000

    @Test("10,000 IGNOREs are absorbed and the connection still works")
    func ignoreFlood() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + Array(repeating: .packet(HostileMessage.ignore([UInt8](repeating: 0x49, count: 200))), count: Self.floodSize))
        harness.run()
        harness.expectAlive()
        harness.expectKeepaliveRoundTrip()
    }

    @Test("10,000 DEBUG messages with escape sequences are reported escaped and the connection still works")
    func debugFlood() throws {
        let text = Array("debug \u{1b}[41m\r\n\u{9b}2J".utf8)
        var harness = try HostileHarness(HostileScript.authenticated()
            + Array(repeating: .packet(HostileMessage.debug(text)), count: Self.floodSize))
        harness.run()
        harness.expectAlive()
        #expect(harness.debugMessages.count == Self.floodSize)
        #expect(harness.debugMessages.first == "debug \\x1b[41m\\x0d\\x0a\\u{009B}2J")
        #expect(harness.debugMessages.allSatisfy(isFreeOfControlCharacters))
        harness.expectKeepaliveRoundTrip()
    }

    @Test("10,000 global requests with want_reply each get REQUEST_FAILURE, in order, and the connection still works")
    func requestFloodWithReply() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + Array(repeating: .packet(HostileMessage.globalRequest("tcpip-forward", wantReply: true, data: HostileWire.string("0.0.0.0") + HostileWire.uint32(22))),
                    count: Self.floodSize))
        harness.run()
        harness.expectAlive()
        #expect(harness.server.received.filter { $0 == [HostileMessage.requestFailure] }.count == Self.floodSize)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("10,000 global requests without want_reply get no answer and the connection still works")
    func requestFloodWithoutReply() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + Array(repeating: .packet(HostileMessage.globalRequest("hostkeys-00@openssh.com", wantReply: false)), count: Self.floodSize))
        harness.run()
        harness.expectAlive()
        #expect(!harness.server.received.contains { $0.first == HostileMessage.requestFailure })
        harness.expectKeepaliveRoundTrip()
    }

    @Test("10,000 UNIMPLEMENTED messages are absorbed")
    func unimplementedFlood() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + Array(repeating: .packet(HostileMessage.unimplemented(1)), count: Self.floodSize))
        harness.run()
        harness.expectAlive()
        harness.expectKeepaliveRoundTrip()
    }

    @Test("A reply to a global request the client never sent is refused")
    func unsolicitedReply() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet([HostileMessage.requestSuccess])])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 81, phase: "connection (no global request is pending)"))
    }

    @Test("An IGNORE flood before authentication is absorbed and authentication completes")
    func ignoreFloodBeforeAuth() throws {
        var script = HostileScript.authenticated()
        script.insert(contentsOf: Array(repeating: .packet(HostileMessage.ignore([1, 2, 3, 4])), count: Self.floodSize), at: 7)
        var harness = try HostileHarness(script)
        harness.run()
        harness.expectAlive()
        #expect(harness.isAuthenticated)
    }
}
