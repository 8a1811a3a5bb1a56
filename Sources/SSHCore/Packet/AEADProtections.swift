import SSHCrypto

/// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 §7): the 4-byte length travels in the
/// clear as additional authenticated data, the rest is encrypted, and a 16-byte tag follows. The
/// invocation counter inside the IV advances once per packet.
package final class AESGCMProtection: OutOfPlaceOpening, OutOfPlaceSealing {
    package let blockSize = 16
    package let tagLength = OpenSSHAESGCM.tagByteCount
    package let lengthPrefixLength = 4
    package let excludesLengthFromAlignment = true
    private let cipher: OpenSSHAESGCM

    /// Keys the cipher; `key` is 16 or 32 bytes and `iv` 12 bytes (RFC 5647 §7.1).
    package init(key: SecureBytes, iv: SecureBytes) throws {
        cipher = try OpenSSHAESGCM(key: key, iv: iv.unsafeArrayCopy)
    }

    package func packetLength(of prefix: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws -> UInt32 {
        prefix.loadBigEndianUInt32(at: 0)
    }

    package func open(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.open(aad: UnsafeRawBufferPointer(packet.slice(0..<4)),
                        inPlace: packet.slice(4..<bodyEnd),
                        tag: UnsafeRawBufferPointer(packet.slice(bodyEnd..<packet.count)))
    }

    package func open(_ packet: UnsafeRawBufferPointer, into plaintext: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.open(aad: UnsafeRawBufferPointer(rebasing: packet[0..<4]),
                        ciphertext: UnsafeRawBufferPointer(rebasing: packet[4..<bodyEnd]), into: plaintext,
                        tag: UnsafeRawBufferPointer(rebasing: packet[bodyEnd...]))
    }

    package func seal(_ packet: UnsafeMutableRawBufferPointer, payloadHead head: UnsafeRawBufferPointer,
                      body: UnsafeRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.seal(aad: UnsafeRawBufferPointer(packet.slice(0..<4)), inPlace: packet.slice(4..<bodyEnd), filling: 1,
                        from: head, body, tag: packet.slice(bodyEnd..<packet.count))
    }

    package func seal(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.seal(aad: UnsafeRawBufferPointer(packet.slice(0..<4)),
                        inPlace: packet.slice(4..<bodyEnd),
                        tag: packet.slice(bodyEnd..<packet.count))
    }
}

/// chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305): the length is encrypted under
/// K_1, the rest under K_2, and a Poly1305 tag covers both; the sequence number is the nonce.
package final class ChaChaPolyProtection: OutOfPlaceOpening, OutOfPlaceSealing {
    package let blockSize = 8
    package let tagLength = OpenSSHChaCha20Poly1305.tagByteCount
    package let lengthPrefixLength = 4
    package let excludesLengthFromAlignment = true
    private let cipher: OpenSSHChaCha20Poly1305

    /// Keys the cipher with the 64 bytes of key material (K_2 ‖ K_1).
    package init(key: SecureBytes) throws {
        cipher = try OpenSSHChaCha20Poly1305(key: key)
    }

    package func packetLength(of prefix: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws -> UInt32 {
        cipher.decryptLength(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(prefix.slice(0..<4)))
    }

    package func open(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.open(sequenceNumber: sequenceNumber, packet: packet.slice(0..<bodyEnd),
                        tag: UnsafeRawBufferPointer(packet.slice(bodyEnd..<packet.count)))
    }

    package func open(_ packet: UnsafeRawBufferPointer, into plaintext: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.open(sequenceNumber: sequenceNumber, packet: UnsafeRawBufferPointer(rebasing: packet[0..<bodyEnd]),
                        tag: UnsafeRawBufferPointer(rebasing: packet[bodyEnd...]), into: plaintext)
    }

    package func seal(_ packet: UnsafeMutableRawBufferPointer, payloadHead head: UnsafeRawBufferPointer,
                      body: UnsafeRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.seal(sequenceNumber: sequenceNumber, packet: packet.slice(0..<bodyEnd), filling: 5, from: head, body,
                        tag: packet.slice(bodyEnd..<packet.count))
    }

    package func seal(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        let bodyEnd = packet.count - tagLength
        try cipher.seal(sequenceNumber: sequenceNumber, packet: packet.slice(0..<bodyEnd),
                        tag: packet.slice(bodyEnd..<packet.count))
    }
}
