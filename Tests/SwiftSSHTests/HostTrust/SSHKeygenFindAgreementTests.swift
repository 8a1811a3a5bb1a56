import Foundation
import SSHDHarness
import SwiftSSH
import Testing

/// `KnownHostsFile.findHost` prints exactly what OpenSSH's `ssh-keygen -F name -f file` prints, for
/// the fixture and for the fixture hashed by `ssh-keygen -H`.
@Suite("known_hosts agrees with ssh-keygen -F", .tags(.interop), .enabled(if: HostTrustSupport.keygenAvailable))
struct SSHKeygenFindAgreementTests {
    static let names = [
        "plain.example", "PLAIN.EXAMPLE", "[plain.example]:2222", "list1.example", "list2.example", "192.0.2.10",
        "list3.example", "[port.example]:2222", "port.example", "[port.example]:22", "a.wild.example",
        "deny.wild.example", "DENY.wild.example", "wild.example", "host1.qmark.example", "host12.qmark.example",
        "[x.ports.example]:2200", "x.ports.example", "hashed.example", "HASHED.example", "[hashed.example]:2222",
        "198.51.100.7", "revoked.example", "anything.example", "x.ca.example", "multi.example", "tabs.example",
        "upper.example", "UPPER.EXAMPLE", "bogus.example", "bad-hash.example", "truncated.example", "ssh1.example",
        "garbage.example", "nowhere.example", "*", "",
    ]

    @Test("the committed fixture", arguments: names)
    func fixture(_ name: String) throws {
        let ours = try KnownHostsFile(path: HostTrustSupport.fixturePath).findHost(name)
        let theirs = try HostTrustSupport.keygenFind(name, file: HostTrustSupport.fixturePath)
        #expect(ours == theirs, "ssh-keygen -F \(name)")
        // Every name matches the `@revoked *` line 25; absent names match nothing else.
        let hits = theirs.components(separatedBy: "# Host ").count - 1
        #expect(theirs.contains("found: line 25 REVOKED\n"), "ssh-keygen -F \(name): \(theirs)")
        #expect((hits == 1) == Self.absentNames.contains(name), "ssh-keygen -F \(name): \(theirs)")
    }

    /// Names that no line but `@revoked *` names, per sshd(8) (and ssh-keygen -F agrees).
    static let absentNames: Set<String> = [
        "[plain.example]:2222", "list3.example", "[port.example]:22", "deny.wild.example", "DENY.wild.example",
        "wild.example", "host12.qmark.example", "x.ports.example", "HASHED.example", "bogus.example",
        "bad-hash.example", "truncated.example", "ssh1.example", "nowhere.example", "", "anything.example", "*",
    ]

    @Test("the fixture after ssh-keygen -H hashed every name it could")
    func hashedFixture() throws {
        let scratch = try HostTrustScratch()
        let copy = scratch.path("known_hosts")
        // ssh-keygen -H refuses a file with malformed lines, so hash the part before them.
        let fixture = try String(contentsOfFile: HostTrustSupport.fixturePath, encoding: .utf8)
        let wellFormed = try #require(fixture.components(separatedBy: "# Malformed lines").first)
        try wellFormed.write(toFile: copy, atomically: false, encoding: .utf8)
        try HarnessProcess.runChecked(executable: HostTrustSupport.keygenPath, arguments: ["-q", "-H", "-f", copy])
        let hashedText = try String(contentsOfFile: copy, encoding: .utf8)
        #expect(hashedText.contains("|1|"))
        var found = 0
        for name in Self.names {
            let ours = try KnownHostsFile(path: copy).findHost(name)
            let theirs = try HostTrustSupport.keygenFind(name, file: copy)
            #expect(ours == theirs, "ssh-keygen -F \(name) on the hashed file")
            if theirs.components(separatedBy: "# Host ").count > 2 { found += 1 }
        }
        // Not a vacuous comparison: most names are found (plain, hashed, wildcard, marked lines).
        #expect(found >= 15)
    }

    @Test("entries we append, plain and hashed, are found by ssh-keygen -F")
    func appendedEntries() throws {
        let scratch = try HostTrustScratch()
        let file = KnownHostsFile(path: scratch.path("known_hosts"))
        let key = try HostTrustSupport.fixtureKey("ecdsa384")
        try file.append(host: "Appended.Example", port: 22, key: key)
        try file.append(host: "appended.example", port: 2222, key: key, hashed: true)
        try file.append(host: "hashed-only.example", port: 22, key: key, hashed: true)
        for name in ["appended.example", "[appended.example]:2222", "hashed-only.example", "[hashed-only.example]:22"] {
            let theirs = try HostTrustSupport.keygenFind(name, file: file.path)
            #expect(try file.findHost(name) == theirs, "ssh-keygen -F \(name)")
        }
        #expect(try HostTrustSupport.keygenFind("[appended.example]:2222", file: file.path).contains("found: line 2"))
        #expect(try HostTrustSupport.keygenFind("hashed-only.example", file: file.path).contains("found: line 3"))
    }
}
