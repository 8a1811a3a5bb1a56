import SSHCrypto
import Testing

/// The secret-bytes type, constant-time comparison, wiping and the random sources (issue 2: "a
/// secret-bytes type that is wiped when released, and constant-time comparison"; "random bytes
/// behind a RandomSource protocol").
struct SecretHandlingTests {
    @Test("SecureBytes never shows its bytes in descriptions, interpolation or dumps")
    func descriptionIsRedacted() {
        let secret = SecureBytes(Array("hunter2-secret-passphrase".utf8))
        let texts = [secret.description, "\(secret)", String(describing: secret), String(reflecting: secret)]
        for text in texts {
            #expect(!text.contains("hunter2"), "leaked in \(text)")
            #expect(!text.contains("68756e746572"), "hex leaked in \(text)") // "hunter" in hex
        }
        #expect(secret.description == "SecureBytes(25 bytes, redacted)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }

    @Test("SecureBytes keeps the bytes it was given and compares by content")
    func contentAndEquality() {
        let bytes: [UInt8] = Array(0...63)
        let secret = SecureBytes(bytes)
        #expect(secret.count == 64)
        #expect(secret.unsafeArrayCopy == bytes)
        #expect(secret == SecureBytes(bytes))
        let filled = SecureBytes(count: 4) { buffer in
            for index in buffer.indices { buffer[index] = UInt8(index + 1) }
        }
        #expect(filled.unsafeArrayCopy == [1, 2, 3, 4])
        #expect(SecureBytes([UInt8]()).count == 0)
    }

    @Test("Constant-time equality: a difference at any position, or in length, is unequal", arguments: [0, 1, 15, 16, 31])
    func constantTimeEquality(position: Int) {
        let base: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }
        var changed = base
        changed[position] ^= 0x01
        #expect(constantTimeEquals(base, base))
        #expect(!constantTimeEquals(base, changed))
        #expect(SecureBytes(base) != SecureBytes(changed))
        #expect(!constantTimeEquals(base, Array(base.dropLast())))
        #expect(!constantTimeEquals(base, base + [0]))
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([], [0]))
    }

    @Test("wipe(_:) zeroes every byte and keeps the count")
    func wipeZeroes() {
        var bytes: [UInt8] = (1...100).map { UInt8($0) }
        wipe(&bytes)
        #expect(bytes.count == 100)
        #expect(bytes.allSatisfy { $0 == 0 })
        var empty: [UInt8] = []
        wipe(&empty)
        #expect(empty.isEmpty)
    }

    @Test("DeterministicRandomSource replays its stream from the seed, across any split of the reads")
    func deterministicSourceReplays() {
        let whole = DeterministicRandomSource(seed: [1, 2, 3]).bytes(100)
        let split = DeterministicRandomSource(seed: [1, 2, 3])
        let pieces = split.bytes(1) + split.bytes(31) + split.bytes(33) + split.bytes(35)
        #expect(pieces == whole)
        #expect(DeterministicRandomSource(seed: [1, 2, 4]).bytes(100) != whole)
        // The stream is SHA-256(seed ‖ uint64_be(counter)) blocks: the first block for seed 01 02 03.
        let firstBlock = Digest.hash(.sha256, [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(whole.prefix(32)) == firstBlock)
    }

    @Test("SystemRandomSource fills whole buffers with bytes that differ between calls")
    func systemSourceFills() {
        let source = SystemRandomSource()
        let first = source.bytes(64)
        let second = source.bytes(64)
        #expect(first.count == 64)
        #expect(first != second)
        #expect(first != [UInt8](repeating: 0, count: 64))
        #expect(source.bytes(0).isEmpty)
    }
}

/// "An error from libcrypto becomes a Swift error that carries the library's reason string."
struct LibcryptoErrorTests {
    @Test("A PEM that libcrypto cannot decode fails with OpenSSL's own error text")
    func pemFailureCarriesReason() {
        let pem = Array("-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n".utf8)
        do {
            _ = try PEMPrivateKeyDecoder.decode(pem, passphrase: nil)
            Issue.record("a garbage PEM decoded")
        } catch let error {
            guard case let .malformed(text) = error else {
                Issue.record("expected .malformed, got \(error)")
                return
            }
            #expect(text.contains("libcrypto PEM_read_bio_PrivateKey_ex failed"), "\(text)")
            // ERR_error_string_n's format: "error:<hex code>:<library>::<reason>".
            #expect(text.contains("error:"), "\(text)")
            #expect(!text.contains("no reason given"), "\(text)")
        }
        // The queue was drained: nothing stale is left for the next operation.
        #expect(libcryptoError("nothing failed") == .libcrypto(operation: "nothing failed", reason: "no reason given"))
    }
}
