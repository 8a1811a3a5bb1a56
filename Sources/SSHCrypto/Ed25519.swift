import CLibcrypto

/// An Ed25519 private key (RFC 8032 §5.1.5) for ssh-ed25519 host and user keys (RFC 8709).
public final class Ed25519PrivateKey: Sendable {
    private let key: OwnedPKey

    /// The 32-byte private key (the seed of RFC 8032 §5.1.5).
    public let seed: SecureBytes
    /// The matching 32-byte public key.
    public let publicKey: Ed25519PublicKey

    /// Draws a fresh 32-byte seed from `randomSource` (RFC 8032 §5.1.5).
    public convenience init(randomSource: some RandomSource) throws {
        try self.init(seed: SecureBytes(count: 32) { randomSource.fill($0) })
    }

    /// Uses the 32-byte seed `seed`.
    public init(seed: SecureBytes) throws {
        guard seed.count == 32 else {
            throw CryptoError.invalidLength(what: "Ed25519 private key", expected: 32, actual: seed.count)
        }
        let made = seed.withUnsafeBytes { raw in
            EVP_PKEY_new_raw_private_key_ex(nil, "ED25519", nil, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let made else { throw libcryptoError("EVP_PKEY_new_raw_private_key_ex") }
        key = OwnedPKey(taking: made)
        self.seed = seed
        publicKey = try Ed25519PublicKey(rawRepresentation: rawPublicKey(of: key, length: 32))
    }

    /// The 64-byte PureEdDSA signature R || S of `message` (RFC 8032 §5.1.6).
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        let signature = try digestSign(key: key, digest: nil, message: message)
        guard signature.count == 64 else {
            throw CryptoError.invalidLength(what: "Ed25519 signature", expected: 64, actual: signature.count)
        }
        return signature
    }
}

/// An Ed25519 public key: the 32-byte encoded point A (RFC 8032 §5.1.5).
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The 32 encoded bytes.
    public let rawRepresentation: [UInt8]

    /// Wraps the 32-byte encoded public key; throws `CryptoError.invalidLength` otherwise.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == 32 else {
            throw CryptoError.invalidLength(what: "Ed25519 public key", expected: 32, actual: rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Whether `signature` (64 bytes) is a valid signature of `message` (RFC 8032 §5.1.7).
    /// A key that does not decode to a point, or a malformed signature, is simply invalid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        let made = rawRepresentation.withUnsafeBytes { raw in
            EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let made else {
            ERR_clear_error()
            return false
        }
        return digestVerify(key: OwnedPKey(taking: made), digest: nil, signature: signature, message: message)
    }
}
