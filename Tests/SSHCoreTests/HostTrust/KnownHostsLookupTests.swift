import Foundation
import SSHCore
import SSHCrypto
import Testing

/// Lookups in the fixture, with the expected answers of OpenSSH's client (hostfile.c
/// `check_key_in_hostkeys`): revoked wins, then an equal key, then any other key is a mismatch.
@Suite("known_hosts lookup")
struct KnownHostsLookupTests {
    /// What a lookup should say, by line numbers of the fixture.
    enum Expected: Equatable, CustomStringConvertible {
        case trusted(line: Int)
        case mismatch(lines: [Int])
        case unknown
        case revoked(line: Int)
        var description: String {
            switch self {
            case let .trusted(line): return "trusted at \(line)"
            case let .mismatch(lines): return "mismatch with \(lines)"
            case .unknown: return "unknown"
            case let .revoked(line): return "revoked at \(line)"
            }
        }
    }

    static func summarize(_ verdict: KnownHostsVerdict) -> Expected {
        switch verdict {
        case let .trusted(entry): return .trusted(line: entry.lineNumber)
        case let .mismatch(expected): return .mismatch(lines: expected.map(\.lineNumber))
        case .unknown: return .unknown
        case let .revoked(entry): return .revoked(line: entry.lineNumber)
        }
    }

    @Test("host, port and key give OpenSSH's answer", arguments: [
        ("plain.example", 22, "ed25519-a", Expected.trusted(line: 4)),
        ("PLAIN.example", 22, "ed25519-a", .trusted(line: 4)),
        ("plain.example", 22, "ed25519-b", .mismatch(lines: [4])),
        ("plain.example", 2222, "ed25519-a", .unknown),
        ("list2.example", 22, "ecdsa256", .trusted(line: 6)),
        ("192.0.2.10", 22, "ecdsa256", .trusted(line: 6)),
        ("list3.example", 22, "ecdsa256", .unknown),
        ("port.example", 2222, "ed25519-b", .trusted(line: 8)),
        ("port.example", 22, "rsa3072", .trusted(line: 9)),
        ("port.example", 22, "ed25519-b", .mismatch(lines: [9])),
        ("port.example", 2222, "rsa3072", .mismatch(lines: [8])),
        ("a.wild.example", 22, "ecdsa384", .trusted(line: 11)),
        ("deny.wild.example", 22, "ecdsa384", .unknown),
        ("wild.example", 22, "ecdsa384", .unknown),
        ("host7.qmark.example", 22, "ecdsa521", .trusted(line: 12)),
        ("host77.qmark.example", 22, "ecdsa521", .unknown),
        ("x.ports.example", 2200, "ed25519-a", .trusted(line: 14)),
        ("x.ports.example", 22, "ed25519-a", .unknown),
        ("hashed.example", 22, "ed25519-a", .trusted(line: 17)),
        ("HASHED.example", 22, "ed25519-a", .trusted(line: 17)),
        ("hashed.example", 2222, "ed25519-b", .trusted(line: 18)),
        ("hashed.example", 2222, "ed25519-a", .mismatch(lines: [18])),
        ("198.51.100.7", 22, "ecdsa384", .trusted(line: 19)),
        ("revoked.example", 22, "ed25519-b", .revoked(line: 21)),
        ("revoked.example", 22, "ecdsa256", .trusted(line: 23)),
        ("anyhost.example", 22, "revoked-ecdsa256", .revoked(line: 25)),
        ("plain.example", 22, "revoked-ecdsa256", .revoked(line: 25)),
        ("multi.example", 22, "ecdsa256", .trusted(line: 30)),
        ("multi.example", 22, "ecdsa384", .mismatch(lines: [29, 30, 31])),
        ("tabs.example", 22, "ed25519-b", .trusted(line: 32)),
        ("upper.example", 22, "ecdsa521", .trusted(line: 33)),
        ("bogus.example", 22, "ed25519-a", .unknown),
        ("truncated.example", 22, "ed25519-a", .unknown),
        ("garbage.example", 22, "ed25519-a", .unknown),
        ("nowhere.example", 22, "ed25519-a", .unknown),
    ])
    func lookup(_ host: String, _ port: Int, _ keyName: String, _ expected: Expected) throws {
        let document = try KnownHostsFixture.document()
        let key = try KnownHostsFixture.key(keyName)
        let name = KnownHosts.clientLookupName(host: host, port: port)
        #expect(Self.summarize(KnownHosts.lookup(name: name, key: key, in: [document])) == expected)
    }

    @Test("client lookup: a non-22 port falls back to the bare host name for an exact or revoked key (observed with OpenSSH 9.2 ssh)", arguments: [
        ("plain.example", 2222, "ed25519-a", Expected.trusted(line: 4)),
        ("plain.example", 2222, "ed25519-b", .unknown),
        ("revoked.example", 2222, "ed25519-b", .revoked(line: 21)),
        ("port.example", 2222, "rsa3072", .mismatch(lines: [8])),
        ("hashed.example", 2200, "ed25519-a", .trusted(line: 17)),
        ("x.ports.example", 22, "ed25519-a", .unknown),
    ])
    func clientLookup(_ host: String, _ port: Int, _ keyName: String, _ expected: Expected) throws {
        let document = try KnownHostsFixture.document()
        let key = try KnownHostsFixture.key(keyName)
        #expect(Self.summarize(KnownHosts.clientLookup(host: host, port: port, key: key, in: [document])) == expected)
    }

    @Test("@cert-authority lines are reported, never trusted")
    func certificateAuthority() throws {
        let document = try KnownHostsFixture.document()
        let ca = try KnownHostsFixture.key("ca-ed25519")
        let verdict = KnownHosts.lookup(name: "host.ca.example", key: ca, in: [document])
        guard case let .unknown(authorities) = verdict else {
            Issue.record("expected unknown, got \(verdict)")
            return
        }
        #expect(authorities.map(\.lineNumber) == [27])
        #expect(authorities.first?.marker == .certificateAuthority)
    }

    @Test("several files are taken together, locations name each file")
    func severalFiles() throws {
        let first = try KnownHostsFixture.document()
        let second = KnownHostsDocument(text: "\nother.example \(try lineKey("ed25519-b"))\nplain.example \(try lineKey("ecdsa256"))\n",
                                        source: "second")
        let key = try KnownHostsFixture.key("ecdsa256")
        guard case let .trusted(entry) = KnownHosts.lookup(name: "plain.example", key: key, in: [first, second]) else {
            Issue.record("expected trusted")
            return
        }
        #expect(entry.location == "second:3")
        let other = try KnownHostsFixture.key("ecdsa384")
        guard case let .mismatch(expected) = KnownHosts.lookup(name: "plain.example", key: other, in: [first, second]) else {
            Issue.record("expected mismatch")
            return
        }
        #expect(expected.map(\.location) == ["\(KnownHostsFixture.label):4", "second:3"])
    }

    @Test("known key types come from plain, parseable lines only")
    func knownKeyTypes() throws {
        let document = try KnownHostsFixture.document()
        #expect(KnownHosts.knownKeyTypes(name: "multi.example", in: [document]) == ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"])
        #expect(KnownHosts.knownKeyTypes(name: "revoked.example", in: [document]) == ["ssh-ed25519", "ecdsa-sha2-nistp256"])
        #expect(KnownHosts.knownKeyTypes(name: "garbage.example", in: [document]).isEmpty)
        #expect(KnownHosts.knownKeyTypes(name: "x.ca.example", in: [document]).isEmpty)
    }

    @Test("a new line is `name type base64`, hashed on request")
    func newLine() throws {
        let key = try KnownHostsFixture.key("ed25519-a")
        let plain = KnownHosts.newLine(name: "[new.example]:2222", key: key, hashedWith: nil)
        #expect(plain == "[new.example]:2222 \(try lineKey("ed25519-a"))\n")
        let hashed = KnownHosts.newLine(name: "[new.example]:2222", key: key,
                                        hashedWith: DeterministicRandomSource(seed: Array("known_hosts".utf8)))
        let document = KnownHostsDocument(text: hashed, source: "new")
        #expect(document.entries.count == 1)
        #expect(document.entries.first?.isHashed == true)
        #expect(Self.summarize(KnownHosts.lookup(name: "[new.example]:2222", key: key, in: [document])) == .trusted(line: 1))
        #expect(KnownHosts.lookup(name: "new.example", key: key, in: [document]) == .unknown(certificateAuthorities: []))
    }

    /// `type base64` of a fixture key.
    func lineKey(_ name: String) throws -> String {
        let line = try String(contentsOf: KnownHostsFixture.directory.appendingPathComponent("keys/\(name).pub"), encoding: .utf8)
        return line.split(separator: " ").prefix(2).joined(separator: " ")
    }
}

