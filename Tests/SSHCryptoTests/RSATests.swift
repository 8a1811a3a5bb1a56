import SSHCrypto
import Testing

/// RSA PKCS#1 v1.5 (RFC 8017 §8.2) for ssh-rsa and rsa-sha2-256/512 (RFC 8332), against the fixed
/// key and signatures of Fixtures/vectors/rsa-pkcs1.py (Python `cryptography`).
@Suite struct RSATests: AsymmetricKnownAnswerSuite {
    private func fixedKey() throws -> RSAPrivateKey {
        try RSAPrivateKey(
            modulus: hex(RSAVectors.modulus), publicExponent: hex(RSAVectors.publicExponent),
            privateExponent: SecureBytes(hex(RSAVectors.privateExponent)),
            prime1: SecureBytes(hex(RSAVectors.prime1)), prime2: SecureBytes(hex(RSAVectors.prime2)),
            coefficient: SecureBytes(hex(RSAVectors.coefficient)))
    }

    @Test("Signatures equal rsa-pkcs1.py's bytes (SHA-1, SHA-256, SHA-512) and verify")
    func knownAnswers() throws {
        let key = try fixedKey()
        let message = hex(RSAVectors.message)
        #expect(key.bitCount == 2048)
        let expected: [(DigestAlgorithm, String)] = [
            (.sha1, RSAVectors.signatureSHA1), (.sha256, RSAVectors.signatureSHA256), (.sha512, RSAVectors.signatureSHA512),
        ]
        for (digest, signatureHex) in expected {
            let signature = try key.signature(for: message, digest: digest)
            #expect(signature.count == 256)
            #expect(signature == hex(signatureHex))
            #expect(key.publicKey.isValidSignature(hex(signatureHex), for: message, digest: digest))
        }
    }

    @Test("The key keeps its components; the public key normalises leading zeros")
    func components() throws {
        let key = try fixedKey()
        #expect(key.publicKey.modulus == hex(RSAVectors.modulus))
        #expect(key.publicKey.publicExponent == [0x01, 0x00, 0x01])
        #expect(key.privateExponent.unsafeArrayCopy == hex(RSAVectors.privateExponent))
        #expect(key.prime1.unsafeArrayCopy == hex(RSAVectors.prime1))
        #expect(key.prime2.unsafeArrayCopy == hex(RSAVectors.prime2))
        #expect(key.coefficient.unsafeArrayCopy == hex(RSAVectors.coefficient))
        // SSH mpints carry a 0x00 pad before a set top bit; the key must not depend on it.
        let padded = try RSAPublicKey(modulus: [0] + hex(RSAVectors.modulus), publicExponent: [0, 1, 0, 1])
        #expect(padded == key.publicKey)
        #expect(padded.bitCount == 2048)
    }

    @Test("Wrong message, digest, or signature bytes fail verification")
    func tamperedInputsFail() throws {
        let publicKey = try fixedKey().publicKey
        let message = hex(RSAVectors.message)
        let signature = hex(RSAVectors.signatureSHA256)
        #expect(!publicKey.isValidSignature(signature, for: message + [0], digest: .sha256))
        #expect(!publicKey.isValidSignature(signature, for: message, digest: .sha512))
        #expect(!publicKey.isValidSignature(signature, for: message, digest: .md5))
        var flipped = signature
        flipped[100] ^= 0x10
        #expect(!publicKey.isValidSignature(flipped, for: message, digest: .sha256))
        #expect(!publicKey.isValidSignature(signature + [0], for: message, digest: .sha256))
        #expect(!publicKey.isValidSignature([], for: message, digest: .sha256))
    }

    @Test("Inconsistent components are refused")
    func inconsistentComponents() {
        var wrongCoefficient = hex(RSAVectors.coefficient)
        wrongCoefficient[wrongCoefficient.count - 1] ^= 0x02
        var wrongExponent = hex(RSAVectors.privateExponent)
        wrongExponent[wrongExponent.count - 1] ^= 0x02
        let cases: [(SecureBytes, SecureBytes)] = [
            (SecureBytes(hex(RSAVectors.privateExponent)), SecureBytes(wrongCoefficient)),
            (SecureBytes(wrongExponent), SecureBytes(hex(RSAVectors.coefficient))),
        ]
        for (privateExponent, coefficient) in cases {
            let error = thrownCryptoError {
                try RSAPrivateKey(
                    modulus: hex(RSAVectors.modulus), publicExponent: hex(RSAVectors.publicExponent),
                    privateExponent: privateExponent, prime1: SecureBytes(hex(RSAVectors.prime1)),
                    prime2: SecureBytes(hex(RSAVectors.prime2)), coefficient: coefficient)
            }
            #expect(error?.isInvalidKey == true)
        }
    }

    @Test("Generation: 2048 bits works and signs; 1024 and 16385 are refused")
    func generation() throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        #expect(key.bitCount == 2048)
        #expect(key.publicKey.publicExponent == [0x01, 0x00, 0x01])
        let message = Array("SwiftSSH RSA round trip".utf8)
        let signature = try key.signature(for: message, digest: .sha512)
        #expect(signature.count == 256)
        #expect(key.publicKey.isValidSignature(signature, for: message, digest: .sha512))
        let rebuilt = try RSAPrivateKey(
            modulus: key.publicKey.modulus, publicExponent: key.publicKey.publicExponent,
            privateExponent: key.privateExponent, prime1: key.prime1, prime2: key.prime2, coefficient: key.coefficient)
        #expect(try rebuilt.signature(for: message, digest: .sha512) == signature)
        #expect(thrownCryptoError { try RSAPrivateKey.generate(bits: 1024) } == .keyTooSmall(bits: 1024, minimumBits: 2048))
        #expect(thrownCryptoError { try RSAPrivateKey.generate(bits: 16385) }?.isInvalidKey == true)
    }

    @Test("Verification keys under 1024 bits are refused at init")
    func smallModulusRefused() {
        // An odd 1000-bit modulus: 125 bytes with the top bit of the first byte set.
        let modulus = [0x80] + [UInt8](repeating: 0x5A, count: 123) + [0x01]
        #expect(thrownCryptoError { try RSAPublicKey(modulus: modulus, publicExponent: [0x01, 0x00, 0x01]) }
                == .keyTooSmall(bits: 1000, minimumBits: 1024))
        let evenExponent = thrownCryptoError {
            try RSAPublicKey(modulus: hex(RSAVectors.modulus), publicExponent: [0x01, 0x00, 0x00])
        }
        #expect(evenExponent?.isInvalidKey == true)
    }

    @Test("Signing refuses digests SSH does not use with RSA")
    func unsupportedDigest() throws {
        let key = try fixedKey()
        #expect(thrownCryptoError { try key.signature(for: [1, 2, 3], digest: .md5) }?.isInvalidKey == true)
        #expect(thrownCryptoError { try key.signature(for: [1, 2, 3], digest: .sha384) }?.isInvalidKey == true)
    }
}
