import CLibcrypto

/// AES-GCM as SSH's aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 §7.1, OpenSSH
/// PROTOCOL §1.6): a 12-byte IV made of a 4-byte fixed field and an 8-byte big-endian invocation
/// counter that is incremented after every packet.
///
/// In SSH the AAD is the 4-byte packet length, which travels unencrypted (RFC 5647 §7.3); this
/// type accepts any AAD. One `EVP_CIPHER_CTX` is keyed once; each call only sets the new IV, so
/// sealing and opening allocate nothing. Not thread-safe.
public final class OpenSSHAESGCM {
    /// The authentication tag length (RFC 5647 §6.3: 16 bytes).
    public static let tagByteCount = 16

    private let cipher: CipherContext
    /// The current nonce: fixed field (bytes 0..<4) and invocation counter (bytes 4..<12, big-endian).
    private var nonce: [UInt8]

    /// Keys AES-GCM with a 16 or 32-byte `key` and the 12-byte initial `iv` (RFC 5647 §7.1).
    ///
    /// - Throws: `CryptoError.invalidKey` for a wrong key length, `CryptoError.invalidLength` for a
    ///   wrong IV length, `CryptoError.libcrypto` if libcrypto refuses the cipher.
    public init(key: SecureBytes, iv: [UInt8]) throws {
        let cipherName: String
        switch key.count {
        case 16: cipherName = "AES-128-GCM"
        case 32: cipherName = "AES-256-GCM"
        default: throw CryptoError.invalidKey("AES-GCM key must be 16 or 32 bytes, got \(key.count)")
        }
        guard iv.count == 12 else {
            throw CryptoError.invalidLength(what: "AES-GCM IV", expected: 12, actual: iv.count)
        }
        cipher = try CipherContext(cipherName: cipherName, key: key, iv: nil, encrypt: true)
        nonce = iv
    }

    /// Encrypts `buffer` in place, authenticating it together with `aad`, and writes the 16-byte tag
    /// into `tag`. The invocation counter then advances (RFC 5647 §7.1).
    ///
    /// - Precondition: `tag.count == tagByteCount`.
    public func seal(aad: UnsafeRawBufferPointer, inPlace buffer: UnsafeMutableRawBufferPointer,
                     tag: UnsafeMutableRawBufferPointer) throws {
        precondition(tag.count == Self.tagByteCount, "OpenSSHAESGCM.seal: tag buffer must be 16 bytes")
        defer { advanceInvocationCounter() }
        try nonce.withUnsafeBytes { try cipher.restart(iv: $0, encrypt: true) }
        try cipher.authenticateAdditionalData(aad)
        try cipher.updateInPlace(buffer)
        guard cipher.finish() else { throw libcryptoError("EVP_CipherFinal_ex(AES-GCM, seal)") }
        try cipher.readTag(into: tag)
    }

    /// Like `seal(aad:inPlace:tag:)`, but the bytes of `buffer` at `offset ..< offset + head.count +
    /// body.count` come from `head` followed by `body` (read, not copied first): they are encrypted
    /// straight into `buffer`. The rest of `buffer` is encrypted in place.
    ///
    /// - Precondition: `tag.count == tagByteCount`, and the filled range lies inside `buffer`.
    public func seal(aad: UnsafeRawBufferPointer, inPlace buffer: UnsafeMutableRawBufferPointer, filling offset: Int,
                     from head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer,
                     tag: UnsafeMutableRawBufferPointer) throws {
        precondition(tag.count == Self.tagByteCount, "OpenSSHAESGCM.seal: tag buffer must be 16 bytes")
        let bodyStart = offset + head.count, end = bodyStart + body.count
        precondition(offset >= 0 && end <= buffer.count, "OpenSSHAESGCM.seal: filled range outside the buffer")
        defer { advanceInvocationCounter() }
        try nonce.withUnsafeBytes { try cipher.restart(iv: $0, encrypt: true) }
        try cipher.authenticateAdditionalData(aad)
        try cipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<offset]))
        try cipher.update(from: head, into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<bodyStart]))
        try cipher.update(from: body, into: UnsafeMutableRawBufferPointer(rebasing: buffer[bodyStart..<end]))
        try cipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        guard cipher.finish() else { throw libcryptoError("EVP_CipherFinal_ex(AES-GCM, seal)") }
        try cipher.readTag(into: tag)
    }

    /// Verifies `tag` over `aad` and the ciphertext in `buffer` and decrypts `buffer` in place. The
    /// invocation counter advances whether or not the tag verifies (RFC 5647 §7.1: one per packet).
    ///
    /// - Throws: `CryptoError.authenticationFailed` when the tag is wrong, after zeroing `buffer`
    ///   so no unauthenticated plaintext survives; `CryptoError.invalidLength` for a tag that is not
    ///   16 bytes (before touching `buffer`).
    public func open(aad: UnsafeRawBufferPointer, inPlace buffer: UnsafeMutableRawBufferPointer,
                     tag: UnsafeRawBufferPointer) throws {
        try open(aad: aad, ciphertext: UnsafeRawBufferPointer(buffer), into: buffer, tag: tag)
    }

    /// Like `open(aad:inPlace:tag:)`, but decrypts `ciphertext` into `plaintext` (same length, not
    /// overlapping, or the same memory) and leaves a separate `ciphertext` untouched; a receiver then
    /// needs no copy of the plaintext.
    ///
    /// - Throws: `CryptoError.authenticationFailed` when the tag is wrong, after zeroing `plaintext`.
    public func open(aad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
                     into plaintext: UnsafeMutableRawBufferPointer, tag: UnsafeRawBufferPointer) throws {
        defer { advanceInvocationCounter() }
        guard tag.count == Self.tagByteCount else {
            throw CryptoError.invalidLength(what: "AES-GCM tag", expected: Self.tagByteCount, actual: tag.count)
        }
        guard plaintext.count == ciphertext.count else {
            throw CryptoError.invalidLength(what: "AES-GCM plaintext buffer", expected: ciphertext.count, actual: plaintext.count)
        }
        do {
            try nonce.withUnsafeBytes { try cipher.restart(iv: $0, encrypt: false) }
            try cipher.expectTag(tag)
            try cipher.authenticateAdditionalData(aad)
            try cipher.update(from: ciphertext, into: plaintext)
            guard cipher.finish() else {
                ERR_clear_error()
                throw CryptoError.authenticationFailed
            }
        } catch {
            if let base = plaintext.baseAddress { OPENSSL_cleanse(base, plaintext.count) }
            throw error
        }
    }

    /// Adds one to the 64-bit big-endian invocation counter in nonce bytes 4..<12, wrapping.
    private func advanceInvocationCounter() {
        var index = nonce.count - 1
        while index >= 4 {
            nonce[index] &+= 1
            if nonce[index] != 0 { return }
            index -= 1
        }
    }
}
