import SSHCrypto
import Testing

/// Test cases 2-4 (AES-128) and 14-16 (AES-256) of "The Galois/Counter Mode of Operation (GCM)",
/// McGrew & Viega, Appendix B, all with 96-bit IVs; and the RFC 5647 §7.1 invocation counter.
struct OpenSSHAESGCMTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let testCase: Int
        let key: [UInt8]
        let iv: [UInt8]
        let plaintext: [UInt8]
        let aad: [UInt8]
        let ciphertext: [UInt8]
        let tag: [UInt8]
        var testDescription: String { "GCM test case \(testCase)" }
    }

    static let key3 = bytes(hex: "feffe9928665731c6d6a8f9467308308")
    static let iv3 = bytes(hex: "cafebabefacedbaddecaf888")
    static let plaintext3 = bytes(hex: """
        d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
        1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b391aafd255
        """)
    static let aad4 = bytes(hex: "feedfacedeadbeeffeedfacedeadbeefabaddad2")
    static let ciphertext3 = bytes(hex: """
        42831ec2217774244b7221b784d0d49c e3aa212f2c02a4e035c17e2329aca12e
        21d514b25466931c7d8f6a5aac84aa05 1ba30b396a0aac973d58e091473f5985
        """)
    static let ciphertext15 = bytes(hex: """
        522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
        8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662898015ad
        """)

    static let vectors: [Vector] = [
        Vector(testCase: 2, key: bytes(repeating: 0, count: 16), iv: bytes(repeating: 0, count: 12),
               plaintext: bytes(repeating: 0, count: 16), aad: [],
               ciphertext: bytes(hex: "0388dace60b6a392f328c2b971b2fe78"), tag: bytes(hex: "ab6e47d42cec13bdf53a67b21257bddf")),
        Vector(testCase: 3, key: key3, iv: iv3, plaintext: plaintext3, aad: [],
               ciphertext: ciphertext3, tag: bytes(hex: "4d5c2af327cd64a62cf35abd2ba6fab4")),
        Vector(testCase: 4, key: key3, iv: iv3, plaintext: Array(plaintext3.prefix(60)), aad: aad4,
               ciphertext: Array(ciphertext3.prefix(60)), tag: bytes(hex: "5bc94fbc3221a5db94fae95ae7121a47")),
        Vector(testCase: 14, key: bytes(repeating: 0, count: 32), iv: bytes(repeating: 0, count: 12),
               plaintext: bytes(repeating: 0, count: 16), aad: [],
               ciphertext: bytes(hex: "cea7403d4d606b6e074ec5d3baf39d18"), tag: bytes(hex: "d0d1c8a799996bf0265b98b5d48ab919")),
        Vector(testCase: 15, key: key3 + key3, iv: iv3, plaintext: plaintext3, aad: [],
               ciphertext: ciphertext15, tag: bytes(hex: "b094dac5d93471bdec1a502270e3cc6c")),
        Vector(testCase: 16, key: key3 + key3, iv: iv3, plaintext: Array(plaintext3.prefix(60)), aad: aad4,
               ciphertext: Array(ciphertext15.prefix(60)), tag: bytes(hex: "76fc6ece0f4e1768cddf8853bb2d551b")),
    ]

    /// Seals `plaintext` with `cipher`, returning ciphertext and tag.
    static func seal(_ cipher: OpenSSHAESGCM, aad: [UInt8], _ plaintext: [UInt8]) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        var buffer = plaintext
        var tag = [UInt8](repeating: 0, count: OpenSSHAESGCM.tagByteCount)
        try aad.withUnsafeBytes { aadBytes in
            try buffer.withUnsafeMutableBytes { data in
                try tag.withUnsafeMutableBytes { try cipher.seal(aad: aadBytes, inPlace: data, tag: $0) }
            }
        }
        return (buffer, tag)
    }

    /// Opens `ciphertext` with `cipher`; on failure returns the error and what was left in the buffer.
    static func open(_ cipher: OpenSSHAESGCM, aad: [UInt8], _ ciphertext: [UInt8], tag: [UInt8]) -> Result<[UInt8], CryptoError> {
        var buffer = ciphertext
        do {
            try aad.withUnsafeBytes { aadBytes in
                try buffer.withUnsafeMutableBytes { data in
                    try tag.withUnsafeBytes { try cipher.open(aad: aadBytes, inPlace: data, tag: $0) }
                }
            }
            return .success(buffer)
        } catch let error as CryptoError {
            #expect(buffer.allSatisfy { $0 == 0 }, "a failed open must zero the buffer")
            return .failure(error)
        } catch {
            Issue.record("unexpected error \(error)")
            return .failure(.authenticationFailed)
        }
    }

    @Test("Seal gives the specification's ciphertext and tag", arguments: vectors)
    func seal(_ vector: Vector) throws {
        let cipher = try OpenSSHAESGCM(key: SecureBytes(vector.key), iv: vector.iv)
        let sealed = try Self.seal(cipher, aad: vector.aad, vector.plaintext)
        #expect(sealed.ciphertext == vector.ciphertext)
        #expect(sealed.tag == vector.tag)
    }

    @Test("Open restores the specification's plaintext", arguments: vectors)
    func open(_ vector: Vector) throws {
        let cipher = try OpenSSHAESGCM(key: SecureBytes(vector.key), iv: vector.iv)
        #expect(Self.open(cipher, aad: vector.aad, vector.ciphertext, tag: vector.tag) == .success(vector.plaintext))
    }

    /// IV + 1 in the 64-bit invocation counter (RFC 5647 §7.1), with the carry and the wrap.
    static let incrementCases: [(iv: [UInt8], next: [UInt8])] = [
        (bytes(hex: "cafebabefacedbaddecaf888"), bytes(hex: "cafebabefacedbaddecaf889")),
        (bytes(hex: "00000001 00000000000000ff"), bytes(hex: "00000001 0000000000000100")),
        (bytes(hex: "01020304 ffffffffffffffff"), bytes(hex: "01020304 0000000000000000")),
    ]

    @Test("Each seal advances the invocation counter", arguments: [16, 32], 0..<3)
    func consecutiveSealsUseNextIV(keySize: Int, caseIndex: Int) throws {
        let (iv, next) = Self.incrementCases[caseIndex]
        let key = SecureBytes(Array(UInt8(1)...UInt8(keySize)))
        let aad = bytes(hex: "0000001c")
        let first = bytes(repeating: 0x41, count: 28)
        let second = bytes(repeating: 0x42, count: 28)
        let running = try OpenSSHAESGCM(key: key, iv: iv)
        let sealedFirst = try Self.seal(running, aad: aad, first)
        let sealedSecond = try Self.seal(running, aad: aad, second)
        #expect(try Self.seal(OpenSSHAESGCM(key: key, iv: iv), aad: aad, first) == sealedFirst)
        #expect(try Self.seal(OpenSSHAESGCM(key: key, iv: next), aad: aad, second) == sealedSecond)
        #expect(try Self.seal(OpenSSHAESGCM(key: key, iv: iv), aad: aad, second) != sealedSecond)

        let receiver = try OpenSSHAESGCM(key: key, iv: iv)
        #expect(Self.open(receiver, aad: aad, sealedFirst.ciphertext, tag: sealedFirst.tag) == .success(first))
        #expect(Self.open(receiver, aad: aad, sealedSecond.ciphertext, tag: sealedSecond.tag) == .success(second))
    }

    @Test func failedOpenStillAdvancesCounter() throws {
        let key = SecureBytes(bytes(repeating: 7, count: 16))
        let iv = bytes(hex: "000000000000000000000005")
        let sender = try OpenSSHAESGCM(key: key, iv: iv)
        let one = try Self.seal(sender, aad: [], bytes(ascii: "packet one"))
        let two = try Self.seal(sender, aad: [], bytes(ascii: "packet two"))
        let receiver = try OpenSSHAESGCM(key: key, iv: iv)
        #expect(Self.open(receiver, aad: [], one.ciphertext, tag: flippingBit(0, of: one.tag)) == .failure(.authenticationFailed))
        #expect(Self.open(receiver, aad: [], two.ciphertext, tag: two.tag) == .success(bytes(ascii: "packet two")))
    }

    @Test func emptyPlaintextIsAuthenticated() throws {
        let key = SecureBytes(bytes(repeating: 9, count: 32))
        let iv = bytes(repeating: 3, count: 12)
        let sealed = try Self.seal(OpenSSHAESGCM(key: key, iv: iv), aad: bytes(hex: "00000000"), [])
        #expect(sealed.ciphertext.isEmpty)
        #expect(try Self.open(OpenSSHAESGCM(key: key, iv: iv), aad: bytes(hex: "00000000"), [], tag: sealed.tag) == .success([]))
        #expect(try Self.open(OpenSSHAESGCM(key: key, iv: iv), aad: bytes(hex: "00000001"), [], tag: sealed.tag)
            == .failure(.authenticationFailed))
    }

    @Test func badLengthsAreRejected() throws {
        #expect(throws: CryptoError.self) { try OpenSSHAESGCM(key: SecureBytes(bytes(repeating: 0, count: 24)), iv: Self.iv3) }
        #expect(throws: CryptoError.invalidLength(what: "AES-GCM IV", expected: 12, actual: 16)) {
            try OpenSSHAESGCM(key: SecureBytes(Self.key3), iv: bytes(repeating: 0, count: 16))
        }
        let cipher = try OpenSSHAESGCM(key: SecureBytes(Self.key3), iv: Self.iv3)
        var buffer = bytes(repeating: 1, count: 8)
        let shortTag = bytes(repeating: 0, count: 12)
        #expect(throws: CryptoError.invalidLength(what: "AES-GCM tag", expected: 16, actual: 12)) {
            try buffer.withUnsafeMutableBytes { data in
                try shortTag.withUnsafeBytes { try cipher.open(aad: UnsafeRawBufferPointer(start: nil, count: 0), inPlace: data, tag: $0) }
            }
        }
    }
}
