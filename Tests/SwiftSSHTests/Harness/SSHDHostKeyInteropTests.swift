import Foundation
import SSHDHarness
import Testing

/// Every host key type the harness generates is served by sshd and accepted by OpenSSH's client.
@Suite("SSHD harness: host key types", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct SSHDHostKeyInteropTests {
    @Test("ssh connects with each host key algorithm and sshd logs it", arguments: SSHDHostKeyType.allCases)
    func hostKeyType(_ type: SSHDHostKeyType) throws {
        let fixture = try InteropFixture { $0.hostKeyTypes = [type] }
        let line = try #require(fixture.server.hostPublicKeys[type])
        #expect(line.hasPrefix(type.publicKeyFormat + " "))
        #expect(fixture.server.hostPublicKeys.count == 1)
        for algorithm in type.signatureAlgorithms {
            let result = try fixture.runSSH(options: ["HostKeyAlgorithms=\(algorithm)"])
            #expect(result.succeeded, "ssh with \(algorithm): \(result.exit)\n\(result.standardError)\n\(fixture.server.log())")
            #expect(
                fixture.server.waitForLog(containing: "kex: host key algorithm: \(algorithm)", timeout: .seconds(5)),
                "no host key algorithm line for \(algorithm)"
            )
        }
    }

    @Test("a server with several host keys publishes each .pub line")
    func severalHostKeys() throws {
        let fixture = try InteropFixture { $0.hostKeyTypes = [.ed25519, .ecdsa256] }
        #expect(Set(fixture.server.hostPublicKeys.keys) == [.ed25519, .ecdsa256])
        #expect(fixture.server.knownHostsLines().allSatisfy { $0.hasPrefix("[127.0.0.1]:\(fixture.server.port) ") })
        let result = try fixture.runSSH(options: ["HostKeyAlgorithms=ecdsa-sha2-nistp256"])
        #expect(result.succeeded, "\(result.standardError)")
    }
}
