import SSHCrypto
import Testing

/// NIST SP 800-38A Appendix F.5.1, F.5.3 and F.5.5 (CTR-AES128/192/256.Encrypt).
struct AESCTRTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let ciphertext: [UInt8]
        var testDescription: String { name }
    }

    /// The initial counter block shared by all F.5 examples.
    static let initialCounter = bytes(hex: "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
    /// The four plaintext blocks shared by all F.5 examples.
    static let plaintext = bytes(hex: """
        6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
        30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710
        """)

    static let vectors: [Vector] = [
        Vector(name: "F.5.1 CTR-AES128.Encrypt", key: bytes(hex: "2b7e151628aed2a6abf7158809cf4f3c"),
               ciphertext: bytes(hex: """
                   874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff
                   5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee
                   """)),
        Vector(name: "F.5.3 CTR-AES192.Encrypt", key: bytes(hex: "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"),
               ciphertext: bytes(hex: """
                   1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94
                   1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050
                   """)),
        Vector(name: "F.5.5 CTR-AES256.Encrypt",
               key: bytes(hex: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
               ciphertext: bytes(hex: """
                   601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5
                   2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6
                   """)),
    ]

    @Test("Encrypt in one call", arguments: vectors)
    func encryptWhole(_ vector: Vector) throws {
        let cipher = try AESCTR(key: SecureBytes(vector.key), iv: Self.initialCounter)
        var buffer = Self.plaintext
        try buffer.withUnsafeMutableBytes { try cipher.apply($0) }
        #expect(buffer == vector.ciphertext)
    }

    @Test("Encrypt in uneven chunks: the key stream carries on across calls", arguments: vectors)
    func encryptChunked(_ vector: Vector) throws {
        for chunkSizes in [[5, 11, 16, 32], [1, 15, 17, 31], [64], [3, 3, 3, 55]] {
            let cipher = try AESCTR(key: SecureBytes(vector.key), iv: Self.initialCounter)
            var buffer = Self.plaintext
            var offset = 0
            for size in chunkSizes {
                try buffer[offset..<offset + size].withUnsafeMutableBytes { try cipher.apply($0) }
                offset += size
            }
            #expect(offset == buffer.count)
            #expect(buffer == vector.ciphertext, "chunks \(chunkSizes)")
        }
    }

    @Test("Decrypt (F.5.2/F.5.4/F.5.6) restores the plaintext", arguments: vectors)
    func decrypt(_ vector: Vector) throws {
        let cipher = try AESCTR(key: SecureBytes(vector.key), iv: Self.initialCounter)
        var buffer = vector.ciphertext
        try buffer.withUnsafeMutableBytes { try cipher.apply($0) }
        #expect(buffer == Self.plaintext)
    }

    @Test func emptyBufferLeavesStreamUntouched() throws {
        let vector = Self.vectors[0]
        let cipher = try AESCTR(key: SecureBytes(vector.key), iv: Self.initialCounter)
        var empty: [UInt8] = []
        try empty.withUnsafeMutableBytes { try cipher.apply($0) }
        var buffer = Self.plaintext
        try buffer.withUnsafeMutableBytes { try cipher.apply($0) }
        #expect(buffer == vector.ciphertext)
    }

    @Test func badLengthsAreRejected() {
        #expect(throws: CryptoError.self) { try AESCTR(key: SecureBytes(bytes(repeating: 0, count: 20)), iv: Self.initialCounter) }
        #expect(throws: CryptoError.invalidLength(what: "AES-CTR IV", expected: 16, actual: 12)) {
            try AESCTR(key: SecureBytes(bytes(repeating: 0, count: 16)), iv: bytes(repeating: 0, count: 12))
        }
    }
}
