/// Makes text that a peer sent (DISCONNECT and DEBUG messages, banners, version strings; RFC 4251
/// §9.2 warns that displayed text can carry terminal control sequences) safe to print or log.
///
/// Everything except space and printable characters is shown as a visible escape:
/// - ASCII controls (C0, including `\n`, `\r`, `\t`, ESC) and DEL become `\xNN` (two lowercase hex
///   digits, e.g. `\x1b`, `\x0a`, `\x7f`);
/// - every other control or invisible formatting scalar becomes `\u{XXXX}` (uppercase hex, at least
///   four digits): C1 controls (`\u{0085}`), bidirectional overrides and isolates (`\u{202E}`),
///   zero-width and other format characters, line and paragraph separators, unassigned and
///   private-use code points, and noncharacters;
/// - a backslash becomes `\\`, so a peer cannot forge something that looks like an escape.
///
/// With `preservingNewlines`, a line feed is kept as a real line break (for multi-line banners,
/// RFC 4252 §5.4); a carriage return is still escaped.
///
/// The result is capped at `maxLength` Unicode scalars (escapes are never cut in the middle) and
/// ends with "…" when it was cut. Counting scalars rather than grapheme clusters keeps a string of
/// combining marks from slipping past the cap.
package func sanitizedPeerText(_ text: String, maxLength: Int = 1024, preservingNewlines: Bool = false) -> String {
    var output = PeerTextWriter(maxLength: maxLength, preservingNewlines: preservingNewlines)
    for scalar in text.unicodeScalars {
        guard output.append(scalar) else { break }
    }
    return output.result
}

/// Like `sanitizedPeerText(_:maxLength:preservingNewlines:)` for raw bytes that should be UTF-8:
/// each byte that is not part of a valid UTF-8 sequence is shown as `\xNN` (always 80–ff, so it
/// cannot be confused with an escaped ASCII control).
package func sanitizedPeerText<Bytes: Collection>(
    _ bytes: Bytes, maxLength: Int = 1024, preservingNewlines: Bool = false
) -> String where Bytes.Element == UInt8 {
    var output = PeerTextWriter(maxLength: maxLength, preservingNewlines: preservingNewlines)
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var pending = bytes.makeIterator()  // trails `iterator`, to recover the bytes of an invalid sequence
    decoding: while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded):
            for _ in 0..<encoded.count { _ = pending.next() }
            guard output.append(Unicode.UTF8.decode(encoded)) else { break decoding }
        case .error(let length):
            for _ in 0..<length {
                guard let byte = pending.next(), output.appendInvalidByte(byte) else { break decoding }
            }
        case .emptyInput:
            break decoding
        }
    }
    return output.result
}

/// Accumulates escaped peer text up to a length cap.
private struct PeerTextWriter {
    let maxLength: Int
    let preservingNewlines: Bool
    private var text = ""
    private var length = 0
    private var wasCut = false

    init(maxLength: Int, preservingNewlines: Bool) {
        precondition(maxLength >= 0, "maxLength must not be negative")
        self.maxLength = maxLength
        self.preservingNewlines = preservingNewlines
    }

    /// The text so far, with "…" if something was dropped.
    var result: String { wasCut ? text + "…" : text }

    /// Appends `scalar` or its escape. Returns false once the cap is reached.
    mutating func append(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\\" { return appendPiece("\\\\") }
        if scalar == "\n" && preservingNewlines { return appendPiece("\n") }
        if scalar.value < 0x80 {
            return (0x20..<0x7F).contains(scalar.value) ? appendPiece(String(scalar)) : appendPiece(Self.byteEscape(UInt8(scalar.value)))
        }
        return Self.isVisible(scalar) ? appendPiece(String(scalar)) : appendPiece(Self.scalarEscape(scalar))
    }

    /// Appends the escape of a byte that is not valid UTF-8. Returns false once the cap is reached.
    mutating func appendInvalidByte(_ byte: UInt8) -> Bool {
        appendPiece(Self.byteEscape(byte))
    }

    private mutating func appendPiece(_ piece: String) -> Bool {
        let pieceLength = piece.unicodeScalars.count
        guard length + pieceLength <= maxLength else {
            wasCut = true
            return false
        }
        text += piece
        length += pieceLength
        return true
    }

    /// Whether a non-ASCII scalar is safe to show as itself: not a control, format, separator,
    /// private-use, unassigned or noncharacter code point.
    private static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isNoncharacterCodePoint { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            return false
        default:
            return true
        }
    }

    private static func byteEscape(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16)
        return "\\x" + (hex.count < 2 ? "0" + hex : hex)
    }

    private static func scalarEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
    }
}
