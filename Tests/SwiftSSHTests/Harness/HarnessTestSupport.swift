import Foundation
import SSHDHarness
import Testing

extension Tag {
    /// Tests that run real OpenSSH binaries (sshd, ssh, ssh-keygen). Filter with `--filter` on the
    /// suite names or skip with `--skip`; they are disabled (not failed) when OpenSSH is missing,
    /// except in CI where a missing install must fail loudly.
    @Tag static var interop: Self
}

/// Gates and helpers shared by the harness's own tests.
enum HarnessTestGate {
    /// Local sshd, ssh-keygen and ssh are installed, or we are in CI (where missing tools must FAIL).
    static var localOpenSSHAvailable: Bool {
        SSHDServer.isLocallyAvailable
            && (OpenSSHClient.isInstalled || SSHDServer.isContinuousIntegration(ProcessInfo.processInfo.environment))
    }

    /// The process environment without SWIFTSSH_TEST_SSHD_*: the harness's own tests always exercise
    /// a locally started sshd, even when the rest of the suite targets an external one.
    static var localEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWIFTSSH_TEST_SSHD_") }
    }
}

/// A temporary directory for client-side files, deleted on deinit.
final class ClientScratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftssh-client-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A local sshd that accepts a fresh Ed25519 client identity, plus a known_hosts file for it.
final class InteropFixture {
    let scratch: ClientScratch
    let identity: SSHClientIdentity
    let server: SSHDServer
    let knownHosts: URL

    init(timeout: Duration = .seconds(10), configure: (inout SSHDConfiguration) -> Void = { _ in }) throws {
        scratch = try ClientScratch()
        identity = try SSHClientIdentity.generate(type: .ed25519, in: scratch.url, comment: "swiftssh-harness-test")
        var configuration = SSHDConfiguration()
        configuration.authorizedKeys = [identity.publicKeyLine]
        configure(&configuration)
        server = try SSHDServer.start(configuration, timeout: timeout, environment: HarnessTestGate.localEnvironment)
        knownHosts = try OpenSSHClient.writeKnownHosts(for: server, to: scratch.url.appendingPathComponent("known_hosts"))
    }

    deinit { server.stop() }

    /// The ssh arguments for this fixture.
    func sshArguments(options: [String] = [], extraArguments: [String] = [], command: [String] = []) -> [String] {
        OpenSSHClient.arguments(
            server: server, identityPath: identity.privateKeyPath, knownHostsFile: knownHosts,
            options: options, extraArguments: extraArguments, command: command
        )
    }

    /// Runs `ssh <options> user@127.0.0.1 <command>` to completion (bounded).
    func runSSH(options: [String] = [], command: [String] = ["true"], timeout: Duration = .seconds(30)) throws -> HarnessProcessResult {
        try HarnessProcess.run(executable: OpenSSHClient.path, arguments: sshArguments(options: options, command: command), timeout: timeout)
    }
}

/// Independent of the harness's own scanner: pids whose /proc cmdline mentions `path`.
func processIDsWithCommandLine(containing path: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(path)
    }
}
