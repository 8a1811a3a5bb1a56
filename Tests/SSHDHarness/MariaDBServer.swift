import Foundation
import Glibc

/// A throwaway MariaDB server on 127.0.0.1 for end-to-end tests: `mariadb-install-db` into a fresh
/// temporary directory, then `mariadbd --no-defaults` on a free port with that data directory.
///
/// `start` returns only when a real client query succeeds over TCP (bounded by its timeout), and
/// creates the database `databaseName`. `stop()` (also run on deinit) terminates the server's
/// process group and deletes the directory. Like the sshd harness, `isAvailable` is always true in
/// CI (`CI=true`), so a missing MariaDB install fails the run instead of skipping it.
public final class MariaDBServer: @unchecked Sendable {
    /// Where Debian's mariadb-server installs the daemon.
    public static let serverPath = "/usr/sbin/mariadbd"
    /// Where Debian's mariadb-server installs the data-directory initialiser.
    public static let installDBPath = "/usr/bin/mariadb-install-db"
    /// Where Debian's mariadb-client installs the command-line client.
    public static let clientPath = "/usr/bin/mariadb"
    /// The database `start` creates for tests.
    public static let databaseName = "swiftssh"

    /// Always 127.0.0.1.
    public let host = "127.0.0.1"
    /// The TCP port the server listens on.
    public let port: Int
    /// The login user (`root`, authenticated by the server's initial grants without a password).
    public let user = "root"
    /// The temporary directory holding the data directory, socket and log.
    public let directory: URL
    private let lock = NSLock()
    private var process: HarnessProcess?

    /// The server, installer and client are installed.
    public static var isInstalled: Bool {
        [serverPath, installDBPath, clientPath].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Installed, or running in CI where a missing install must fail the tests.
    public static var isAvailable: Bool {
        isInstalled || SSHDServer.isContinuousIntegration(ProcessInfo.processInfo.environment)
    }

    private init(directory: URL, port: Int, process: HarnessProcess) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    deinit { stop() }

    /// Initialises a data directory and starts the server, retrying on another port if the picked
    /// one was taken meanwhile. Throws with the server's log when it does not come up in `timeout`.
    public static func start(timeout: Duration = .seconds(60)) throws -> MariaDBServer {
        for path in [serverPath, installDBPath, clientPath] where !FileManager.default.isExecutableFile(atPath: path) {
            throw SSHDHarnessError.toolMissing(path: path)
        }
        let directory = try makeScratchDirectory(prefix: "swiftssh-mariadb")
        do {
            try HarnessProcess.runChecked(executable: installDBPath, arguments: [
                "--no-defaults", "--datadir=\(directory.appendingPathComponent("data").path)", "--user=\(currentUserName())",
                "--auth-root-authentication-method=normal", "--skip-test-db",
            ], timeout: timeout)
            let maximumAttempts = 3
            for attempt in 1...maximumAttempts {
                let port = try LoopbackSockets.pickFreePort()
                let process = try launchServer(directory: directory, port: port)
                let server = MariaDBServer(directory: directory, port: port, process: process)
                switch server.waitUntilReady(timeout: timeout) {
                case .ready:
                    return server
                case .exited where attempt < maximumAttempts && server.log().contains("Address already in use"):
                    server.terminateProcess()
                    continue
                case let outcome:
                    let log = server.log()
                    server.terminateProcess()
                    throw SSHDHarnessError.toolFailed(executable: serverPath, status: .exited(-1),
                                                      output: "MariaDB did not become ready (\(outcome)):\n\(log)")
                }
            }
            throw SSHDHarnessError.toolFailed(executable: serverPath, status: .exited(-1),
                                              output: "no free port for MariaDB after \(maximumAttempts) attempts")
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Arguments for the `mariadb` client reaching this server (or a forward of it) over TCP.
    public func clientArguments(port: Int? = nil, database: String? = MariaDBServer.databaseName) -> [String] {
        var arguments = ["--no-defaults", "--protocol=TCP", "--host=127.0.0.1", "--port=\(port ?? self.port)",
                         "--user=\(user)", "--batch", "--skip-column-names", "--connect-timeout=10"]
        if let database { arguments.append("--database=\(database)") }
        return arguments
    }

    /// The server's error log so far.
    public func log() -> String { readText(atPath: directory.appendingPathComponent("error.log").path) }

    /// SIGTERM (up to 20 s for a clean shutdown), then SIGKILL; deletes the directory. Idempotent.
    public func stop() {
        terminateProcess()
        try? FileManager.default.removeItem(at: directory)
    }

    private func terminateProcess() {
        lock.lock()
        defer { lock.unlock() }
        process?.terminate(grace: .seconds(20))
        process = nil
    }

    private static func launchServer(directory: URL, port: Int) throws -> HarnessProcess {
        try HarnessProcess.launch(executable: serverPath, arguments: [
            "--no-defaults",
            "--datadir=\(directory.appendingPathComponent("data").path)",
            "--socket=\(directory.appendingPathComponent("mariadb.sock").path)",
            "--pid-file=\(directory.appendingPathComponent("mariadb.pid").path)",
            "--log-error=\(directory.appendingPathComponent("error.log").path)",
            "--port=\(port)", "--bind-address=127.0.0.1", "--user=\(currentUserName())",
            "--skip-log-bin", "--max-connections=500", "--innodb-flush-log-at-trx-commit=0",
        ])
    }

    private enum Readiness: CustomStringConvertible {
        case ready, exited, timedOut
        var description: String {
            switch self {
            case .ready: return "ready"
            case .exited: return "mariadbd exited"
            case .timedOut: return "timed out"
            }
        }
    }

    /// Polls with a real query (which also creates the test database) until it succeeds, the server
    /// exits, or `timeout` passes.
    private func waitUntilReady(timeout: Duration) -> Readiness {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let exited = lock.withLock { process?.hasExited ?? true }
            if exited { return .exited }
            let query = "CREATE DATABASE IF NOT EXISTS \(Self.databaseName)"
            if let result = try? HarnessProcess.run(executable: Self.clientPath,
                                                    arguments: clientArguments(database: nil) + ["--execute=\(query)"],
                                                    timeout: .seconds(15)),
               result.succeeded {
                return .ready
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return .timedOut
    }
}
