import Foundation
import SSHDHarness
import Testing

/// The algorithm lists, RekeyLimit and extraOptions of `SSHDConfiguration` reach sshd.
@Suite("SSHD harness: configuration", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct SSHDConfigurationInteropTests {
    /// One server configuration and the `debug1: kex:` lines sshd must log for it.
    struct AlgorithmCase: Sendable, CustomTestStringConvertible {
        let kex: String
        let cipher: String
        let mac: String?
        /// What OpenSSH logs as MAC: the MAC name, or `<implicit>` for AEAD ciphers.
        var loggedMAC: String { mac ?? "<implicit>" }
        var testDescription: String { "\(kex) \(cipher) \(loggedMAC)" }
    }

    static let algorithmCases = [
        AlgorithmCase(kex: "ecdh-sha2-nistp384", cipher: "aes256-ctr", mac: "hmac-sha2-512"),
        AlgorithmCase(kex: "diffie-hellman-group14-sha256", cipher: "aes128-gcm@openssh.com", mac: nil),
        AlgorithmCase(kex: "curve25519-sha256", cipher: "chacha20-poly1305@openssh.com", mac: nil),
    ]

    @Test("sshd negotiates exactly the configured KexAlgorithms / Ciphers / MACs", arguments: algorithmCases)
    func configuredAlgorithms(_ algorithms: AlgorithmCase) throws {
        let fixture = try InteropFixture {
            $0.kexAlgorithms = [algorithms.kex]
            $0.ciphers = [algorithms.cipher]
            $0.macs = algorithms.mac.map { [$0] }
        }
        let result = try fixture.runSSH()
        #expect(result.succeeded, "\(result.standardError)\n\(fixture.server.log())")
        let server = fixture.server
        #expect(server.waitForLog(containing: "debug1: kex: algorithm: \(algorithms.kex)", timeout: .seconds(5)))
        for direction in ["client->server", "server->client"] {
            let line = "debug1: kex: \(direction) cipher: \(algorithms.cipher) MAC: \(algorithms.loggedMAC) compression: none"
            #expect(server.waitForLog(containing: line, timeout: .seconds(5)), "missing: \(line)")
        }
    }

    @Test("a client offering none of the configured ciphers is refused")
    func mismatchedCipherFails() throws {
        let fixture = try InteropFixture { $0.ciphers = ["aes128-ctr"] }
        let result = try fixture.runSSH(options: ["Ciphers=aes256-gcm@openssh.com"])
        #expect(result.exit == .exited(255))
        #expect(fixture.server.waitForLog(containing: "no matching cipher found", timeout: .seconds(5)))
    }

    @Test("extraOptions come first so they override harness defaults; RekeyLimit is applied")
    func extraOptionsWinAndRekeyLimit() throws {
        let fixture = try InteropFixture {
            $0.extraOptions = [("AllowTcpForwarding", "no"), ("MaxAuthTries", "3")]
            $0.rekeyLimit = "64K"
        }
        let configPath = fixture.server.directory.appendingPathComponent("sshd_config").path
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        let overridden = try #require(text.range(of: "AllowTcpForwarding no"))
        let defaulted = try #require(text.range(of: "AllowTcpForwarding yes"))
        #expect(overridden.lowerBound < defaulted.lowerBound)
        let effective = try HarnessProcess.runChecked(executable: "/usr/sbin/sshd", arguments: ["-T", "-f", configPath])
        let lines = Set(effective.standardOutput.split(separator: "\n").map(String.init))
        #expect(lines.contains("allowtcpforwarding no"))
        #expect(lines.contains("maxauthtries 3"))
        #expect(lines.contains("rekeylimit 65536 0"))
    }

    @Test("an invalid algorithm is reported with sshd's own complaint and leaves nothing behind")
    func invalidConfigurationIsReported() throws {
        var configuration = SSHDConfiguration()
        configuration.kexAlgorithms = ["no-such-kex"]
        let error = try #require(throws: SSHDHarnessError.self) {
            try SSHDServer.start(configuration, environment: HarnessTestGate.localEnvironment)
        }
        guard case .invalidConfiguration = error else {
            Issue.record("expected invalidConfiguration, got \(error)")
            return
        }
        #expect(error.description.contains("Bad SSH2 KexAlgorithms 'no-such-kex'"))
    }

    @Test("an option containing a newline is rejected before sshd runs")
    func newlineInOptionRejected() throws {
        var configuration = SSHDConfiguration()
        configuration.extraOptions = [("Banner", "none\nPermitRootLogin yes")]
        #expect(throws: SSHDHarnessError.self) {
            try SSHDServer.start(configuration, environment: HarnessTestGate.localEnvironment)
        }
    }
}
