import NIOCore
import SSHCore
import SSHCrypto
import Testing

@Suite("Binary packet framing (RFC 4253 §6)")
struct PacketFramingTests {
    private func cleartextPacket(length: UInt32, padding: UInt8, body: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(length)
        buffer.writeInteger(padding)
        buffer.writeRepeatingByte(0x15, count: body)
        return buffer
    }

    @Test("Encoder output decodes, with padding of at least 4 aligned to the block size")
    func roundTripCleartext() throws {
        var encoder = PacketEncoder(randomSource: DeterministicRandomSource(seed: [1]))
        var decoder = PacketDecoder()
        for size in [1, 2, 3, 4, 5, 11, 100, 1000, 32768] {
            var wire = ByteBuffer()
            let payload = ByteBuffer(repeating: 0x42, count: size)
            try encoder.encode(payload: payload, into: &wire)
            #expect(wire.readableBytes % 8 == 0)
            let padding = Int(wire.getInteger(at: 4, as: UInt8.self) ?? 0)
            #expect(padding >= 4)
            decoder.append(&wire)
            #expect(try decoder.nextPayload() == payload)
        }
        #expect(decoder.sequenceNumber == 9)
    }

    @Test("A payload given as head and body encodes to the same bytes as the joined payload")
    func headAndBody() throws {
        for (headSize, bodySize) in [(9, 0), (9, 1), (9, 32768), (1, 100), (13, 4095)] {
            var split = PacketEncoder(randomSource: DeterministicRandomSource(seed: [7]))
            var joined = PacketEncoder(randomSource: DeterministicRandomSource(seed: [7]))
            let head = ByteBuffer(repeating: 0x5E, count: headSize)
            let body = ByteBuffer(bytes: (0..<bodySize).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            var whole = head
            var bodyCopy = body
            whole.writeBuffer(&bodyCopy)
            var splitWire = ByteBuffer(), joinedWire = ByteBuffer()
            try split.encode(payload: head, body: body, into: &splitWire)
            try joined.encode(payload: whole, into: &joinedWire)
            #expect(splitWire == joinedWire, "head \(headSize), body \(bodySize)")
            var decoder = PacketDecoder()
            decoder.append(&splitWire)
            #expect(try decoder.nextPayload() == whole)
        }
    }

    @Test("A packet length over 256 KiB is refused before its bytes arrive")
    func tooLarge() {
        var decoder = PacketDecoder()
        var bytes = ByteBuffer()
        bytes.writeInteger(UInt32(256 * 1024 + 4))
        decoder.append(&bytes)
        #expect(throws: SSHProtocolError.packetTooLarge(length: 256 * 1024 + 4, limit: 256 * 1024)) { try decoder.nextPayload() }
        var other = PacketDecoder()
        var huge = ByteBuffer()
        huge.writeInteger(UInt32.max)
        other.append(&huge)
        #expect(throws: SSHProtocolError.packetTooLarge(length: .max, limit: 256 * 1024)) { try other.nextPayload() }
    }

    @Test("Lengths of 0 and 1, and unaligned lengths, are refused")
    func badLengths() {
        for length: UInt32 in [0, 1, 13] {
            var decoder = PacketDecoder()
            var bytes = cleartextPacket(length: length, padding: 4, body: 16)
            decoder.append(&bytes)
            #expect(throws: SSHProtocolError.invalidPacketLength(length)) { try decoder.nextPayload() }
        }
    }

    @Test("Padding under 4, or leaving no payload, is refused")
    func badPadding() {
        var short = PacketDecoder()
        var bytes = cleartextPacket(length: 12, padding: 3, body: 11)
        short.append(&bytes)
        #expect(throws: SSHProtocolError.invalidPadding(paddingLength: 3, packetLength: 12)) { try short.nextPayload() }
        var onlyPadding = PacketDecoder()
        var padded = cleartextPacket(length: 12, padding: 11, body: 11)
        onlyPadding.append(&padded)
        #expect(throws: SSHProtocolError.invalidPadding(paddingLength: 11, packetLength: 12)) { try onlyPadding.nextPayload() }
        var over = PacketDecoder()
        var overBytes = cleartextPacket(length: 12, padding: 200, body: 11)
        over.append(&overBytes)
        #expect(throws: SSHProtocolError.invalidPadding(paddingLength: 200, packetLength: 12)) { try over.nextPayload() }
    }

    @Test("Sequence numbers wrap at 2^32")
    func sequenceWraps() throws {
        // Strict kex resets to 0; here we only check that the counter arithmetic wraps without trapping.
        var encoder = PacketEncoder(randomSource: DeterministicRandomSource(seed: [2]))
        var wire = ByteBuffer()
        for _ in 0..<3 { try encoder.encode(payload: ByteBuffer(bytes: [2]), into: &wire) }
        #expect(encoder.sequenceNumber == 3)
        #expect(UInt32.max &+ 1 == 0)
    }

    @Test("For every protection, any flipped bit in a sealed packet is refused", arguments: cipherMACCombinations())
    func tamperEveryProtection(cipher: String, mac: String) throws {
        let algorithm = try #require(AlgorithmRegistry.ciphers.first { $0.name == cipher })
        let macAlgorithm = algorithm.isAEAD ? nil : AlgorithmRegistry.macs.first { $0.name == mac }
        let keys = DirectionalKeys(iv: SecureBytes([UInt8](repeating: 3, count: algorithm.ivLength)),
                                   encryptionKey: SecureBytes([UInt8](repeating: 4, count: algorithm.keyLength)),
                                   integrityKey: SecureBytes([UInt8](repeating: 5, count: macAlgorithm?.keyLength ?? 0)))
        var sender = PacketEncoder(randomSource: DeterministicRandomSource(seed: [3]))
        sender.protection = try makePacketProtection(cipher: algorithm, mac: macAlgorithm, keys: keys)
        var wire = ByteBuffer()
        let payload = ByteBuffer(bytes: Array(repeating: 0x61, count: 100))
        try sender.encode(payload: payload, into: &wire)

        var intact = PacketDecoder()
        intact.protection = try makePacketProtection(cipher: algorithm, mac: macAlgorithm, keys: keys)
        var copy = wire
        intact.append(&copy)
        #expect(try intact.nextPayload() == payload)

        for bit in stride(from: 0, to: wire.readableBytes * 8, by: 37) {
            var receiver = PacketDecoder()
            receiver.protection = try makePacketProtection(cipher: algorithm, mac: macAlgorithm, keys: keys)
            var tampered = wire
            let index = tampered.readerIndex + bit / 8
            let byte = tampered.getInteger(at: index, as: UInt8.self) ?? 0
            tampered.setInteger(byte ^ UInt8(1 << (bit % 8)), at: index)
            receiver.append(&tampered)
            do {
                let result = try receiver.nextPayload()
                // A flipped length bit can leave the decoder waiting for bytes that never come: no payload is released.
                #expect(result == nil, "bit \(bit) of \(cipher)/\(mac) was not detected")
            } catch {
                // Refused: MAC mismatch, bad length or too large. All are fine; a released payload is not.
            }
        }
    }
}

@Suite("Regressions in packet framing")
struct PacketFramingRegressionTests {
    /// Found with 100 concurrent channels: with a partial packet always pending, the receive buffer was
    /// never compacted, and payload slices made every in-place decryption copy all of it.
    @Test("The receive buffer stays bounded when a partial packet is always pending")
    func receiveBufferStaysBounded() throws {
        var encoder = PacketEncoder(randomSource: DeterministicRandomSource(seed: [4]))
        var decoder = PacketDecoder()
        var wire = ByteBuffer()
        for _ in 0..<5000 { try encoder.encode(payload: ByteBuffer(repeating: 0x33, count: 1000), into: &wire) }
        var payloads: [ByteBuffer] = []
        // Feed 1500 bytes at a time, so nearly every read ends inside a packet, and keep every payload alive.
        while wire.readableBytes > 0, var piece = wire.readSlice(length: min(1500, wire.readableBytes)) {
            decoder.append(&piece)
            while let payload = try decoder.nextPayload() { payloads.append(payload) }
            #expect(decoder.bufferCapacity <= 256 * 1024)
        }
        #expect(payloads.count == 5000)
        #expect(payloads.allSatisfy { $0.readableBytes == 1000 })
    }
}
