/// Host-name pattern lists as in known_hosts and `ssh_config` `Host` lines: comma-separated
/// patterns with the wildcards `*` (any run of characters) and `?` (exactly one character), each
/// optionally negated with a leading `!` (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT; OpenSSH match.c).
///
/// A list matches when at least one positive pattern matches and no negated pattern matches.
package enum HostPatternMatcher {
    /// How a pattern list relates to a name.
    package enum ListMatch: Sendable, Equatable {
        /// A positive pattern matched and no negated one did.
        case matched
        /// A negated pattern matched: the name is explicitly excluded.
        case negated
        /// No pattern matched.
        case noMatch
    }

    /// Patterns of this many bytes or more make the whole list fail to match, as in OpenSSH, which
    /// copies each pattern into a 1024-byte buffer.
    package static let maximumPatternLength = 1023

    /// Whether `name` matches the single glob `pattern` (`*` and `?` wildcards, byte-wise and
    /// case-sensitive). Runs in O(name × pattern) time at worst, never exponential.
    package static func matchesGlob(_ name: some StringProtocol, pattern: some StringProtocol) -> Bool {
        let text = Array(name.utf8)
        let glob = Array(pattern.utf8)
        var textIndex = 0
        var globIndex = 0
        var starGlobIndex: Int? = nil
        var starTextIndex = 0
        while textIndex < text.count {
            if globIndex < glob.count, glob[globIndex] == UInt8(ascii: "*") {
                starGlobIndex = globIndex
                starTextIndex = textIndex
                globIndex += 1
            } else if globIndex < glob.count,
                      glob[globIndex] == UInt8(ascii: "?") || glob[globIndex] == text[textIndex] {
                textIndex += 1
                globIndex += 1
            } else if let star = starGlobIndex {
                // Let the last star swallow one more character and retry from there.
                starTextIndex += 1
                textIndex = starTextIndex
                globIndex = star + 1
            } else {
                return false
            }
        }
        while globIndex < glob.count, glob[globIndex] == UInt8(ascii: "*") { globIndex += 1 }
        return globIndex == glob.count
    }

    /// Matches `name` against a comma-separated pattern list; with `lowercasePatterns` the patterns
    /// are lowercased (ASCII) first, as OpenSSH's `match_pattern_list(..., dolower=1)` does.
    package static func match(_ name: some StringProtocol, patternList: some StringProtocol,
                              lowercasePatterns: Bool) -> ListMatch {
        var sawPositive = false
        for rawPattern in patternList.split(separator: ",", omittingEmptySubsequences: false) {
            var pattern = Substring(rawPattern)
            let isNegated = pattern.first == "!"
            if isNegated { pattern = pattern.dropFirst() }
            guard pattern.utf8.count < maximumPatternLength else { return .noMatch }
            let effective = lowercasePatterns ? asciiLowercased(pattern) : String(pattern)
            if matchesGlob(name, pattern: effective) {
                if isNegated { return .negated }
                sawPositive = true
            }
        }
        return sawPositive ? .matched : .noMatch
    }

    /// Whether the host name `host` matches the pattern list; host names compare case-insensitively
    /// (ASCII), as in OpenSSH's `match_hostname`.
    package static func hostMatches(_ host: some StringProtocol, patternList: some StringProtocol) -> Bool {
        match(asciiLowercased(host), patternList: patternList, lowercasePatterns: true) == .matched
    }

    /// ASCII-only lowercasing (host names are compared byte-wise, never with Unicode case folding).
    package static func asciiLowercased(_ text: some StringProtocol) -> String {
        let bytes = text.utf8.map { byte -> UInt8 in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
