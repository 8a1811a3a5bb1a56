import Foundation
@testable import SwiftSSH
import Testing

/// The public known_hosts API and the policies, on files only (no network).
@Suite("known_hosts file and host-key policies")
struct KnownHostsPolicyTests {
    static func context(_ host: String, _ port: Int, _ key: SSHHostKey) -> HostKeyValidator.Context {
        HostKeyValidator.Context(host: host, port: port, hostKey: key)
    }

    static func reason(_ verdict: HostKeyVerdict) -> String? {
        if case let .reject(reason) = verdict { return reason }
        return nil
    }

    @Test("public lookup results carry locations and fingerprints")
    func publicLookup() throws {
        let file = KnownHostsFile(path: HostTrustSupport.fixturePath)
        let ed25519A = try HostTrustSupport.fixtureKey("ed25519-a")
        let ed25519B = try HostTrustSupport.fixtureKey("ed25519-b")
        #expect(try file.lookup(host: "plain.example", key: ed25519A) == .trusted(KnownHostsLocation(file: file.path, line: 4)))
        #expect(try file.lookup(host: "revoked.example", key: ed25519B) == .revoked(KnownHostsLocation(file: file.path, line: 21)))
        #expect(try file.lookup(host: "nowhere.example", key: ed25519A) == .unknown)
        #expect(try file.lookup(host: "x.ca.example", key: try HostTrustSupport.fixtureKey("ca-ed25519")) == .unknown)
        let rsa = try HostTrustSupport.fixtureKey("rsa3072")
        #expect(try file.lookup(host: "plain.example", key: ed25519B) == .mismatch(expected: [
            KnownHostsExpectedKey(keyType: "ssh-ed25519", fingerprintSHA256: ed25519A.fingerprintSHA256,
                                  location: KnownHostsLocation(file: file.path, line: 4)),
        ]))
        #expect(try file.lookup(host: "port.example", port: 2222, key: rsa) == .mismatch(expected: [
            KnownHostsExpectedKey(keyType: "ssh-ed25519", fingerprintSHA256: ed25519B.fingerprintSHA256,
                                  location: KnownHostsLocation(file: file.path, line: 8)),
        ]))
        #expect(try file.knownKeyTypes(host: "multi.example") == ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"])
        #expect(try KnownHostsFile(path: "/nonexistent/dir/known_hosts").lookup(host: "plain.example", key: ed25519A) == .unknown)
    }

    @Test("appending keeps every existing byte, and adds a newline the file lacked")
    func appendKeepsLines() throws {
        let scratch = try HostTrustScratch()
        let path = scratch.path("sub/dir/known_hosts")
        try FileManager.default.createDirectory(atPath: scratch.path("sub/dir"), withIntermediateDirectories: true)
        let original = "# my comment\n\nold.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAw6IdnIvAxeV+kEWLQsFl9oCvBH2vTM0CMJ7xhLdoaA no-newline"
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        let file = KnownHostsFile(path: path)
        let key = try HostTrustSupport.fixtureKey("ecdsa256")
        try file.append(host: "new.example", port: 2022, key: key)
        try file.append(host: "new2.example", key: key, hashed: true)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(original + "\n[new.example]:2022 " + key.openSSHRepresentation + "\n|1|"))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 6)
        #expect(try file.lookup(host: "new.example", port: 2022, key: key) == .trusted(KnownHostsLocation(file: path, line: 4)))
        #expect(try file.lookup(host: "NEW2.example", key: key) == .trusted(KnownHostsLocation(file: path, line: 5)))
    }

    @Test("append creates a missing file and directory")
    func appendCreates() throws {
        let scratch = try HostTrustScratch()
        let file = KnownHostsFile(path: scratch.path("new-ssh-dir/known_hosts"))
        let key = try HostTrustSupport.fixtureKey("ed25519-a")
        try file.append(host: "h.example", key: key)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "h.example \(key.openSSHRepresentation)\n")
    }

    @Test("`~/` expands to the home directory; the default file is ~/.ssh/known_hosts")
    func tilde() {
        #expect(KnownHostsFile.default.path == "~/.ssh/known_hosts")
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        if !home.isEmpty { #expect(KnownHostsFile.default.expandedPath == home + "/.ssh/known_hosts") }
        #expect(KnownHostsFile(path: "/abs/known_hosts").expandedPath == "/abs/known_hosts")
    }

    @Test("strict: a changed key is refused with OpenSSH's words, both fingerprints and file:line")
    func strictMismatch() async throws {
        let validator = HostKeyValidator.knownHosts([KnownHostsFile(path: HostTrustSupport.fixturePath)])
        let received = try HostTrustSupport.fixtureKey("ecdsa384")
        let verdict = await validator.validate(Self.context("port.example", 2222, received))
        let reason = try #require(Self.reason(verdict))
        let expected = try HostTrustSupport.fixtureKey("ed25519-b")
        #expect(reason.contains("REMOTE HOST IDENTIFICATION HAS CHANGED for port.example port 2222"))
        #expect(reason.contains("The fingerprint for the ecdsa-sha2-nistp384 key sent by the remote host is \(received.fingerprintSHA256)."))
        #expect(reason.contains("Offending ssh-ed25519 key in \(HostTrustSupport.fixturePath):8 has fingerprint \(expected.fingerprintSHA256)."))
        #expect(reason.contains("Host key for [port.example]:2222 has changed and you have requested strict checking."))
        #expect(reason.contains("Host key verification failed."))
    }

    @Test("strict: unknown and revoked keys are refused; a known key is accepted")
    func strictOthers() async throws {
        let validator = HostKeyValidator.knownHosts([KnownHostsFile(path: HostTrustSupport.fixturePath)])
        let ed25519A = try HostTrustSupport.fixtureKey("ed25519-a")
        #expect(await validator.validate(Self.context("hashed.example", 22, ed25519A)) == .accept)
        let unknown = try #require(Self.reason(await validator.validate(Self.context("nowhere.example", 22, ed25519A))))
        #expect(unknown.contains("No host key is known for nowhere.example"))
        #expect(unknown.contains(ed25519A.fingerprintSHA256))
        let ca = try #require(Self.reason(await validator.validate(Self.context("h.ca.example", 22, try HostTrustSupport.fixtureKey("ca-ed25519")))))
        #expect(ca.contains("host certificates are not supported yet"))
        #expect(ca.contains("\(HostTrustSupport.fixturePath):27"))
        let revokedKey = try HostTrustSupport.fixtureKey("ed25519-b")
        let revoked = try #require(Self.reason(await validator.validate(Self.context("revoked.example", 22, revokedKey))))
        #expect(revoked.contains("is marked as revoked in \(HostTrustSupport.fixturePath):21"))
        #expect(revoked.contains(revokedKey.fingerprintSHA256))
        #expect(await validator.knownKeyTypes(host: "MULTI.example", port: 22) == ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"])
        #expect(await HostKeyValidator.insecurelyAcceptAnyHostKey().knownKeyTypes(host: "multi.example", port: 22).isEmpty)
    }

    @Test("strict: an unreadable file refuses with the reason")
    func unreadable() async throws {
        let scratch = try HostTrustScratch()
        // A directory where a file is expected cannot be read as one.
        let validator = HostKeyValidator.knownHosts([KnownHostsFile(path: scratch.url.path)])
        let reason = try #require(Self.reason(await validator.validate(Self.context("h", 22, try HostTrustSupport.fixtureKey("ed25519-a")))))
        #expect(reason.contains("cannot read known_hosts file \(scratch.url.path)"))
    }

    @Test("accept-new appends an unknown host once, then trusts it, and still refuses a changed key")
    func acceptNew() async throws {
        let scratch = try HostTrustScratch()
        let file = KnownHostsFile(path: scratch.path("known_hosts"))
        let validator = HostKeyValidator.acceptNew([file])
        let key = try HostTrustSupport.fixtureKey("ed25519-a")
        #expect(await validator.validate(Self.context("First.Example", 2222, key)) == .accept)
        #expect(await validator.validate(Self.context("first.example", 2222, key)) == .accept)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "[first.example]:2222 \(key.openSSHRepresentation)\n")
        let changed = try HostTrustSupport.fixtureKey("ed25519-b")
        let reason = try #require(Self.reason(await validator.validate(Self.context("first.example", 2222, changed))))
        #expect(reason.contains("REMOTE HOST IDENTIFICATION HAS CHANGED"))
        #expect(reason.contains("\(file.path):1"))
        #expect(try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test("accept-new with hashing writes a hashed line; concurrent first connections append once")
    func acceptNewHashedConcurrent() async throws {
        let scratch = try HostTrustScratch()
        let file = KnownHostsFile(path: scratch.path("known_hosts"))
        let validator = HostKeyValidator.acceptNew([file], hashNewEntries: true)
        let key = try HostTrustSupport.fixtureKey("ecdsa521")
        let verdicts = await withTaskGroup(of: HostKeyVerdict.self) { group in
            for _ in 0..<8 { group.addTask { await validator.validate(Self.context("h.example", 22, key)) } }
            return await group.reduce(into: [HostKeyVerdict]()) { $0.append($1) }
        }
        #expect(verdicts == Array(repeating: .accept, count: 8))
        let lines = try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("|1|") == true)
        #expect(try file.lookup(host: "h.example", key: key) == .trusted(KnownHostsLocation(file: file.path, line: 1)))
    }

    @Test("accept-new refuses a revoked key of an unknown host")
    func acceptNewRevoked() async throws {
        let scratch = try HostTrustScratch()
        let learning = KnownHostsFile(path: scratch.path("known_hosts"))
        let validator = HostKeyValidator.acceptNew([learning, KnownHostsFile(path: HostTrustSupport.fixturePath)])
        let reason = try #require(Self.reason(await validator.validate(Self.context("new.example", 22, try HostTrustSupport.fixtureKey("revoked-ecdsa256")))))
        #expect(reason.contains("revoked in \(HostTrustSupport.fixturePath):25"))
        #expect(!FileManager.default.fileExists(atPath: learning.path))
    }
}
