import CLibcrypto

/// An X25519 private key (RFC 7748 §5) for the curve25519-sha256 key exchange (RFC 8731).
///
/// Scalars are clamped by libcrypto as RFC 7748 §5 requires; the raw 32 bytes are kept as given.
public final class X25519PrivateKey: Sendable {
    private let key: OwnedPKey

    /// Our public value: the 32-byte little-endian u-coordinate X25519(k, 9) (RFC 7748 §6.1).
    public let publicKeyBytes: [UInt8]

    /// Draws a fresh 32-byte private key from `randomSource` (RFC 7748 §6.1).
    public convenience init(randomSource: some RandomSource) throws {
        let raw = SecureBytes(count: 32) { randomSource.fill($0) }
        try self.init(rawRepresentation: raw)
    }

    /// Uses the 32-byte private key `rawRepresentation` (RFC 7748 §5 scalar encoding).
    public init(rawRepresentation: SecureBytes) throws {
        guard rawRepresentation.count == 32 else {
            throw CryptoError.invalidLength(what: "X25519 private key", expected: 32, actual: rawRepresentation.count)
        }
        let made = rawRepresentation.withUnsafeBytes { raw in
            EVP_PKEY_new_raw_private_key_ex(nil, "X25519", nil, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let made else { throw libcryptoError("EVP_PKEY_new_raw_private_key_ex") }
        key = OwnedPKey(taking: made)
        publicKeyBytes = try rawPublicKey(of: key, length: 32)
    }

    /// The shared secret X25519(k, peer) as 32 raw bytes (RFC 7748 §6.1).
    ///
    /// Throws `CryptoError.invalidPublicValue` when `peerPublicKey` is not 32 bytes or when the
    /// result is all zeros, which a low-order peer point produces (RFC 7748 §6.1; RFC 8731 §3).
    public func sharedSecret(peerPublicKey: [UInt8]) throws -> SecureBytes {
        guard peerPublicKey.count == 32 else {
            throw CryptoError.invalidPublicValue("X25519 public key must be 32 bytes, got \(peerPublicKey.count)")
        }
        let made = peerPublicKey.withUnsafeBytes { raw in
            EVP_PKEY_new_raw_public_key_ex(nil, "X25519", nil, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let made else { throw libcryptoError("EVP_PKEY_new_raw_public_key_ex") }
        let peer = OwnedPKey(taking: made)
        // libcrypto itself refuses an all-zero result; that refusal arrives as a derive failure.
        let allZero = CryptoError.invalidPublicValue("X25519 shared secret is all zeros (low-order peer point)")
        let secret = try deriveSharedSecret(key: key, peer: peer, length: 32, rejection: allZero)
        let zeros = [UInt8](repeating: 0, count: 32)
        let isZero = secret.withUnsafeBytes { bytes in zeros.withUnsafeBytes { constantTimeEquals(bytes, $0) } }
        guard !isZero else { throw allZero }
        return secret
    }
}

/// The raw public key bytes of a raw-key type (X25519, Ed25519) via `EVP_PKEY_get_raw_public_key`.
func rawPublicKey(of key: OwnedPKey, length: Int) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: length)
    var written = length
    try requireSuccess(EVP_PKEY_get_raw_public_key(key.pointer, &bytes, &written), "EVP_PKEY_get_raw_public_key")
    guard written == length else {
        throw CryptoError.invalidLength(what: "raw public key", expected: length, actual: written)
    }
    return bytes
}
