import CLibcrypto

// Building and validating NIST prime-curve keys for ECDH (RFC 5656 §4) and ECDSA (RFC 5656 §3).

extension ECCurve {
    /// libcrypto's NID for the curve.
    var nid: Int32 {
        switch self {
        case .p256: return NID_X9_62_prime256v1
        case .p384: return NID_secp384r1
        case .p521: return NID_secp521r1
        }
    }

    /// The curve's name as an `OSSL_PKEY_PARAM_GROUP_NAME` value.
    var groupName: StaticString {
        switch self {
        case .p256: return "P-256"
        case .p384: return "P-384"
        case .p521: return "P-521"
        }
    }

    /// The length of an uncompressed SEC1 point: 0x04 || X || Y (SEC1 §2.3.3).
    var uncompressedPointByteCount: Int { 1 + 2 * coordinateByteCount }

    /// The bit length of the group order n (equal to the field size for these curves).
    var orderBitCount: Int {
        switch self {
        case .p256: return 256
        case .p384: return 384
        case .p521: return 521
        }
    }
}

/// An `EC_GROUP` owned for one computation.
private final class CurveGroup {
    let pointer: OpaquePointer

    init(_ curve: ECCurve) throws {
        guard let made = EC_GROUP_new_by_curve_name(curve.nid) else { throw libcryptoError("EC_GROUP_new_by_curve_name") }
        pointer = made
    }

    deinit { EC_GROUP_free(pointer) }

    /// Whether 1 <= `scalar` <= n - 1.
    func isValidScalar(_ scalar: Bignum) throws -> Bool {
        guard let order = EC_GROUP_get0_order(pointer) else { throw libcryptoError("EC_GROUP_get0_order") }
        return !BN_is_zero(scalar.pointer).isTrue && !BN_is_negative(scalar.pointer).isTrue
            && BN_cmp(scalar.pointer, order) < 0
    }
}

/// An `EC_POINT` owned for one computation.
private final class CurvePoint {
    let pointer: OpaquePointer

    init(_ group: CurveGroup) throws {
        guard let made = EC_POINT_new(group.pointer) else { throw libcryptoError("EC_POINT_new") }
        pointer = made
    }

    deinit { EC_POINT_free(pointer) }
}

private extension Int32 {
    /// libcrypto's C truth value as a Bool.
    var isTrue: Bool { self != 0 }
}

/// Factories for EC keys shared by `ECDHPrivateKey`, `ECDSAPrivateKey` and `ECDSAPublicKey`.
enum ECKeyFactory {
    /// Draws a private scalar uniformly from [1, n - 1] by rejection sampling (FIPS 186-5 A.2.2):
    /// take the order's bit length from `randomSource`, retry while out of range.
    static func randomScalar(curve: ECCurve, randomSource: some RandomSource) throws -> SecureBytes {
        let group = try CurveGroup(curve)
        let excessBits = curve.coordinateByteCount * 8 - curve.orderBitCount
        for _ in 0..<1000 {
            let candidate = SecureBytes(count: curve.coordinateByteCount) { buffer in
                randomSource.fill(buffer)
                buffer[0] &= UInt8(0xFF >> excessBits)
            }
            if try group.isValidScalar(Bignum(secret: candidate)) { return candidate }
        }
        throw CryptoError.invalidKey("random source gave no EC scalar in [1, n-1] after 1000 draws")
    }

    /// The key pair for `scalar` (big-endian, 1 <= d <= n - 1) and its uncompressed public point,
    /// computed as d·G with `EC_POINT_mul`.
    static func privateKey(curve: ECCurve, scalar: SecureBytes) throws -> (key: OwnedPKey, point: [UInt8]) {
        guard scalar.count <= curve.coordinateByteCount else {
            throw CryptoError.invalidKey("EC private scalar is longer than \(curve.coordinateByteCount) bytes")
        }
        let group = try CurveGroup(curve)
        let secret = try Bignum(secret: scalar)
        guard try group.isValidScalar(secret) else { throw CryptoError.invalidKey("EC private scalar is not in [1, n-1]") }
        let context = try BignumContext()
        let point = try CurvePoint(group)
        try requireSuccess(EC_POINT_mul(group.pointer, point.pointer, secret.pointer, nil, nil, context.pointer), "EC_POINT_mul")
        var encoded = [UInt8](repeating: 0, count: curve.uncompressedPointByteCount)
        let written = EC_POINT_point2oct(group.pointer, point.pointer, POINT_CONVERSION_UNCOMPRESSED,
                                         &encoded, encoded.count, context.pointer)
        guard written == encoded.count else { throw libcryptoError("EC_POINT_point2oct") }

        let builder = try KeyParameterBuilder()
        try builder.add("group", utf8: curve.groupName)
        try builder.add("pub", octets: encoded)
        try builder.add("priv", number: secret)
        return (try builder.makeKey(type: "EC", selection: KeySelection.keyPair), encoded)
    }

    /// A public key for the uncompressed point `point`, validated as SEC1 §3.2.2.1 requires: the
    /// encoding and length, coordinates below p, the point on the curve and not at infinity. The
    /// cofactor of these curves is 1, so that also proves n·Q = O (RFC 5656 §4, SEC1 §3.2.2.1).
    static func publicKey(curve: ECCurve, point: [UInt8]) throws -> OwnedPKey {
        guard point.count == curve.uncompressedPointByteCount, point.first == 0x04 else {
            throw CryptoError.invalidPublicValue(
                "EC point must be uncompressed (0x04 || X || Y), \(curve.uncompressedPointByteCount) bytes")
        }
        let group = try CurveGroup(curve)
        let context = try BignumContext()
        let decoded = try CurvePoint(group)
        // EC_POINT_oct2point refuses coordinates >= p and points that are not on the curve.
        guard EC_POINT_oct2point(group.pointer, decoded.pointer, point, point.count, context.pointer) == 1 else {
            ERR_clear_error()
            throw CryptoError.invalidPublicValue("EC point is not on the curve")
        }
        guard EC_POINT_is_at_infinity(group.pointer, decoded.pointer) == 0 else {
            throw CryptoError.invalidPublicValue("EC point is the point at infinity")
        }
        guard EC_POINT_is_on_curve(group.pointer, decoded.pointer, context.pointer) == 1 else {
            ERR_clear_error()
            throw CryptoError.invalidPublicValue("EC point is not on the curve")
        }
        let builder = try KeyParameterBuilder()
        try builder.add("group", utf8: curve.groupName)
        try builder.add("pub", octets: point)
        return try builder.makeKey(type: "EC", selection: KeySelection.publicKey)
    }

    /// The private scalar of `key` as a minimal big-endian magnitude.
    static func privateScalar(of key: OwnedPKey) throws -> SecureBytes {
        var number: OpaquePointer?
        try requireSuccess(EVP_PKEY_get_bn_param(key.pointer, "priv", &number), "EVP_PKEY_get_bn_param")
        guard let number else { throw libcryptoError("EVP_PKEY_get_bn_param") }
        defer { BN_clear_free(number) }
        return try SecureBytes(count: (Int(BN_num_bits(number)) + 7) / 8) { buffer in
            guard let base = buffer.baseAddress else { return }
            guard BN_bn2binpad(number, base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == Int32(buffer.count)
            else { throw libcryptoError("BN_bn2binpad") }
        }
    }
}
