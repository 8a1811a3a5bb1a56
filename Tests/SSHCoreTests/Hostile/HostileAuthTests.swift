import HostileServer
import NIOCore
import SSHCore
import SSHCrypto
import Testing

/// RFC 4252 and RFC 4256: a server that lies during user authentication.
@Suite("Hostile server: user authentication")
struct HostileAuthTests {
    private static func signingKey() throws -> SigningKey {
        .ed25519(try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: 0x21, count: 32))))
    }

    @Test("USERAUTH_SUCCESS before the client asked for the ssh-userauth service is refused")
    func successBeforeService() throws {
        var script = HostileScript.handshake()
        script.insert(.packet(HostileMessage.userAuthSuccessPayload), at: 5)
        var harness = try HostileHarness(script)
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 52, phase: "transport (authentication has not started)"))
        #expect(!harness.isAuthenticated)
    }

    @Test("A second USERAUTH_SUCCESS after authentication is refused")
    func secondSuccess() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet(HostileMessage.userAuthSuccessPayload)])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 52, phase: "the connection protocol (authentication is over)"))
    }

    @Test("PK_OK for a key that was never offered is refused, and nothing is signed")
    func pkOKForOtherKey() throws {
        let other = try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: 0x77, count: 32)))
        let otherBlob = HostileWire.string("ssh-ed25519") + HostileWire.string(other.publicKey.rawRepresentation)
        let configuration = HostileHarness.defaultConfiguration(credentials: [.publicKey(try Self.signingKey(), label: "test key")])
        var harness = try HostileHarness(HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthFailure(["publickey"])),
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.pkOK(algorithm: "ssh-ed25519", blob: otherBlob)),
        ], configuration: configuration)
        harness.run()
        harness.expectClosed(with: .malformedMessage("PK_OK for a key that was never offered"))
        let requests = harness.server.received.filter { $0.first == HostileMessage.userAuthRequest }
        #expect(requests.count == 2, "only the none request and the unsigned query may leave")
    }

    @Test("PK_OK while the none method is pending is refused")
    func pkOKDuringNone() throws {
        let server = try HostileServer(script: [])
        var harness = try HostileHarness(HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.pkOK(algorithm: "ssh-ed25519", blob: server.hostKeyBlob)),
        ])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 60, phase: "user authentication (none)"))
    }

    @Test("A banner flood is capped at 64 KiB and authentication still completes")
    func bannerFlood() throws {
        let banner = HostileMessage.banner(Array(String(repeating: "b", count: 1000).utf8))
        var harness = try HostileHarness(HostileScript.handshake() + [.awaitMessage(HostileMessage.userAuthRequest)]
            + Array(repeating: .packet(banner), count: 5000) + [.packet(HostileMessage.userAuthSuccessPayload)])
        harness.run()
        harness.expectAlive()
        #expect(harness.isAuthenticated)
        let total = harness.banners.reduce(0) { $0 + $1.utf8.count }
        #expect(total <= 64 * 1024 + 1000, "banners kept: \(total) bytes")
        #expect(harness.banners.count == 66)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("An endless INFO_REQUEST loop with no prompts stops after 16 rounds")
    func endlessEmptyInfoRequests() throws {
        let configuration = HostileHarness.defaultConfiguration(credentials: [.keyboardInteractive])
        var harness = try HostileHarness(HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthFailure(["keyboard-interactive"])),
            .awaitMessage(HostileMessage.userAuthRequest),
        ] + Array(repeating: .packet(HostileMessage.infoRequest(prompts: [])), count: 1000), configuration: configuration)
        harness.run()
        harness.expectHealthy()
        let report = try #require(harness.authenticationFailure)
        #expect(report.reason == "keyboard-interactive: more than 16 rounds of prompts")
        #expect(harness.client.isClosed)
        let responses = harness.server.received.filter { $0.first == HostileMessage.userAuthInfoResponse }
        #expect(responses.count == 16)
    }

    @Test("An endless INFO_REQUEST loop with prompts stops after 16 answered rounds")
    func endlessPromptingInfoRequests() throws {
        let configuration = HostileHarness.defaultConfiguration(credentials: [.keyboardInteractive])
        let request = HostileMessage.infoRequest(prompts: [(Array("Password: ".utf8), false)])
        var script = HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthFailure(["keyboard-interactive"])),
            .awaitMessage(HostileMessage.userAuthRequest),
        ]
        for _ in 0..<40 { script += [.packet(request), .awaitMessage(HostileMessage.userAuthInfoResponse)] }
        var harness = try HostileHarness(script, configuration: configuration)
        harness.run()
        harness.expectHealthy()
        #expect(harness.authenticationFailure?.reason == "keyboard-interactive: more than 16 rounds of prompts")
        #expect(harness.client.isClosed)
    }

    @Test("INFO_REQUEST prompts with escape sequences reach the caller escaped")
    func escapedPrompts() throws {
        let configuration = HostileHarness.defaultConfiguration(credentials: [.keyboardInteractive])
        let request = HostileMessage.infoRequest(name: Array("\u{1b}]0;owned\u{07}".utf8), instruction: Array("line1\nline2\u{1b}[2J".utf8),
                                                 prompts: [(Array("Pass\u{1b}[8mword: ".utf8), false)])
        var harness = try HostileHarness(HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthFailure(["keyboard-interactive"])),
            .awaitMessage(HostileMessage.userAuthRequest), .packet(request),
            .awaitMessage(HostileMessage.userAuthInfoResponse), .packet(HostileMessage.userAuthSuccessPayload),
        ], configuration: configuration)
        harness.run()
        harness.expectAlive()
        let challenge = harness.events.compactMap { event -> KeyboardInteractiveChallenge? in
            if case let .authentication(.challenge(challenge)) = event { return challenge } else { return nil }
        }.first
        #expect(challenge?.name == "\\x1b]0;owned\\x07")
        #expect(challenge?.instruction == "line1\nline2\\x1b[2J")
        #expect(challenge?.prompts.first?.prompt == "Pass\\x1b[8mword: ")
        #expect(harness.isAuthenticated)
    }

    @Test("A server that lets anyone in with none is refused when refuseNoneAuthentication is set")
    func noneRefused() throws {
        var configuration = HostileHarness.defaultConfiguration()
        configuration.authentication.refuseNoneAuthentication = true
        var harness = try HostileHarness(HostileScript.authenticated(), configuration: configuration)
        harness.run()
        harness.expectHealthy()
        let report = try #require(harness.authenticationFailure)
        #expect(report.reason?.contains("\"none\" method") == true)
        #expect(!harness.isAuthenticated)
    }

    @Test("USERAUTH_FAILURE with a 1,025-method list is refused")
    func hugeMethodList() throws {
        var harness = try HostileHarness(HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthFailure((0...1024).map { "m\($0)" })),
        ])
        harness.run()
        harness.expectClosed(with: .malformedMessage("user authentication message 51: SSH limit exceeded: SSH_MSG_USERAUTH_FAILURE authentications that can continue: name-list has more than our limit of 1024 names"))
    }
}
