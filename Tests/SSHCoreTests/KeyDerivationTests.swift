import NIOCore
import SSHCore
import SSHCrypto
import Testing

@Suite("Key derivation (RFC 4253 §7.2)")
struct KeyDerivationTests {
    @Test("Our derivation equals OpenSSL's SSHKDF for every letter, hash and length", arguments: [DigestAlgorithm.sha256, .sha384, .sha512])
    func matchesOpenSSL(digest: DigestAlgorithm) throws {
        let random = DeterministicRandomSource(seed: [9])
        for secretLength in [32, 33, 256] {
            var secret = random.bytes(secretLength)
            secret[0] |= 0x80 // exercise the mpint leading-zero rule
            let exchangeHash = random.bytes(digest.outputByteCount)
            let sessionID = random.bytes(digest.outputByteCount)
            var encodedSecret = ByteBuffer()
            encodedSecret.writeSSHPositiveMPInt(magnitude: secret)
            for letter in Array("ABCDEF".utf8) {
                for length in [12, 16, 32, 64, 100] {
                    let ours = deriveKey(digest: digest, sharedSecret: SecureBytes(secret), exchangeHash: exchangeHash,
                                         sessionID: sessionID, letter: letter, length: length)
                    let theirs = try OpenSSLSSHKDF.derive(digest: digest, sharedSecret: Array(encodedSecret.readableBytesView),
                                                          exchangeHash: exchangeHash, sessionID: sessionID,
                                                          letter: letter, outputByteCount: length)
                    #expect(ours.unsafeArrayCopy == theirs)
                }
            }
        }
    }
}
