import NIOCore
import Testing

@testable import SSHCore

@Suite("name-list (RFC 4251 §5, §6)")
struct NameListTests {
    @Test("RFC 4251 §5 examples: (), (\"zlib\"), (\"zlib\", \"none\")")
    func rfcExamples() throws {
        let examples: [([String], String)] = [
            ([], "00 00 00 00"),
            (["zlib"], "00 00 00 04 7a 6c 69 62"),
            (["zlib", "none"], "00 00 00 09 7a 6c 69 62 2c 6e 6f 6e 65"),
        ]
        for (names, hex) in examples {
            #expect(written { $0.writeSSHNameList(names) } == hexBytes(hex))
            var input = buffer(hexBytes(hex))
            #expect(try input.readSSHNameList() == names)
            #expect(input.readableBytes == 0)
        }
    }

    @Test("valid names: printable ASCII including @ . - and a name of exactly 64 characters")
    func validNames() throws {
        let longest = String(repeating: "x", count: 64)
        let names = ["curve25519-sha256", "ext-info-c", "kex-strict-c-v00@openssh.com", "!~", longest]
        var input = buffer(sshString(names.joined(separator: ",")))
        #expect(try input.readSSHNameList() == names)
    }

    @Test("malformed lists throw and keep the reader index", arguments: [
        "a,,b", ",a", "a,", ",", ",,",
        "caf\u{E9}", "a b", "a\u{1}", "a\u{7F}", "a\tb",
        String(repeating: "y", count: 65), "ok," + String(repeating: "y", count: 65),
    ])
    func malformed(list: String) {
        var input = offsetBuffer(sshString(list))
        let before = input.readerIndex
        expectWireError(.malformed) { _ = try input.readSSHNameList() }
        #expect(input.readerIndex == before)
    }

    @Test("a NUL byte inside a name is refused")
    func nulByte() {
        var input = offsetBuffer(sshString([0x61, 0x00, 0x62]))
        expectWireError(.malformed) { _ = try input.readSSHNameList() }
    }

    @Test("1024 names are accepted, 1025 exceed our limit")
    func nameCountLimit() throws {
        let allowed = Array(repeating: "a", count: 1024)
        var accepted = buffer(sshString(allowed.joined(separator: ",")))
        #expect(try accepted.readSSHNameList()?.count == 1024)

        var refused = offsetBuffer(sshString(Array(repeating: "a", count: 1025).joined(separator: ",")))
        let before = refused.readerIndex
        expectWireError(.limitExceeded) { _ = try refused.readSSHNameList() }
        #expect(refused.readerIndex == before)
    }

    @Test("a list over 64 KiB exceeds our limit even with valid names")
    func sizeLimit() {
        let name = String(repeating: "z", count: 64)
        let list = Array(repeating: name, count: 1024).joined(separator: ",")  // 66,559 bytes
        #expect(list.utf8.count > 65_536)
        var input = offsetBuffer(sshString(list))
        let before = input.readerIndex
        expectWireError(.limitExceeded) { _ = try input.readSSHNameList() }
        #expect(input.readerIndex == before)
    }
}
