import SSHCore
import SSHCrypto

/// A public key: the wire blob of ssh-ed25519 (RFC 8709 §4), ecdsa-sha2-nistp256/384/521
/// (RFC 5656 §3.1) or ssh-rsa (RFC 4253 §6.6), with an optional comment.
///
/// Two values are equal when their keys are equal; the comment is only a label and is not compared.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The key itself.
    package let key: PublicKey
    /// The comment of the `.pub` or `authorized_keys` line (often `user@host`); empty if none.
    public var comment: String

    /// Wraps a core key with an optional comment.
    package init(_ key: PublicKey, comment: String = "") {
        self.key = key
        self.comment = comment
    }

    /// Parses a one-line OpenSSH public key, `type base64 comment`, as in `.pub` files, or an
    /// `authorized_keys` line, whose leading options are skipped (sshd(8) "AUTHORIZED_KEYS FILE FORMAT").
    ///
    /// - Throws: `SSHError` with code `unsupportedKeyType` or `invalidKeyFile`.
    public init(openSSHLine line: String) throws {
        do {
            let parsed = try OpenSSHPublicKeyLine(parsing: line)
            self.init(parsed.key, comment: parsed.comment)
        } catch {
            throw SSHError(error)
        }
    }

    /// The key type, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256` or `ssh-rsa`.
    public var keyType: String { key.keyType }

    /// The key blob as sent on the wire (RFC 4253 §6.6).
    public var blob: [UInt8] { key.blob }

    /// The key size as `ssh-keygen -l` prints it: 256 for Ed25519, the curve size for ECDSA, the
    /// modulus length for RSA.
    public var bits: Int { KeyFingerprint.bits(key) }

    /// The SHA-256 fingerprint as `ssh-keygen -l` prints it: `SHA256:` and unpadded base64.
    public var fingerprintSHA256: String { KeyFingerprint.sha256(key) }

    /// The legacy MD5 fingerprint as `ssh-keygen -l -E md5` prints it: `MD5:` and hex pairs.
    public var fingerprintMD5: String { KeyFingerprint.md5(key) }

    /// The one-line OpenSSH form with the comment, `type base64 comment`, as in `.pub` files.
    public var openSSHLine: String { OpenSSHPublicKeyLine(key: key, comment: comment).text }

    /// The one-line OpenSSH form without the comment, `type base64`, as in known_hosts.
    public var openSSHRepresentation: String { OpenSSHPublicKeyLine(key: key).text }

    /// The line `ssh-keygen -l` prints, e.g. `256 SHA256:... user@host (ED25519)`; with `md5` the
    /// `-E md5` form `256 MD5:aa:bb:... user@host (ED25519)`.
    public func fingerprintListing(md5: Bool = false) -> String {
        KeyFingerprint.listing(key, comment: comment, md5: md5)
    }

    /// The key type and SHA-256 fingerprint.
    public var description: String { "\(keyType) \(fingerprintSHA256)" }

    /// Compares the keys only, not the comments.
    public static func == (lhs: SSHPublicKey, rhs: SSHPublicKey) -> Bool { lhs.key == rhs.key }

    /// Hashes the key only, not the comment.
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

/// A server's public host key, as a host-key policy sees it.
public typealias SSHHostKey = SSHPublicKey
