import CLibcrypto

/// A MODP Diffie-Hellman group of RFC 3526, as used by diffie-hellman-group14/16/18 (RFC 8268).
public enum DHGroup: Sendable, Hashable, CaseIterable {
    /// The 2048-bit group 14 (RFC 3526 §3).
    case group14
    /// The 4096-bit group 16 (RFC 3526 §5).
    case group16
    /// The 8192-bit group 18 (RFC 3526 §7).
    case group18

    private static let group14Prime = bytesFromHexConstant(group14PrimeHex)
    private static let group16Prime = bytesFromHexConstant(group16PrimeHex)
    private static let group18Prime = bytesFromHexConstant(group18PrimeHex)

    /// The safe prime p, big-endian, exactly `primeBitCount / 8` bytes.
    public var prime: [UInt8] {
        switch self {
        case .group14: return Self.group14Prime
        case .group16: return Self.group16Prime
        case .group18: return Self.group18Prime
        }
    }

    /// The generator g; 2 for every RFC 3526 group.
    public var generator: UInt8 { 2 }

    /// The bit length of p: 2048, 4096 or 8192.
    public var primeBitCount: Int {
        switch self {
        case .group14: return 2048
        case .group16: return 4096
        case .group18: return 8192
        }
    }

    /// The length of a random private exponent. RFC 3526 §8 and RFC 8268 §4 ask for at least twice
    /// the group's strength in bits; we use 512 bits for group 14 (~112-bit strength), 768 bits for
    /// group 16 (~150-bit) and 1024 bits for group 18 (~200-bit), all above twice the higher of
    /// RFC 3526 §8's two strength estimates (160, 240, 310 bits).
    package var exponentBitCount: Int {
        switch self {
        case .group14: return 512
        case .group16: return 768
        case .group18: return 1024
        }
    }

    /// Whether libcrypto's `BN_check_prime` finds p prime (a transcription check for tests).
    package func primeIsProbablyPrime() throws -> Bool {
        let p = try Bignum(prime)
        let context = try BignumContext()
        let result = BN_check_prime(p.pointer, context.pointer, nil)
        guard result >= 0 else { throw libcryptoError("BN_check_prime") }
        return result == 1
    }
}

/// A private exponent x for finite-field Diffie-Hellman over a MODP group (RFC 4253 §8).
public final class DHPrivateKey: Sendable {
    private let exponent: SecureBytes

    /// The group this key belongs to.
    public let group: DHGroup
    /// Our public value g^x mod p as a minimal unsigned big-endian magnitude (RFC 4253 §8 "e"/"f").
    public let publicValue: [UInt8]

    /// Draws an exponent of `group.exponentBitCount` bits (512/768/1024) from `randomSource`.
    public convenience init(group: DHGroup, randomSource: some RandomSource) throws {
        for _ in 0..<100 {
            let candidate = SecureBytes(count: group.exponentBitCount / 8) { randomSource.fill($0) }
            if try Bignum(secret: candidate).bitCount > 1 {
                try self.init(group: group, privateExponent: candidate)
                return
            }
        }
        throw CryptoError.invalidKey("random source gave no DH exponent >= 2 after 100 draws")
    }

    /// Uses the big-endian exponent `privateExponent`, which must lie in [2, p - 2].
    public init(group: DHGroup, privateExponent: SecureBytes) throws {
        let p = try Bignum(group.prime)
        let x = try Bignum(secret: privateExponent)
        guard try Self.isInOpenRange(x, p) else { throw CryptoError.invalidKey("DH private exponent is not in [2, p-2]") }
        let g = try Bignum([group.generator])
        self.group = group
        self.exponent = try x.secretMagnitude()
        self.publicValue = try Self.power(base: g, exponent: x, modulus: p).magnitude
    }

    /// The shared secret K = f^x mod p as a minimal unsigned big-endian magnitude (RFC 4253 §8).
    ///
    /// Throws `CryptoError.invalidPublicValue` unless 2 <= f <= p - 2: RFC 4253 §8 requires
    /// f in [1, p-1]; RFC 8268 §4 and SP 800-56A §5.6.2.3.1 also exclude 1 and p - 1, which would
    /// force K into {1, p-1}.
    public func sharedSecret(peerPublicValue: [UInt8]) throws -> SecureBytes {
        let p = try Bignum(group.prime)
        let f = try Bignum(peerPublicValue)
        guard try Self.isInOpenRange(f, p) else {
            throw CryptoError.invalidPublicValue("DH public value is not in [2, p-2]")
        }
        let x = try Bignum(secret: exponent)
        return try Self.power(base: f, exponent: x, modulus: p, secretResult: true).secretMagnitude()
    }

    /// Whether 2 <= value <= p - 2.
    private static func isInOpenRange(_ value: Bignum, _ p: Bignum) throws -> Bool {
        let upper = try Bignum()
        guard BN_copy(upper.pointer, p.pointer) != nil else { throw libcryptoError("BN_copy") }
        try requireSuccess(BN_sub_word(upper.pointer, 1), "BN_sub_word")
        // value > 1 (at least two significant bits) and value < p - 1.
        return value.bitCount > 1 && BN_cmp(value.pointer, upper.pointer) < 0
    }

    /// base^exponent mod modulus in constant time with respect to the exponent.
    private static func power(base: Bignum, exponent: Bignum, modulus: Bignum, secretResult: Bool = false) throws -> Bignum {
        let result = try Bignum(secret: secretResult)
        let context = try BignumContext()
        let computed = BN_mod_exp_mont_consttime(result.pointer, base.pointer, exponent.pointer, modulus.pointer,
                                                 context.pointer, nil)
        try requireSuccess(computed, "BN_mod_exp_mont_consttime")
        return result
    }
}
