import CLibcrypto

/// An RSA public key (n, e) for ssh-rsa, rsa-sha2-256 and rsa-sha2-512 signatures
/// (RFC 4253 §6.6, RFC 8332).
public struct RSAPublicKey: Sendable, Hashable {
    /// The modulus n, an unsigned big-endian magnitude without leading zeros.
    public let modulus: [UInt8]
    /// The public exponent e, an unsigned big-endian magnitude without leading zeros.
    public let publicExponent: [UInt8]

    /// The smallest modulus accepted for verification (OpenSSH's SSH_RSA_MINIMUM_MODULUS_SIZE).
    package static let minimumVerificationBits = 1024
    /// The largest modulus accepted (OpenSSH's SSHBUF_MAX_BIGNUM bound, 16384 bits).
    package static let maximumBits = 16384

    /// Wraps (n, e), dropping leading zero bytes. Throws `CryptoError.keyTooSmall` for a modulus
    /// under 1024 bits and `CryptoError.invalidKey` for one over 16384 bits or an even or < 3
    /// exponent.
    public init(modulus: [UInt8], publicExponent: [UInt8]) throws {
        let n = stripLeadingZeros(modulus)
        let e = stripLeadingZeros(publicExponent)
        let bits = Self.bitCount(of: n)
        guard bits >= Self.minimumVerificationBits else {
            throw CryptoError.keyTooSmall(bits: bits, minimumBits: Self.minimumVerificationBits)
        }
        guard bits <= Self.maximumBits else { throw CryptoError.invalidKey("RSA modulus of \(bits) bits exceeds 16384 bits") }
        guard let lastByte = e.last, lastByte & 1 == 1, Self.bitCount(of: e) >= 2 else {
            throw CryptoError.invalidKey("RSA public exponent must be odd and at least 3")
        }
        guard n.last.map({ $0 & 1 == 1 }) ?? false else { throw CryptoError.invalidKey("RSA modulus must be odd") }
        self.modulus = n
        self.publicExponent = e
    }

    /// The bit length of the modulus.
    public var bitCount: Int { Self.bitCount(of: modulus) }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 signature of `message` under `digest`
    /// (RFC 8017 §8.2.2; RFC 8332 §3). `digest` must be `.sha1`, `.sha256` or `.sha512`. A signature
    /// shorter than the modulus is left-padded with zeros, as OpenSSH accepts; a longer one fails.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8], digest: DigestAlgorithm) -> Bool {
        guard RSAPrivateKey.signatureDigests.contains(digest), !signature.isEmpty, signature.count <= modulus.count,
              let key = try? makeKey()
        else { return false }
        let padded = [UInt8](repeating: 0, count: modulus.count - signature.count) + signature
        return digestVerify(key: key, digest: digest, signature: padded, message: message) { context in
            try setStringParameter(context, "pad-mode", "pkcs1")
        }
    }

    /// An `EVP_PKEY` holding only (n, e).
    func makeKey() throws -> OwnedPKey {
        let builder = try KeyParameterBuilder()
        try builder.add("n", number: Bignum(modulus))
        try builder.add("e", number: Bignum(publicExponent))
        return try builder.makeKey(type: "RSA", selection: KeySelection.publicKey)
    }

    /// The bit length of a big-endian magnitude without leading zeros.
    static func bitCount(of magnitude: [UInt8]) -> Int {
        guard let first = magnitude.first else { return 0 }
        return (magnitude.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
