/// The parsed contents of one known_hosts file. Parsing never fails: like OpenSSH (hostfile.c
/// `hostkeys_foreach`), comments, blank lines and malformed lines are skipped, and malformed ones are
/// listed in `skippedLineNumbers`. SSHCore reads no files: the caller passes the text and a label.
package struct KnownHostsDocument: Sendable {
    /// The label used in `file:line` locations (usually the path).
    package let source: String
    /// The host lines, in file order.
    package let entries: [KnownHostsEntry]
    /// Lines that are neither blank, comments nor well-formed host lines (bad marker, bad hash,
    /// missing key).
    package let skippedLineNumbers: [Int]

    /// Parses `text`; lines end with `\n` (a `\r` before it is tolerated).
    package init(text: String, source: String) {
        self.source = source
        var entries: [KnownHostsEntry] = []
        var skipped: [Int] = []
        let bytes = Array(text.utf8)
        for (index, rawLine) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            switch Self.parse(line: rawLine, source: source, lineNumber: index + 1) {
            case let .entry(entry): entries.append(entry)
            case .ignorable: break
            case .malformed: skipped.append(index + 1)
            }
        }
        self.entries = entries
        self.skippedLineNumbers = skipped
    }

    /// The entries whose host field names `name`, in file order.
    package func entries(matching name: String) -> [KnownHostsEntry] {
        entries.filter { $0.matches(name: name) }
    }

    /// Exactly what `ssh-keygen -F name -f file` prints for this file: for each matching line,
    /// `# Host NAME found: line N ` followed by `CA` or `REVOKED` for marked lines, then the line
    /// itself. Empty when nothing matches (ssh-keygen then prints nothing and exits 1).
    package func findReport(name: String) -> String {
        var report = ""
        for entry in entries(matching: name) {
            let label: String
            switch entry.marker {
            case .none: label = ""
            case .revoked: label = "REVOKED"
            case .certificateAuthority: label = "CA"
            }
            report += "# Host \(name) found: line \(entry.lineNumber) \(label)\n\(entry.line)\n"
        }
        return report
    }

    private enum ParsedLine {
        case entry(KnownHostsEntry)
        case ignorable
        case malformed
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Splits one line into marker, host field, key type and key (sshd(8) SSH_KNOWN_HOSTS FILE
    /// FORMAT), with the structural checks of OpenSSH's `hostkeys_foreach`. Works on bytes, as
    /// OpenSSH does, so no Unicode grapheme rule can merge a separator into a token.
    private static func parse(line rawLine: ArraySlice<UInt8>, source: String, lineNumber: Int) -> ParsedLine {
        let verbatim = text(rawLine)
        var rest = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
        rest = rest.drop(while: isBlank)
        guard let first = rest.first, first != UInt8(ascii: "#") else { return .ignorable }

        var marker = KnownHostsEntry.Marker.none
        if first == UInt8(ascii: "@") {
            let token = rest.prefix(while: { !isBlank($0) })
            switch text(token) {
            case "@revoked": marker = .revoked
            case "@cert-authority": marker = .certificateAuthority
            default: return .malformed
            }
            rest = rest.dropFirst(token.count)
            guard rest.first.map(isBlank) == true else { return .malformed }
            rest = rest.drop(while: isBlank)
            // Only one marker is allowed.
            if rest.first == UInt8(ascii: "@") { return .malformed }
        }

        let hosts = text(rest.prefix(while: { !isBlank($0) }))
        rest = rest.drop(while: { !isBlank($0) }).drop(while: isBlank)
        if hosts.hasPrefix("|"), KnownHostsHashing.salt(ofHashedField: Substring(hosts)) == nil { return .malformed }

        // The key type: 2 to 127 bytes, not a short decimal number (an SSH-1 RSA key), and
        // followed by something other than a comment.
        let keyType = rest.prefix(while: { !isBlank($0) })
        guard keyType.count >= 2, keyType.count < 128 else { return .malformed }
        if keyType.count < 8, keyType.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return .malformed
        }
        rest = rest.dropFirst(keyType.count)
        guard rest.first.map(isBlank) == true else { return .malformed }
        rest = rest.drop(while: isBlank)
        guard let keyStart = rest.first, keyStart != UInt8(ascii: "#") else { return .malformed }

        let encodedKey = text(rest.prefix(while: { !isBlank($0) }))
        let key = KnownHostsEntry.parseKey(type: text(keyType), base64: Substring(encodedKey))
        return .entry(KnownHostsEntry(source: source, lineNumber: lineNumber, line: verbatim, marker: marker,
                                      hosts: hosts, keyType: text(keyType), key: key))
    }
}
