import SSHCrypto
import Testing

/// RFC 8439 §2.4.2 (ChaCha20) and §2.5.2 (Poly1305) known answers.
struct ChaCha20PrimitiveTests {
    static let sunscreen = bytes(ascii: "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
        + "the future, sunscreen would be it.")
    static let sunscreenCiphertext = bytes(hex: """
        6e2e359a2568f98041ba0728dd0d6981 e97e7aec1d4360c20a27afccfd9fae0b
        f91b65c5524733ab8f593dabcd62b357 1639d624e65152ab8f530c359f0861d8
        07ca0dbf500d6a6156a38e088a22b65e 52bc514d16ccf806818ce91ab7793736
        5af90bbf74a35be6b40b8eedf2785e42 874d
        """)

    @Test("RFC 8439 §2.4.2: ChaCha20 encryption with counter 1")
    func chacha20Encryption() throws {
        var buffer = Self.sunscreen
        try buffer.withUnsafeMutableBytes {
            try ChaCha20.apply(key: SecureBytes(Array(UInt8(0)...UInt8(31))), counter: 1,
                               nonce: bytes(hex: "000000000000004a00000000"), inPlace: $0)
        }
        #expect(buffer == Self.sunscreenCiphertext)
    }

    @Test("RFC 8439 §2.4.2 decrypts back")
    func chacha20Decryption() throws {
        var buffer = Self.sunscreenCiphertext
        try buffer.withUnsafeMutableBytes {
            try ChaCha20.apply(key: SecureBytes(Array(UInt8(0)...UInt8(31))), counter: 1,
                               nonce: bytes(hex: "000000000000004a00000000"), inPlace: $0)
        }
        #expect(buffer == Self.sunscreen)
    }

    @Test("RFC 8439 §2.5.2: Poly1305")
    func poly1305() throws {
        let key = SecureBytes(bytes(hex: "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"))
        let tag = try bytes(ascii: "Cryptographic Forum Research Group").withUnsafeBytes {
            try Poly1305.authenticate(key: key, message: $0)
        }
        #expect(tag == bytes(hex: "a8061dc1305136c6c22b8baf0c0127a9"))
    }

    @Test func badLengthsAreRejected() {
        var buffer = bytes(repeating: 0, count: 8)
        #expect(throws: CryptoError.invalidLength(what: "ChaCha20 nonce", expected: 12, actual: 8)) {
            try buffer.withUnsafeMutableBytes {
                try ChaCha20.apply(key: SecureBytes(bytes(repeating: 0, count: 32)), counter: 0,
                                   nonce: bytes(repeating: 0, count: 8), inPlace: $0)
            }
        }
        #expect(throws: CryptoError.invalidLength(what: "ChaCha20 key", expected: 32, actual: 16)) {
            try buffer.withUnsafeMutableBytes {
                try ChaCha20.apply(key: SecureBytes(bytes(repeating: 0, count: 16)), counter: 0,
                                   nonce: bytes(repeating: 0, count: 12), inPlace: $0)
            }
        }
        #expect(throws: CryptoError.invalidLength(what: "Poly1305 key", expected: 32, actual: 31)) {
            try buffer.withUnsafeBytes { try Poly1305.authenticate(key: SecureBytes(bytes(repeating: 0, count: 31)), message: $0) }
        }
    }

    @Test func counterWrapIsRejected() {
        var buffer = bytes(repeating: 0, count: 65)
        #expect(throws: CryptoError.self) {
            try buffer.withUnsafeMutableBytes {
                try ChaCha20.apply(key: SecureBytes(bytes(repeating: 0, count: 32)), counter: .max,
                                   nonce: bytes(repeating: 0, count: 12), inPlace: $0)
            }
        }
    }
}

/// Whole-packet chacha20-poly1305@openssh.com vectors printed by
/// Fixtures/vectors/chacha20poly1305-openssh.py (pure-Python original-layout ChaCha20 and Poly1305,
/// cross-checked against Python `cryptography`).
struct OpenSSHChaCha20Poly1305Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let sequenceNumber: UInt32
        let plaintext: [UInt8]
        let ciphertext: [UInt8]
        let tag: [UInt8]
        var testDescription: String { "seqnr \(sequenceNumber)" }
    }

    static let key = bytes(hex: """
        54da4d41ee996c58eb1cb81897126ab77f327afd4f7f4a12deba98bb0559a7f7
        6c0261c02b72dfa9947458fe3502748ddacbdfd9907c78dcb9939866662abb22
        """)

    static let vectors: [Vector] = [
        Vector(sequenceNumber: 7,
               plaintext: bytes(hex: "0000001c0a050000000c7373682d75736572617574689ae7d640d214432ad65c"),
               ciphertext: bytes(hex: "c135a38c2ca4a3b285a517bf21ecdb4eac29f53329e2739865cea09bde43b842"),
               tag: bytes(hex: "f54a5860598e79ca66e7dd96a0091055")),
        Vector(sequenceNumber: 0x0102_0304,
               plaintext: bytes(hex: """
                   000000a009000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526
                   2728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152
                   535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e
                   7f808182838485868788898a8b8c8d8e8f9091929394957642b900ce99d35d6e
                   """),
               ciphertext: bytes(hex: """
                   0a34859e84870ac866185a3f7909b2b30f49ba094d5ac50db13ba4c2881a8332731055ba2d6bea758218f228
                   e72cd51950d6c6e4709f37cdbb62d77eba2602f0689f5e55bba38e269cd867658b5f6b57bed3bd2f5d531680
                   44837e4a60714c4c1bb8188886a8a501deeadbff38196e3d28c2ac74122fc59e1ef21b322250e552805f7c19
                   01f0ff1da9e8089e9f66ec4cbb89bb2e5e7f693dc0da17e476f63bbab5faf0f5
                   """),
               tag: bytes(hex: "f658ac4eb9c438fc9eae201e34b2b8e8")),
        Vector(sequenceNumber: 0xFFFF_FFFF,
               plaintext: bytes(hex: "0000000c0a15fc0b792dc6f023c4c7d5"),
               ciphertext: bytes(hex: "20c72633b5727f2efce00286d3c5a85f"),
               tag: bytes(hex: "80ee6eab502f7234ca3d8427b97f903a")),
    ]

    static func seal(_ cipher: OpenSSHChaCha20Poly1305, _ vector: Vector) throws -> (packet: [UInt8], tag: [UInt8]) {
        var packet = vector.plaintext
        var tag = [UInt8](repeating: 0, count: OpenSSHChaCha20Poly1305.tagByteCount)
        try packet.withUnsafeMutableBytes { data in
            try tag.withUnsafeMutableBytes { try cipher.seal(sequenceNumber: vector.sequenceNumber, packet: data, tag: $0) }
        }
        return (packet, tag)
    }

    @Test("One instance seals all packets in turn to the independent bytes")
    func sealSequence() throws {
        let cipher = try OpenSSHChaCha20Poly1305(key: SecureBytes(Self.key))
        for vector in Self.vectors + Self.vectors.reversed() {
            let sealed = try Self.seal(cipher, vector)
            #expect(sealed.packet == vector.ciphertext, "seqnr \(vector.sequenceNumber)")
            #expect(sealed.tag == vector.tag, "seqnr \(vector.sequenceNumber)")
        }
    }

    @Test("One instance reads the length and opens all packets in turn")
    func openSequence() throws {
        let cipher = try OpenSSHChaCha20Poly1305(key: SecureBytes(Self.key))
        for vector in Self.vectors + Self.vectors.reversed() {
            let length = vector.ciphertext.withUnsafeBytes { cipher.decryptLength(sequenceNumber: vector.sequenceNumber, $0) }
            #expect(Int(length) == vector.plaintext.count - 4)
            var packet = vector.ciphertext
            try packet.withUnsafeMutableBytes { data in
                try vector.tag.withUnsafeBytes { try cipher.open(sequenceNumber: vector.sequenceNumber, packet: data, tag: $0) }
            }
            #expect(packet == vector.plaintext, "seqnr \(vector.sequenceNumber)")
        }
    }

    @Test func badLengthsAreRejected() throws {
        #expect(throws: CryptoError.invalidLength(what: "chacha20-poly1305@openssh.com key", expected: 64, actual: 32)) {
            try OpenSSHChaCha20Poly1305(key: SecureBytes(bytes(repeating: 0, count: 32)))
        }
        let cipher = try OpenSSHChaCha20Poly1305(key: SecureBytes(Self.key))
        var short = bytes(repeating: 0, count: 3)
        let tag = bytes(repeating: 0, count: 16)
        #expect(throws: CryptoError.self) {
            try short.withUnsafeMutableBytes { data in
                try tag.withUnsafeBytes { try cipher.open(sequenceNumber: 0, packet: data, tag: $0) }
            }
        }
    }
}
