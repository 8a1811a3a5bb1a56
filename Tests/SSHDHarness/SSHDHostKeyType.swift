/// A key type the harness can generate with `ssh-keygen`, for sshd host keys and client identities.
public enum SSHDHostKeyType: String, Sendable, CaseIterable {
    /// Ed25519 (`ssh-keygen -t ed25519`), RFC 8709.
    case ed25519
    /// ECDSA over NIST P-256 (`ssh-keygen -t ecdsa -b 256`), RFC 5656.
    case ecdsa256
    /// ECDSA over NIST P-384 (`ssh-keygen -t ecdsa -b 384`), RFC 5656.
    case ecdsa384
    /// ECDSA over NIST P-521 (`ssh-keygen -t ecdsa -b 521`), RFC 5656.
    case ecdsa521
    /// 3072-bit RSA (`ssh-keygen -t rsa -b 3072`), RFC 4253 §6.6 / RFC 8332.
    case rsa3072

    /// The `-t`/`-b` arguments for `ssh-keygen`.
    public var keygenArguments: [String] {
        switch self {
        case .ed25519: return ["-t", "ed25519"]
        case .ecdsa256: return ["-t", "ecdsa", "-b", "256"]
        case .ecdsa384: return ["-t", "ecdsa", "-b", "384"]
        case .ecdsa521: return ["-t", "ecdsa", "-b", "521"]
        case .rsa3072: return ["-t", "rsa", "-b", "3072"]
        }
    }

    /// The key format name that starts the `.pub` line (e.g. `ssh-rsa`, `ecdsa-sha2-nistp256`).
    public var publicKeyFormat: String {
        switch self {
        case .ed25519: return "ssh-ed25519"
        case .ecdsa256: return "ecdsa-sha2-nistp256"
        case .ecdsa384: return "ecdsa-sha2-nistp384"
        case .ecdsa521: return "ecdsa-sha2-nistp521"
        case .rsa3072: return "ssh-rsa"
        }
    }

    /// The host-key / signature algorithm names this key can serve, strongest first.
    /// For RSA these are the SHA-2 variants of RFC 8332 (OpenSSH 9.2 disables `ssh-rsa` by default).
    public var signatureAlgorithms: [String] {
        switch self {
        case .rsa3072: return ["rsa-sha2-512", "rsa-sha2-256"]
        default: return [publicKeyFormat]
        }
    }

    /// The key type whose `.pub` line starts with `format`, if the harness knows it.
    public init?(publicKeyFormat format: String) {
        guard let match = Self.allCases.first(where: { $0.publicKeyFormat == format }) else { return nil }
        self = match
    }
}
