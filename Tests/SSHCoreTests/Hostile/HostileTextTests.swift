import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4251 §9.2: text from the server reaches logs and errors with control characters escaped.
@Suite("Hostile server: text from the server")
struct HostileTextTests {
    @Test("A DISCONNECT description with escape sequences, CR LF and a bidi override is escaped")
    func disconnectEscaped() throws {
        let description = Array("bye\u{1b}[31m\r\nroot# \u{202E}txt.exe".utf8)
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet(HostileMessage.disconnect(reason: 2, description: description))])
        harness.run()
        harness.expectClosed(with: .disconnectedByPeer(reasonCode: 2, description: "bye\\x1b[31m\\x0d\\x0aroot# \\u{202E}txt.exe"),
                             notifiesPeer: false)
        #expect(isFreeOfControlCharacters(harness.transportError?.description ?? "\u{1}"))
    }

    @Test("A 100 KiB DISCONNECT description is cut to 512 characters and an ellipsis")
    func disconnectLong() throws {
        let description = [UInt8](repeating: UInt8(ascii: "z"), count: 100 * 1024)
        var harness = try HostileHarness(HostileScript.handshake() + [.packet(HostileMessage.disconnect(reason: 11, description: description))])
        harness.run()
        harness.expectClosed(with: .disconnectedByPeer(reasonCode: 11, description: String(repeating: "z", count: 512) + "…"), notifiesPeer: false)
    }

    @Test("A DISCONNECT whose description is not UTF-8 keeps its reason code; the invalid bytes are shown escaped")
    func disconnectInvalidUTF8() throws {
        var harness = try HostileHarness(HostileScript.handshake()
            + [.packet(HostileMessage.disconnect(reason: 2, description: [0x41, 0xFF, 0xC3, 0x1B, 0x42]))])
        harness.run()
        harness.expectClosed(with: .disconnectedByPeer(reasonCode: 2, description: "A\\xff\\xc3\\x1bB"), notifiesPeer: false)
        #expect(isFreeOfControlCharacters(harness.transportError?.description ?? "\u{1}"))
    }

    @Test("A DISCONNECT after authentication with invalid UTF-8 in the description and language tag keeps its reason code")
    func disconnectInvalidUTF8AfterAuthentication() throws {
        var payload: [UInt8] = [1, 0, 0, 0, 14]  // SSH_MSG_DISCONNECT, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE
        payload += [0, 0, 0, 4, 0x6E, 0x6F, 0xC0, 0xAF]  // "no" then an overlong (invalid) encoding of "/"
        payload += [0, 0, 0, 2, 0xFE, 0xFE]  // a language tag that is not UTF-8 either
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet(payload)])
        harness.run()
        harness.expectClosed(with: .disconnectedByPeer(reasonCode: 14, description: "no\\xc0\\xaf"), notifiesPeer: false)
    }

    @Test("A banner with terminal escape sequences is escaped, its line breaks kept")
    func bannerEscaped() throws {
        let banner = HostileMessage.banner(Array("Welcome\u{1b}]0;pwned\u{07}\nline two\u{1b}[2J".utf8))
        var harness = try HostileHarness(HostileScript.handshake() + [.awaitMessage(HostileMessage.userAuthRequest), .packet(banner),
                                                                      .packet(HostileMessage.userAuthSuccessPayload)])
        harness.run()
        harness.expectAlive()
        #expect(harness.banners == ["Welcome\\x1b]0;pwned\\x07\nline two\\x1b[2J"])
    }

    @Test("An identification string with an escape sequence is refused, and the error shows it escaped")
    func versionEscaped() throws {
        var harness = try HostileHarness([.version("SSH-2.0-evil\u{1b}[2J")])
        harness.run()
        harness.expectClosed(with: .versionExchange(.malformedVersionLine("SSH-2.0-evil\\x1b[2J")), notifiesPeer: false)
        #expect(isFreeOfControlCharacters(harness.transportError?.description ?? "\u{1}"))
    }

    @Test("Preamble lines with escape sequences do not stop the connection, and the version reaches the caller clean")
    func preambleEscaped() throws {
        var harness = try HostileHarness([.raw(Array("\u{1b}[31mred alert\u{1b}[0m\r\n\u{07}\r\n".utf8))] + HostileScript.authenticated())
        harness.run()
        harness.expectAlive()
        #expect(harness.serverIdentification == "SSH-2.0-HostileServer_1.0")
    }
}
