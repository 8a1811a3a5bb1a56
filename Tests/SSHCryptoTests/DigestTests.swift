import SSHCrypto
import Testing

/// Known answers from the FIPS 180-4 examples (SHA-2), RFC 3174 §7.3 (SHA-1) and RFC 1321 §A.5 (MD5).
struct DigestTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let algorithm: DigestAlgorithm
        let message: [UInt8]
        let expected: [UInt8]
        var testDescription: String { "\(algorithm) of \(message.count) bytes" }
    }

    static let abc = bytes(ascii: "abc")
    /// The 448-bit two-block message of the FIPS 180-4 SHA-256 example.
    static let message448 = bytes(ascii: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
    /// The 896-bit two-block message of the FIPS 180-4 SHA-384/SHA-512 examples.
    static let message896 = bytes(ascii: "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")

    static let vectors: [Vector] = [
        Vector(algorithm: .md5, message: abc, expected: bytes(hex: "900150983cd24fb0d6963f7d28e17f72")),
        Vector(algorithm: .sha1, message: abc, expected: bytes(hex: "a9993e364706816aba3e25717850c26c9cd0d89d")),
        Vector(algorithm: .sha256, message: abc, expected: bytes(hex:
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
        Vector(algorithm: .sha256, message: message448, expected: bytes(hex:
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")),
        Vector(algorithm: .sha384, message: abc, expected: bytes(hex:
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")),
        Vector(algorithm: .sha384, message: message896, expected: bytes(hex:
            "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")),
        Vector(algorithm: .sha512, message: abc, expected: bytes(hex:
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")),
        Vector(algorithm: .sha512, message: message896, expected: bytes(hex:
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
            + "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")),
    ]

    @Test("One-shot digest of an array", arguments: vectors)
    func oneShotArray(_ vector: Vector) {
        #expect(Digest.hash(vector.algorithm, vector.message) == vector.expected)
    }

    @Test("One-shot digest of a raw buffer", arguments: vectors)
    func oneShotBuffer(_ vector: Vector) {
        let digest = vector.message.withUnsafeBytes { Digest.hash(vector.algorithm, $0) }
        #expect(digest == vector.expected)
    }

    @Test("Incremental digest fed in uneven pieces", arguments: vectors)
    func incremental(_ vector: Vector) {
        let context = DigestContext(vector.algorithm)
        var offset = 0
        for size in [1, 0, 5, 17, 64, 3] where offset < vector.message.count {
            let end = min(offset + size, vector.message.count)
            if size % 2 == 0 {
                context.update(Array(vector.message[offset..<end]))
            } else {
                Array(vector.message[offset..<end]).withUnsafeBytes { context.update($0) }
            }
            offset = end
        }
        context.update(Array(vector.message[offset...]))
        #expect(context.finalize() == vector.expected)
    }

    @Test("Output lengths match DigestAlgorithm.outputByteCount", arguments: DigestAlgorithm.allCases)
    func outputLength(_ algorithm: DigestAlgorithm) {
        #expect(Digest.hash(algorithm, []).count == algorithm.outputByteCount)
    }

    /// NIST CAVP SHA256ShortMsg, Len = 0: SHA-256 of the empty message.
    @Test func emptyMessage() {
        #expect(Digest.hash(.sha256, []) == bytes(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
    }
}
