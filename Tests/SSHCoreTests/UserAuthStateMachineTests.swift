import NIOCore
import SSHCore
import SSHCrypto
import Testing

/// In-memory tests of user authentication (RFC 4252, RFC 4256): the server's answers are written with
/// our own message codecs; the requests the machine sends are parsed back and checked.
@Suite("User authentication state machine (RFC 4252, RFC 4256)")
struct UserAuthStateMachineTests {
    static let sessionID = [UInt8](repeating: 0x42, count: 32)

    // MARK: - Helpers

    private static func key(_ seed: UInt8) throws -> SigningKey {
        .ed25519(try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: seed, count: 32))))
    }

    private static func machine(_ credentials: [UserAuthCredential], serverSignatureAlgorithms: [String]? = nil,
                                refuseNone: Bool = false) -> UserAuthStateMachine {
        var configuration = UserAuthConfiguration(user: "deploy", credentials: credentials)
        configuration.refuseNoneAuthentication = refuseNone
        return UserAuthStateMachine(configuration: configuration, sessionID: sessionID,
                                    serverSignatureAlgorithms: serverSignatureAlgorithms)
    }

    /// The requests the machine wants to send, parsed.
    private static func requests(_ machine: inout UserAuthStateMachine) throws -> [UserAuthRequest.Method] {
        try machine.takeOutbound().map { payload in
            var body = payload
            guard case let .userAuthRequest(request) = try SSHMessage.parse(&body) else {
                throw SSHProtocolError.malformedMessage("not a USERAUTH_REQUEST")
            }
            #expect(request.userName == "deploy")
            #expect(request.serviceName == "ssh-connection")
            return request.method
        }
    }

    private static func failure(_ methods: [String], partial: Bool = false) -> ByteBuffer {
        var buffer = ByteBuffer()
        UserAuthFailure(authenticationsThatCanContinue: methods, partialSuccess: partial).write(to: &buffer)
        return buffer
    }

    private static var success: ByteBuffer {
        var buffer = ByteBuffer()
        UserAuthSuccess().write(to: &buffer)
        return buffer
    }

    private static func pkOK(_ algorithm: String, _ key: SigningKey) -> ByteBuffer {
        var buffer = ByteBuffer()
        UserAuthPKOK(algorithm: algorithm, publicKey: ByteBuffer(bytes: key.publicKey.blob)).write(to: &buffer)
        return buffer
    }

    /// The data a publickey signature covers (RFC 4252 §7).
    private static func signedData(algorithm: String, key: SigningKey) -> [UInt8] {
        var data = ByteBuffer()
        data.writeSSHString(sessionID)
        data.writeInteger(UInt8(50))
        data.writeSSHString("deploy")
        data.writeSSHString("ssh-connection")
        data.writeSSHString("publickey")
        data.writeSSHBoolean(true)
        data.writeSSHString(algorithm)
        data.writeSSHString(key.publicKey.blob)
        return Array(data.readableBytesView)
    }

    private static func failedReport(_ events: [UserAuthEvent]) -> UserAuthFailureReport? {
        for event in events { if case let .failed(report) = event { return report } }
        return nil
    }

    // MARK: - Public key

    @Test("none first, then an unsigned query; only after PK_OK a signature over the session id (RFC 4252 §7)")
    func publicKeySuccess() throws {
        let key = try Self.key(1)
        var machine = Self.machine([.publicKey(key, label: "id_ed25519")])
        machine.start()
        #expect(try Self.requests(&machine) == [.none])
        try machine.receive(Self.failure(["publickey", "password"]))
        #expect(try Self.requests(&machine) == [.publicKey(algorithm: "ssh-ed25519", publicKey: ByteBuffer(bytes: key.publicKey.blob), signature: nil)])
        try machine.receive(Self.pkOK("ssh-ed25519", key))
        let signed = try Self.requests(&machine)
        guard case let .publicKey(algorithm, blob, signature?) = signed.first, signed.count == 1 else {
            Issue.record("expected one signed publickey request, got \(signed)")
            return
        }
        #expect(algorithm == "ssh-ed25519")
        #expect(Array(blob.readableBytesView) == key.publicKey.blob)
        #expect(try key.publicKey.isValidSignature(signature, for: Self.signedData(algorithm: "ssh-ed25519", key: key), algorithm: "ssh-ed25519"))
        // The same signature does not verify over another session id: it is bound to this one.
        var otherData = Self.signedData(algorithm: "ssh-ed25519", key: key)
        otherData[4] ^= 1
        #expect(try !key.publicKey.isValidSignature(signature, for: otherData, algorithm: "ssh-ed25519"))
        try machine.receive(Self.success)
        #expect(machine.takeEvents() == [.authenticated(method: "publickey", noneAccepted: false)])
        #expect(machine.isFinished)
    }

    @Test("Several identities are tried in order; a refused key is never used to sign")
    func identitiesInOrder() throws {
        let first = try Self.key(1), second = try Self.key(2)
        var machine = Self.machine([.publicKey(first, label: "first"), .publicKey(second, label: "second")])
        machine.start()
        _ = machine.takeOutbound()
        try machine.receive(Self.failure(["publickey"]))
        guard case let .publicKey(_, blob1, signature1) = try Self.requests(&machine).first else { Issue.record("no query"); return }
        #expect(Array(blob1.readableBytesView) == first.publicKey.blob)
        #expect(signature1 == nil)
        try machine.receive(Self.failure(["publickey"]))
        guard case let .publicKey(_, blob2, signature2) = try Self.requests(&machine).first else { Issue.record("no query"); return }
        #expect(Array(blob2.readableBytesView) == second.publicKey.blob)
        #expect(signature2 == nil)
        try machine.receive(Self.pkOK("ssh-ed25519", second))
        guard case let .publicKey(_, blob3, signature3) = try Self.requests(&machine).first else { Issue.record("no signed request"); return }
        #expect(Array(blob3.readableBytesView) == second.publicKey.blob)
        #expect(signature3 != nil)
        try machine.receive(Self.success)
        #expect(machine.takeEvents() == [.authenticated(method: "publickey", noneAccepted: false)])
    }

    @Test("A PK_OK for a key that was never offered is a protocol error")
    func pkOKForAnotherKey() throws {
        let offered = try Self.key(1), other = try Self.key(2)
        var machine = Self.machine([.publicKey(offered, label: "")])
        machine.start()
        try machine.receive(Self.failure(["publickey"]))
        _ = machine.takeOutbound()
        #expect(throws: SSHProtocolError.malformedMessage("PK_OK for a key that was never offered")) {
            try machine.receive(Self.pkOK("ssh-ed25519", other))
        }
    }

    @Test("RSA: rsa-sha2-512 or rsa-sha2-256 as server-sig-algs says; without EXT_INFO 512 then 256 (RFC 8332 §3.3)",
          arguments: [
              (["rsa-sha2-256", "ssh-ed25519"] as [String]?, ["rsa-sha2-256", "rsa-sha2-512"]),
              (["rsa-sha2-512", "rsa-sha2-256"] as [String]?, ["rsa-sha2-512", "rsa-sha2-256"]),
              (nil as [String]?, ["rsa-sha2-512", "rsa-sha2-256"]),
          ])
    func rsaAlgorithmChoice(serverAlgorithms: [String]?, expectedOrder: [String]) throws {
        let key = SigningKey.rsa(try RSAPrivateKey.generate(bits: 2048))
        var machine = Self.machine([.publicKey(key, label: "rsa")], serverSignatureAlgorithms: serverAlgorithms)
        machine.start()
        _ = machine.takeOutbound()
        try machine.receive(Self.failure(["publickey"]))
        var offered: [String] = []
        for _ in 0..<2 {
            guard case let .publicKey(algorithm, _, nil) = try Self.requests(&machine).first else { break }
            offered.append(algorithm)
            try machine.receive(Self.failure(["publickey"]))
        }
        #expect(offered == expectedOrder)
        let report = try #require(Self.failedReport(machine.takeEvents()))
        #expect(report.attempts.map(\.detail).allSatisfy { $0.hasPrefix("ssh-rsa SHA256:") })
        #expect(report.attempts.count == 2)
    }

    // MARK: - Failure, partial success, none

    @Test("When everything fails, the report lists each method and key tried and what the server said")
    func everythingFails() throws {
        let key = try Self.key(3)
        var machine = Self.machine([.publicKey(key, label: "~/.ssh/id_ed25519"), .password(SecureBytes(Array("pw".utf8))),
                                    .keyboardInteractive])
        machine.start()
        _ = machine.takeOutbound()
        try machine.receive(Self.failure(["publickey", "password"]))
        _ = machine.takeOutbound()
        try machine.receive(Self.failure(["publickey", "password"])) // key refused
        #expect(try Self.requests(&machine) == [.password(password: "pw", newPassword: nil)])
        try machine.receive(Self.failure(["publickey", "password"])) // password refused
        #expect(machine.takeOutbound().isEmpty) // keyboard-interactive is not offered by the server
        let report = try #require(Self.failedReport(machine.takeEvents()))
        #expect(machine.isFinished)
        #expect(report.user == "deploy")
        #expect(report.methodsThatCanContinue == ["publickey", "password"])
        #expect(report.attempts.map(\.method) == ["publickey", "password", "keyboard-interactive"])
        #expect(report.attempts[0].detail.contains("ssh-ed25519 SHA256:"))
        #expect(report.attempts[0].detail.contains("[~/.ssh/id_ed25519]"))
        #expect(report.attempts[0].outcome.contains("refused"))
        #expect(report.attempts[1].outcome == "refused")
        #expect(report.attempts[2].outcome.contains("not tried"))
        #expect(!report.description.contains("pw"), "the password leaked: \(report.description)")
        #expect(report.description.contains("server accepts: publickey,password"))
    }

    @Test("Partial success is reported with the methods that can continue, then keyboard-interactive finishes (RFC 4256)")
    func partialSuccessThenKeyboardInteractive() throws {
        var machine = Self.machine([.password(SecureBytes(Array("first factor".utf8))), .keyboardInteractive])
        machine.start()
        _ = machine.takeOutbound()
        try machine.receive(Self.failure(["password"]))
        #expect(try Self.requests(&machine) == [.password(password: "first factor", newPassword: nil)])
        try machine.receive(Self.failure(["keyboard-interactive"], partial: true))
        #expect(machine.takeEvents() == [.partialSuccess(method: "password", methodsThatCanContinue: ["keyboard-interactive"])])
        #expect(try Self.requests(&machine) == [.keyboardInteractive(languageTag: "", submethods: "")])

        var request = ByteBuffer()
        UserAuthInfoRequest(name: "2FA\u{1B}[2J", instruction: "Enter the code", prompts: [.init(prompt: "Code: ", echo: false)])
            .write(to: &request)
        try machine.receive(request)
        let events = machine.takeEvents()
        guard case let .challenge(challenge) = events.first, events.count == 1 else {
            Issue.record("expected a challenge, got \(events)")
            return
        }
        #expect(!challenge.name.contains("\u{1B}"))
        #expect(challenge.instruction == "Enter the code")
        #expect(challenge.prompts.map(\.prompt) == ["Code: "])
        #expect(challenge.prompts.map(\.echo) == [false])
        machine.provideResponses(["123456"])
        let response = try #require(machine.takeOutbound().first)
        var body = response
        body.moveReaderIndex(forwardBy: 1)
        #expect(try UserAuthInfoResponse(parsing: &body).responses == ["123456"])
        try machine.receive(Self.success)
        #expect(machine.takeEvents() == [.authenticated(method: "keyboard-interactive", noneAccepted: false)])
    }

    @Test("A wrong number of keyboard-interactive answers ends authentication with the reason")
    func wrongNumberOfAnswers() throws {
        var machine = Self.machine([.keyboardInteractive])
        machine.start()
        try machine.receive(Self.failure(["keyboard-interactive"]))
        _ = machine.takeOutbound()
        var request = ByteBuffer()
        UserAuthInfoRequest(name: "", instruction: "", prompts: [.init(prompt: "A", echo: true), .init(prompt: "B", echo: false)])
            .write(to: &request)
        try machine.receive(request)
        _ = machine.takeEvents()
        machine.provideResponses(["only one"])
        let report = try #require(Self.failedReport(machine.takeEvents()))
        #expect(report.reason?.contains("1 answers given for 2 prompts") == true)
    }

    @Test("A server that accepts \"none\" is reported, and refused when so configured")
    func noneAccepted() throws {
        var lenient = Self.machine([])
        lenient.start()
        try lenient.receive(Self.success)
        #expect(lenient.takeEvents() == [.authenticated(method: "none", noneAccepted: true)])

        var strict = Self.machine([], refuseNone: true)
        strict.start()
        try strict.receive(Self.success)
        let report = try #require(Self.failedReport(strict.takeEvents()))
        #expect(report.reason?.contains("\"none\"") == true)
        #expect(strict.isFinished)
    }

    @Test("Banners reach the caller cleaned of control characters, newlines kept")
    func banner() throws {
        var machine = Self.machine([])
        machine.start()
        var banner = ByteBuffer()
        UserAuthBanner(message: "Authorized use only\n\u{1B}[31mred\u{07}").write(to: &banner)
        try machine.receive(banner)
        let events = machine.takeEvents()
        guard case let .banner(text) = events.first, events.count == 1 else {
            Issue.record("expected a banner, got \(events)")
            return
        }
        #expect(text.hasPrefix("Authorized use only\n"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test("SUCCESS or FAILURE with no request pending, and messages after the end, are protocol errors")
    func unexpectedMessages() throws {
        var idle = Self.machine([])
        #expect(throws: SSHProtocolError.self) { try idle.receive(Self.success) }
        var finished = Self.machine([])
        finished.start()
        try finished.receive(Self.success)
        #expect(throws: SSHProtocolError.self) { try finished.receive(Self.failure(["publickey"])) }
    }
}
