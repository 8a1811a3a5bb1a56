import SSHCore
import Testing

/// Parsing of the file format (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT) and the `ssh-keygen -F` report.
@Suite("known_hosts parsing")
struct KnownHostsDocumentTests {
    @Test("the fixture: every host line is an entry; comments and blank lines are not; malformed lines are skipped")
    func fixtureStructure() throws {
        let document = try KnownHostsFixture.document()
        #expect(document.entries.map(\.lineNumber) == [4, 6, 8, 9, 11, 12, 14, 17, 18, 19, 21, 22, 23, 25, 27, 29, 30, 31, 32, 33, 41])
        #expect(document.skippedLineNumbers == [36, 37, 38, 39])
        let markers = Dictionary(uniqueKeysWithValues: document.entries.map { ($0.lineNumber, $0.marker) })
        #expect(markers[21] == .revoked)
        #expect(markers[25] == .revoked)
        #expect(markers[27] == .certificateAuthority)
        #expect(markers[4] == KnownHostsEntry.Marker.none)
        let hashed = document.entries.filter(\.isHashed).map(\.lineNumber)
        #expect(hashed == [17, 18, 19])
        let garbage = try #require(document.entries.last)
        #expect(garbage.key == .invalid)
        #expect(garbage.keyType == "ssh-ed25519")
    }

    @Test("key types of the fixture lines")
    func keyTypes() throws {
        let document = try KnownHostsFixture.document()
        let types = Dictionary(uniqueKeysWithValues: document.entries.map { ($0.lineNumber, $0.keyType) })
        #expect(types[4] == "ssh-ed25519")
        #expect(types[6] == "ecdsa-sha2-nistp256")
        #expect(types[9] == "ssh-rsa")
        #expect(types[11] == "ecdsa-sha2-nistp384")
        #expect(types[12] == "ecdsa-sha2-nistp521")
        #expect(document.entries.filter { $0.lineNumber != 41 }.allSatisfy {
            if case .supported = $0.key { return true } else { return false }
        })
    }

    @Test("the -F report has ssh-keygen's exact layout (observed from OpenSSH 9.2 ssh-keygen -F)")
    func findReportLayout() {
        let text = "# c\n\nexample.com,other.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA c1\n"
            + "@revoked example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA\n"
            + "@cert-authority *.ca.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA\n"
        let document = KnownHostsDocument(text: text, source: "f1")
        #expect(document.findReport(name: "example.com") == """
            # Host example.com found: line 3 \nexample.com,other.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA c1
            # Host example.com found: line 4 REVOKED
            @revoked example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA

            """)
        #expect(document.findReport(name: "foo.ca.test") == """
            # Host foo.ca.test found: line 5 CA
            @cert-authority *.ca.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA

            """)
        #expect(document.findReport(name: "nothing.test") == "")
    }

    @Test("CRLF line ends, a missing final newline and odd whitespace still parse")
    func lineEndings() {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA"
        let document = KnownHostsDocument(text: "a.example \(key)\r\n \t b.example\t\t\(key)", source: "x")
        #expect(document.entries.map(\.lineNumber) == [1, 2])
        #expect(document.entries.allSatisfy { if case .supported = $0.key { return true } else { return false } })
    }

    @Test("malformed lines are skipped, never crash", arguments: [
        "@revoked",
        "@revoked ",
        "@revoked@cert-authority host ssh-ed25519 AAAA",
        "@revoked @cert-authority host ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA",
        "host",
        "host ssh-ed25519",
        "host ssh-ed25519 ",
        "host ssh-ed25519 #comment",
        "host x AAAA",
        "host 1024 65537 123",
        "|1|AAAA|BBBB ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA",
        "|1| ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA",
    ])
    func malformed(_ line: String) {
        let document = KnownHostsDocument(text: line + "\n", source: "x")
        #expect(document.entries.isEmpty)
        #expect(document.skippedLineNumbers == [1])
    }

    @Test("keys that do not decode or name another type are entries with an invalid key", arguments: [
        "host ssh-ed25519 AAAA!!!!",
        "host ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA",
        "host ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdo",
        "host unknown-type AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA",
    ])
    func invalidKeys(_ line: String) {
        let document = KnownHostsDocument(text: line, source: "x")
        #expect(document.entries.map(\.key) == [.invalid])
    }

    @Test("a key of a type OpenSSH knows but we do not use still counts as a known key")
    func unsupportedType() throws {
        // A syntactically valid ssh-dss blob: string "ssh-dss" and four mpints.
        let blob: [UInt8] = [0, 0, 0, 7] + Array("ssh-dss".utf8) + [0, 0, 0, 1, 5, 0, 0, 0, 1, 3, 0, 0, 0, 1, 2, 0, 0, 0, 1, 4]
        let document = KnownHostsDocument(text: "dss.example ssh-dss \(Base64.encode(blob))\n", source: "x")
        #expect(document.entries.map(\.key) == [.unsupported(blob: blob)])
        let ed25519 = try KnownHostsFixture.key("ed25519-a")
        guard case let .mismatch(expected) = KnownHosts.lookup(name: "dss.example", key: ed25519, in: [document]) else {
            Issue.record("a known DSA key must make another key a mismatch, as in OpenSSH")
            return
        }
        #expect(expected.map(\.keyType) == ["ssh-dss"])
    }
}
