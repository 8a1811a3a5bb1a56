import SSHCrypto

/// AES-CTR (RFC 4344 §4) with an HMAC-SHA2 (RFC 6668), in either order:
/// - plain (RFC 4253 §6.4): the MAC covers `sequence_number ‖ plaintext packet`, and the first cipher
///   block is decrypted to learn the length;
/// - encrypt-then-MAC (`-etm@openssh.com`, OpenSSH PROTOCOL §1.5): the length stays in the clear, the
///   MAC covers `sequence_number ‖ length ‖ ciphertext` and is checked before anything is decrypted.
package final class CipherMACProtection: PacketProtection {
    package let blockSize = 16
    package var tagLength: Int { mac.outputByteCount }
    package var lengthPrefixLength: Int { encryptThenMAC ? 4 : blockSize }
    package var excludesLengthFromAlignment: Bool { encryptThenMAC }
    private let cipher: AESCTR
    private let mac: SSHMACKey
    private let encryptThenMAC: Bool

    /// Keys the cipher (16, 24 or 32-byte key, 16-byte IV) and the MAC.
    package init(cipherKey: SecureBytes, iv: SecureBytes, macAlgorithm: DigestAlgorithm, macKey: SecureBytes,
                 encryptThenMAC: Bool) throws {
        cipher = try AESCTR(key: cipherKey, iv: iv.unsafeArrayCopy)
        mac = try SSHMACKey(macAlgorithm, key: macKey)
        self.encryptThenMAC = encryptThenMAC
    }

    package func packetLength(of prefix: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws -> UInt32 {
        if !encryptThenMAC { try cipher.apply(prefix.slice(0..<blockSize)) }
        return prefix.loadBigEndianUInt32(at: 0)
    }

    package func open(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        let tag = UnsafeRawBufferPointer(packet.slice(bodyEnd..<packet.count))
        if encryptThenMAC {
            guard mac.isValid(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(packet.slice(0..<bodyEnd)), tag: tag) else {
                throw CryptoError.authenticationFailed
            }
            try cipher.apply(packet.slice(4..<bodyEnd))
        } else {
            // The first block was decrypted by packetLength(of:).
            try cipher.apply(packet.slice(blockSize..<bodyEnd))
            guard mac.isValid(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(packet.slice(0..<bodyEnd)), tag: tag) else {
                packet.slice(0..<bodyEnd).initializeMemory(as: UInt8.self, repeating: 0)
                throw CryptoError.authenticationFailed
            }
        }
    }

    package func seal(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        let tag = packet.slice(bodyEnd..<packet.count)
        if encryptThenMAC {
            try cipher.apply(packet.slice(4..<bodyEnd))
            mac.authenticate(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(packet.slice(0..<bodyEnd)), into: tag)
        } else {
            mac.authenticate(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(packet.slice(0..<bodyEnd)), into: tag)
            try cipher.apply(packet.slice(0..<bodyEnd))
        }
    }
}
