import Foundation

/// Builds command lines for OpenSSH's own client (`/usr/bin/ssh`) against an `SSHDServer`, for
/// interop tests that need a known-good peer. Ignores user/system ssh config (`-F /dev/null`).
public enum OpenSSHClient {
    /// Where Debian's openssh-client installs `ssh`.
    public static let path = "/usr/bin/ssh"

    /// True if `/usr/bin/ssh` is installed.
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Writes `server.knownHostsLines()` to `file` (mode 0600) and returns its URL.
    @discardableResult
    public static func writeKnownHosts(for server: SSHDServer, to file: URL) throws -> URL {
        let text = server.knownHostsLines().map { $0 + "\n" }.joined()
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SSHDHarnessError.systemCall(operation: "write \(file.path)", errno: EIO)
        }
        return file
    }

    /// Arguments for `ssh` (without the program name): `options` (each becomes `-o <option>`; they
    /// come first because ssh, like sshd, keeps the first value of an option), then batch mode, only
    /// `identityPath`, strict host key checking against `knownHostsFile`, a 5 s connect timeout,
    /// `extraArguments` (e.g. `["-N", "-L", ...]`), `user@host` and `command`.
    public static func arguments(
        server: SSHDServer,
        identityPath: String,
        knownHostsFile: URL,
        options: [String] = [],
        extraArguments: [String] = [],
        command: [String] = []
    ) -> [String] {
        var arguments = ["-F", "/dev/null", "-p", String(server.port), "-i", identityPath]
        let fixedOptions = [
            "BatchMode=yes",
            "IdentitiesOnly=yes",
            "UserKnownHostsFile=\(knownHostsFile.path)",
            "GlobalKnownHostsFile=/dev/null",
            "StrictHostKeyChecking=yes",
            "ConnectTimeout=5",
        ]
        for option in options + fixedOptions { arguments += ["-o", option] }
        arguments += extraArguments
        arguments.append("\(server.user)@\(server.host)")
        return arguments + command
    }
}
