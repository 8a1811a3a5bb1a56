import Foundation
import Glibc

/// A real OpenSSH sshd listening on 127.0.0.1 with its own temporary host keys and config, or a
/// handle to an external loopback sshd named by SWIFTSSH_TEST_SSHD_* (see `SSHDExternalTarget`).
/// `stop()` (also run by `deinit`) kills sshd and every connection child and deletes the directory.
public final class SSHDServer: @unchecked Sendable {
    /// The address clients connect to ("127.0.0.1" for a harness-started sshd).
    public let host: String
    /// The listening port; unchanged by `restart()`.
    public let port: Int
    /// The login user (the current user, e.g. root in CI).
    public let user: String
    /// The `.pub` line of each host key.
    public let hostPublicKeys: [SSHDHostKeyType: String]
    /// The instance's private temp dir (config, keys, log; scratch space for external servers).
    public let directory: URL
    /// True when no process was started because SWIFTSSH_TEST_SSHD_HOST names an external server.
    public let isExternal: Bool
    /// For an external server, the private key it accepts (SWIFTSSH_TEST_SSHD_KEY); nil otherwise.
    public let externalIdentityPath: String?

    private let configuration: SSHDConfiguration
    private let lock = NSLock()
    private var workspace: SSHDWorkspace?  // guarded by `lock`; nil for external servers
    private var process: HarnessProcess?  // guarded by `lock`
    private var directoryRemoved = false  // guarded by `lock`
    private var archivedLog = ""  // guarded by `lock`; log text of directories already deleted

    /// True when interop tests can run: sshd and ssh-keygen are installed or an external server is
    /// configured. In CI (`CI` set and not "false"/"0") this is always true, so that a missing sshd
    /// makes the tests FAIL (start throws `toolMissing`) instead of silently skipping.
    public static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        if environment[SSHDExternalTarget.hostVariable]?.isEmpty == false { return true }
        return isLocallyAvailable
    }

    /// Like `isAvailable` but ignoring external servers: true when a local sshd can be started
    /// (`/usr/sbin/sshd` and `/usr/bin/ssh-keygen` installed), and always true in CI.
    public static var isLocallyAvailable: Bool {
        if isContinuousIntegration(ProcessInfo.processInfo.environment) { return true }
        return FileManager.default.isExecutableFile(atPath: SSHDWorkspace.sshdPath)
            && FileManager.default.isExecutableFile(atPath: SSHDWorkspace.keygenPath)
    }

    /// The pid of the running sshd listener (also its process-group id); nil when stopped, killed or external.
    public var processID: Int32? {
        lock.withLock { process.flatMap { $0.isReaped ? nil : $0.pid } }
    }

    /// True when `environment` says we run in CI (`CI` set to anything but "", "false" or "0").
    public static func isContinuousIntegration(_ environment: [String: String]) -> Bool {
        guard let value = environment["CI"]?.lowercased() else { return false }
        return !["", "false", "0"].contains(value)
    }

    /// Picks a free port on 127.0.0.1, writes config and keys into a fresh temp dir, runs
    /// `/usr/sbin/sshd -D -e -f <config>` and waits (at most `timeout`) until it logs
    /// "Server listening on 127.0.0.1 port N". Throws with sshd's log if it fails. If `environment`
    /// names an external server (SWIFTSSH_TEST_SSHD_HOST), returns a handle and starts nothing.
    public static func start(
        _ configuration: SSHDConfiguration,
        timeout: Duration = .seconds(10),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SSHDServer {
        if let target = try SSHDExternalTarget.fromEnvironment(environment) {
            return try SSHDServer(external: target, configuration: configuration)
        }
        var port = try LoopbackSockets.pickFreePort()
        var workspace = try SSHDWorkspace.create(configuration, port: port)
        let maximumAttempts = 3
        for attempt in 1...maximumAttempts {
            do {
                let process = try SSHDListener.launch(workspace: workspace, port: port, configuration: configuration, timeout: timeout)
                return SSHDServer(workspace: workspace, process: process, port: port, configuration: configuration)
            } catch let error as SSHDHarnessError where SSHDListener.isAddressInUse(error) && attempt < maximumAttempts {
                port = try LoopbackSockets.pickFreePort()  // someone took the port between pick and bind
                workspace = try workspace.withConfig(configuration, port: port)
            } catch {
                workspace.remove()
                throw error
            }
        }
        workspace.remove()
        throw SSHDHarnessError.sshdDidNotStart(reason: "no free port after \(maximumAttempts) attempts", log: "")
    }

    private init(workspace: SSHDWorkspace, process: HarnessProcess, port: Int, configuration: SSHDConfiguration) {
        self.host = "127.0.0.1"
        self.port = port
        self.user = currentUserName()
        self.hostPublicKeys = Dictionary(workspace.hostKeys.map { ($0.type, $0.publicKeyLine) }, uniquingKeysWith: { first, _ in first })
        self.directory = workspace.directory
        self.isExternal = false
        self.externalIdentityPath = nil
        self.configuration = configuration
        self.workspace = workspace
        self.process = process
    }

    private init(external target: SSHDExternalTarget, configuration: SSHDConfiguration) throws {
        self.host = target.host
        self.port = target.port
        self.user = target.user
        let format = String(target.hostPublicKeyLine.split(separator: " ").first ?? "")
        self.hostPublicKeys = SSHDHostKeyType(publicKeyFormat: format).map { [$0: target.hostPublicKeyLine] } ?? [:]
        self.directory = try makeScratchDirectory(prefix: "swiftssh-external")
        self.isExternal = true
        self.externalIdentityPath = target.privateKeyPath
        self.configuration = configuration
    }

    deinit { stop() }

    /// Everything sshd wrote to stderr so far (its debug log), across restarts; "" for external servers.
    public func log() -> String {
        lock.withLock {
            guard let workspace, !directoryRemoved else { return archivedLog }
            return archivedLog + readText(atPath: workspace.logPath)
        }
    }

    /// Polls the log (every 20 ms) until it contains `text` or `timeout` passes. Always false for external servers.
    public func waitForLog(containing text: String, timeout: Duration) -> Bool {
        if isExternal { return false }
        let deadline = ContinuousClock.now + timeout
        while true {
            if log().contains(text) { return true }
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// SIGTERM, up to 5 s grace, then SIGKILL; kills every connection child, reaps, deletes the
    /// directory. Idempotent. For external servers only the scratch directory is deleted.
    public func stop() {
        lock.withLock {
            if let process, let workspace {
                SSHDProcessTree.terminate(process, directory: workspace.directory.path, grace: .seconds(5))
            }
            process = nil
            guard !directoryRemoved else { return }
            if let workspace { archivedLog += readText(atPath: workspace.logPath) }
            try? FileManager.default.removeItem(at: directory)
            directoryRemoved = true
        }
    }

    /// SIGSTOP to sshd and all its connection children (simulates a hung server; keepalive tests). No-op for external servers.
    public func suspend() { signalEverything(SIGSTOP) }

    /// SIGCONT to sshd and all its connection children. No-op for external servers.
    public func resume() { signalEverything(SIGCONT) }

    /// SIGKILL to sshd and all its connection children right now (simulated crash); keeps the
    /// directory so `restart()` can bring the server back. No-op for external servers.
    public func kill() {
        lock.withLock {
            guard let process, let workspace else { return }
            SSHDProcessTree.killNow(process, directory: workspace.directory.path)
            self.process = nil
        }
    }

    /// Starts sshd again on the same port with the same keys and config (after `kill()` or `stop()`;
    /// a running instance is stopped first). Throws `notSupportedForExternalServer` for external servers.
    public func restart(timeout: Duration = .seconds(10)) throws {
        try lock.withLock {
            guard let workspace else { throw SSHDHarnessError.notSupportedForExternalServer(operation: "restart()") }
            if let process {
                SSHDProcessTree.terminate(process, directory: workspace.directory.path, grace: .seconds(5))
                self.process = nil
            }
            if directoryRemoved {
                try workspace.recreate()
                directoryRemoved = false
            }
            self.process = try SSHDListener.launchRetryingSamePort(
                workspace: workspace, port: port, configuration: configuration, timeout: timeout
            )
        }
    }

    /// `[host]:port <line>` known_hosts entries for every host key (plain `host` when port is 22).
    public func knownHostsLines() -> [String] {
        let name = port == 22 ? host : "[\(host)]:\(port)"
        return hostPublicKeys.keys.sorted { $0.rawValue < $1.rawValue }.compactMap { type in
            hostPublicKeys[type].map { "\(name) \($0)" }
        }
    }

    private func signalEverything(_ signal: Int32) {
        lock.withLock {
            guard let process, let workspace else { return }
            SSHDProcessTree.signalAll(signal, process: process, directory: workspace.directory.path)
        }
    }
}
