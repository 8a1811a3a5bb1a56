import NIOCore
import Testing

@testable import SSHCore

/// One valid encoding and the reader that decodes it.
struct PrimitiveSample: Sendable, CustomTestStringConvertible {
    let name: String
    let encoding: [UInt8]
    /// Reads one value; true if it returned a value, false if nil.
    let read: @Sendable (inout ByteBuffer) throws -> Bool

    var testDescription: String { name }

    static let all: [PrimitiveSample] = [
        .init(name: "boolean", encoding: [1]) { $0.readSSHBoolean() != nil },
        .init(name: "uint32", encoding: hexBytes("29 b7 f4 aa")) { $0.readSSHUInt32() != nil },
        .init(name: "uint64", encoding: hexBytes("01 02 03 04 05 06 07 08")) { $0.readSSHUInt64() != nil },
        .init(name: "string", encoding: sshString("testing")) { $0.readSSHString() != nil },
        .init(name: "empty string", encoding: sshString("")) { $0.readSSHString() != nil },
        .init(name: "string bytes", encoding: sshString([0, 0xFF, 0])) { $0.readSSHStringBytes() != nil },
        .init(name: "UTF-8 string", encoding: sshString("caf\u{E9} \u{65E5}")) { try $0.readSSHUTF8String() != nil },
        .init(name: "name-list", encoding: sshString("zlib,none")) { try $0.readSSHNameList() != nil },
        .init(name: "empty name-list", encoding: sshString("")) { try $0.readSSHNameList() != nil },
        .init(name: "mpint 9a378f9b2e332a7", encoding: hexBytes("00 00 00 08 09 a3 78 f9 b2 e3 32 a7")) {
            try $0.readSSHMPInt() != nil
        },
        .init(name: "mpint 80", encoding: hexBytes("00 00 00 02 00 80")) { try $0.readSSHMPInt() != nil },
        .init(name: "mpint -deadbeef", encoding: hexBytes("00 00 00 05 ff 21 52 41 11")) {
            try $0.readSSHMPInt() != nil
        },
        .init(name: "positive mpint 80", encoding: hexBytes("00 00 00 02 00 80")) {
            try $0.readSSHPositiveMPInt() != nil
        },
    ]
}

@Suite("Wire primitives: truncation")
struct WireTruncationTests {
    @Test("the full encoding is read and consumed exactly", arguments: PrimitiveSample.all)
    func fullEncoding(sample: PrimitiveSample) throws {
        var input = offsetBuffer(sample.encoding + [0xAB])
        #expect(try sample.read(&input))
        #expect(input.readableBytes == 1)
    }

    @Test("every proper prefix returns nil and leaves the reader index unchanged", arguments: PrimitiveSample.all)
    func everyPrefix(sample: PrimitiveSample) throws {
        for length in 0..<sample.encoding.count {
            var input = offsetBuffer(Array(sample.encoding.prefix(length)))
            let before = input.readerIndex
            #expect(try sample.read(&input) == false, "prefix of \(length) bytes")
            #expect(input.readerIndex == before, "prefix of \(length) bytes")
        }
    }
}
