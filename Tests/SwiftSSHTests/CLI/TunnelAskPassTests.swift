import Foundation
import SSHDHarness
import Testing

/// Passphrases without a terminal: `swiftssh tunnel` runs `SSH_ASKPASS` as ssh does, honouring
/// `SSH_ASKPASS_REQUIRE` and `DISPLAY` (stdin is /dev/null in these runs).
@Suite("swiftssh tunnel SSH_ASKPASS", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable), .serialized)
struct TunnelAskPassTests {
    static let passphrase = "correct horse battery"

    /// An encrypted identity authorized on a harness sshd, and an askpass script that prints the
    /// passphrase and records its prompt.
    final class Setup {
        let keys: ClientScratch
        let keyPath: String
        let askpass: String
        let promptFile: String
        let fixture: InteropFixture

        init() throws {
            keys = try ClientScratch()
            keyPath = keys.url.appendingPathComponent("id_encrypted").path
            try HarnessProcess.runChecked(executable: "/usr/bin/ssh-keygen",
                                          arguments: ["-q", "-t", "ed25519", "-N", TunnelAskPassTests.passphrase, "-C", "enc", "-f", keyPath])
            let publicKey = try String(contentsOfFile: keyPath + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            promptFile = keys.url.appendingPathComponent("prompt").path
            askpass = keys.url.appendingPathComponent("askpass.sh").path
            try "#!/bin/sh\nprintf '%s' \"$1\" > '\(promptFile)'\necho '\(TunnelAskPassTests.passphrase)'\n"
                .write(toFile: askpass, atomically: false, encoding: .utf8)
            chmod(askpass, 0o755)
            fixture = try InteropFixture { $0.authorizedKeys.append(publicKey) }
        }

        var arguments: [String] {
            ["tunnel", "-F", "none", "-p", String(fixture.server.port), "-l", fixture.server.user, "-i", keyPath,
             "-o", "UserKnownHostsFile=\(fixture.knownHosts.path)", "-L", "0:127.0.0.1:9", fixture.server.host]
        }

        var prompt: String? { try? String(contentsOfFile: promptFile, encoding: .utf8) }
    }

    @Test("askpass is used, or not, as ssh decides", arguments: [
        (["-u", "DISPLAY", "SSH_ASKPASS_REQUIRE=force"], true),
        (["DISPLAY=:99"], true),
        (["DISPLAY=:99", "SSH_ASKPASS_REQUIRE=prefer"], true),
        (["-u", "DISPLAY"], false),
        (["-u", "DISPLAY", "SSH_ASKPASS_REQUIRE=prefer"], false),
        (["DISPLAY=:99", "SSH_ASKPASS_REQUIRE=never"], false),
    ])
    func askpassDecision(environment: [String], used: Bool) throws {
        let setup = try Setup()
        let tunnel = try TunnelProcess(arguments: setup.arguments, environment: environment + ["SSH_ASKPASS=\(setup.askpass)"],
                                       scratch: setup.keys.url)
        if used {
            let lines = tunnel.waitForLines(1, timeout: .seconds(20))
            #expect(lines.first?.hasPrefix("Forwarding 127.0.0.1:") == true, "stderr: \(tunnel.standardError)")
            #expect(setup.prompt == "Enter passphrase for key '\(setup.keyPath)': ")
            tunnel.process.send(SIGTERM)
            #expect(tunnel.process.waitForExit(timeout: .seconds(10)) == .exited(0))
        } else {
            #expect(tunnel.process.waitForExit(timeout: .seconds(20)) == .exited(255), "stderr: \(tunnel.standardError)")
            #expect(tunnel.standardError.contains("Permission denied"))
            #expect(setup.prompt == nil)
        }
    }
}
