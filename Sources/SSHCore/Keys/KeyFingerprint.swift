import SSHCrypto

/// Key fingerprints as OpenSSH prints them (`ssh-keygen -l`, sshkey.c `sshkey_fingerprint`).
package enum KeyFingerprint {
    /// `SHA256:` followed by the unpadded base64 of SHA-256 over the key blob (RFC 4648 §4 alphabet).
    package static func sha256(_ key: PublicKey) -> String {
        "SHA256:" + Base64.encode(Digest.hash(.sha256, key.blob), padded: false)
    }

    /// The legacy form, `MD5:` followed by the MD5 of the key blob as colon-separated lowercase hex
    /// pairs (RFC 4716 §4, `ssh-keygen -E md5`).
    package static func md5(_ key: PublicKey) -> String {
        "MD5:" + Digest.hash(.md5, key.blob).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// The key size `ssh-keygen -l` prints: 256 for Ed25519, the curve size for ECDSA, the modulus
    /// bit length for RSA.
    package static func bits(_ key: PublicKey) -> Int {
        switch key {
        case .ed25519: return 256
        case let .ecdsa(ecdsa):
            switch ecdsa.curve {
            case .p256: return 256
            case .p384: return 384
            case .p521: return 521
            }
        case let .rsa(rsa): return rsa.bitCount
        }
    }

    /// The type label in parentheses at the end of an `ssh-keygen -l` line: ED25519, ECDSA or RSA.
    package static func typeLabel(_ key: PublicKey) -> String {
        switch key {
        case .ed25519: return "ED25519"
        case .ecdsa: return "ECDSA"
        case .rsa: return "RSA"
        }
    }

    /// The line `ssh-keygen -l` prints: `bits fingerprint comment (TYPE)`, with `no comment` when the
    /// comment is empty; `md5` selects the `-E md5` form.
    package static func listing(_ key: PublicKey, comment: String, md5 useMD5: Bool = false) -> String {
        let fingerprint = useMD5 ? md5(key) : sha256(key)
        return "\(bits(key)) \(fingerprint) \(comment.isEmpty ? "no comment" : comment) (\(typeLabel(key)))"
    }
}
