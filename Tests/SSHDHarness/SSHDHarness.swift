/// Test support that runs a real OpenSSH `sshd` on loopback for interop tests.
public enum SSHDHarnessInfo {
    /// Where Debian's openssh-server installs the daemon; sshd must be started by absolute path.
    public static let sshdPath = "/usr/sbin/sshd"
}
