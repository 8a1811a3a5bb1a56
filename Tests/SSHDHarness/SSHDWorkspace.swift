import Foundation
import Glibc

/// The files of one throwaway sshd: a private temp dir with host keys, `authorized_keys`,
/// `sshd_config` and `sshd.log`. Key material is also kept in memory so `recreate()` can rebuild
/// an identical directory after `stop()` deleted it (for `SSHDServer.restart()`).
struct SSHDWorkspace: Sendable {
    /// One generated host key: its type, private key path and bytes, and `.pub` line.
    struct HostKey: Sendable {
        let type: SSHDHostKeyType
        let privateKeyPath: String
        let privateKey: Data
        let publicKeyLine: String
    }

    /// Where OpenSSH's tools live.
    static let sshdPath = SSHDHarnessInfo.sshdPath
    static let keygenPath = "/usr/bin/ssh-keygen"
    /// sshd's privilege-separation chroot, which it insists exists.
    static let privsepDirectory = "/run/sshd"

    let directory: URL
    let hostKeys: [HostKey]
    let authorizedKeys: String
    let configText: String

    var configPath: String { directory.appendingPathComponent("sshd_config").path }
    var logPath: String { directory.appendingPathComponent("sshd.log").path }
    var authorizedKeysPath: String { directory.appendingPathComponent("authorized_keys").path }

    /// Creates the directory, generates host keys, writes and validates (`sshd -t`) the config.
    static func create(_ configuration: SSHDConfiguration, port: Int?) throws -> SSHDWorkspace {
        try requireTool(sshdPath)
        try requireTool(keygenPath)
        try ensurePrivsepDirectory()
        let directory = try makeScratchDirectory(prefix: "swiftssh-sshd")
        do {
            let keys = try configuration.hostKeyTypes.map { try generateHostKey($0, in: directory) }
            let authorized = configuration.authorizedKeys.map { $0 + "\n" }.joined()
            let text = try SSHDConfigWriter.render(
                configuration,
                port: port,
                hostKeyPaths: keys.map(\.privateKeyPath),
                authorizedKeysPath: directory.appendingPathComponent("authorized_keys").path
            )
            let workspace = SSHDWorkspace(directory: directory, hostKeys: keys, authorizedKeys: authorized, configText: text)
            try workspace.writeTextFiles()
            try workspace.validate()
            return workspace
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// A copy whose config listens on `port` instead (same keys); files are rewritten.
    func withConfig(_ configuration: SSHDConfiguration, port: Int?) throws -> SSHDWorkspace {
        let text = try SSHDConfigWriter.render(
            configuration, port: port, hostKeyPaths: hostKeys.map(\.privateKeyPath), authorizedKeysPath: authorizedKeysPath
        )
        let copy = SSHDWorkspace(directory: directory, hostKeys: hostKeys, authorizedKeys: authorizedKeys, configText: text)
        try copy.writeTextFiles()
        return copy
    }

    /// Rebuilds the directory (same path, same keys, same config) if it was deleted.
    func recreate() throws {
        try Self.ensurePrivsepDirectory()
        guard !FileManager.default.fileExists(atPath: directory.path) else { return }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for key in hostKeys {
            try write(key.privateKey, to: key.privateKeyPath)
            try write(Data((key.publicKeyLine + "\n").utf8), to: key.privateKeyPath + ".pub")
        }
        try writeTextFiles()
    }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `sshd -t -f <config>` and throws `invalidConfiguration` with sshd's complaint if it fails.
    func validate() throws {
        let result = try HarnessProcess.run(executable: Self.sshdPath, arguments: ["-t", "-f", configPath], timeout: .seconds(15))
        guard result.succeeded else {
            throw SSHDHarnessError.invalidConfiguration(output: result.standardError + result.standardOutput + "\n--- sshd_config ---\n" + configText)
        }
    }

    private func writeTextFiles() throws {
        try write(Data(configText.utf8), to: configPath)
        try write(Data(authorizedKeys.utf8), to: authorizedKeysPath)
    }

    private func write(_ data: Data, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw SSHDHarnessError.systemCall(operation: "write \(path)", errno: errno)
        }
        // createFile keeps the mode of an existing file; sshd refuses group/world-readable keys.
        guard chmod(path, 0o600) == 0 else { throw SSHDHarnessError.systemCall(operation: "chmod \(path)", errno: errno) }
    }

    private static func generateHostKey(_ type: SSHDHostKeyType, in directory: URL) throws -> HostKey {
        let path = directory.appendingPathComponent("ssh_host_\(type.rawValue)_key").path
        try HarnessProcess.runChecked(
            executable: keygenPath,
            arguments: ["-q"] + type.keygenArguments + ["-N", "", "-C", "swiftssh-test-host", "-f", path],
            timeout: .seconds(60)
        )
        guard let privateKey = FileManager.default.contents(atPath: path) else {
            throw SSHDHarnessError.systemCall(operation: "read \(path)", errno: ENOENT)
        }
        let line = readText(atPath: path + ".pub").trimmingCharacters(in: .whitespacesAndNewlines)
        return HostKey(type: type, privateKeyPath: path, privateKey: privateKey, publicKeyLine: line)
    }

    static func requireTool(_ path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw SSHDHarnessError.toolMissing(path: path) }
    }

    /// Creates `/run/sshd` (mode 0755) if missing; sshd refuses to start without it.
    static func ensurePrivsepDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: privsepDirectory, isDirectory: &isDirectory), isDirectory.boolValue { return }
        if mkdir(privsepDirectory, 0o755) != 0, errno != EEXIST {
            throw SSHDHarnessError.systemCall(operation: "mkdir \(privsepDirectory)", errno: errno)
        }
        _ = chmod(privsepDirectory, 0o755)
    }
}
