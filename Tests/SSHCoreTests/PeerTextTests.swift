import Testing

@testable import SSHCore

@Suite("Peer text sanitizing")
struct PeerTextTests {
    @Test("terminal escape ESC[2J is made visible")
    func escapeSequence() {
        #expect(sanitizedPeerText("\u{1B}[2J") == "\\x1b[2J")
    }

    @Test("C0 controls, DEL, CR, LF, TAB and NUL are escaped")
    func controls() {
        #expect(sanitizedPeerText("a\rb") == "a\\x0db")
        #expect(sanitizedPeerText("a\u{0}b") == "a\\x00b")
        #expect(sanitizedPeerText("a\nb") == "a\\x0ab")
        #expect(sanitizedPeerText("a\tb") == "a\\x09b")
        #expect(sanitizedPeerText("a\u{7F}b") == "a\\x7fb")
        #expect(sanitizedPeerText("\u{7}") == "\\x07")
    }

    @Test("C1 controls, bidi overrides and zero-width format characters are escaped")
    func unicodeControls() {
        #expect(sanitizedPeerText("a\u{202E}b") == "a\\u{202E}b")
        #expect(sanitizedPeerText("\u{2066}x\u{2069}") == "\\u{2066}x\\u{2069}")
        #expect(sanitizedPeerText("\u{85}") == "\\u{0085}")
        #expect(sanitizedPeerText("\u{9B}31m") == "\\u{009B}31m")
        #expect(sanitizedPeerText("a\u{200B}b") == "a\\u{200B}b")
        #expect(sanitizedPeerText("a\u{2028}b") == "a\\u{2028}b")
        #expect(sanitizedPeerText("\u{FEFF}") == "\\u{FEFF}")
    }

    @Test("printable text, including non-ASCII, is kept; a backslash is doubled")
    func printable() {
        #expect(sanitizedPeerText("Hello, world! ~") == "Hello, world! ~")
        #expect(sanitizedPeerText("caf\u{E9} \u{65E5}\u{672C}") == "caf\u{E9} \u{65E5}\u{672C}")
        #expect(sanitizedPeerText("C:\\x1b") == "C:\\\\x1b")
    }

    @Test("preservingNewlines keeps LF but still escapes CR")
    func newlines() {
        #expect(sanitizedPeerText("one\r\ntwo\n", preservingNewlines: true) == "one\\x0d\ntwo\n")
    }

    @Test("length is capped with an ellipsis; escapes are never cut")
    func capping() {
        let long = String(repeating: "a", count: 2000)
        #expect(sanitizedPeerText(long) == String(repeating: "a", count: 1024) + "…")
        #expect(sanitizedPeerText(String(repeating: "b", count: 1024)) == String(repeating: "b", count: 1024))
        #expect(sanitizedPeerText("abcdef", maxLength: 3) == "abc…")
        #expect(sanitizedPeerText("ab\u{1B}c", maxLength: 5) == "ab…")
        #expect(sanitizedPeerText("ab\u{1B}c", maxLength: 6) == "ab\\x1b…")
        #expect(sanitizedPeerText("ab\u{1B}", maxLength: 6) == "ab\\x1b")
        #expect(sanitizedPeerText("", maxLength: 0) == "")
        #expect(sanitizedPeerText("x", maxLength: 0) == "…")
    }

    @Test("combining marks count toward the cap")
    func combiningMarks() {
        let zalgo = "e" + String(repeating: "\u{301}", count: 50)
        #expect(sanitizedPeerText(zalgo, maxLength: 4) == "e\u{301}\u{301}\u{301}…")
    }

    @Test("raw bytes: valid UTF-8 is decoded, invalid bytes become \\xNN")
    func rawBytes() {
        #expect(sanitizedPeerText([0x68, 0x69, 0xFF, 0x0A] as [UInt8]) == "hi\\xff\\x0a")
        #expect(sanitizedPeerText([0x63, 0x61, 0x66, 0xC3, 0xA9] as [UInt8]) == "caf\u{E9}")
        #expect(sanitizedPeerText([0x61, 0xC3] as [UInt8]) == "a\\xc3")
        #expect(sanitizedPeerText([0xC0, 0x80, 0x62] as [UInt8]) == "\\xc0\\x80b")
        #expect(sanitizedPeerText([0xED, 0xA0, 0x80] as [UInt8]) == "\\xed\\xa0\\x80")
        #expect(sanitizedPeerText([0x1B, 0x5B, 0x32, 0x4A] as [UInt8]) == "\\x1b[2J")
        #expect(sanitizedPeerText([0xE2, 0x80, 0xAE] as [UInt8]) == "\\u{202E}")
        #expect(sanitizedPeerText([0xFF, 0xFF, 0xFF] as [UInt8], maxLength: 8) == "\\xff\\xff…")
    }
}
