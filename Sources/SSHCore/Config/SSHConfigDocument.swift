/// One parsed line of an OpenSSH client configuration file (ssh_config(5)).
package enum SSHConfigDirective: Sendable, Equatable {
    /// `Host pattern...`: the following lines apply when a pattern matches (ssh_config(5) PATTERNS).
    case host(patterns: [String])
    /// `Match criteria...`: the following lines apply when every criterion holds.
    case match(criteria: [String])
    /// `Include path...`: read more files at this point.
    case include(paths: [String])
    /// Any other keyword, lowercased, with its arguments (quotes removed).
    case option(keyword: String, arguments: [String])
}

/// A directive and the line it came from.
package struct SSHConfigEntry: Sendable, Equatable {
    /// What the line says.
    package var directive: SSHConfigDirective
    /// The 1-based line number in its source.
    package var line: Int

    /// An entry for `directive` at `line`.
    package init(directive: SSHConfigDirective, line: Int) {
        self.directive = directive
        self.line = line
    }
}

/// A line the parser could not read, with why.
package struct SSHConfigSyntaxIssue: Sendable, Equatable, CustomStringConvertible {
    /// Where the text came from (a path, or a label such as `command line`).
    package var source: String
    /// The 1-based line number.
    package var line: Int
    /// What is wrong.
    package var reason: String

    /// An issue at `source` line `line`.
    package init(source: String, line: Int, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    /// `source line N: reason`.
    package var description: String { "\(source) line \(line): \(reason)" }
}

/// The text of one ssh_config file as a list of directives. Parsing is pure and total: any input,
/// however hostile, yields entries and issues without trapping, within the limits below.
package struct SSHConfigDocument: Sendable, Equatable {
    /// Lines longer than this are rejected (OpenSSH reads lines of any length, but no real config needs more).
    package static let maximumLineLength = 16 * 1024
    /// Files with more lines than this are rejected after this many.
    package static let maximumLineCount = 100_000
    /// At most this many arguments per line are kept; more is an issue.
    package static let maximumArguments = 1024

    /// Where the text came from.
    package var source: String
    /// The directives in file order.
    package var entries: [SSHConfigEntry]
    /// Lines that could not be read; a non-empty list makes the file invalid, as OpenSSH refuses it.
    package var issues: [SSHConfigSyntaxIssue]

    /// Parses `text`. Comments (`#` at the start of a token) and blank lines are skipped; the keyword
    /// is case-insensitive and may be followed by whitespace or by `=` (ssh_config(5)); arguments
    /// may be quoted with `"` or `'`.
    package init(text: some StringProtocol, source: String) {
        self.source = source
        entries = []
        issues = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if number > Self.maximumLineCount {
                issues.append(SSHConfigSyntaxIssue(source: source, line: number, reason: "more than \(Self.maximumLineCount) lines"))
                break
            }
            guard rawLine.utf8.count <= Self.maximumLineLength else {
                issues.append(SSHConfigSyntaxIssue(source: source, line: number, reason: "line longer than \(Self.maximumLineLength) bytes"))
                continue
            }
            switch Self.parseLine(Array(rawLine.utf8)) {
            case .none:
                continue
            case let .failure(reason):
                issues.append(SSHConfigSyntaxIssue(source: source, line: number, reason: reason))
            case let .directive(directive):
                entries.append(SSHConfigEntry(directive: directive, line: number))
            }
        }
    }

    private enum LineResult {
        case none
        case failure(String)
        case directive(SSHConfigDirective)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == 0x0B || byte == 0x0C
    }

    /// Keyword, then one optional `=` surrounded by optional whitespace, then quoted/unquoted tokens.
    private static func parseLine(_ bytes: [UInt8]) -> LineResult {
        var index = 0
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] != UInt8(ascii: "#") else { return .none }
        let keywordStart = index
        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "=") { index += 1 }
        let keyword = HostPatternMatcher.asciiLowercased(String(decoding: bytes[keywordStart..<index], as: UTF8.self))
        guard !keyword.isEmpty else { return .failure("missing keyword") }
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
            index += 1
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        }
        let arguments: [String]
        switch tokenize(bytes[index...]) {
        case let .success(tokens): arguments = tokens
        case let .failure(reason): return .failure(reason)
        }
        switch keyword {
        case "host":
            guard !arguments.isEmpty else { return .failure("Host needs at least one pattern") }
            return .directive(.host(patterns: arguments))
        case "match":
            guard !arguments.isEmpty else { return .failure("Match needs criteria") }
            return .directive(.match(criteria: arguments))
        case "include":
            guard !arguments.isEmpty else { return .failure("Include needs a path") }
            return .directive(.include(paths: arguments))
        default:
            guard !arguments.isEmpty else { return .failure("\(keyword) needs a value") }
            return .directive(.option(keyword: keyword, arguments: arguments))
        }
    }

    private enum Tokens {
        case success([String])
        case failure(String)
    }

    /// Splits on whitespace; `"..."` and `'...'` group (quotes removed), `\` escapes a quote, a
    /// backslash or a space, and an unquoted token starting with `#` ends the line.
    private static func tokenize(_ bytes: ArraySlice<UInt8>) -> Tokens {
        var tokens: [String] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.endIndex else { break }
            if bytes[index] == UInt8(ascii: "#") { break }
            var token: [UInt8] = []
            var quote: UInt8? = nil
            while index < bytes.endIndex {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open {
                        quote = nil
                    } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.endIndex,
                              bytes[index + 1] == open || bytes[index + 1] == UInt8(ascii: "\\") {
                        index += 1
                        token.append(bytes[index])
                    } else {
                        token.append(byte)
                    }
                } else if isSpace(byte) {
                    break
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.endIndex,
                          [UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: " ")].contains(bytes[index + 1]) {
                    index += 1
                    token.append(bytes[index])
                } else {
                    token.append(byte)
                }
                index += 1
            }
            guard quote == nil else { return .failure("unterminated quote") }
            tokens.append(String(decoding: token, as: UTF8.self))
            guard tokens.count <= maximumArguments else { return .failure("more than \(maximumArguments) arguments") }
        }
        return .success(tokens)
    }
}
