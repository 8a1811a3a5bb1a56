import Foundation
import Glibc

/// A client key pair generated with `ssh-keygen`, for logging in to a harness sshd
/// (put `publicKeyLine` into `SSHDConfiguration.authorizedKeys`).
public struct SSHClientIdentity: Sendable {
    /// The private key file (OpenSSH format, mode 0600).
    public let privateKeyPath: String
    /// The `.pub` line: `<format> <base64> <comment>`.
    public let publicKeyLine: String
    /// The key type.
    public let type: SSHDHostKeyType

    /// Generates a new key in `directory` (under a unique file name) with `ssh-keygen -q -N
    /// <passphrase> -C <comment>`; an empty passphrase leaves the key unencrypted.
    public static func generate(
        type: SSHDHostKeyType,
        in directory: URL,
        passphrase: String = "",
        comment: String
    ) throws -> SSHClientIdentity {
        try SSHDWorkspace.requireTool(SSHDWorkspace.keygenPath)
        let name = "id_\(type.rawValue)_\(UUID().uuidString.prefix(8).lowercased())"
        let path = directory.appendingPathComponent(name).path
        try HarnessProcess.runChecked(
            executable: SSHDWorkspace.keygenPath,
            arguments: ["-q"] + type.keygenArguments + ["-N", passphrase, "-C", comment, "-f", path],
            timeout: .seconds(60)
        )
        guard chmod(path, 0o600) == 0 else { throw SSHDHarnessError.systemCall(operation: "chmod \(path)", errno: errno) }
        let line = readText(atPath: path + ".pub").trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix(type.publicKeyFormat + " ") else {
            throw SSHDHarnessError.toolFailed(executable: SSHDWorkspace.keygenPath, status: .exited(0), output: "unexpected public key: \(line)")
        }
        return SSHClientIdentity(privateKeyPath: path, publicKeyLine: line, type: type)
    }
}
