import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4253 §6: the binary packet's length and padding, in cleartext and under every protection.
@Suite("Hostile server: packet framing")
struct HostileFramingTests {
    private static let version: [HostileStep] = [.version("SSH-2.0-Framing")]

    static let cleartextLengths: [(UInt32, SSHProtocolError)] = [
        (0, .invalidPacketLength(0)),
        (1, .invalidPacketLength(1)),
        (2, .invalidPacketLength(2)),
        (13, .invalidPacketLength(13)),
        (UInt32.max, .packetTooLarge(length: UInt32.max, limit: 256 * 1024)),
        (256 * 1024 + 4, .packetTooLarge(length: 256 * 1024 + 4, limit: 256 * 1024)),
    ]

    @Test("Cleartext packet lengths that cannot be valid", arguments: cleartextLengths)
    func cleartextLength(length: UInt32, expected: SSHProtocolError) throws {
        var harness = try HostileHarness(Self.version + [.raw(HostileWire.uint32(length) + [UInt8](repeating: 4, count: 12))])
        harness.run()
        harness.expectClosed(with: expected)
    }

    @Test("Padding under four bytes is refused")
    func shortPadding() throws {
        // IGNORE with 3 data bytes is an 8-byte payload: 1 + 8 + 3 = 12, and 4 + 12 is block-aligned.
        let payload = HostileMessage.ignore([1, 2, 3])
        var harness = try HostileHarness(Self.version + [.paddedPacket(payload, padding: 3)])
        harness.run()
        harness.expectClosed(with: .invalidPadding(paddingLength: 3, packetLength: 12))
    }

    @Test("A padding length beyond the packet is refused")
    func paddingBeyondPacket() throws {
        let payload = HostileMessage.ignore([1, 2, 3])
        var harness = try HostileHarness(Self.version + [.lyingPadding(payload, declaredPadding: 255)])
        let length = harness.server.packetLength(payloadCount: payload.count)
        harness.run()
        harness.expectClosed(with: .invalidPadding(paddingLength: 255, packetLength: length))
    }

    @Test("A packet that is only padding (no message number) is refused")
    func onlyPadding() throws {
        let payload = HostileMessage.ignore([1, 2, 3])
        var harness = try HostileHarness([.version("SSH-2.0-Framing")])
        let length = harness.server.packetLength(payloadCount: payload.count)
        harness.server.append([.lyingPadding(payload, declaredPadding: UInt8(length - 1))])
        harness.run()
        harness.expectClosed(with: .invalidPadding(paddingLength: Int(length - 1), packetLength: length))
    }

    @Test("An empty payload is refused")
    func emptyPayload() throws {
        var harness = try HostileHarness(Self.version + [.paddedPacket([], padding: 11)])
        harness.run()
        harness.expectClosed(with: .invalidPadding(paddingLength: 11, packetLength: 12))
    }

    @Test("A truncated packet leaves the client waiting for the rest, with a bounded buffer")
    func truncatedPacket() throws {
        var harness = try HostileHarness(Self.version + [.raw(HostileWire.uint32(256 * 1024 - 4) + [UInt8](repeating: 6, count: 100_000))])
        harness.run()
        harness.expectAlive()
        #expect(harness.peakBuffered == 100_004)
    }

    static let encryptedLengths: [(String, UInt32, SSHProtocolError)] = [
        ("aes128-gcm@openssh.com", 20, .invalidPacketLength(20)),
        ("aes256-gcm@openssh.com", UInt32.max, .packetTooLarge(length: UInt32.max, limit: 256 * 1024)),
        ("chacha20-poly1305@openssh.com", UInt32.max, .packetTooLarge(length: UInt32.max, limit: 256 * 1024)),
        ("chacha20-poly1305@openssh.com", 3, .invalidPacketLength(3)),
        ("aes128-ctr", 13, .invalidPacketLength(13)),
        ("aes256-ctr", 0, .invalidPacketLength(0)),
    ]

    @Test("Encrypted lengths that cannot be valid, per protection", arguments: encryptedLengths)
    func encryptedLength(cipher: String, length: UInt32, expected: SSHProtocolError) throws {
        var offer = HostileOffer()
        offer.ciphers = [cipher]
        offer.macs = ["hmac-sha2-256"]
        var harness = try HostileHarness(HostileScript.handshake() + [.declaredLength(length)], offer: offer)
        harness.run()
        harness.expectClosed(with: expected)
    }

    @Test("Short padding under encryption, with a valid MAC, is refused", arguments: ["aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr"])
    func encryptedLyingPadding(cipher: String) throws {
        var offer = HostileOffer()
        offer.ciphers = [cipher]
        offer.macs = ["hmac-sha2-512-etm@openssh.com"]
        let payload = HostileMessage.ignore([UInt8](repeating: 7, count: 40))
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        let length = harness.server.packetLength(payloadCount: payload.count)
        harness.server.append([.lyingPadding(payload, declaredPadding: 2)])
        harness.run()
        harness.expectClosed(with: .invalidPadding(paddingLength: 2, packetLength: length))
    }
}
