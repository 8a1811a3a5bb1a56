import SSHCrypto
import Testing

/// Finite-field Diffie-Hellman over the RFC 3526 MODP groups 14, 16 and 18 (RFC 4253 §8, RFC 8268).
@Suite struct FiniteFieldDHTests: AsymmetricKnownAnswerSuite {
    /// The expected results of Fixtures/vectors/modp-dh.py for one group.
    struct Vector: Sendable, CustomTestStringConvertible {
        let group: DHGroup
        let publicA, publicB, shared: String
        var testDescription: String { "\(group)" }
    }

    static let vectors: [Vector] = [
        Vector(group: .group14, publicA: MODPVectors.group14PublicA, publicB: MODPVectors.group14PublicB,
               shared: MODPVectors.group14Shared),
        Vector(group: .group16, publicA: MODPVectors.group16PublicA, publicB: MODPVectors.group16PublicB,
               shared: MODPVectors.group16Shared),
        Vector(group: .group18, publicA: MODPVectors.group18PublicA, publicB: MODPVectors.group18PublicB,
               shared: MODPVectors.group18Shared),
    ]

    @Test("RFC 3526 primes: bit length, top and bottom 64 bits all ones, generator 2", arguments: DHGroup.allCases)
    func primeShape(group: DHGroup) {
        let prime = group.prime
        #expect(prime.count * 8 == group.primeBitCount)
        #expect(prime.prefix(8).allSatisfy { $0 == 0xFF })
        #expect(prime.suffix(8).allSatisfy { $0 == 0xFF })
        #expect(group.generator == 2)
        #expect([DHGroup.group14, .group16, .group18].map(\.primeBitCount) == [2048, 4096, 8192])
    }

    @Test("RFC 3526 primes are prime (BN_check_prime); group 18 takes ~30 s here, so it is skipped",
          arguments: [DHGroup.group14, .group16])
    func primality(group: DHGroup) throws {
        #expect(try group.primeIsProbablyPrime())
    }

    @Test("Known answers from Fixtures/vectors/modp-dh.py: public values and shared secret", arguments: vectors)
    func knownAnswers(vector: Vector) throws {
        let alice = try DHPrivateKey(group: vector.group, privateExponent: SecureBytes(hex(MODPVectors.exponentA)))
        let bob = try DHPrivateKey(group: vector.group, privateExponent: SecureBytes(hex(MODPVectors.exponentB)))
        #expect(alice.publicValue == hex(vector.publicA))
        #expect(bob.publicValue == hex(vector.publicB))
        #expect(alice.group == vector.group)
        let expected = hex(vector.shared)
        #expect(!expected.isEmpty && expected.first != 0)
        #expect(try alice.sharedSecret(peerPublicValue: bob.publicValue).unsafeArrayCopy == expected)
        #expect(try bob.sharedSecret(peerPublicValue: alice.publicValue).unsafeArrayCopy == expected)
    }

    @Test("Peer values outside [2, p-2] are rejected: 0, 1, p-1, p, p+1 (RFC 4253 §8)", arguments: DHGroup.allCases)
    func peerRange(group: DHGroup) throws {
        let key = try DHPrivateKey(group: group, privateExponent: SecureBytes(hex(MODPVectors.exponentA)))
        let p = group.prime
        for value in [[], [0], [1], [0, 0, 1], subtract(1, from: p), p, add(1, to: p), add(1 << 8, to: p) + [0]] {
            #expect(thrownCryptoError { try key.sharedSecret(peerPublicValue: value) }?.isInvalidPublicValue == true)
        }
        // The range ends themselves are accepted.
        #expect(try key.sharedSecret(peerPublicValue: [2]).count > 0)
        #expect(try key.sharedSecret(peerPublicValue: subtract(2, from: p)).count > 0)
    }

    @Test("Private exponents outside [2, p-2] are refused", arguments: [DHGroup.group14])
    func exponentRange(group: DHGroup) {
        for exponent in [[], [0], [1], subtract(1, from: group.prime), group.prime] {
            #expect(thrownCryptoError { try DHPrivateKey(group: group, privateExponent: SecureBytes(exponent)) }?
                .isInvalidKey == true)
        }
    }

    @Test("Random keys agree, replay from a deterministic source, and use the chosen exponent size",
          arguments: DHGroup.allCases)
    func randomKeysAgree(group: DHGroup) throws {
        let seed = Array("dh-\(group)".utf8)
        let alice = try DHPrivateKey(group: group, randomSource: DeterministicRandomSource(seed: seed))
        let aliceAgain = try DHPrivateKey(group: group, randomSource: DeterministicRandomSource(seed: seed))
        let bob = try DHPrivateKey(group: group, randomSource: SystemRandomSource())
        #expect(alice.publicValue == aliceAgain.publicValue)
        #expect(alice.publicValue.count <= group.prime.count && alice.publicValue.first != 0)
        #expect(try alice.sharedSecret(peerPublicValue: bob.publicValue) == bob.sharedSecret(peerPublicValue: alice.publicValue))
        #expect(group.exponentBitCount >= 512)
    }

    /// `value` + `amount` for a big-endian magnitude (grows by a byte on overflow).
    private func add(_ amount: Int, to value: [UInt8]) -> [UInt8] {
        var result = value
        var carry = amount
        var index = result.count - 1
        while carry > 0 && index >= 0 {
            let sum = Int(result[index]) + carry
            result[index] = UInt8(sum & 0xFF)
            carry = sum >> 8
            index -= 1
        }
        return carry > 0 ? [UInt8(carry)] + result : result
    }

    /// `value` - `amount` for a big-endian magnitude known to be larger than `amount`.
    private func subtract(_ amount: Int, from value: [UInt8]) -> [UInt8] {
        var result = value
        var borrow = amount
        var index = result.count - 1
        while borrow > 0 && index >= 0 {
            let difference = Int(result[index]) - (borrow & 0xFF)
            borrow >>= 8
            if difference < 0 {
                result[index] = UInt8(difference + 256)
                borrow += 1
            } else {
                result[index] = UInt8(difference)
            }
            index -= 1
        }
        return result
    }
}
