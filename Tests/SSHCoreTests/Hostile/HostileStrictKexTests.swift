import HostileServer
import NIOCore
import SSHCore
import Testing

/// OpenSSH PROTOCOL §1.10 (strict kex) and the Terrapin attack (CVE-2023-48795): injected messages
/// around the first key exchange and sequence numbers that do not line up.
@Suite("Hostile server: strict kex and sequence numbers")
struct HostileStrictKexTests {
    @Test("An IGNORE before the server's KEXINIT is fatal under strict kex")
    func ignoreBeforeKexInit() throws {
        var script: [HostileStep] = [.version("SSH-2.0-Terrapin"), .packet(HostileMessage.ignore([1]))]
        script += HostileScript.handshake().dropFirst()
        var harness = try HostileHarness(script)
        harness.run()
        harness.expectClosed(with: .strictKexViolation("KEXINIT was not the first packet from the server"))
    }

    static let injected: [[UInt8]] = [HostileMessage.ignore([1, 2, 3]), HostileMessage.debug(Array("hi".utf8)), HostileMessage.unimplemented(0)]

    @Test("Messages injected between KEXINIT and the reply are fatal under strict kex", arguments: injected)
    func injectedBeforeReply(payload: [UInt8]) throws {
        var harness = try HostileHarness([.version("SSH-2.0-Terrapin"), .kexInit, .packet(payload),
                                          .awaitMessage(HostileMessage.kexInitMessage), .kexReply(.none), .newKeys])
        harness.run()
        harness.expectClosed(with: .strictKexViolation("message \(payload[0]) arrived during the initial key exchange"))
    }

    @Test("An IGNORE between the reply and NEWKEYS is fatal under strict kex")
    func ignoreBeforeNewKeys() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Terrapin"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage),
                                          .kexReply(.none), .packet(HostileMessage.ignore([9])), .newKeys])
        harness.run()
        harness.expectClosed(with: .strictKexViolation("message 2 arrived during the initial key exchange"))
    }

    @Test("Terrapin: a server that skips a sequence number after NEWKEYS fails the MAC of the next packet")
    func skippedSequenceNumberStrict() throws {
        var offer = HostileOffer()
        offer.ciphers = ["aes128-ctr"]
        offer.macs = ["hmac-sha2-256-etm@openssh.com"]
        var script = HostileScript.handshake()
        script.insert(.skipSequenceNumbers(1), at: 5) // right after NEWKEYS, before SERVICE_ACCEPT
        var harness = try HostileHarness(script, offer: offer)
        harness.run()
        harness.expectClosed(with: .macMismatch(sequenceNumber: 0))
    }

    @Test("Without strict kex, sequence numbers run on across NEWKEYS, and a server that resets them fails the MAC")
    func resetWithoutStrict() throws {
        var offer = HostileOffer()
        offer.kex = ["curve25519-sha256"]
        offer.ciphers = ["aes256-ctr"]
        offer.macs = ["hmac-sha2-512"]
        var script = HostileScript.handshake()
        // Cleartext packets so far: KEXINIT, reply, NEWKEYS = 3; moving back by 3 mimics a strict-kex reset.
        script.insert(.skipSequenceNumbers(UInt32.max - 2), at: 5)
        var harness = try HostileHarness(script, offer: offer)
        harness.run()
        harness.expectClosed(with: .macMismatch(sequenceNumber: 3))
    }

    @Test("Without strict kex, IGNOREs around the first key exchange are tolerated")
    func toleratedWithoutStrict() throws {
        var offer = HostileOffer()
        offer.kex = ["curve25519-sha256"]
        var harness = try HostileHarness([.version("SSH-2.0-Loose"), .packet(HostileMessage.ignore([1])), .kexInit,
                                          .packet(HostileMessage.ignore([2])), .awaitMessage(HostileMessage.kexInitMessage),
                                          .kexReply(.none), .packet(HostileMessage.debug(Array("x".utf8))), .newKeys,
                                          .awaitMessage(HostileMessage.serviceRequest), .packet(HostileMessage.serviceAccept()),
                                          .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthSuccessPayload)],
                                         offer: offer)
        harness.run()
        harness.expectAlive()
        #expect(harness.isAuthenticated)
        #expect(harness.client.transport.negotiated?.strictKex == false)
        harness.expectKeepaliveRoundTrip()
    }
}
