import NIOCore
import SSHCrypto
import Testing

@testable import SSHCore

@Suite("mpint (RFC 4251 §5)")
struct MPIntTests {
    /// The examples table of RFC 4251 §5: value, then representation.
    static let rfcExamples: [(SSHMPInt, String)] = [
        (SSHMPInt(isNegative: false, magnitude: []), "00 00 00 00"),
        (SSHMPInt(isNegative: false, magnitude: hexBytes("09 a3 78 f9 b2 e3 32 a7")), "00 00 00 08 09 a3 78 f9 b2 e3 32 a7"),
        (SSHMPInt(isNegative: false, magnitude: hexBytes("80")), "00 00 00 02 00 80"),
        (SSHMPInt(isNegative: true, magnitude: hexBytes("12 34")), "00 00 00 02 ed cc"),
        (SSHMPInt(isNegative: true, magnitude: hexBytes("de ad be ef")), "00 00 00 05 ff 21 52 41 11"),
    ]

    @Test("RFC 4251 §5 examples are written exactly")
    func writeExamples() {
        for (value, hex) in Self.rfcExamples {
            #expect(written { $0.writeSSHMPInt(value) } == hexBytes(hex))
        }
    }

    @Test("RFC 4251 §5 examples are read exactly")
    func readExamples() throws {
        for (value, hex) in Self.rfcExamples {
            var input = buffer(hexBytes(hex))
            #expect(try input.readSSHMPInt() == value)
            #expect(input.readableBytes == 0)
        }
    }

    @Test("the positive examples through the magnitude API, including a secret")
    func positiveExamples() throws {
        #expect(written { $0.writeSSHPositiveMPInt(magnitude: [UInt8]()) } == hexBytes("00 00 00 00"))
        #expect(written { $0.writeSSHPositiveMPInt(magnitude: hexBytes("80")) } == hexBytes("00 00 00 02 00 80"))
        #expect(written { $0.writeSSHPositiveMPInt(magnitude: hexBytes("00 00 80")) } == hexBytes("00 00 00 02 00 80"))
        #expect(
            written { $0.writeSSHPositiveMPInt(magnitude: hexBytes("00 09 a3 78 f9 b2 e3 32 a7")) }
                == hexBytes("00 00 00 08 09 a3 78 f9 b2 e3 32 a7"))
        #expect(written { $0.writeSSHPositiveMPInt(magnitude: hexBytes("00 00")) } == hexBytes("00 00 00 00"))
        #expect(
            written { $0.writeSSHPositiveMPInt(secret: SecureBytes(hexBytes("00 80"))) } == hexBytes("00 00 00 02 00 80"))
        #expect(
            written { $0.writeSSHPositiveMPInt(secret: SecureBytes(hexBytes("09 a3 78 f9 b2 e3 32 a7"))) }
                == hexBytes("00 00 00 08 09 a3 78 f9 b2 e3 32 a7"))
        #expect(written { $0.writeSSHPositiveMPInt(secret: SecureBytes([UInt8]())) } == hexBytes("00 00 00 00"))

        var input = buffer(hexBytes("00 00 00 02 00 80"))
        #expect(try input.readSSHPositiveMPInt() == [0x80])
        var zero = buffer(hexBytes("00 00 00 00"))
        #expect(try zero.readSSHPositiveMPInt() == [])
    }

    @Test("negative values are refused where a non-negative one is required")
    func positiveRefusesNegative() {
        for hex in ["00 00 00 02 ed cc", "00 00 00 05 ff 21 52 41 11", "00 00 00 01 ff", "00 00 00 01 80"] {
            var input = offsetBuffer(hexBytes(hex))
            let before = input.readerIndex
            expectWireError(.malformed) { _ = try input.readSSHPositiveMPInt() }
            #expect(input.readerIndex == before)
        }
    }

    @Test("boundary values: -1 is ff, -128 is 80, 127 is 7f, 255 is 00 ff, -129 is ff 7f")
    func boundaries() throws {
        let cases: [(SSHMPInt, String)] = [
            (SSHMPInt(isNegative: true, magnitude: [0x01]), "00 00 00 01 ff"),
            (SSHMPInt(isNegative: true, magnitude: [0x80]), "00 00 00 01 80"),
            (SSHMPInt(isNegative: false, magnitude: [0x7F]), "00 00 00 01 7f"),
            (SSHMPInt(isNegative: false, magnitude: [0xFF]), "00 00 00 02 00 ff"),
            (SSHMPInt(isNegative: true, magnitude: [0x81]), "00 00 00 02 ff 7f"),
            (SSHMPInt(isNegative: true, magnitude: [0x01, 0x00]), "00 00 00 02 ff 00"),
        ]
        for (value, hex) in cases {
            #expect(written { $0.writeSSHMPInt(value) } == hexBytes(hex))
            var input = buffer(hexBytes(hex))
            #expect(try input.readSSHMPInt() == value)
        }
    }

    @Test("non-minimal encodings (superfluous 00 or ff) throw and keep the reader index", arguments: [
        "00 00 00 01 00", "00 00 00 02 00 7f", "00 00 00 03 00 00 80", "00 00 00 02 ff 80", "00 00 00 02 ff ff",
    ])
    func nonMinimal(hex: String) {
        var input = offsetBuffer(hexBytes(hex))
        let before = input.readerIndex
        expectWireError(.malformed) { _ = try input.readSSHMPInt() }
        #expect(input.readerIndex == before)
        expectWireError(.malformed) { _ = try input.readSSHPositiveMPInt() }
        #expect(input.readerIndex == before)
    }

    @Test("SSHMPInt normalizes leading zeros and negative zero")
    func normalization() {
        #expect(SSHMPInt(isNegative: true, magnitude: [0, 0]) == SSHMPInt(isNegative: false, magnitude: []))
        #expect(SSHMPInt(isNegative: false, magnitude: [0, 0x12]).magnitude == [0x12])
        #expect(written { $0.writeSSHMPInt(SSHMPInt(isNegative: true, magnitude: [])) } == hexBytes("00 00 00 00"))
    }
}
