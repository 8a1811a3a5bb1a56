import HostileServer
import NIOCore
import SSHCore
import SSHCrypto
import Testing

/// RFC 8731 §3, RFC 5656 §4, RFC 4253 §8: the key-exchange values and the host key's proof.
@Suite("Hostile server: key-exchange maths")
struct HostileKexMathsTests {
    private static func kexReplyScript(_ fault: KexReplyFault) -> [HostileStep] {
        [.version("SSH-2.0-Maths"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage), .kexReply(fault), .newKeys]
    }

    private static func expectKeyExchangeFailed(_ harness: HostileHarness, containing text: String,
                                                sourceLocation: SourceLocation = #_sourceLocation) {
        harness.expectHealthy(sourceLocation: sourceLocation)
        guard case let .keyExchangeFailed(why) = harness.transportError else {
            Issue.record("expected keyExchangeFailed, got \(String(describing: harness.transportError))", sourceLocation: sourceLocation)
            return
        }
        #expect(why.contains(text), "\(why)", sourceLocation: sourceLocation)
        #expect(!harness.client.isAuthenticated && harness.client.transport.completedKeyExchanges == 0, sourceLocation: sourceLocation)
        #expect(harness.clientMessageNumbers.last == HostileMessage.disconnect, sourceLocation: sourceLocation)
    }

    @Test("An all-zero curve25519 point (low order: all-zero shared secret) is refused")
    func allZeroCurve25519() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.serverPublicValue([UInt8](repeating: 0, count: 32))))
        harness.run()
        Self.expectKeyExchangeFailed(harness, containing: "curve25519-sha256")
    }

    @Test("A curve25519 point of 31 bytes is refused")
    func shortCurve25519() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.serverPublicValue([UInt8](repeating: 9, count: 31))))
        harness.run()
        Self.expectKeyExchangeFailed(harness, containing: "32 bytes")
    }

    static let invalidPoints: [(String, [UInt8])] = [
        ("off the curve", [0x04] + [UInt8](repeating: 1, count: 64)),
        ("the point at infinity", [0x00]),
        ("compressed", [0x02] + [UInt8](repeating: 1, count: 32)),
        ("empty", []),
    ]

    @Test("P-256 points that are not on the curve are refused", arguments: invalidPoints)
    func invalidP256(label: String, point: [UInt8]) throws {
        var offer = HostileOffer()
        offer.kex = ["ecdh-sha2-nistp256", "kex-strict-s-v00@openssh.com"]
        var harness = try HostileHarness(Self.kexReplyScript(.serverPublicValue(point)), offer: offer)
        harness.run()
        Self.expectKeyExchangeFailed(harness, containing: "ecdh-sha2-nistp256")
    }

    @Test("Out-of-range Diffie-Hellman values are refused (RFC 4253 §8: 1 < f < p-1)", arguments: ["0", "1", "p-1", "p", "p+1"])
    func outOfRangeDH(label: String) throws {
        let prime = DHGroup.group14.prime
        let value: [UInt8]
        switch label {
        case "0": value = [0]
        case "1": value = [1]
        case "p-1": value = Self.add(prime, -1)
        case "p": value = prime
        default: value = Self.add(prime, 1)
        }
        var offer = HostileOffer()
        offer.kex = ["diffie-hellman-group14-sha256", "kex-strict-s-v00@openssh.com"]
        let server = try HostileServer(script: [])
        let signatureBlob = HostileWire.string("ssh-ed25519") + HostileWire.string([UInt8](repeating: 0, count: 64))
        let reply = [HostileMessage.kexReply] + HostileWire.string(server.hostKeyBlob) + HostileWire.mpint(magnitude: value)
            + HostileWire.string(signatureBlob)
        var harness = try HostileHarness([.version("SSH-2.0-DH"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage), .packet(reply)],
                                         offer: offer)
        harness.run()
        Self.expectKeyExchangeFailed(harness, containing: "diffie-hellman-group14-sha256")
    }

    @Test("A host-key signature with a flipped bit fails the key exchange")
    func badSignature() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.corruptSignature))
        harness.run()
        harness.expectClosed(with: .keyExchangeFailed("the server's ssh-ed25519 signature over the exchange hash does not verify"))
    }

    @Test("A signature over another exchange hash fails the key exchange")
    func wrongExchangeHash() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.wrongExchangeHash))
        harness.run()
        harness.expectClosed(with: .keyExchangeFailed("the server's ssh-ed25519 signature over the exchange hash does not verify"))
    }

    @Test("A host key of a type other than the negotiated one is refused")
    func otherHostKeyType() throws {
        let point = try ECDHPrivateKey(curve: .p256, randomSource: DeterministicRandomSource(seed: [1])).publicPoint
        let blob = HostileWire.string("ecdsa-sha2-nistp256") + HostileWire.string("nistp256") + HostileWire.string(point)
        var harness = try HostileHarness(Self.kexReplyScript(.hostKeyBlob(blob)))
        harness.run()
        harness.expectClosed(with: .hostKeyMismatchedAlgorithm(negotiated: "ssh-ed25519", received: "ecdsa-sha2-nistp256"))
    }

    @Test("A signature blob naming another algorithm fails the key exchange")
    func signatureNamesOtherAlgorithm() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.signatureAlgorithmName("rsa-sha2-512")))
        harness.run()
        harness.expectClosed(with: .keyExchangeFailed("signature algorithm rsa-sha2-512 does not match the negotiated ssh-ed25519"))
    }

    @Test("A malformed host-key blob fails the key exchange")
    func malformedHostKeyBlob() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.hostKeyBlob([0, 0, 0, 200, 1, 2])))
        harness.run()
        harness.expectHealthy()
        #expect(harness.transportError != nil)
        #expect(harness.client.transport.completedKeyExchanges == 0)
    }

    @Test("Bytes after the kex reply's signature are refused")
    func trailingBytesInReply() throws {
        var harness = try HostileHarness(Self.kexReplyScript(.trailingBytes))
        harness.run()
        harness.expectClosed(with: .malformedMessage("curve25519-sha256 reply: malformed SSH data: SSH_MSG_KEX_ECDH_REPLY: 4 unexpected trailing bytes"))
    }

    /// Adds a small signed delta to a big-endian magnitude.
    static func add(_ value: [UInt8], _ delta: Int) -> [UInt8] {
        var bytes = value
        var carry = delta
        var index = bytes.count - 1
        while carry != 0, index >= 0 {
            let sum = Int(bytes[index]) + carry
            bytes[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum < 0 ? -1 : (sum > 255 ? 1 : 0)
            index -= 1
        }
        if carry > 0 { bytes.insert(1, at: 0) }
        return bytes
    }
}
