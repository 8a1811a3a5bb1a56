import Testing
import SSHCrypto

/// Known-answer tests for `BcryptPBKDF` and the generated Blowfish tables.
///
/// Every expected output below was printed by Fixtures/vectors/bcrypt-pbkdf.py, which uses the
/// independent pyca/bcrypt `bcrypt.kdf` (5.0.0); the `ssh-keygen` vector is additionally checked by
/// that script to decrypt a real `ssh-keygen -N pass` ed25519 key (matching check-ints).
@Suite struct BcryptPBKDFTests {
    /// One `bcrypt.kdf` known answer; the output length is the length of `expectedHex`.
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let passphrase: [UInt8]
        let salt: [UInt8]
        let rounds: Int
        let expectedHex: String
        var testDescription: String { name }
    }

    static let password = Array("password".utf8)
    static let saltText = Array("salt".utf8)

    static let vectors: [Vector] = [
        Vector(name: "rounds 1, 32 bytes", passphrase: password, salt: saltText, rounds: 1,
               expectedHex: "7af41469e52860da49debfaa6a4e12a2cb857b907b2bb20d2902a9ccd424adb1"),
        Vector(name: "rounds 16, 48 bytes", passphrase: password, salt: saltText, rounds: 16,
               expectedHex: "c339d704ec235f27690d3f12167c05a55bf86d572f270adbf9fe04c379da5f8c"
                   + "7942a939245dbb39ebe26fc2bd19b88b"),
        Vector(name: "rounds 42, 88 bytes", passphrase: Array("correct horse battery staple".utf8),
               salt: Array(0..<16), rounds: 42,
               expectedHex: "7202c051f91afd049ca46c2852d8886ee41fb9349da0346d26291275140c5e24"
                   + "ca89194d071231193920f569f7c1c674db1927b8e897c37fd24283f6a53f21e7"
                   + "d8bffc2f89e10eb7ef760a48f14a54d898c0ad952f4706b3"),
        Vector(name: "rounds 1, 64 bytes", passphrase: password, salt: saltText, rounds: 1,
               expectedHex: "7aecf4a3148069a4e52b28a060c4da05492ede72bf0caa4f6a2a4e5f1252a24c"
                   + "cb8a85077baa90b67b3a2bd1b2bb0d1c29350204a9f9cc8fd44224c8ad77b179"),
        Vector(name: "one-byte salt", passphrase: password, salt: [0x00], rounds: 2,
               expectedHex: "4050c35ed855d01bbaee1abf2b517c0fe92ee4b981fc7b755435cac8e7ab5800"),
        Vector(name: "non-ASCII passphrase", passphrase: Array("pässwörd 🔑 ключ".utf8), salt: Array("NaCl".utf8),
               rounds: 8, expectedHex: "4cf18682106b61a91cf5ba192dcb8a52691cbcadf29ec6def21b79b6a58fa53a"
                   + "afff01bf150e9d3e"),
        Vector(name: "one-byte output", passphrase: password, salt: saltText, rounds: 1, expectedHex: "7a"),
        Vector(name: "129 bytes, 1024-byte salt", passphrase: [0x70], salt: [UInt8](repeating: 0xFF, count: 1024),
               rounds: 1,
               expectedHex: "faefac49a805cc6ff5514d5e4417f39fda56929410ace098ca03f8de1b4988d9"
                   + "e6fe517da47ff9416a4fa6360cf1c84b190f478f14a195f9fb431ae5ac1b1368"
                   + "aade49529809a59dc49f5990fe1b24e245d1750e8446aa7ed979418a840e0794"
                   + "acfc7dc91d61627da806f2bab1647965e2bb52ed433321b4d388f6a246b8d6fe"
                   + "b4"),
        Vector(name: "ssh-keygen ed25519 key, aes256-ctr key+IV", passphrase: Array("pass".utf8),
               salt: hexBytes("9713c1d208d505ee9bfb8b3e699b05ed"), rounds: 16,
               expectedHex: "9a32ee04d3523ab85990bce996b9501b7fae8203f7854aa0792b6194ab303229"
                   + "3d16d7eb6f045c8cf7b77eed86bd8ec8"),
    ]

    /// Decodes lowercase/uppercase hex; the test checks the decoded length, so bad digits fail.
    static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
    }

    @Test(arguments: vectors)
    func knownAnswer(_ vector: Vector) throws {
        let expected = Self.hexBytes(vector.expectedHex)
        #expect(expected.count * 2 == vector.expectedHex.utf8.count)
        let key = try BcryptPBKDF.deriveKey(passphrase: SecureBytes(vector.passphrase), salt: vector.salt,
                                            rounds: vector.rounds, outputByteCount: expected.count)
        #expect(key.unsafeArrayCopy == expected)
    }

    @Test func blowfishTablesAreThePiDigits() {
        #expect(blowfishInitialState.count == 18 + 4 * 256)
        #expect(blowfishInitialState.first == 0x243F_6A88)  // P[0]: pi = 3.243F6A88...
        #expect(blowfishInitialState[17] == 0x8979_FB1B)  // P[17]
        #expect(blowfishInitialState[18] == 0xD131_0BA6)  // S0[0]
        #expect(blowfishInitialState.last == 0x3AC3_72E6)  // S3[255]
    }

    @Test func differentPassphrasesGiveDifferentKeys() throws {
        let first = try BcryptPBKDF.deriveKey(passphrase: SecureBytes(Self.password), salt: Self.saltText,
                                              rounds: 1, outputByteCount: 32)
        let second = try BcryptPBKDF.deriveKey(passphrase: SecureBytes(Array("passwore".utf8)), salt: Self.saltText,
                                               rounds: 1, outputByteCount: 32)
        #expect(first != second)
    }

    /// Parameters `bcrypt_pbkdf.c` refuses; each must throw `CryptoError.invalidKey`, never trap.
    static let invalidParameters: [(passphrase: [UInt8], saltCount: Int, rounds: Int, outputByteCount: Int)] = [
        (password, 16, 0, 32),  // rounds < 1
        (password, 16, -5, 32),
        (password, 16, 1, 0),  // output too short
        (password, 16, 1, 1025),  // output too long
        (password, 16, 1, -1),
        (password, 0, 1, 32),  // empty salt
        (password, 1025, 1, 32),  // salt too long
        ([], 16, 1, 32),  // empty passphrase
    ]

    @Test(arguments: 0..<invalidParameters.count)
    func rejectsInvalidParameters(_ index: Int) {
        let parameters = Self.invalidParameters[index]
        #expect {
            _ = try BcryptPBKDF.deriveKey(passphrase: SecureBytes(parameters.passphrase),
                                          salt: [UInt8](repeating: 7, count: parameters.saltCount),
                                          rounds: parameters.rounds, outputByteCount: parameters.outputByteCount)
        } throws: { error in
            guard case .invalidKey(let message)? = error as? CryptoError else { return false }
            return !message.contains("password")
        }
    }
}
