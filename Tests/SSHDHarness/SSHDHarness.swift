// Test support that runs a real OpenSSH `sshd` on loopback for interop tests.
//
// Typical use:
//
//     let identity = try SSHClientIdentity.generate(type: .ed25519, in: scratchDirectory, comment: "test")
//     var configuration = SSHDConfiguration()
//     configuration.authorizedKeys = [identity.publicKeyLine]
//     let server = try SSHDServer.start(configuration)   // 127.0.0.1:<free port>, or an external server
//     defer { server.stop() }                           // kills sshd and every connection child
//     // connect to server.host:server.port as server.user; trust server.hostPublicKeys
//
// Mark interop tests `.tags(.interop)` and `.enabled(if: SSHDServer.isAvailable)`: in CI (CI=true)
// `isAvailable` is always true so a missing OpenSSH install fails the run instead of skipping it.

/// Fixed locations of the OpenSSH daemon used by the harness.
public enum SSHDHarnessInfo {
    /// Where Debian's openssh-server installs the daemon; sshd must be started by absolute path.
    public static let sshdPath = "/usr/sbin/sshd"
}
