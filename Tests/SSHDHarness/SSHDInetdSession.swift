import Foundation
import Glibc

/// One sshd connection in inetd mode: `sshd -i -e -f <config>` with its stdin/stdout on one end of
/// a `socketpair(AF_UNIX, SOCK_STREAM)`; the test speaks SSH over `fileDescriptor`, the other end.
/// (`-e` is added to `sshd -i` so that the debug log goes to `log()` instead of syslog.)
public final class SSHDInetdSession: @unchecked Sendable {
    /// The test's end of the socket pair (close-on-exec). Owned by the session: `stop()` closes it.
    public let fileDescriptor: Int32
    /// The login user (the current user).
    public let user: String
    /// The `.pub` line of each host key.
    public let hostPublicKeys: [SSHDHostKeyType: String]
    /// The session's private temp dir.
    public let directory: URL

    private let workspace: SSHDWorkspace
    private let lock = NSLock()
    private var process: HarnessProcess?  // guarded by `lock`
    private var finalLog: String?  // guarded by `lock`; set once the directory is deleted

    /// Writes keys and config into a fresh temp dir and starts `sshd -i` on a new socket pair.
    /// sshd sends its identification string ("SSH-2.0-OpenSSH_...") on `fileDescriptor` right away.
    public static func start(_ configuration: SSHDConfiguration) throws -> SSHDInetdSession {
        let workspace = try SSHDWorkspace.create(configuration, port: nil)
        var pair: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            let code = errno
            workspace.remove()
            throw SSHDHarnessError.systemCall(operation: "socketpair", errno: code)
        }
        do {
            let process = try HarnessProcess.launch(
                executable: SSHDWorkspace.sshdPath,
                arguments: ["-i", "-e", "-f", workspace.configPath],
                standardInput: .descriptor(pair[1]),
                standardOutput: .descriptor(pair[1]),
                standardError: .file(path: workspace.logPath, append: true)
            )
            close(pair[1])
            return SSHDInetdSession(workspace: workspace, process: process, fileDescriptor: pair[0])
        } catch {
            close(pair[0])
            close(pair[1])
            workspace.remove()
            throw error
        }
    }

    private init(workspace: SSHDWorkspace, process: HarnessProcess, fileDescriptor: Int32) {
        self.workspace = workspace
        self.process = process
        self.fileDescriptor = fileDescriptor
        self.user = currentUserName()
        self.hostPublicKeys = Dictionary(workspace.hostKeys.map { ($0.type, $0.publicKeyLine) }, uniquingKeysWith: { first, _ in first })
        self.directory = workspace.directory
    }

    deinit { stop() }

    /// Everything sshd wrote to stderr so far (its debug log).
    public func log() -> String {
        lock.withLock { finalLog ?? readText(atPath: workspace.logPath) }
    }

    /// Closes `fileDescriptor`, terminates sshd and its privilege-separation children (SIGTERM,
    /// 5 s grace, SIGKILL), reaps it and deletes the directory. Idempotent.
    public func stop() {
        lock.withLock {
            guard let process else { return }
            close(fileDescriptor)
            SSHDProcessTree.terminate(process, directory: workspace.directory.path, grace: .seconds(5))
            self.process = nil
            finalLog = readText(atPath: workspace.logPath)
            workspace.remove()
        }
    }
}
