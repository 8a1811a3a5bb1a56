import Foundation
import SSHDHarness
import Testing

/// External-server mode: only loopback targets, and no process is started.
@Suite("SSHD harness: external server")
struct SSHDExternalTargetTests {
    static func environment(host: String) -> [String: String] {
        [
            SSHDExternalTarget.hostVariable: host,
            SSHDExternalTarget.portVariable: "2222",
            SSHDExternalTarget.userVariable: "tester",
            SSHDExternalTarget.keyVariable: "/nonexistent/id_ed25519",
            SSHDExternalTarget.hostKeyVariable: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests host",
        ]
    }

    @Test("non-loopback hosts are refused with a clear error", arguments: ["192.0.2.10", "example.com", "10.0.0.1", "127.0.0.1.example.com", "::2", "0.0.0.0"])
    func refusesNonLoopback(_ host: String) throws {
        let error = try #require(throws: SSHDHarnessError.self) {
            try SSHDServer.start(SSHDConfiguration(), environment: Self.environment(host: host))
        }
        #expect(error.description.contains("not a loopback address"))
        #expect(error.description.contains(host))
    }

    @Test("loopback hosts are accepted", arguments: ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
    func acceptsLoopback(_ host: String) throws {
        let target = try #require(try SSHDExternalTarget.fromEnvironment(Self.environment(host: host)))
        #expect(target.host == host)
        #expect(target.port == 2222)
        #expect(target.user == "tester")
        #expect(target.privateKeyPath == "/nonexistent/id_ed25519")
    }

    @Test("an external handle starts no process and has an empty log")
    func externalHandle() throws {
        let server = try SSHDServer.start(SSHDConfiguration(), environment: Self.environment(host: "127.0.0.1"))
        #expect(server.isExternal)
        #expect(server.host == "127.0.0.1")
        #expect(server.port == 2222)
        #expect(server.processID == nil)
        #expect(server.log() == "")
        #expect(!server.waitForLog(containing: "Server listening", timeout: .milliseconds(50)))
        #expect(server.externalIdentityPath == "/nonexistent/id_ed25519")
        #expect(server.hostPublicKeys[.ed25519]?.hasPrefix("ssh-ed25519 ") == true)
        #expect(server.knownHostsLines() == ["[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests host"])
        #expect(throws: SSHDHarnessError.self) { try server.restart() }
        server.stop()
        #expect(!FileManager.default.fileExists(atPath: server.directory.path))
    }

    @Test("missing key variables and bad ports are reported; no host means local mode")
    func malformedEnvironment() throws {
        var environment = Self.environment(host: "127.0.0.1")
        environment[SSHDExternalTarget.keyVariable] = nil
        #expect(throws: SSHDHarnessError.self) { try SSHDExternalTarget.fromEnvironment(environment) }
        environment = Self.environment(host: "127.0.0.1")
        environment[SSHDExternalTarget.portVariable] = "70000"
        #expect(throws: SSHDHarnessError.self) { try SSHDExternalTarget.fromEnvironment(environment) }
        #expect(try SSHDExternalTarget.fromEnvironment([:]) == nil)
    }

    @Test("CI detection: missing sshd must fail in CI rather than skip")
    func continuousIntegrationDetection() {
        #expect(SSHDServer.isContinuousIntegration(["CI": "true"]))
        #expect(SSHDServer.isContinuousIntegration(["CI": "1"]))
        #expect(!SSHDServer.isContinuousIntegration(["CI": "false"]))
        #expect(!SSHDServer.isContinuousIntegration([:]))
    }
}
