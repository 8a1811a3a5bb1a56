import SSHCrypto
import Testing

/// libcrypto's SSHKDF against NIST CAVS 14.1 SSH KDF vectors (SP 800-135 §5.2), as carried in
/// OpenSSL's test/recipes/30-test_evp_data/evpkdf_ssh.txt. There K is given mpint-encoded (4-byte
/// length, then the magnitude with a 0x00 pad when its top bit is set).
@Suite struct OpenSSLSSHKDFTests: AsymmetricKnownAnswerSuite {
    /// One CAVS case: K (mpint), H, session_id, and expected outputs per key letter.
    struct Vector: Sendable, CustomTestStringConvertible {
        let digest: DigestAlgorithm
        let sharedSecret, exchangeHash, sessionID: String
        let outputs: [(letter: Character, bytes: String)]
        var testDescription: String { "\(digest)" }
    }

    static let vectors: [Vector] = [
        // CAVS 14.1 SHA-1, first case (H equals session_id; K's top bit clear, so no 0x00 pad).
        Vector(digest: .sha1,
               sharedSecret: """
               0000008055bae931c07fd824bf10add1902b6fbc7c665347383498a686929ff5a25f8e40cb6645ea814fb1a5e0a11f852f8625\
               5641e5ed986e83a78bc8269480eac0b0dfd770cab92e7a28dd87ff452466d6ae867cead63b366b1c286e6c4811a9f14c27aea1\
               4c5171d49b78c06e3735d36e6a3be321dd5fc82308f34ee1cb17fba94a59
               """,
               exchangeHash: "a4ebd45934f56792b5112dcd75a1075fdc889245",
               sessionID: "a4ebd45934f56792b5112dcd75a1075fdc889245",
               outputs: [("A", "e2f627c0b43f1ac1"), ("B", "58471445f342b181"),
                         ("C", "1ca9d310f86d51f6cb8e7007cb2b220d55c5281ce680b533"),
                         ("D", "2c60df8603d34cc1dbb03c11f725a44b44008851c73d6844"),
                         ("E", "472eb8a26166ae6aa8e06868e45c3b26e6eeed06"),
                         ("F", "e3e2fdb9d7bc21165a3dbe47e1eceb7764390bab")]),
        // CAVS 14.1 SHA-256, first case (K's top bit set, so the mpint carries a 0x00 pad).
        Vector(digest: .sha256,
               sharedSecret: """
               0000008100875c551cef526a4a8be1a7df27e9ed354bac9afb71f53dbae905679d14f9faf2469c53457cf80a366be278965ba6\
               255276ca2d9f4a97d271f71e50d8a9ec46253a6a906ac2c5e4f48b27a63ce08d80390a492aa43bad9d882ccac23dac88bcada4\
               b4d426a362083dab6569c54c224dd2d87643aa227693e141ad1630ce13144e
               """,
               exchangeHash: "0e683fc8a9ed7c2ff02def23b2745ebc99b267daa86a4aa7697239088253f642",
               sessionID: "0e683fc8a9ed7c2ff02def23b2745ebc99b267daa86a4aa7697239088253f642",
               outputs: [("A", "41ff2ead1683f1e6"), ("B", "e619ecfd9edb50cd"),
                         ("C", "4a6314d2f7511bf88fad39fb6892f3f218cafd530e72fe43"),
                         ("D", "084c15fb7f99c65ff134eeb407cee5d540c341dea45a42a5"),
                         ("E", "41ec5a94fecce7707ea156a6ad29239a891621adacbedb8be70675008d6f9274"),
                         ("F", "47d3c20aba60981e47b30533623613ff1cacbcf1642fb4ad86ee712f2aed9af8")]),
    ]

    @Test("NIST CAVS 14.1 SSH KDF vectors, all six key letters", arguments: vectors)
    func cavsVectors(vector: Vector) throws {
        for (letter, expectedHex) in vector.outputs {
            let expected = hex(expectedHex)
            let derived = try OpenSSLSSHKDF.derive(
                digest: vector.digest, sharedSecret: hex(vector.sharedSecret), exchangeHash: hex(vector.exchangeHash),
                sessionID: hex(vector.sessionID), letter: letter.asciiValue ?? 0, outputByteCount: expected.count)
            #expect(!expected.isEmpty)
            #expect(derived == expected, "letter \(letter)")
        }
    }

    @Test("K must be passed as an mpint: the bare magnitude gives different keys")
    func sharedSecretIsMpintEncoded() throws {
        let vector = Self.vectors[1]
        let mpint = hex(vector.sharedSecret)
        let bare = Array(mpint.dropFirst(5))  // drop the 4-byte length and the 0x00 pad
        func derive(_ sharedSecret: [UInt8]) throws -> [UInt8] {
            try OpenSSLSSHKDF.derive(digest: .sha256, sharedSecret: sharedSecret, exchangeHash: hex(vector.exchangeHash),
                                     sessionID: hex(vector.sessionID), letter: 0x41, outputByteCount: 8)
        }
        #expect(try derive(mpint) == hex("41ff2ead1683f1e6"))
        #expect(try derive(bare) != hex("41ff2ead1683f1e6"))
    }

    @Test("Outputs longer than one hash extend as RFC 4253 §7.2 describes (prefix-consistent)")
    func longOutputExtends() throws {
        let vector = Self.vectors[1]
        func derive(_ count: Int) throws -> [UInt8] {
            try OpenSSLSSHKDF.derive(digest: .sha256, sharedSecret: hex(vector.sharedSecret),
                                     exchangeHash: hex(vector.exchangeHash), sessionID: hex(vector.sessionID),
                                     letter: 0x43, outputByteCount: count)
        }
        let long = try derive(64)
        #expect(long.count == 64)
        #expect(Array(long.prefix(24)) == hex("4a6314d2f7511bf88fad39fb6892f3f218cafd530e72fe43"))
    }
}
