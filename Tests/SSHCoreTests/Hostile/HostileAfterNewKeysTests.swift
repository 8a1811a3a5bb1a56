import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4253 §6.4 and the AEAD modes: tampered, replayed and out-of-phase packets after NEWKEYS.
@Suite("Hostile server: after NEWKEYS")
struct HostileAfterNewKeysTests {
    static let protections: [(String, String)] = [
        ("aes128-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com"),
        ("aes256-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com"),
        ("chacha20-poly1305@openssh.com", "hmac-sha2-256-etm@openssh.com"),
        ("aes128-ctr", "hmac-sha2-256"),
        ("aes256-ctr", "hmac-sha2-512-etm@openssh.com"),
    ]

    static let tamperCases: [(String, String, TamperRegion)] = protections.flatMap { cipher, mac in
        [TamperRegion.length, .payload, .tag].map { (cipher, mac, $0) }
    }

    private static func offer(_ cipher: String, _ mac: String) -> HostileOffer {
        var offer = HostileOffer()
        offer.ciphers = [cipher]
        offer.macs = [mac]
        return offer
    }

    @Test("A flipped bit in the length, payload or tag fails authentication, for every protection", arguments: tamperCases)
    func flippedBit(cipher: String, mac: String, region: TamperRegion) throws {
        let ignore = HostileMessage.ignore([UInt8](repeating: 0x33, count: 64))
        var harness = try HostileHarness(HostileScript.authenticated() + [.tampered(ignore, region), .packet(ignore), .packet(ignore)],
                                         offer: Self.offer(cipher, mac))
        harness.run()
        let sequence = try #require(harness.server.lastTamperedSequenceNumber)
        harness.expectClosed(with: .macMismatch(sequenceNumber: sequence))
        #expect(harness.isAuthenticated)
    }

    @Test("A replayed packet fails authentication (modes whose length is not encrypted)", arguments: [protections[0], protections[1], protections[4]])
    func replayedPacket(cipher: String, mac: String) throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet(HostileMessage.ignore([1, 2, 3])), .replayLast],
                                         offer: Self.offer(cipher, mac))
        harness.run()
        harness.expectClosed(with: .macMismatch(sequenceNumber: harness.server.outboundSequenceNumber))
    }

    @Test("A replayed packet whose length is encrypted is refused (the length decrypts to noise)",
          arguments: [protections[2], protections[3]])
    func replayedEncryptedLength(cipher: String, mac: String) throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet(HostileMessage.ignore([1, 2, 3])), .replayLast],
                                         offer: Self.offer(cipher, mac))
        harness.run()
        harness.expectHealthy()
        // The replayed length is decrypted with the next key stream (chacha: the next sequence number;
        // CTR: the next counter block), so it is noise: every outcome must be a fatal framing or MAC error.

        switch harness.transportError {
        case .macMismatch, .packetTooLarge, .invalidPacketLength: break
        default: Issue.record("unexpected outcome \(String(describing: harness.transportError))")
        }
        #expect(harness.client.isClosed)
    }

    @Test("A connection-protocol message before authentication is refused")
    func channelDataBeforeAuth() throws {
        var harness = try HostileHarness(HostileScript.handshake() + [.packet(HostileMessage.channelData(recipient: 0, [1]))])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 94, phase: "user authentication"))
    }

    @Test("A global request before authentication is refused")
    func globalRequestBeforeAuth() throws {
        var harness = try HostileHarness(HostileScript.handshake() + [.packet(HostileMessage.globalRequest("x", wantReply: true))])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 80, phase: "user authentication"))
    }

    @Test("A kex reply outside a key exchange is refused")
    func kexReplyOutsideKex() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet([HostileMessage.kexReply, 0, 0, 0, 0])])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 31, phase: "transport (no key exchange reply expected)"))
    }

    @Test("NEWKEYS outside a key exchange is refused")
    func newKeysOutsideKex() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet(HostileMessage.newKeysPayload)])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 21, phase: "transport (no key exchange awaiting NEWKEYS)"))
    }

    @Test("A second SERVICE_ACCEPT is refused")
    func secondServiceAccept() throws {
        var harness = try HostileHarness(HostileScript.handshake() + [.packet(HostileMessage.serviceAccept())])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 6, phase: "transport (no such service was requested)"))
    }

    @Test("Unknown message numbers get UNIMPLEMENTED and the connection survives", arguments: [UInt8(0), 128, 200, 255])
    func unknownMessageNumber(number: UInt8) throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet([number, 1, 2, 3])])
        harness.run()
        harness.expectAlive()
        let unimplemented = harness.server.received.last { $0.first == HostileMessage.unimplemented }
        let expectedSequence = harness.server.outboundSequenceNumber - 1
        #expect(unimplemented == HostileMessage.unimplemented(expectedSequence))
        harness.expectKeepaliveRoundTrip()
    }

    @Test("A message number from the transport range the client does not use gets UNIMPLEMENTED", arguments: [UInt8(8), 19])
    func unusedTransportNumber(number: UInt8) throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.packet([number])])
        harness.run()
        harness.expectAlive()
        #expect(harness.server.received.contains { $0.first == HostileMessage.unimplemented })
        harness.expectKeepaliveRoundTrip()
    }
}
