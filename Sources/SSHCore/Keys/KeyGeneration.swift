import SSHCrypto

/// Generating new key pairs with the sizes ssh-keygen accepts (ssh-keygen(1) `-t`, `-b`).
package enum KeyGeneration {
    /// The key algorithms that can be generated.
    package enum Algorithm: String, Sendable, CaseIterable {
        /// Ed25519 (RFC 8709); the size is fixed at 256 bits.
        case ed25519
        /// ECDSA on NIST P-256, P-384 or P-521 (RFC 5656); 256 bits by default.
        case ecdsa
        /// RSA (RFC 8332), 2048 to 16384 bits; 3072 by default.
        case rsa
    }

    /// ssh-keygen's default RSA size.
    package static let defaultRSABits = 3072

    /// Generates a key. `bits` is ignored for Ed25519 (as ssh-keygen ignores `-b` there), must be
    /// 256, 384 or 521 for ECDSA, and 2048...16384 for RSA. The Ed25519 seed comes from
    /// `randomSource`; ECDSA and RSA keys come from libcrypto's own generator.
    package static func generate(_ algorithm: Algorithm, bits: Int?, randomSource: some RandomSource) throws -> SigningKey {
        switch algorithm {
        case .ed25519:
            return .ed25519(try Ed25519PrivateKey(randomSource: randomSource))
        case .ecdsa:
            let curve: ECCurve
            switch bits ?? 256 {
            case 256: curve = .p256
            case 384: curve = .p384
            case 521: curve = .p521
            default: throw KeyGenerationError.invalidBits(algorithm: algorithm.rawValue, bits: bits ?? 0, allowed: "256, 384 or 521")
            }
            return .ecdsa(try ECDSAPrivateKey(curve: curve))
        case .rsa:
            let size = bits ?? defaultRSABits
            guard (2048...16384).contains(size) else {
                throw KeyGenerationError.invalidBits(algorithm: algorithm.rawValue, bits: size, allowed: "2048 to 16384")
            }
            return .rsa(try RSAPrivateKey.generate(bits: size))
        }
    }
}

/// A key size that cannot be generated.
package enum KeyGenerationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `bits` is not an allowed size for `algorithm`.
    case invalidBits(algorithm: String, bits: Int, allowed: String)

    /// Says which sizes are allowed.
    package var description: String {
        switch self {
        case let .invalidBits(algorithm, bits, allowed):
            return "invalid \(algorithm) key size \(bits): must be \(allowed) bits"
        }
    }
}
