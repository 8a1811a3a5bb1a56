import NIOCore
import SSHCore
import SSHCrypto
import Testing

/// Hides a protection's out-of-place sealing and opening, so the encoder and decoder take the
/// in-place path with the same keys.
private final class InPlaceOnly: PacketProtection {
    let inner: any PacketProtection
    init(_ inner: any PacketProtection) { self.inner = inner }
    var blockSize: Int { inner.blockSize }
    var tagLength: Int { inner.tagLength }
    var lengthPrefixLength: Int { inner.lengthPrefixLength }
    var excludesLengthFromAlignment: Bool { inner.excludesLengthFromAlignment }
    func packetLength(of prefix: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws -> UInt32 {
        try inner.packetLength(of: prefix, sequenceNumber: sequenceNumber)
    }
    func open(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        try inner.open(packet, sequenceNumber: sequenceNumber)
    }
    func seal(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {
        try inner.seal(packet, sequenceNumber: sequenceNumber)
    }
}

@Suite("Out-of-place sealing and opening agree with in place (AEAD ciphers)")
struct OutOfPlaceSealingTests {
    private static func protection(_ name: String, seed: UInt8) throws -> any PacketProtection {
        let cipher = try #require(AlgorithmRegistry.ciphers.first { $0.name == name })
        let keys = DirectionalKeys(iv: SecureBytes((0..<cipher.ivLength).map { UInt8($0) &+ seed }),
                                   encryptionKey: SecureBytes((0..<cipher.keyLength).map { UInt8($0) &* 3 &+ seed }),
                                   integrityKey: SecureBytes([UInt8]()))
        return try makePacketProtection(cipher: cipher, mac: nil, keys: keys)
    }

    @Test("Same wire bytes either way, and each decoder path opens the other's packets",
          arguments: ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"])
    func agree(cipher: String) throws {
        var direct = PacketEncoder(randomSource: DeterministicRandomSource(seed: [9]))
        direct.protection = try Self.protection(cipher, seed: 1)
        var copying = PacketEncoder(randomSource: DeterministicRandomSource(seed: [9]))
        copying.protection = InPlaceOnly(try Self.protection(cipher, seed: 1))
        var directDecoder = PacketDecoder()
        directDecoder.protection = try Self.protection(cipher, seed: 1)
        var copyingDecoder = PacketDecoder()
        copyingDecoder.protection = InPlaceOnly(try Self.protection(cipher, seed: 1))
        for (headSize, bodySize) in [(9, 1), (9, 32768), (1, 0), (13, 4095), (9, 100_000)] {
            let head = ByteBuffer(repeating: 0x5E, count: headSize)
            let body = ByteBuffer(bytes: (0..<bodySize).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            var whole = head
            var bodyCopy = body
            whole.writeBuffer(&bodyCopy)
            var directWire = ByteBuffer(), copyingWire = ByteBuffer()
            try direct.encode(payload: head, body: bodySize > 0 ? body : nil, into: &directWire)
            try copying.encode(payload: whole, into: &copyingWire)
            #expect(directWire == copyingWire, "head \(headSize), body \(bodySize)")
            var forDirect = copyingWire, forCopying = directWire
            directDecoder.append(&forDirect)
            copyingDecoder.append(&forCopying)
            #expect(try directDecoder.nextPayload() == whole)
            #expect(try copyingDecoder.nextPayload() == whole)
        }
    }

    @Test("A flipped bit fails the out-of-place open with a MAC error",
          arguments: ["aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com"])
    func tamper(cipher: String) throws {
        var encoder = PacketEncoder(randomSource: DeterministicRandomSource(seed: [3]))
        encoder.protection = try Self.protection(cipher, seed: 2)
        var wire = ByteBuffer()
        try encoder.encode(payload: ByteBuffer(repeating: 0x11, count: 9), body: ByteBuffer(repeating: 0x22, count: 500), into: &wire)
        let index = wire.readerIndex + 100
        let byte = try #require(wire.getInteger(at: index, as: UInt8.self))
        wire.setInteger(byte ^ 0x04, at: index)
        var decoder = PacketDecoder()
        decoder.protection = try Self.protection(cipher, seed: 2)
        decoder.append(&wire)
        #expect(throws: SSHProtocolError.macMismatch(sequenceNumber: 0)) { try decoder.nextPayload() }
    }
}
