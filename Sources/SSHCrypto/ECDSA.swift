import CLibcrypto

/// An ECDSA signature as SSH carries it: r and s as unsigned big-endian magnitudes, later written
/// as two mpints in the ecdsa_signature_blob (RFC 5656 §3.1.2).
public struct ECDSASignature: Sendable, Hashable {
    /// The r value, an unsigned big-endian magnitude.
    public var r: [UInt8]
    /// The s value, an unsigned big-endian magnitude.
    public var s: [UInt8]

    /// Wraps r and s as given.
    public init(r: [UInt8], s: [UInt8]) {
        self.r = r
        self.s = s
    }
}

/// An ECDSA private key on a NIST curve, signing with the curve's hash (RFC 5656 §3, §6.2.1).
public final class ECDSAPrivateKey: Sendable {
    private let key: OwnedPKey

    /// The curve this key lives on.
    public let curve: ECCurve
    /// The private scalar d as a minimal unsigned big-endian magnitude.
    public let privateScalar: SecureBytes
    /// The matching public key Q = d·G.
    public let publicKey: ECDSAPublicKey

    /// Generates a new key with libcrypto's own generator (`EVP_PKEY_generate`).
    public convenience init(curve: ECCurve) throws {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw libcryptoError("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(context) }
        try requireSuccess(EVP_PKEY_keygen_init(context), "EVP_PKEY_keygen_init")
        try requireSuccess(EVP_PKEY_CTX_set_group_name(context, staticCString(curve.groupName)), "EVP_PKEY_CTX_set_group_name")
        var generated: OpaquePointer?
        try requireSuccess(EVP_PKEY_generate(context, &generated), "EVP_PKEY_generate")
        guard let generated else { throw libcryptoError("EVP_PKEY_generate") }
        let scalar = try ECKeyFactory.privateScalar(of: OwnedPKey(taking: generated))
        try self.init(curve: curve, privateScalar: scalar)
    }

    /// Uses the big-endian private scalar `privateScalar`, which must lie in [1, n - 1].
    public init(curve: ECCurve, privateScalar: SecureBytes) throws {
        self.curve = curve
        let (key, point) = try ECKeyFactory.privateKey(curve: curve, scalar: privateScalar)
        self.key = key
        self.privateScalar = try Bignum(secret: privateScalar).secretMagnitude()
        self.publicKey = try ECDSAPublicKey(curve: curve, point: point)
    }

    /// Signs `message`, hashing it with `curve.digest` (RFC 5656 §6.2.1). The per-signature nonce
    /// comes from libcrypto, never from us.
    public func signature(for message: [UInt8]) throws -> ECDSASignature {
        let der = try digestSign(key: key, digest: curve.digest, message: message)
        return try ECDSASignature(derEncoded: der)
    }
}

/// An ECDSA public key: a validated uncompressed point on a NIST curve (RFC 5656 §3.1).
public struct ECDSAPublicKey: Sendable, Hashable {
    /// The curve the point lies on.
    public let curve: ECCurve
    /// The uncompressed point 0x04 || X || Y.
    public let point: [UInt8]

    /// Validates `point` (uncompressed, on the curve, not at infinity; SEC1 §3.2.2.1).
    /// Throws `CryptoError.invalidPublicValue` otherwise.
    public init(curve: ECCurve, point: [UInt8]) throws {
        _ = try ECKeyFactory.publicKey(curve: curve, point: point)
        self.curve = curve
        self.point = point
    }

    /// Whether `signature` is a valid ECDSA signature of `message` hashed with `curve.digest`
    /// (RFC 5656 §3.1.2). Malformed signatures are simply invalid.
    public func isValidSignature(_ signature: ECDSASignature, for message: [UInt8]) -> Bool {
        let limit = curve.coordinateByteCount
        guard stripLeadingZeros(signature.r).count <= limit, stripLeadingZeros(signature.s).count <= limit,
              let der = try? signature.derEncoded(),
              let key = try? ECKeyFactory.publicKey(curve: curve, point: point)
        else { return false }
        return digestVerify(key: key, digest: curve.digest, signature: der, message: message)
    }
}

/// `bytes` without its leading zero bytes.
func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
    Array(bytes.drop(while: { $0 == 0 }))
}

extension ECDSASignature {
    /// Parses libcrypto's DER `ECDSA-Sig-Value` (SEC1 §C.5) with `d2i_ECDSA_SIG`.
    init(derEncoded der: [UInt8]) throws {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw libcryptoError("d2i_ECDSA_SIG") }
        defer { ECDSA_SIG_free(parsed) }
        var rNumber: OpaquePointer?
        var sNumber: OpaquePointer?
        ECDSA_SIG_get0(parsed, &rNumber, &sNumber)
        guard let rNumber, let sNumber else { throw libcryptoError("ECDSA_SIG_get0") }
        self.init(r: Self.magnitude(of: rNumber), s: Self.magnitude(of: sNumber))
    }

    /// Encodes r and s as a DER `ECDSA-Sig-Value` with `ECDSA_SIG_set0` and `i2d_ECDSA_SIG`.
    func derEncoded() throws -> [UInt8] {
        guard let signature = ECDSA_SIG_new() else { throw libcryptoError("ECDSA_SIG_new") }
        defer { ECDSA_SIG_free(signature) }
        let rNumber = r.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let sNumber = s.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        guard let rNumber, let sNumber, ECDSA_SIG_set0(signature, rNumber, sNumber) == 1 else {
            BN_free(rNumber)
            BN_free(sNumber)
            throw libcryptoError("ECDSA_SIG_set0")
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { throw libcryptoError("i2d_ECDSA_SIG") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else { throw libcryptoError("i2d_ECDSA_SIG") }
        return der
    }

    private static func magnitude(of number: OpaquePointer) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (Int(BN_num_bits(number)) + 7) / 8)
        if !bytes.isEmpty { _ = BN_bn2bin(number, &bytes) }
        return bytes
    }
}
