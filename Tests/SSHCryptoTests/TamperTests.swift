import SSHCrypto
import Testing

/// One flipped bit anywhere the tag covers must make verification fail: tag, ciphertext, and the
/// associated data (GCM AAD, chacha20-poly1305 encrypted length, MAC sequence number).
struct TamperTests {
    // MARK: AES-GCM (RFC 5647)

    enum GCMField: String, CaseIterable, Sendable { case tag, ciphertext, aad }

    @Test("AES-GCM rejects a flipped bit", arguments: [16, 32], GCMField.allCases)
    func gcm(keySize: Int, field: GCMField) throws {
        let key = SecureBytes(Array(UInt8(50)..<UInt8(50 + keySize)))
        let iv = bytes(hex: "0a0b0c0d 0000000000000001")
        let aad = bytes(hex: "0000002c")
        let plaintext = Array(UInt8(0)..<UInt8(44))
        let sealed = try OpenSSHAESGCMTests.seal(OpenSSHAESGCM(key: key, iv: iv), aad: aad, plaintext)
        #expect(try OpenSSHAESGCMTests.open(OpenSSHAESGCM(key: key, iv: iv), aad: aad, sealed.ciphertext, tag: sealed.tag)
            == .success(plaintext))

        let fieldSize = switch field { case .tag: sealed.tag.count; case .ciphertext: sealed.ciphertext.count; case .aad: aad.count }
        for bit in sampleBitPositions(byteCount: fieldSize) {
            var tag = sealed.tag, ciphertext = sealed.ciphertext, associated = aad
            switch field {
            case .tag: tag = flippingBit(bit, of: tag)
            case .ciphertext: ciphertext = flippingBit(bit, of: ciphertext)
            case .aad: associated = flippingBit(bit, of: associated)
            }
            let result = try OpenSSHAESGCMTests.open(OpenSSHAESGCM(key: key, iv: iv), aad: associated, ciphertext, tag: tag)
            #expect(result == .failure(.authenticationFailed), "bit \(bit) of \(field)")
        }
    }

    // MARK: chacha20-poly1305@openssh.com

    enum ChaChaField: String, CaseIterable, Sendable { case tag, payload, encryptedLength, sequenceNumber }

    @Test("chacha20-poly1305 rejects a flipped bit and leaves the packet unchanged", arguments: ChaChaField.allCases)
    func chacha(field: ChaChaField) throws {
        let cipher = try OpenSSHChaCha20Poly1305(key: SecureBytes(OpenSSHChaCha20Poly1305Tests.key))
        let vector = OpenSSHChaCha20Poly1305Tests.vectors[1]
        let fieldSize = switch field {
        case .tag: vector.tag.count
        case .payload: vector.ciphertext.count - 4
        case .encryptedLength: 4
        case .sequenceNumber: 4
        }
        for bit in sampleBitPositions(byteCount: fieldSize) {
            var packet = vector.ciphertext, tag = vector.tag, sequenceNumber = vector.sequenceNumber
            switch field {
            case .tag: tag = flippingBit(bit, of: tag)
            case .payload: packet = Array(packet.prefix(4)) + flippingBit(bit, of: Array(packet.dropFirst(4)))
            case .encryptedLength: packet = flippingBit(bit, of: Array(packet.prefix(4))) + Array(packet.dropFirst(4))
            case .sequenceNumber: sequenceNumber ^= UInt32(1) << UInt32(bit)
            }
            let tampered = packet
            #expect(throws: CryptoError.authenticationFailed, "bit \(bit) of \(field)") {
                try packet.withUnsafeMutableBytes { data in
                    try tag.withUnsafeBytes { try cipher.open(sequenceNumber: sequenceNumber, packet: data, tag: $0) }
                }
            }
            #expect(packet == tampered, "a failed open must not change the packet")
        }
        // The same instance still opens the genuine packet afterwards.
        var packet = vector.ciphertext
        try packet.withUnsafeMutableBytes { data in
            try vector.tag.withUnsafeBytes { try cipher.open(sequenceNumber: vector.sequenceNumber, packet: data, tag: $0) }
        }
        #expect(packet == vector.plaintext)
    }

    // MARK: HMAC packet MACs (RFC 4253 §6.4)

    enum MACField: String, CaseIterable, Sendable { case tag, data, sequenceNumber }

    @Test("SSHMACKey rejects a flipped bit", arguments: [DigestAlgorithm.sha256, .sha512], MACField.allCases)
    func mac(algorithm: DigestAlgorithm, field: MACField) throws {
        let key = try SSHMACKey(algorithm, key: SecureBytes(bytes(repeating: 0x5a, count: algorithm.outputByteCount)))
        let data = Array(UInt8(0)..<UInt8(80))
        let sequenceNumber: UInt32 = 0x00C0_FFEE
        var genuineTag = [UInt8](repeating: 0, count: key.outputByteCount)
        data.withUnsafeBytes { bytes in
            genuineTag.withUnsafeMutableBytes { key.authenticate(sequenceNumber: sequenceNumber, bytes, into: $0) }
        }
        let genuine = data.withUnsafeBytes { bytes in
            genuineTag.withUnsafeBytes { key.isValid(sequenceNumber: sequenceNumber, bytes, tag: $0) }
        }
        #expect(genuine)

        let fieldSize = switch field { case .tag: genuineTag.count; case .data: data.count; case .sequenceNumber: 4 }
        for bit in sampleBitPositions(byteCount: fieldSize) {
            var tag = genuineTag, message = data, sequence = sequenceNumber
            switch field {
            case .tag: tag = flippingBit(bit, of: tag)
            case .data: message = flippingBit(bit, of: message)
            case .sequenceNumber: sequence ^= UInt32(1) << UInt32(bit)
            }
            let valid = message.withUnsafeBytes { bytes in tag.withUnsafeBytes { key.isValid(sequenceNumber: sequence, bytes, tag: $0) } }
            #expect(!valid, "bit \(bit) of \(field)")
        }
    }
}
