import SSHCrypto
import Testing

/// X25519 against RFC 7748 §5.2 and §6.1.
@Suite struct X25519Tests: AsymmetricKnownAnswerSuite {
    private func x25519(scalar: [UInt8], u: [UInt8]) throws -> [UInt8] {
        try X25519PrivateKey(rawRepresentation: SecureBytes(scalar)).sharedSecret(peerPublicKey: u).unsafeArrayCopy
    }

    @Test("RFC 7748 §5.2 scalar multiplication vectors")
    func scalarMultiplicationVectors() throws {
        #expect(try x25519(scalar: hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                           u: hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))
                == hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"))
        // The u-coordinate's top bit is set here; RFC 7748 §5 says to mask it, which libcrypto does.
        #expect(try x25519(scalar: hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                           u: hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))
                == hex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"))
    }

    @Test("RFC 7748 §5.2 iterated vectors: after 1 and 1,000 iterations")
    func iteratedVectors() throws {
        var k = [UInt8](repeating: 0, count: 32)
        k[0] = 9
        var u = k
        for iteration in 1...1000 {
            let next = try x25519(scalar: k, u: u)
            u = k
            k = next
            if iteration == 1 {
                #expect(k == hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"))
            }
        }
        #expect(k == hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"))
    }

    @Test("RFC 7748 §6.1 Alice and Bob: public keys and shared secret")
    func diffieHellmanVector() throws {
        let alice = try X25519PrivateKey(
            rawRepresentation: SecureBytes(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")))
        let bob = try X25519PrivateKey(
            rawRepresentation: SecureBytes(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")))
        #expect(alice.publicKeyBytes == hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
        #expect(bob.publicKeyBytes == hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
        let expected = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(try alice.sharedSecret(peerPublicKey: bob.publicKeyBytes).unsafeArrayCopy == expected)
        #expect(try bob.sharedSecret(peerPublicKey: alice.publicKeyBytes).unsafeArrayCopy == expected)
    }

    @Test("Low-order peer points giving an all-zero secret are rejected (RFC 7748 §6.1)")
    func lowOrderPointsRejected() throws {
        let key = try X25519PrivateKey(randomSource: DeterministicRandomSource(seed: Array("x25519-low-order".utf8)))
        let lowOrderPoints = [
            [UInt8](repeating: 0, count: 32),  // u = 0
            [1] + [UInt8](repeating: 0, count: 31),  // u = 1
            hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),  // a point of order 8
        ]
        for point in lowOrderPoints {
            #expect(thrownCryptoError { try key.sharedSecret(peerPublicKey: point) }?.isInvalidPublicValue == true)
        }
    }

    @Test("Wrong lengths are rejected")
    func wrongLengthsRejected() throws {
        let key = try X25519PrivateKey(randomSource: DeterministicRandomSource(seed: [1]))
        #expect(thrownCryptoError { try key.sharedSecret(peerPublicKey: [UInt8](repeating: 9, count: 31)) }?
            .isInvalidPublicValue == true)
        #expect(thrownCryptoError { try key.sharedSecret(peerPublicKey: [UInt8](repeating: 9, count: 33)) }?
            .isInvalidPublicValue == true)
        #expect(thrownCryptoError { try X25519PrivateKey(rawRepresentation: SecureBytes([UInt8](repeating: 1, count: 31))) }
                == .invalidLength(what: "X25519 private key", expected: 32, actual: 31))
    }

    @Test("Keys drawn from a random source agree and are reproducible")
    func randomKeysAgree() throws {
        let alice = try X25519PrivateKey(randomSource: DeterministicRandomSource(seed: Array("alice".utf8)))
        let aliceAgain = try X25519PrivateKey(randomSource: DeterministicRandomSource(seed: Array("alice".utf8)))
        let bob = try X25519PrivateKey(randomSource: SystemRandomSource())
        #expect(alice.publicKeyBytes == aliceAgain.publicKeyBytes)
        #expect(alice.publicKeyBytes != bob.publicKeyBytes)
        let fromAlice = try alice.sharedSecret(peerPublicKey: bob.publicKeyBytes)
        let fromBob = try bob.sharedSecret(peerPublicKey: alice.publicKeyBytes)
        #expect(fromAlice == fromBob)
        #expect(fromAlice.count == 32)
    }
}
