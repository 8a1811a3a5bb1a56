import NIOCore
import Testing

@testable import SSHCore

@Suite("Wire primitives (RFC 4251 §5)")
struct WirePrimitivesTests {
    @Test("boolean: 0 is false, every non-zero byte is true; written as 0 or 1")
    func booleans() {
        for (byte, expected) in [(UInt8(0), false), (1, true), (2, true), (0x80, true), (0xFF, true)] {
            var input = buffer([byte])
            #expect(input.readSSHBoolean() == expected)
            #expect(input.readableBytes == 0)
        }
        #expect(written { $0.writeSSHBoolean(true) } == [1])
        #expect(written { $0.writeSSHBoolean(false) } == [0])
        var empty = ByteBuffer()
        #expect(empty.readSSHBoolean() == nil)
    }

    @Test("uint32: RFC 4251 §5 example 699921578 is 29 b7 f4 aa")
    func uint32Example() {
        let encoding = hexBytes("29 b7 f4 aa")
        var input = buffer(encoding)
        #expect(input.readSSHUInt32() == 699_921_578)
        #expect(written { $0.writeSSHUInt32(699_921_578) } == encoding)
        #expect(written { $0.writeSSHUInt32(0x29b7_f4aa) } == encoding)
    }

    @Test("uint64: eight bytes in network byte order")
    func uint64() {
        let encoding = hexBytes("01 02 03 04 05 06 07 08")
        var input = buffer(encoding)
        #expect(input.readSSHUInt64() == 0x0102_0304_0506_0708)
        #expect(written { $0.writeSSHUInt64(0x0102_0304_0506_0708) } == encoding)
    }

    @Test("string: RFC 4251 §5 example \"testing\" is 00 00 00 07 t e s t i n g")
    func stringExample() throws {
        let encoding = hexBytes("00 00 00 07 74 65 73 74 69 6e 67")
        #expect(written { $0.writeSSHString("testing") } == encoding)
        #expect(written { $0.writeSSHString(ascii("testing")) } == encoding)
        #expect(written { $0.writeSSHString(ByteBuffer(string: "testing")) } == encoding)

        var slices = buffer(encoding)
        let read = slices.readSSHString()
        let slice = try #require(read)
        #expect(Array(slice.readableBytesView) == ascii("testing"))
        var bytes = buffer(encoding)
        #expect(bytes.readSSHStringBytes() == ascii("testing"))
        var text = buffer(encoding)
        #expect(try text.readSSHUTF8String() == "testing")
        #expect(text.readableBytes == 0)
    }

    @Test("writers return the number of bytes written")
    func writerCounts() {
        var output = ByteBuffer()
        #expect(output.writeSSHBoolean(true) == 1)
        #expect(output.writeSSHUInt32(7) == 4)
        #expect(output.writeSSHUInt64(7) == 8)
        #expect(output.writeSSHString("testing") == 11)
        #expect(output.writeSSHString(ByteBuffer(string: "ab")) == 6)
        #expect(output.writeSSHNameList(["zlib", "none"]) == 13)
        #expect(output.writeSSHMPInt(SSHMPInt(isNegative: true, magnitude: hexBytes("de ad be ef"))) == 9)
        #expect(output.writeSSHPositiveMPInt(magnitude: [0x80]) == 6)
        #expect(output.readableBytes == 1 + 4 + 8 + 11 + 6 + 13 + 9 + 6)
    }

    @Test("string: empty string and binary content with NUL bytes")
    func emptyAndBinaryStrings() {
        var empty = buffer(hexBytes("00 00 00 00"))
        #expect(empty.readSSHStringBytes() == [])
        var binary = buffer(hexBytes("00 00 00 03 00 ff 00"))
        #expect(binary.readSSHStringBytes() == [0x00, 0xFF, 0x00])
    }

    @Test("UTF-8 string: multi-byte text is decoded; invalid UTF-8 throws and keeps the reader index")
    func utf8Strings() throws {
        var valid = buffer(sshString([0x63, 0x61, 0x66, 0xC3, 0xA9]))
        #expect(try valid.readSSHUTF8String() == "caf\u{E9}")

        for invalid in [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x61, 0x80]] as [[UInt8]] {
            var input = offsetBuffer(sshString(invalid))
            let before = input.readerIndex
            expectWireError(.malformed) { _ = try input.readSSHUTF8String() }
            #expect(input.readerIndex == before)
        }
    }

    @Test("huge length fields return nil without allocating and keep the reader index", arguments: [
        UInt32(0xFFFF_FFFF), 0x7FFF_FFFF, 0x8000_0000, 0x0000_0005,
    ])
    func hugeLengthFields(length: UInt32) throws {
        let encoding = length32(Int(length)) + [0x61, 0x62, 0x63, 0x64]
        var input = offsetBuffer(encoding)
        let before = input.readerIndex
        #expect(input.readSSHString() == nil)
        #expect(input.readSSHStringBytes() == nil)
        #expect(try input.readSSHUTF8String() == nil)
        #expect(try input.readSSHNameList() == nil)
        #expect(try input.readSSHMPInt() == nil)
        #expect(try input.readSSHPositiveMPInt() == nil)
        #expect(input.readerIndex == before)
        #expect(input.readableBytes == encoding.count)
    }
}
