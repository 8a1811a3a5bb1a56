import SSHCore
import Testing

/// Pattern lists as sshd(8) PATTERNS and SSH_KNOWN_HOSTS FILE FORMAT describe them.
@Suite("Host pattern matching")
struct HostPatternMatcherTests {
    @Test("`*` matches any run of characters, `?` exactly one", arguments: [
        ("a.example", "*.example", true),
        ("example", "*.example", false),
        (".example", "*.example", true),
        ("a.b.example", "*.example", true),
        ("host1.example", "host?.example", true),
        ("host.example", "host?.example", false),
        ("host12.example", "host?.example", false),
        ("anything", "*", true),
        ("", "*", true),
        ("abc", "a*b*c", true),
        ("aXbYc", "a*b*c", true),
        ("aXbY", "a*b*c", false),
        ("mississippi", "*sip*", true),
        ("mississippi", "m*iss*ppi", true),
        ("mississippi", "m*iss*ppx", false),
        ("[h.example]:2222", "[*.example]:22??", true),
        ("[h.example]:22", "[*.example]:22??", false),
        ("abc", "abc", true),
        ("abc", "ab", false),
        ("ab", "abc", false),
        ("Abc", "abc", false),
    ])
    func glob(_ name: String, _ pattern: String, _ expected: Bool) {
        #expect(HostPatternMatcher.matchesGlob(name, pattern: pattern) == expected)
    }

    @Test("a list matches if a positive pattern matches and no negated one does")
    func lists() {
        let list = "*.wild.example,!deny.wild.example"
        #expect(HostPatternMatcher.match("a.wild.example", patternList: list, lowercasePatterns: true) == .matched)
        #expect(HostPatternMatcher.match("deny.wild.example", patternList: list, lowercasePatterns: true) == .negated)
        #expect(HostPatternMatcher.match("other.example", patternList: list, lowercasePatterns: true) == .noMatch)
        // A negated pattern alone never makes a match.
        #expect(HostPatternMatcher.match("x.example", patternList: "!y.example", lowercasePatterns: true) == .noMatch)
        // Negation wins whatever its position in the list.
        #expect(HostPatternMatcher.match("deny.wild.example", patternList: "!deny.wild.example,*", lowercasePatterns: true) == .negated)
        #expect(HostPatternMatcher.match("b.example", patternList: "a.example,b.example,c.example", lowercasePatterns: true) == .matched)
    }

    @Test("host names compare case-insensitively (ASCII)")
    func caseInsensitive() {
        #expect(HostPatternMatcher.hostMatches("UPPER.example", patternList: "upper.EXAMPLE"))
        #expect(HostPatternMatcher.hostMatches("upper.example", patternList: "UPPER.Example"))
        #expect(!HostPatternMatcher.hostMatches("upper.example", patternList: "!UPPER.Example,*"))
        // Pattern-list matching without lowercasing is case-sensitive.
        #expect(HostPatternMatcher.match("abc", patternList: "ABC", lowercasePatterns: false) == .noMatch)
    }

    @Test("a pattern of 1023 bytes or more makes the list fail, as OpenSSH's 1024-byte buffer does")
    func overlongPattern() {
        let name = String(repeating: "a", count: 1100)
        #expect(!HostPatternMatcher.hostMatches(name, patternList: "x," + name))
        #expect(!HostPatternMatcher.hostMatches("x", patternList: "x," + name))
        let shortName = String(repeating: "a", count: 1022)
        #expect(HostPatternMatcher.hostMatches(shortName, patternList: shortName))
    }

    @Test("many stars do not take exponential time")
    func pathologicalPattern() {
        let name = String(repeating: "a", count: 200)
        let pattern = String(repeating: "*a", count: 60) + "b"
        #expect(!HostPatternMatcher.matchesGlob(name, pattern: pattern))
    }
}
