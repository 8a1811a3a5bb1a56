import NIOCore
@testable import SSHCore
import SSHCrypto
import Testing

/// Reading every private key fixture ssh-keygen and openssl wrote (Fixtures/make-keys.sh), the
/// distinct errors, and writing keys back.
@Suite struct OpenSSHPrivateKeyFileTests {
    static let passphrase = SecureBytes(Array(KeyFixtures.passphrase.utf8))

    static let allFiles: [(String, String)] = KeyFixtures.names.flatMap { name in
        (KeyFixtures.openSSHVariants + KeyFixtures.pemVariants(name)).map { (name, $0) }
    }

    @Test(arguments: allFiles)
    func readsFixtureAndMatchesSSHKeygenPublicKey(name: String, variant: String) throws {
        let contents = try PrivateKeyFile.decode(try KeyFixtures.bytes("\(name)-\(variant)"),
                                                 passphrase: KeyFixtures.isEncrypted(variant) ? Self.passphrase : nil)
        let expected = try OpenSSHPublicKeyLine(parsing: try KeyFixtures.text("\(name).pub"))
        #expect(contents.key.publicKey == expected.key)
        #expect(Base64.encode(contents.key.publicKey.blob) == expected.text.split(separator: " ")[1])
        if variant.hasPrefix("openssh") {
            #expect(contents.comment == "fixture-\(name)@swiftssh")
            #expect(OpenSSHPublicKeyLine(key: contents.key.publicKey, comment: contents.comment).text
                == (try KeyFixtures.text("\(name).pub-from-\(variant)")))
        }
        // The key signs, and the public key from the fixture verifies the signature.
        let message = Array("signed by \(name)".utf8)
        let algorithm = contents.key.signatureAlgorithms[0]
        let signature = try contents.key.signatureBlob(for: message, algorithm: algorithm)
        #expect(try expected.key.isValidSignature(signature, for: message, algorithm: algorithm))
    }

    @Test(arguments: allFiles.filter { KeyFixtures.isEncrypted($0.1) })
    func encryptedFixtureGivesDistinctErrors(name: String, variant: String) throws {
        let bytes = try KeyFixtures.bytes("\(name)-\(variant)")
        #expect(throws: KeyFileError.passphraseRequired) { try PrivateKeyFile.decode(bytes, passphrase: nil) }
        #expect(throws: KeyFileError.passphraseRequired) { try PrivateKeyFile.decode(bytes, passphrase: SecureBytes([])) }
        #expect(throws: KeyFileError.wrongPassphrase) {
            try PrivateKeyFile.decode(bytes, passphrase: SecureBytes(Array("wrong horse battery".utf8)))
        }
    }

    @Test func truncatedFilesAreCorruptAtEveryLine() throws {
        for file in ["ed25519-openssh", "rsa-openssh-aes256-ctr", "ecdsa384-pem", "rsa-pkcs8-enc"] {
            let lines = String(decoding: try KeyFixtures.bytes(file), as: UTF8.self).split(separator: "\n")
            for count in 1..<lines.count {
                let truncated = Array(lines.prefix(count).joined(separator: "\n").utf8)
                let error = Self.decodeError(truncated, passphrase: Self.passphrase)
                switch error {
                case .corrupt:
                    break
                case .wrongPassphrase where file.hasSuffix("-enc"):
                    break  // A truncated encrypted PEM body cannot be told apart from a wrong passphrase by libcrypto.
                default:
                    Issue.record("\(file) cut to \(count) lines gave \(String(describing: error))")
                }
            }
        }
    }

    /// The error decoding `bytes` throws, or nil if it succeeds.
    static func decodeError(_ bytes: [UInt8], passphrase: SecureBytes?) -> KeyFileError? {
        switch Result(catching: { () throws(KeyFileError) in try PrivateKeyFile.decode(bytes, passphrase: passphrase) }) {
        case .success: return nil
        case let .failure(error): return error
        }
    }

    @Test func randomBytesAreCorrupt() {
        let random = DeterministicRandomSource(seed: Array("random key file".utf8))
        for length in [0, 1, 100, 4096] {
            #expect(throws: KeyFileError.corrupt("not an OpenSSH or PEM private key")) {
                try PrivateKeyFile.decode(random.bytes(length), passphrase: nil)
            }
        }
        let armoured = Array((OpenSSHPrivateKeyFile.beginMarker + "\n" + Base64.encode(random.bytes(300)) + "\n"
            + OpenSSHPrivateKeyFile.endMarker + "\n").utf8)
        #expect(throws: KeyFileError.corrupt("missing openssh-key-v1 magic")) { try PrivateKeyFile.decode(armoured, passphrase: nil) }
    }

    @Test func tamperedCheckIntAndPaddingAreCorrupt() throws {
        let key = SigningKey.ed25519(try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: 7, count: 32))))
        let text = try OpenSSHPrivateKeyFile.encode(key, comment: "c", passphrase: nil,
                                                    randomSource: DeterministicRandomSource(seed: [1]))
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        let binary = try #require(Base64.decode(body))
        // The private section is the last string; its first byte is the first check-int's.
        let sectionLength = 8 + (4 + 11 + 4 + 32 + 4 + 64) + (4 + 1)
        let padded = (sectionLength + 7) / 8 * 8
        let sectionStart = binary.count - padded
        func rewrap(_ bytes: [UInt8]) -> [UInt8] {
            Array((OpenSSHPrivateKeyFile.beginMarker + "\n" + Base64.encode(bytes) + "\n" + OpenSSHPrivateKeyFile.endMarker).utf8)
        }
        var badCheck = binary
        badCheck[sectionStart] ^= 1
        #expect(throws: KeyFileError.corrupt("check-ints differ")) { try OpenSSHPrivateKeyFile.decode(rewrap(badCheck), passphrase: nil) }
        var badPadding = binary
        badPadding[binary.count - 1] ^= 0x40
        #expect(throws: KeyFileError.corrupt("bad padding after the private key")) {
            try OpenSSHPrivateKeyFile.decode(rewrap(badPadding), passphrase: nil)
        }
        #expect(try OpenSSHPrivateKeyFile.decode(rewrap(binary), passphrase: nil).comment == "c")
    }

    @Test(arguments: OpenSSHKeyCipher.allCases.filter { $0 != .none })
    func writtenKeysReadBack(cipher: OpenSSHKeyCipher) throws {
        let random = DeterministicRandomSource(seed: Array(cipher.rawValue.utf8))
        let key = try KeyGeneration.generate(.ecdsa, bits: 521, randomSource: random)
        let text = try OpenSSHPrivateKeyFile.encode(key, comment: "round trip", passphrase: Self.passphrase, cipher: cipher,
                                                    rounds: 2, randomSource: random)
        #expect(text.split(separator: "\n").dropFirst().dropLast().allSatisfy { $0.count <= 70 })
        let read = try OpenSSHPrivateKeyFile.decode(Array(text.utf8), passphrase: Self.passphrase)
        #expect(read.key.publicKey == key.publicKey)
        #expect(read.comment == "round trip")
        #expect(throws: KeyFileError.wrongPassphrase) {
            try OpenSSHPrivateKeyFile.decode(Array(text.utf8), passphrase: SecureBytes(Array("nope".utf8)))
        }
    }

    @Test func generationRefusesSizesSSHKeygenRefuses() throws {
        let random = DeterministicRandomSource(seed: [2])
        #expect(throws: KeyGenerationError.self) { try KeyGeneration.generate(.rsa, bits: 1024, randomSource: random) }
        #expect(throws: KeyGenerationError.self) { try KeyGeneration.generate(.rsa, bits: 16385, randomSource: random) }
        #expect(throws: KeyGenerationError.self) { try KeyGeneration.generate(.ecdsa, bits: 300, randomSource: random) }
        guard case let .rsa(rsa) = try KeyGeneration.generate(.rsa, bits: nil, randomSource: random) else {
            Issue.record("not an RSA key")
            return
        }
        #expect(rsa.bitCount == 3072)
    }
}
