import CLibcrypto

// Small owners for libcrypto objects shared by the asymmetric primitives (X25519, ECDH, ECDSA,
// Ed25519, finite-field DH, RSA). Each one frees its object exactly once, in `deinit`.

/// An `EVP_PKEY` owned by Swift and freed with the last reference.
///
/// A built `EVP_PKEY` is only ever read afterwards: every operation creates its own
/// `EVP_PKEY_CTX` / `EVP_MD_CTX`, which OpenSSL 3 allows concurrently on one shared key
/// (see "Thread safety" in openssl-threads(7)). That is why the wrapper may be `Sendable`.
final class OwnedPKey: @unchecked Sendable {
    /// The owned `EVP_PKEY *`.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`; it is freed with `EVP_PKEY_free` in `deinit`.
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }
}

/// A `BIGNUM` owned by Swift. Secret numbers live in libcrypto's secure heap (when enabled),
/// carry `BN_FLG_CONSTTIME` and are wiped with `BN_clear_free`.
final class Bignum {
    /// The owned `BIGNUM *`.
    let pointer: OpaquePointer
    private let isSecret: Bool

    /// A new zero; `secret` selects secure allocation, constant-time flag and wiping on release.
    init(secret: Bool = false) throws {
        guard let made = secret ? BN_secure_new() : BN_new() else { throw libcryptoError("BN_new") }
        pointer = made
        isSecret = secret
        if secret { BN_set_flags(made, BN_FLG_CONSTTIME) }
    }

    /// The public unsigned big-endian magnitude in `bytes` (leading zeros allowed).
    convenience init(_ bytes: [UInt8]) throws {
        try self.init(secret: false)
        try bytes.withUnsafeBytes { try load($0) }
    }

    /// The secret unsigned big-endian magnitude held in `bytes`.
    convenience init(secret bytes: SecureBytes) throws {
        try self.init(secret: true)
        try bytes.withUnsafeBytes { try load($0) }
    }

    private func load(_ buffer: UnsafeRawBufferPointer) throws {
        let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard BN_bin2bn(base, Int32(buffer.count), pointer) != nil else { throw libcryptoError("BN_bin2bn") }
    }

    deinit { isSecret ? BN_clear_free(pointer) : BN_free(pointer) }

    /// The number of significant bits.
    var bitCount: Int { Int(BN_num_bits(pointer)) }

    /// The minimal big-endian magnitude (empty for zero).
    var magnitude: [UInt8] {
        var out = [UInt8](repeating: 0, count: (bitCount + 7) / 8)
        if !out.isEmpty { _ = BN_bn2bin(pointer, &out) }
        return out
    }

    /// The minimal big-endian magnitude, in wiped-on-release storage.
    func secretMagnitude() throws -> SecureBytes {
        try SecureBytes(count: (bitCount + 7) / 8) { buffer in
            guard let base = buffer.baseAddress else { return }
            guard BN_bn2binpad(pointer, base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == Int32(buffer.count)
            else { throw libcryptoError("BN_bn2binpad") }
        }
    }

    /// The magnitude left-padded with zeros to exactly `length` bytes (the number must fit).
    func paddedMagnitude(length: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        guard BN_bn2binpad(pointer, &out, Int32(length)) == Int32(length) else { throw libcryptoError("BN_bn2binpad") }
        return out
    }
}

/// A `BN_CTX` scratch area for one computation (secure-heap backed, since it sees secrets).
final class BignumContext {
    /// The owned `BN_CTX *`.
    let pointer: OpaquePointer

    /// Allocates a fresh context.
    init() throws {
        guard let made = BN_CTX_secure_new() else { throw libcryptoError("BN_CTX_secure_new") }
        pointer = made
    }

    deinit { BN_CTX_free(pointer) }
}

/// A NUL-terminated C string that lives for the whole program, for `OSSL_PARAM` keys and values
/// that libcrypto keeps by pointer (`OSSL_PARAM_BLD` stores keys without copying them).
func staticCString(_ text: StaticString) -> UnsafePointer<CChar> {
    precondition(text.hasPointerRepresentation, "OSSL_PARAM names must be string literals")
    return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Decodes a hex constant compiled into the library (group primes). Invalid text is a programmer
/// error, never input from the network.
func bytesFromHexConstant(_ hex: String) -> [UInt8] {
    let digits = hex.unicodeScalars.filter { !$0.properties.isWhitespace }.map { Character($0) }
    precondition(digits.count % 2 == 0, "hex constant has an odd number of digits")
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
        guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else {
            preconditionFailure("hex constant contains a non-hex digit")
        }
        bytes.append(byte)
        index += 2
    }
    return bytes
}
