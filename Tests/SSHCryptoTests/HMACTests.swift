import SSHCrypto
import Testing

/// RFC 4231 §4 test cases 1-7 for HMAC-SHA-256 and HMAC-SHA-512, and RFC 4253 §6.4 packet MACs.
struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let testCase: Int
        let key: [UInt8]
        let data: [UInt8]
        let sha256: [UInt8]
        let sha512: [UInt8]
        var testDescription: String { "RFC 4231 test case \(testCase)" }
    }

    static let vectors: [Vector] = [
        Vector(testCase: 1, key: bytes(repeating: 0x0b, count: 20), data: bytes(ascii: "Hi There"),
               sha256: bytes(hex: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
               sha512: bytes(hex: "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                   + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")),
        Vector(testCase: 2, key: bytes(ascii: "Jefe"), data: bytes(ascii: "what do ya want for nothing?"),
               sha256: bytes(hex: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
               sha512: bytes(hex: "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                   + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")),
        Vector(testCase: 3, key: bytes(repeating: 0xaa, count: 20), data: bytes(repeating: 0xdd, count: 50),
               sha256: bytes(hex: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
               sha512: bytes(hex: "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
                   + "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb")),
        Vector(testCase: 4, key: Array(1...25), data: bytes(repeating: 0xcd, count: 50),
               sha256: bytes(hex: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
               sha512: bytes(hex: "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
                   + "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd")),
        // Test case 5: RFC 4231 gives only the leftmost 128 bits of the output.
        Vector(testCase: 5, key: bytes(repeating: 0x0c, count: 20), data: bytes(ascii: "Test With Truncation"),
               sha256: bytes(hex: "a3b6167473100ee06e0c796c2955552b"),
               sha512: bytes(hex: "415fad6271580a531d4179bc891d87a6")),
        Vector(testCase: 6, key: bytes(repeating: 0xaa, count: 131),
               data: bytes(ascii: "Test Using Larger Than Block-Size Key - Hash Key First"),
               sha256: bytes(hex: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
               sha512: bytes(hex: "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                   + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598")),
        Vector(testCase: 7, key: bytes(repeating: 0xaa, count: 131),
               data: bytes(ascii: "This is a test using a larger than block-size key and a larger than block-size data."
                   + " The key needs to be hashed before being used by the HMAC algorithm."),
               sha256: bytes(hex: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
               sha512: bytes(hex: "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                   + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58")),
    ]

    /// Compares the full output, or its leftmost bytes where the RFC truncates (test case 5).
    private static func check(_ output: [UInt8], _ expected: [UInt8], fullLength: Int) {
        #expect(output.count == fullLength)
        #expect(Array(output.prefix(expected.count)) == expected)
    }

    @Test("HMAC-SHA-256", arguments: vectors)
    func sha256(_ vector: Vector) {
        Self.check(HMAC.authenticate(.sha256, key: vector.key, message: vector.data), vector.sha256, fullLength: 32)
    }

    @Test("HMAC-SHA-512", arguments: vectors)
    func sha512(_ vector: Vector) {
        Self.check(HMAC.authenticate(.sha512, key: vector.key, message: vector.data), vector.sha512, fullLength: 64)
    }

    /// The first four data bytes of an RFC 4231 message, read big-endian, serve as the sequence
    /// number, so SSHMACKey (which MACs `uint32(seq) || data`, RFC 4253 §6.4) must reproduce the
    /// RFC's bytes exactly. One key is reused for every vector of its case to exercise re-keying.
    @Test("SSHMACKey reproduces RFC 4231 with the sequence number as the first four bytes", arguments: vectors)
    func packetMACKnownAnswer(_ vector: Vector) throws {
        let sequenceNumber = vector.data.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let rest = Array(vector.data.dropFirst(4))
        for (algorithm, expected) in [(DigestAlgorithm.sha256, vector.sha256), (.sha512, vector.sha512)] {
            let key = try SSHMACKey(algorithm, key: SecureBytes(vector.key))
            #expect(key.outputByteCount == algorithm.outputByteCount)
            for _ in 0..<3 {
                var tag = [UInt8](repeating: 0, count: key.outputByteCount)
                rest.withUnsafeBytes { data in
                    tag.withUnsafeMutableBytes { key.authenticate(sequenceNumber: sequenceNumber, data, into: $0) }
                }
                #expect(Array(tag.prefix(expected.count)) == expected)
                if expected.count == key.outputByteCount {
                    let valid = rest.withUnsafeBytes { data in
                        expected.withUnsafeBytes { key.isValid(sequenceNumber: sequenceNumber, data, tag: $0) }
                    }
                    #expect(valid)
                }
            }
        }
    }

    @Test("SSHMACKey equals HMAC over uint32_be(seq) || data", arguments: DigestAlgorithm.allCases)
    func packetMACMatchesOneShot(_ algorithm: DigestAlgorithm) throws {
        let keyBytes = Array(UInt8(100)..<UInt8(100 + algorithm.outputByteCount))
        let key = try SSHMACKey(algorithm, key: SecureBytes(keyBytes))
        for (sequenceNumber, length) in [(UInt32(0), 0), (1, 1), (0x0102_0304, 100), (UInt32.max, 300)] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let prefix: [UInt8] = [UInt8(sequenceNumber >> 24), UInt8(truncatingIfNeeded: sequenceNumber >> 16),
                                   UInt8(truncatingIfNeeded: sequenceNumber >> 8), UInt8(truncatingIfNeeded: sequenceNumber)]
            let expected = HMAC.authenticate(algorithm, key: keyBytes, message: prefix + data)
            var tag = [UInt8](repeating: 0, count: key.outputByteCount)
            data.withUnsafeBytes { bytes in
                tag.withUnsafeMutableBytes { key.authenticate(sequenceNumber: sequenceNumber, bytes, into: $0) }
            }
            #expect(tag == expected)
            let valid = data.withUnsafeBytes { bytes in
                expected.withUnsafeBytes { key.isValid(sequenceNumber: sequenceNumber, bytes, tag: $0) }
            }
            #expect(valid)
        }
    }

    @Test func emptyKeyIsRejected() {
        #expect(throws: CryptoError.self) { try SSHMACKey(.sha256, key: SecureBytes([UInt8]())) }
    }

    @Test func wrongLengthTagIsInvalid() throws {
        let key = try SSHMACKey(.sha256, key: SecureBytes(bytes(repeating: 1, count: 32)))
        let data = bytes(ascii: "payload")
        var tag = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { bytes in tag.withUnsafeMutableBytes { key.authenticate(sequenceNumber: 5, bytes, into: $0) } }
        let truncated = Array(tag.prefix(31))
        let valid = data.withUnsafeBytes { bytes in truncated.withUnsafeBytes { key.isValid(sequenceNumber: 5, bytes, tag: $0) } }
        #expect(!valid)
    }
}
