import SSHCore
import Testing

/// ssh_config(5) lexical rules and OpenSSH's readconf.c application order, without files.
@Suite("ssh_config parsing and resolution")
struct SSHConfigDocumentTests {
    static let known: Set<String> = ["hostname", "user", "port", "identityfile", "proxyjump"]

    static func resolve(_ host: String, _ text: String, includes: [String: String] = [:]) -> SSHConfigResolution {
        let resolver = SSHConfigResolver(host: host, knownKeywords: known) { path in
            includes[path].map { [SSHConfigDocument(text: $0, source: path)] } ?? []
        }
        return resolver.resolve([SSHConfigDocument(text: text, source: "test")])
    }

    @Test("keyword forms: case-insensitive, `Key Value`, `Key=Value`, `Key = Value`, quotes, comments")
    func lexicalForms() {
        let document = SSHConfigDocument(text: """
            # comment
              HOSTNAME example.org
            User=alice
            Port = 2222
            IdentityFile "/path/with space/key" # trailing comment
            ProxyJump 'a,b'\t
            IdentityFile a\\ b

            """, source: "t")
        #expect(document.issues.isEmpty)
        #expect(document.entries.map(\.directive) == [
            .option(keyword: "hostname", arguments: ["example.org"]),
            .option(keyword: "user", arguments: ["alice"]),
            .option(keyword: "port", arguments: ["2222"]),
            .option(keyword: "identityfile", arguments: ["/path/with space/key"]),
            .option(keyword: "proxyjump", arguments: ["a,b"]),
            .option(keyword: "identityfile", arguments: ["a b"]),
        ])
        #expect(document.entries.map(\.line) == [2, 3, 4, 5, 6, 7])
    }

    @Test("bad lines are issues with their line numbers, never traps", arguments: [
        "User \"unterminated", "Host", "Port", "=value", "Include",
    ])
    func badLines(_ line: String) {
        let document = SSHConfigDocument(text: "User ok\n" + line, source: "t")
        #expect(document.issues.count == 1)
        #expect(document.issues.first?.line == 2)
    }

    @Test("over-long lines and too many lines are refused within bounds")
    func bounds() {
        let long = "User " + String(repeating: "x", count: SSHConfigDocument.maximumLineLength)
        #expect(SSHConfigDocument(text: long, source: "t").issues.count == 1)
        let many = String(repeating: "\n", count: SSHConfigDocument.maximumLineCount + 5)
        #expect(SSHConfigDocument(text: many, source: "t").issues.count == 1)
    }

    @Test("random bytes never trap and never yield an empty keyword")
    func randomInput() {
        var generator = SplitMix64(seed: 0x5eed)
        let alphabet = Array("Host Match Include User = \"'\\#!*?,\t\n\r abc%é".utf8)
        for _ in 0..<2000 {
            let length = Int(generator.next() % 200)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let document = SSHConfigDocument(text: String(decoding: bytes, as: UTF8.self), source: "fuzz")
            for entry in document.entries {
                if case let .option(keyword, arguments) = entry.directive {
                    #expect(!keyword.isEmpty && !arguments.isEmpty)
                }
            }
            _ = SSHConfigResolver(host: "abc", knownKeywords: Self.known) { _ in [document] }.resolve([document])
        }
    }

    @Test("first obtained value wins; IdentityFile values accumulate")
    func firstWins() {
        let resolution = Self.resolve("web", """
            Host web
              User first
              IdentityFile one
            Host *
              User second
              IdentityFile two
            """)
        #expect(resolution.first("user") == ["first"])
        #expect(resolution.values["identityfile"] == [["one"], ["two"]])
    }

    @Test("Host: several patterns, wildcards, and a negated match that vetoes the line", arguments: [
        ("web1", true), ("web2", false), ("db", true), ("dbx", false), ("WEB1", false),
    ])
    func hostPatterns(host: String, applies: Bool) {
        let resolution = Self.resolve(host, "Host web? !web2 db\n  User matched\n")
        #expect((resolution.first("user") == ["matched"]) == applies)
    }

    @Test("unsupported keywords and Match criteria are skipped with a note, never applied")
    func unsupported() {
        let resolution = Self.resolve("web", """
            ForwardAgent yes
            Match exec "true"
              User fromexec
            Match all
              User fromall
            """)
        #expect(resolution.values["forwardagent"] == nil)
        #expect(resolution.first("user") == ["fromall"])
        #expect(resolution.notes.contains { $0.contains("forwardagent") })
        #expect(resolution.notes.contains { $0.contains("exec") })
    }

    @Test("Match host tests the HostName obtained so far; Match originalhost the name given")
    func matchHost() {
        let text = """
            Host alias
              HostName %h.internal
            Match host alias.internal
              User byhost
            Match originalhost alias
              Port 2022
            """
        let resolution = Self.resolve("alias", text)
        #expect(resolution.first("user") == ["byhost"])
        #expect(resolution.first("port") == ["2022"])
        #expect(SSHConfigResolver.expandHostName("%h.x%%y%", host: "h") == "h.x%y%")
    }

    @Test("an Include inside an inactive Host block applies nothing, and restores the block's state after")
    func includeScoping() {
        let includes = ["inc": "User included\nHost other\n  Port 1\n"]
        let text = "Host db\n  Include inc\n  HostName db.internal\nHost *\n  Port 22\n"
        let database = Self.resolve("db", text, includes: includes)
        #expect(database.first("user") == ["included"])
        #expect(database.first("hostname") == ["db.internal"])
        let web = Self.resolve("web", text, includes: includes)
        #expect(web.first("user") == nil)
        #expect(web.first("hostname") == nil)
        #expect(web.first("port") == ["22"])
    }

    @Test("Include recursion stops at 16 levels with an issue")
    func includeDepth() {
        let resolution = Self.resolve("x", "Include self\n", includes: ["self": "Include self\n"])
        #expect(resolution.issues.count == 1)
        #expect(resolution.issues.first?.reason.contains("16") == true)
    }

    @Test("Regression (FuzzSSHConfig timeout): a file that includes itself twice stops at the depth limit at once, not after 2^16 reads")
    func includeSelfTwice() {
        let clock = ContinuousClock()
        let start = clock.now
        let text = "Include self\nInclude missing\nBadKeyword x\nInclude self\n"
        var reads = 0
        let resolver = SSHConfigResolver(host: "x", knownKeywords: Self.known) { path in
            reads += 1
            return path == "self" ? [SSHConfigDocument(text: text, source: "self")] : []
        }
        let resolution = resolver.resolve([SSHConfigDocument(text: text, source: "test")])
        #expect(clock.now - start < .seconds(5))
        #expect(reads == SSHConfigResolver.maximumIncludeDepth, "the first issue ends the walk")
        #expect(resolution.issues.map(\.reason) == ["Include nested more than 16 levels deep"])
    }

    @Test("a wide include tree stops after 1024 included files in all, with one issue")
    func includeFanOut() {
        // 40 files that each include 40 files: 1,640 reads at depth 2.
        var reads = 0
        let resolver = SSHConfigResolver(host: "x", knownKeywords: Self.known) { path in
            reads += 1
            let text = path == "mid" ? String(repeating: "Include leaf\n", count: 40) : "User alice\n"
            return [SSHConfigDocument(text: text, source: path)]
        }
        let resolution = resolver.resolve([SSHConfigDocument(text: String(repeating: "Include mid\n", count: 40), source: "test")])
        #expect(resolution.issues.map(\.reason) == ["more than \(SSHConfigResolver.maximumIncludedDocuments) included files read in all"])
        #expect(reads == SSHConfigResolver.maximumIncludedDocuments + 1)
    }

    @Test("notes are capped, with a count of the ones left out")
    func notesCapped() {
        let text = (0..<300).map { "Unsupported\($0) x\n" }.joined()
        let resolution = Self.resolve("x", text)
        #expect(resolution.issues.isEmpty)
        #expect(resolution.notes.count == SSHConfigResolver.maximumNotes + 1)
        #expect(resolution.notes.last == "\(300 - SSHConfigResolver.maximumNotes) more notes not shown")
    }

    @Test("a fan-out that stays under the include limit resolves normally")
    func includeFanOutUnderLimit() {
        let leaf = "HostName leaf.internal\n"
        let text = String(repeating: "Include leaf\n", count: 100) + "User alice\n"
        let resolution = Self.resolve("x", text, includes: ["leaf": leaf])
        #expect(resolution.issues.isEmpty)
        #expect(resolution.first("hostname") == ["leaf.internal"])
        #expect(resolution.values["hostname"]?.count == 100)
        #expect(resolution.first("user") == ["alice"])
    }
}

/// A small deterministic generator for the random-input test.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
