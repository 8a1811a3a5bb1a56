import SSHCrypto

/// A packet cipher known by its SSH name (RFC 4253 §6.3, RFC 4344, RFC 5647, PROTOCOL.chacha20poly1305).
package struct CipherAlgorithm: Sendable, Hashable {
    /// How the cipher protects packets.
    package enum Kind: Sendable, Hashable { case aesCTR, aesGCM, chaCha20Poly1305 }
    /// The name on the wire.
    package let name: String
    /// Bytes of key material the cipher takes from the key derivation (RFC 4253 §7.2).
    package let keyLength: Int
    /// Bytes of IV it takes from the key derivation.
    package let ivLength: Int
    /// Its kind.
    package let kind: Kind
    /// AEAD ciphers carry their own integrity; the negotiated MAC is then ignored (RFC 5647 §5.1).
    package var isAEAD: Bool { kind != .aesCTR }

    /// Default rekey volume per direction when none is configured, as OpenSSH picks it:
    /// 2^(2 × block size in bits / 8) blocks for 16-byte blocks (64 GiB), 1 GiB otherwise.
    package var defaultRekeyBytes: UInt64 {
        kind == .chaCha20Poly1305 ? 1 << 30 : (1 << 32) * 16
    }
}

/// A MAC known by its SSH name (RFC 6668, OpenSSH PROTOCOL §1.5 for the -etm variants).
package struct MACAlgorithm: Sendable, Hashable {
    /// The name on the wire.
    package let name: String
    /// The HMAC hash.
    package let digest: DigestAlgorithm
    /// Encrypt-then-MAC: the MAC covers the ciphertext and the length travels in the clear.
    package let encryptThenMAC: Bool
    /// Key bytes taken from the key derivation: the hash output length (RFC 4253 §6.4).
    package var keyLength: Int { digest.outputByteCount }
}

/// A key-exchange method known by its SSH name.
package struct KeyExchangeAlgorithm: Sendable, Hashable {
    /// The group or curve the method uses.
    package enum Kind: Sendable, Hashable {
        /// curve25519-sha256 (RFC 8731).
        case curve25519
        /// ecdh-sha2-nistp* (RFC 5656 §4).
        case ecdh(ECCurve)
        /// diffie-hellman-group*-sha* (RFC 4253 §8, RFC 8268).
        case finiteField(DHGroup)
    }
    /// The name on the wire.
    package let name: String
    /// The hash for the exchange hash and the key derivation.
    package let digest: DigestAlgorithm
    /// Its kind.
    package let kind: Kind
}

/// A host-key signature algorithm (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8332, RFC 8709).
package struct HostKeyAlgorithm: Sendable, Hashable {
    /// The name on the wire, which is also the signature-blob name.
    package let name: String
    /// The key-blob type it uses (`ssh-rsa` for all three RSA signature algorithms).
    package let keyType: String
}

/// Name-keyed registries of every algorithm SwiftSSH implements, each in our default preference order.
/// Tests loop over these, so an algorithm is tested by being added here.
package enum AlgorithmRegistry {
    /// Key-exchange methods, strongest and fastest first.
    package static let keyExchange: [KeyExchangeAlgorithm] = [
        .init(name: "curve25519-sha256", digest: .sha256, kind: .curve25519),
        .init(name: "curve25519-sha256@libssh.org", digest: .sha256, kind: .curve25519),
        .init(name: "ecdh-sha2-nistp256", digest: .sha256, kind: .ecdh(.p256)),
        .init(name: "ecdh-sha2-nistp384", digest: .sha384, kind: .ecdh(.p384)),
        .init(name: "ecdh-sha2-nistp521", digest: .sha512, kind: .ecdh(.p521)),
        .init(name: "diffie-hellman-group16-sha512", digest: .sha512, kind: .finiteField(.group16)),
        .init(name: "diffie-hellman-group18-sha512", digest: .sha512, kind: .finiteField(.group18)),
        .init(name: "diffie-hellman-group14-sha256", digest: .sha256, kind: .finiteField(.group14)),
    ]

    /// Host-key algorithms. `ssh-rsa` (SHA-1) is known but not offered unless configured.
    package static let hostKey: [HostKeyAlgorithm] = [
        .init(name: "ssh-ed25519", keyType: "ssh-ed25519"),
        .init(name: "ecdsa-sha2-nistp256", keyType: "ecdsa-sha2-nistp256"),
        .init(name: "ecdsa-sha2-nistp384", keyType: "ecdsa-sha2-nistp384"),
        .init(name: "ecdsa-sha2-nistp521", keyType: "ecdsa-sha2-nistp521"),
        .init(name: "rsa-sha2-512", keyType: "ssh-rsa"),
        .init(name: "rsa-sha2-256", keyType: "ssh-rsa"),
        .init(name: "ssh-rsa", keyType: "ssh-rsa"),
    ]

    /// Ciphers, in OpenSSH's default order.
    package static let ciphers: [CipherAlgorithm] = [
        .init(name: "chacha20-poly1305@openssh.com", keyLength: 64, ivLength: 0, kind: .chaCha20Poly1305),
        .init(name: "aes128-ctr", keyLength: 16, ivLength: 16, kind: .aesCTR),
        .init(name: "aes192-ctr", keyLength: 24, ivLength: 16, kind: .aesCTR),
        .init(name: "aes256-ctr", keyLength: 32, ivLength: 16, kind: .aesCTR),
        .init(name: "aes128-gcm@openssh.com", keyLength: 16, ivLength: 12, kind: .aesGCM),
        .init(name: "aes256-gcm@openssh.com", keyLength: 32, ivLength: 12, kind: .aesGCM),
    ]

    /// MACs for the CTR ciphers, in OpenSSH's default order. No SHA-1 or MD5 MACs.
    package static let macs: [MACAlgorithm] = [
        .init(name: "hmac-sha2-256-etm@openssh.com", digest: .sha256, encryptThenMAC: true),
        .init(name: "hmac-sha2-512-etm@openssh.com", digest: .sha512, encryptThenMAC: true),
        .init(name: "hmac-sha2-256", digest: .sha256, encryptThenMAC: false),
        .init(name: "hmac-sha2-512", digest: .sha512, encryptThenMAC: false),
    ]

    /// Host-key algorithms offered by default: all but SHA-1 `ssh-rsa`.
    package static var defaultHostKeyNames: [String] { hostKey.map(\.name).filter { $0 != "ssh-rsa" } }
}

/// The ordered algorithm lists a client offers in KEXINIT (RFC 4253 §7.1). Every name must be one the
/// registries know; `validate()` says which is not.
package struct AlgorithmPreferences: Sendable, Hashable {
    /// Key-exchange methods, in preference order.
    package var keyExchange: [String] = AlgorithmRegistry.keyExchange.map(\.name)
    /// Host-key algorithms, in preference order.
    package var hostKey: [String] = AlgorithmRegistry.defaultHostKeyNames
    /// Ciphers for both directions, in preference order.
    package var ciphers: [String] = AlgorithmRegistry.ciphers.map(\.name)
    /// MACs for both directions, in preference order.
    package var macs: [String] = AlgorithmRegistry.macs.map(\.name)

    /// The defaults above.
    package init() {}

    /// Throws when a list is empty or names an algorithm SwiftSSH does not implement.
    package func validate() throws(SSHProtocolError) {
        try Self.check("key exchange", keyExchange, known: AlgorithmRegistry.keyExchange.map(\.name))
        try Self.check("host key", hostKey, known: AlgorithmRegistry.hostKey.map(\.name))
        try Self.check("cipher", ciphers, known: AlgorithmRegistry.ciphers.map(\.name))
        try Self.check("MAC", macs, known: AlgorithmRegistry.macs.map(\.name))
    }

    private static func check(_ category: String, _ names: [String], known: [String]) throws(SSHProtocolError) {
        guard !names.isEmpty else { throw .noCommonAlgorithm(category: "\(category) algorithm (our list is empty)", client: [], server: []) }
        for name in names where !known.contains(name) {
            throw .noCommonAlgorithm(category: "\(category) algorithm: unsupported name \(name)", client: names, server: known)
        }
    }
}
