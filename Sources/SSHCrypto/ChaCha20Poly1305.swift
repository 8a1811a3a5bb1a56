import CLibcrypto

/// SSH's chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305).
///
/// The 64-byte key splits into K_2 (bytes 0..<32, payload and Poly1305 key) and K_1 (bytes
/// 32..<64, packet length only). Both ChaCha20 instances use the original 64-bit nonce, set to
/// the packet sequence number as a big-endian uint64, and the original 64-bit block counter. In
/// libcrypto's 16-byte IV (`LE32(counter) || 96-bit nonce`) that is
/// `LE32(counter) || 00 00 00 00 || BE64(seqnr)`, exact for every counter below 2^32.
///
/// Two cipher contexts and one Poly1305 context are keyed once; each packet only re-nonces them,
/// and the one-time Poly1305 key lives on the stack and is wiped after use. Not thread-safe.
public final class OpenSSHChaCha20Poly1305 {
    /// The Poly1305 tag length appended to each packet.
    public static let tagByteCount = 16

    /// ChaCha20 under K_2: the Poly1305 key (block 0) and the payload (blocks 1...).
    private let payloadCipher: CipherContext
    /// ChaCha20 under K_1: the 4-byte packet length (block 0).
    private let lengthCipher: CipherContext
    private let authenticator: Poly1305Context

    /// Keys both ChaCha20 instances from the 64-byte `key` (K_2 || K_1).
    ///
    /// - Throws: `CryptoError.invalidLength` for a key that is not 64 bytes, `CryptoError.libcrypto`
    ///   if libcrypto refuses the cipher.
    public init(key: SecureBytes) throws {
        guard key.count == 64 else {
            throw CryptoError.invalidLength(what: "chacha20-poly1305@openssh.com key", expected: 64, actual: key.count)
        }
        let payloadKey = key.withUnsafeBytes { SecureBytes($0[0..<32]) }
        let lengthKey = key.withUnsafeBytes { SecureBytes($0[32..<64]) }
        payloadCipher = try CipherContext(cipherName: "ChaCha20", key: payloadKey, iv: nil, encrypt: true)
        lengthCipher = try CipherContext(cipherName: "ChaCha20", key: lengthKey, iv: nil, encrypt: true)
        authenticator = try Poly1305Context()
    }

    /// Decrypts the 4-byte packet length (the first 4 bytes of `encrypted`) under K_1 with block
    /// counter 0. The result is unauthenticated: use it only to know how many bytes to wait for,
    /// then `open` the whole packet.
    ///
    /// - Precondition: `encrypted.count >= 4`.
    public func decryptLength(sequenceNumber: UInt32, _ encrypted: UnsafeRawBufferPointer) -> UInt32 {
        precondition(encrypted.count >= 4, "decryptLength needs the 4 encrypted length bytes")
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &length) { lengthBytes in
            lengthBytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: encrypted[0..<4]))
            do {
                try restart(lengthCipher, sequenceNumber: sequenceNumber)
                try lengthCipher.updateInPlace(lengthBytes)
            } catch {
                // Re-nonce and 4 bytes of keystream cannot fail on a keyed context unless libcrypto is broken.
                preconditionFailure("chacha20-poly1305 length decryption failed: \(error)")
            }
        }
        return UInt32(bigEndian: length)
    }

    /// Encrypts `packet` (4-byte length || rest) in place and writes the Poly1305 tag of the whole
    /// encrypted packet into `tag`.
    ///
    /// - Precondition: `packet.count >= 4` and `tag.count == tagByteCount`.
    public func seal(sequenceNumber: UInt32, packet: UnsafeMutableRawBufferPointer,
                     tag: UnsafeMutableRawBufferPointer) throws {
        precondition(packet.count >= 4, "chacha20-poly1305 packet must start with a 4-byte length")
        precondition(tag.count == Self.tagByteCount, "chacha20-poly1305 tag buffer must be 16 bytes")
        try withOneTimeKey(sequenceNumber: sequenceNumber) { polyKey in
            try restart(lengthCipher, sequenceNumber: sequenceNumber)
            try lengthCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[0..<4]))
            try payloadCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[4...]))
            try authenticator.authenticate(key: polyKey, message: UnsafeRawBufferPointer(packet), into: tag)
        }
    }

    /// Like `seal(sequenceNumber:packet:tag:)`, but the bytes of `packet` at `offset ..< offset +
    /// head.count + body.count` (after the 4-byte length) come from `head` followed by `body`: they are
    /// encrypted straight into `packet`, the rest in place.
    ///
    /// - Precondition: `offset >= 4`, the filled range lies inside `packet`, `tag.count == tagByteCount`.
    public func seal(sequenceNumber: UInt32, packet: UnsafeMutableRawBufferPointer, filling offset: Int,
                     from head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer,
                     tag: UnsafeMutableRawBufferPointer) throws {
        let bodyStart = offset + head.count, end = bodyStart + body.count
        precondition(offset >= 4 && end <= packet.count, "chacha20-poly1305 seal: filled range outside the packet")
        precondition(tag.count == Self.tagByteCount, "chacha20-poly1305 tag buffer must be 16 bytes")
        try withOneTimeKey(sequenceNumber: sequenceNumber) { polyKey in
            try restart(lengthCipher, sequenceNumber: sequenceNumber)
            try lengthCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[0..<4]))
            try payloadCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[4..<offset]))
            try payloadCipher.update(from: head, into: UnsafeMutableRawBufferPointer(rebasing: packet[offset..<bodyStart]))
            try payloadCipher.update(from: body, into: UnsafeMutableRawBufferPointer(rebasing: packet[bodyStart..<end]))
            try payloadCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[end...]))
            try authenticator.authenticate(key: polyKey, message: UnsafeRawBufferPointer(packet), into: tag)
        }
    }

    /// Verifies `tag` over the encrypted `packet` in constant time, then decrypts the length and the
    /// rest in place.
    ///
    /// - Throws: `CryptoError.authenticationFailed` if the tag is wrong, leaving `packet` unchanged;
    ///   `CryptoError.invalidLength` for a packet shorter than 4 bytes or a tag that is not 16 bytes.
    public func open(sequenceNumber: UInt32, packet: UnsafeMutableRawBufferPointer,
                     tag: UnsafeRawBufferPointer) throws {
        guard packet.count >= 4 else {
            throw CryptoError.invalidLength(what: "chacha20-poly1305 packet (at least)", expected: 4, actual: packet.count)
        }
        guard tag.count == Self.tagByteCount else {
            throw CryptoError.invalidLength(what: "chacha20-poly1305 tag", expected: Self.tagByteCount, actual: tag.count)
        }
        try withOneTimeKey(sequenceNumber: sequenceNumber) { polyKey in
            let verified = try withUnsafeTemporaryAllocation(byteCount: Self.tagByteCount, alignment: 16) { expected in
                try authenticator.authenticate(key: polyKey, message: UnsafeRawBufferPointer(packet), into: expected)
                return constantTimeEquals(UnsafeRawBufferPointer(expected), tag)
            }
            guard verified else { throw CryptoError.authenticationFailed }
            try restart(lengthCipher, sequenceNumber: sequenceNumber)
            try lengthCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[0..<4]))
            try payloadCipher.updateInPlace(UnsafeMutableRawBufferPointer(rebasing: packet[4...]))
        }
    }

    /// Like `open(sequenceNumber:packet:tag:)`, but leaves `packet` untouched and decrypts everything
    /// after its 4-byte length into `plaintext` (`packet.count - 4` bytes, not overlapping).
    ///
    /// - Throws: `CryptoError.authenticationFailed` if the tag is wrong, before writing anything.
    public func open(sequenceNumber: UInt32, packet: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer,
                     into plaintext: UnsafeMutableRawBufferPointer) throws {
        guard packet.count >= 4, plaintext.count == packet.count - 4 else {
            throw CryptoError.invalidLength(what: "chacha20-poly1305 plaintext buffer", expected: max(packet.count - 4, 0),
                                            actual: plaintext.count)
        }
        guard tag.count == Self.tagByteCount else {
            throw CryptoError.invalidLength(what: "chacha20-poly1305 tag", expected: Self.tagByteCount, actual: tag.count)
        }
        try withOneTimeKey(sequenceNumber: sequenceNumber) { polyKey in
            let verified = try withUnsafeTemporaryAllocation(byteCount: Self.tagByteCount, alignment: 16) { expected in
                try authenticator.authenticate(key: polyKey, message: packet, into: expected)
                return constantTimeEquals(UnsafeRawBufferPointer(expected), tag)
            }
            guard verified else { throw CryptoError.authenticationFailed }
            try payloadCipher.update(from: UnsafeRawBufferPointer(rebasing: packet[4...]), into: plaintext)
        }
    }

    /// Re-nonces K_2 for `sequenceNumber`, takes block 0 of its key stream, and hands the first 32
    /// bytes to `body` as the Poly1305 key; afterwards K_2 stands at block 1, where the payload
    /// starts. The key stream block is wiped on return.
    private func withOneTimeKey<Result>(sequenceNumber: UInt32,
                                        _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        try withUnsafeTemporaryAllocation(byteCount: 64, alignment: 16) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            defer { if let base = block.baseAddress { OPENSSL_cleanse(base, block.count) } }
            try restart(payloadCipher, sequenceNumber: sequenceNumber)
            try payloadCipher.updateInPlace(block)
            return try body(UnsafeRawBufferPointer(rebasing: block[0..<32]))
        }
    }

    /// Sets `cipher` to block counter 0 with nonce `uint64_be(sequenceNumber)`:
    /// IV = `00 00 00 00 || 00 00 00 00 || BE64(seqnr)`.
    private func restart(_ cipher: CipherContext, sequenceNumber: UInt32) throws {
        try withUnsafeTemporaryAllocation(byteCount: 16, alignment: 16) { iv in
            iv.initializeMemory(as: UInt8.self, repeating: 0)
            withUnsafeBytes(of: UInt64(sequenceNumber).bigEndian) { nonce in
                UnsafeMutableRawBufferPointer(rebasing: iv[8..<16]).copyMemory(from: nonce)
            }
            try cipher.restart(iv: UnsafeRawBufferPointer(iv), encrypt: true)
        }
    }
}
