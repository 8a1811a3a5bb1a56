import Foundation

/// Errors thrown by the sshd test harness. Descriptions include the daemon's or tool's own output
/// so that a failing interop test shows why sshd refused to start.
public enum SSHDHarnessError: Error, CustomStringConvertible, Sendable {
    /// `/usr/sbin/sshd` (or another required OpenSSH tool) is not installed.
    case toolMissing(path: String)
    /// A system call failed; `operation` names it and `errno` is its error number.
    case systemCall(operation: String, errno: Int32)
    /// A child process could not be spawned.
    case spawnFailed(executable: String, errno: Int32)
    /// A tool such as `ssh-keygen` exited unsuccessfully; `output` is what it printed.
    case toolFailed(executable: String, status: HarnessProcessExit, output: String)
    /// A tool did not finish within its time limit and was killed.
    case toolTimedOut(executable: String, output: String)
    /// `sshd -t` rejected the generated configuration; `output` is sshd's complaint.
    case invalidConfiguration(output: String)
    /// sshd exited or did not start listening in time; `log` is everything it wrote.
    case sshdDidNotStart(reason: String, log: String)
    /// An external-server environment variable is missing or malformed.
    case invalidExternalServer(reason: String)
    /// The operation needs a process the harness owns, but the server is external.
    case notSupportedForExternalServer(operation: String)

    /// A human-readable explanation including the captured output, if any.
    public var description: String {
        switch self {
        case .toolMissing(let path):
            return "required OpenSSH tool not found at \(path) (install openssh-server / openssh-client)"
        case .systemCall(let operation, let code):
            return "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .spawnFailed(let executable, let code):
            return "could not spawn \(executable): \(String(cString: strerror(code))) (errno \(code))"
        case .toolFailed(let executable, let status, let output):
            return "\(executable) failed with \(status):\n\(output)"
        case .toolTimedOut(let executable, let output):
            return "\(executable) timed out and was killed:\n\(output)"
        case .invalidConfiguration(let output):
            return "sshd -t rejected the generated sshd_config:\n\(output)"
        case .sshdDidNotStart(let reason, let log):
            return "sshd did not start: \(reason)\n--- sshd log ---\n\(log)"
        case .invalidExternalServer(let reason):
            return "invalid external sshd configuration (SWIFTSSH_TEST_SSHD_*): \(reason)"
        case .notSupportedForExternalServer(let operation):
            return "\(operation) is not possible on an external sshd the harness did not start"
        }
    }
}
