import CLibcrypto

/// An RSA private key for RSASSA-PKCS1-v1_5 signatures: ssh-rsa (SHA-1, RFC 4253 §6.6) and
/// rsa-sha2-256 / rsa-sha2-512 (RFC 8332 §3).
public final class RSAPrivateKey: Sendable {
    private let key: OwnedPKey

    /// The public half (n, e).
    public let publicKey: RSAPublicKey
    /// The private exponent d.
    public let privateExponent: SecureBytes
    /// The first prime factor p.
    public let prime1: SecureBytes
    /// The second prime factor q.
    public let prime2: SecureBytes
    /// The CRT coefficient iqmp = q^-1 mod p, as OpenSSH private key files store it.
    public let coefficient: SecureBytes

    /// The digests SSH uses with RSA signatures (RFC 4253 §6.6, RFC 8332 §3).
    static let signatureDigests: Set<DigestAlgorithm> = [.sha1, .sha256, .sha512]
    /// The smallest key we generate (NIST SP 800-131A; OpenSSH's ssh-keygen default floor).
    package static let minimumGenerationBits = 2048

    /// Generates a new key with e = 65537 using libcrypto. Refuses `bits` below 2048
    /// (`CryptoError.keyTooSmall`) or above 16384 (`CryptoError.invalidKey`).
    public static func generate(bits: Int = 3072) throws -> RSAPrivateKey {
        guard bits >= minimumGenerationBits else { throw CryptoError.keyTooSmall(bits: bits, minimumBits: minimumGenerationBits) }
        guard bits <= RSAPublicKey.maximumBits else { throw CryptoError.invalidKey("RSA key size \(bits) exceeds 16384 bits") }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { throw libcryptoError("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(context) }
        try requireSuccess(EVP_PKEY_keygen_init(context), "EVP_PKEY_keygen_init")
        var requestedBits = bits
        var params = [OSSL_PARAM_construct_size_t(staticCString("bits"), &requestedBits), OSSL_PARAM_construct_end()]
        try requireSuccess(EVP_PKEY_CTX_set_params(context, &params), "EVP_PKEY_CTX_set_params")
        var generated: OpaquePointer?
        try requireSuccess(EVP_PKEY_generate(context, &generated), "EVP_PKEY_generate")
        guard let generated else { throw libcryptoError("EVP_PKEY_generate") }
        let made = OwnedPKey(taking: generated)
        func component(_ name: StaticString) throws -> Bignum {
            var number: OpaquePointer?
            try requireSuccess(EVP_PKEY_get_bn_param(made.pointer, staticCString(name), &number), "EVP_PKEY_get_bn_param")
            guard let number else { throw libcryptoError("EVP_PKEY_get_bn_param") }
            defer { BN_clear_free(number) }
            let copy = try Bignum(secret: true)
            guard BN_copy(copy.pointer, number) != nil else { throw libcryptoError("BN_copy") }
            return copy
        }
        return try RSAPrivateKey(
            modulus: component("n").magnitude, publicExponent: component("e").magnitude,
            privateExponent: component("d").secretMagnitude(), prime1: component("rsa-factor1").secretMagnitude(),
            prime2: component("rsa-factor2").secretMagnitude(), coefficient: component("rsa-coefficient1").secretMagnitude())
    }

    /// Builds a key from the components an OpenSSH private key file carries (PROTOCOL.key:
    /// n, e, d, iqmp, p, q), computing d mod (p-1) and d mod (q-1). Throws `CryptoError.invalidKey`
    /// when the components are inconsistent (libcrypto's pairwise check fails), and the
    /// `RSAPublicKey` errors for an unacceptable (n, e).
    public init(modulus: [UInt8], publicExponent: [UInt8], privateExponent: SecureBytes,
                prime1: SecureBytes, prime2: SecureBytes, coefficient: SecureBytes) throws {
        let publicKey = try RSAPublicKey(modulus: modulus, publicExponent: publicExponent)
        let d = try Bignum(secret: privateExponent)
        let p = try Bignum(secret: prime1)
        let q = try Bignum(secret: prime2)
        let iqmp = try Bignum(secret: coefficient)
        let context = try BignumContext()
        func dModPrimeMinusOne(_ prime: Bignum) throws -> Bignum {
            let primeMinusOne = try Bignum(secret: true)
            guard BN_copy(primeMinusOne.pointer, prime.pointer) != nil else { throw libcryptoError("BN_copy") }
            try requireSuccess(BN_sub_word(primeMinusOne.pointer, 1), "BN_sub_word")
            guard BN_is_zero(primeMinusOne.pointer) == 0 else { throw CryptoError.invalidKey("RSA prime is 1") }
            let result = try Bignum(secret: true)
            try requireSuccess(BN_nnmod(result.pointer, d.pointer, primeMinusOne.pointer, context.pointer), "BN_nnmod")
            return result
        }
        let builder = try KeyParameterBuilder()
        try builder.add("n", number: Bignum(publicKey.modulus))
        try builder.add("e", number: Bignum(publicKey.publicExponent))
        try builder.add("d", number: d)
        try builder.add("rsa-factor1", number: p)
        try builder.add("rsa-factor2", number: q)
        try builder.add("rsa-exponent1", number: dModPrimeMinusOne(p))
        try builder.add("rsa-exponent2", number: dModPrimeMinusOne(q))
        try builder.add("rsa-coefficient1", number: iqmp)
        let key = try builder.makeKey(type: "RSA", selection: KeySelection.keyPair)
        try Self.checkConsistency(key)

        self.key = key
        self.publicKey = publicKey
        self.privateExponent = try d.secretMagnitude()
        self.prime1 = try p.secretMagnitude()
        self.prime2 = try q.secretMagnitude()
        self.coefficient = try iqmp.secretMagnitude()
    }

    /// The bit length of the modulus.
    public var bitCount: Int { publicKey.bitCount }

    /// The RSASSA-PKCS1-v1_5 signature of `message` under `digest` (RFC 8017 §8.2.1; RFC 8332 §3),
    /// exactly as long as the modulus. `digest` must be `.sha1`, `.sha256` or `.sha512`.
    public func signature(for message: [UInt8], digest: DigestAlgorithm) throws -> [UInt8] {
        guard Self.signatureDigests.contains(digest) else {
            throw CryptoError.invalidKey("RSA signatures in SSH use SHA-1, SHA-256 or SHA-512 only")
        }
        let signature = try digestSign(key: key, digest: digest, message: message) { context in
            try setStringParameter(context, "pad-mode", "pkcs1")
        }
        guard signature.count == publicKey.modulus.count else {
            throw CryptoError.invalidLength(what: "RSA signature", expected: publicKey.modulus.count, actual: signature.count)
        }
        return signature
    }

    /// Runs libcrypto's key-pair consistency check (n = p·q, d·e ≡ 1, CRT values, primality).
    private static func checkConsistency(_ key: OwnedPKey) throws {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            throw libcryptoError("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_pairwise_check(context) == 1 else {
            ERR_clear_error()
            throw CryptoError.invalidKey("RSA key components are inconsistent")
        }
    }
}
