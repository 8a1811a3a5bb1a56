/// Everything that shapes a throwaway sshd: host keys, algorithm lists, authentication and extras.
/// The harness turns it into an `sshd_config` (see `SSHDConfigWriter`).
public struct SSHDConfiguration: Sendable {
    /// Host keys to generate; one `HostKey` line each, in this order.
    public var hostKeyTypes: [SSHDHostKeyType] = [.ed25519]
    /// `KexAlgorithms` (sshd's default list when nil).
    public var kexAlgorithms: [String]?
    /// `Ciphers` (sshd's default list when nil).
    public var ciphers: [String]?
    /// `MACs` (sshd's default list when nil).
    public var macs: [String]?
    /// `HostKeyAlgorithms` (sshd's default list when nil).
    public var hostKeyAlgorithms: [String]?
    /// `PubkeyAcceptedAlgorithms` (sshd's default list when nil).
    public var pubkeyAcceptedAlgorithms: [String]?
    /// `RekeyLimit`, e.g. `"64K"` or `"1M 10s"` (none when nil).
    public var rekeyLimit: String?
    /// Lines of the login user's `authorized_keys` file (written to `<directory>/authorized_keys`).
    public var authorizedKeys: [String] = []
    /// `PasswordAuthentication`; when true, `PermitRootLogin yes` is used since CI runs as root.
    public var passwordAuthentication = false
    /// `KbdInteractiveAuthentication`.
    public var kbdInteractiveAuthentication = false
    /// Raw `Keyword value` pairs written at the TOP of `sshd_config`, in order, before every option
    /// the harness sets. In sshd_config the FIRST value of a keyword wins, so these override both
    /// the typed fields above and the harness defaults (e.g. `("AllowTcpForwarding", "no")`).
    /// Do not use `Match` here: it would capture every line after it.
    public var extraOptions: [(String, String)] = []
    /// `LogLevel`; DEBUG3 makes sshd log the negotiated algorithms (`debug1: kex: ...`).
    public var logLevel = "DEBUG3"

    /// A configuration with one Ed25519 host key, public-key authentication only, and DEBUG3 logging.
    public init() {}
}
