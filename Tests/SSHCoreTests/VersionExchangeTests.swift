import NIOCore
import SSHCore
import Testing

@Suite("Identification string exchange (RFC 4253 §4.2)")
struct VersionExchangeTests {
    private func read(_ text: String, limits: VersionExchangeReader.Limits = .init()) throws(VersionExchangeError) -> (VersionExchangeReader.Result, ByteBuffer) {
        var reader = VersionExchangeReader(limits: limits)
        var buffer = ByteBuffer(string: text)
        let result = try reader.read(&buffer)
        return (result, buffer)
    }

    @Test("A plain version line with CR LF, and the bytes after it stay buffered")
    func plainLine() throws {
        let (result, rest) = try read("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\u{0}\u{0}\u{1}")
        #expect(result == .version("SSH-2.0-OpenSSH_9.2p1 Debian-2"))
        #expect(rest.readableBytes == 3)
    }

    @Test("A bare LF terminator is accepted")
    func bareLF() throws {
        #expect(try read("SSH-2.0-x\n").0 == .version("SSH-2.0-x"))
    }

    @Test("SSH-1.99 is accepted as 2.0")
    func oneNinetyNine() throws {
        #expect(try read("SSH-1.99-legacy\r\n").0 == .version("SSH-1.99-legacy"))
    }

    @Test("SSH-1.5 is refused")
    func sshOne() {
        #expect(throws: VersionExchangeError.unsupportedProtocolVersion("1.5")) { try read("SSH-1.5-old\r\n") }
    }

    @Test("Lines before the version line are skipped and kept")
    func preamble() throws {
        var reader = VersionExchangeReader()
        var buffer = ByteBuffer(string: "Welcome\r\nto the bastion\nSSH-2.0-x\r\n")
        #expect(try reader.read(&buffer) == .version("SSH-2.0-x"))
        #expect(reader.preambleLines == ["Welcome", "to the bastion"])
    }

    @Test("Partial input asks for more, across any split")
    func partial() throws {
        let text = Array("hello\r\nSSH-2.0-OpenSSH_9.2\r\n".utf8)
        var reader = VersionExchangeReader()
        var result = VersionExchangeReader.Result.needMoreData
        for byte in text {
            var buffer = ByteBuffer(bytes: [byte])
            result = try reader.read(&buffer)
        }
        #expect(result == .version("SSH-2.0-OpenSSH_9.2"))
    }

    @Test("A NUL byte is refused, complete or partial")
    func nul() {
        #expect(throws: VersionExchangeError.nulByte) { try read("SSH-2.0-a\u{0}b\r\n") }
        #expect(throws: VersionExchangeError.nulByte) { try read("junk\u{0}") }
    }

    @Test("A version line over 255 bytes is refused")
    func longVersion() {
        let line = "SSH-2.0-" + String(repeating: "v", count: 250) + "\r\n"
        #expect(throws: VersionExchangeError.versionLineTooLong(limit: 255)) { try read(line) }
        #expect(throws: VersionExchangeError.versionLineTooLong(limit: 255)) { try read(String(line.prefix(256))) }
        let fits = "SSH-2.0-" + String(repeating: "v", count: 245) + "\r\n"
        #expect(fits.utf8.count == 255)
        #expect((try? read(fits).0) == .version(String(fits.dropLast(1)))) // "\r\n" is one Character
    }

    @Test("Preamble lines are bounded in length and count")
    func preambleLimits() {
        #expect(throws: VersionExchangeError.preambleLineTooLong(limit: 8192)) {
            try read(String(repeating: "x", count: 8200))
        }
        #expect(throws: VersionExchangeError.tooManyPreambleLines(limit: 1024)) {
            try read(String(repeating: "line\r\n", count: 1025) + "SSH-2.0-x\r\n")
        }
        #expect((try? read(String(repeating: "line\r\n", count: 1024) + "SSH-2.0-x\r\n").0) == .version("SSH-2.0-x"))
    }

    @Test("Control characters in the version line are refused")
    func controlCharacters() {
        #expect(throws: VersionExchangeError.self) { try read("SSH-2.0-a\u{1b}[2Jb\r\n") }
    }

    @Test("Our identification string")
    func ours() {
        #expect(clientIdentification.hasPrefix("SSH-2.0-SwiftSSH_"))
    }
}
