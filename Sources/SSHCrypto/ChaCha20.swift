import CLibcrypto

/// The ChaCha20 stream cipher in the RFC 8439 §2.4 layout: 256-bit key, 32-bit block counter,
/// 96-bit nonce. libcrypto's "ChaCha20" takes a 16-byte IV = `LE32(counter) || nonce`.
public enum ChaCha20 {
    /// Encrypts or decrypts `buffer` in place with the key stream that starts at block `counter`
    /// (RFC 8439 §2.4).
    ///
    /// - Throws: `CryptoError.invalidLength` for a key that is not 32 bytes, a nonce that is not 12
    ///   bytes, or a buffer that would run the 32-bit block counter past 2^32 (RFC 8439 §2.4);
    ///   `CryptoError.libcrypto` if libcrypto fails.
    public static func apply(key: SecureBytes, counter: UInt32, nonce: [UInt8],
                             inPlace buffer: UnsafeMutableRawBufferPointer) throws {
        guard key.count == 32 else { throw CryptoError.invalidLength(what: "ChaCha20 key", expected: 32, actual: key.count) }
        guard nonce.count == 12 else {
            throw CryptoError.invalidLength(what: "ChaCha20 nonce", expected: 12, actual: nonce.count)
        }
        let remainingBlocks = (UInt64(1) << 32) - UInt64(counter)
        let availableBytes = remainingBlocks * 64
        guard UInt64(buffer.count) <= availableBytes else {
            throw CryptoError.invalidLength(what: "ChaCha20 input (32-bit block counter would wrap)",
                                            expected: Int(clamping: availableBytes), actual: buffer.count)
        }
        var iv = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: counter.littleEndian) { iv.replaceSubrange(0..<4, with: $0) }
        iv.replaceSubrange(4..<16, with: nonce)
        let cipher = try iv.withUnsafeBytes { try CipherContext(cipherName: "ChaCha20", key: key, iv: $0, encrypt: true) }
        try cipher.updateInPlace(buffer)
    }
}

/// The Poly1305 one-time authenticator (RFC 8439 §2.5) through libcrypto's `EVP_MAC` "POLY1305".
public enum Poly1305 {
    /// The tag length in bytes (RFC 8439 §2.5).
    public static let tagByteCount = 16

    /// Returns the 16-byte Poly1305 tag of `message` under the 32-byte one-time `key` (r || s).
    /// A key must never authenticate two different messages.
    ///
    /// - Throws: `CryptoError.invalidLength` for a key that is not 32 bytes, `CryptoError.libcrypto`
    ///   if libcrypto fails.
    public static func authenticate(key: SecureBytes, message: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard key.count == 32 else { throw CryptoError.invalidLength(what: "Poly1305 key", expected: 32, actual: key.count) }
        let context = try Poly1305Context()
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        try key.withUnsafeBytes { keyBytes in
            try tag.withUnsafeMutableBytes { try context.authenticate(key: keyBytes, message: message, into: $0) }
        }
        return tag
    }
}

/// One reusable `EVP_MAC_CTX` for Poly1305; every computation re-keys it with its one-time key,
/// which resets the state without allocating.
final class Poly1305Context {
    private let context: OpaquePointer

    /// Creates an un-keyed Poly1305 context.
    init() throws {
        guard let mac = EVP_MAC_fetch(nil, "POLY1305", nil) else { throw libcryptoError("EVP_MAC_fetch(POLY1305)") }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { throw libcryptoError("EVP_MAC_CTX_new(POLY1305)") }
        self.context = context
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// Writes the Poly1305 tag of `message` under the 32-byte `key` into the 16-byte `tag`.
    func authenticate(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer,
                      into tag: UnsafeMutableRawBufferPointer) throws {
        precondition(key.count == 32 && tag.count == Poly1305.tagByteCount, "Poly1305: key 32 bytes, tag 16 bytes")
        try requireSuccess(EVP_MAC_init(context, key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, nil),
                           "EVP_MAC_init(POLY1305)")
        if let base = message.baseAddress, message.count > 0 {
            try requireSuccess(EVP_MAC_update(context, base.assumingMemoryBound(to: UInt8.self), message.count),
                               "EVP_MAC_update(POLY1305)")
        }
        var length = 0
        try requireSuccess(EVP_MAC_final(context, tag.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, tag.count),
                           "EVP_MAC_final(POLY1305)")
        guard length == Poly1305.tagByteCount else {
            throw CryptoError.libcrypto(operation: "EVP_MAC_final(POLY1305)", reason: "tag of \(length) bytes")
        }
    }
}
