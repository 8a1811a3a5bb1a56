import Foundation
import SSHDHarness
import SwiftSSH
import Testing

/// The host-key policies through the public `SSHClient.connect`, against sshd: pinned fingerprints,
/// a custom closure, and known_hosts with a server that has several host keys (OpenSSH's
/// order_hostkeyalgs: no false mismatch when known_hosts holds only one of them).
@Suite("Host-key policies through SSHClient.connect against sshd", .tags(.interop), .serialized)
struct HostKeyPolicyInteropTests {
    /// sshd with `hostKeyTypes`, authorizing a fresh key; returns the server and the key.
    static func start(hostKeyTypes: [SSHDHostKeyType]) async throws -> (SSHDServer, SSHPrivateKey) {
        let key = try SSHPrivateKey.generate(.ed25519)
        var configuration = SSHDConfiguration()
        configuration.hostKeyTypes = hostKeyTypes
        configuration.authorizedKeys = [key.publicKey.openSSHLine]
        let ready = configuration
        return (try await onThread { try SSHDServer.start(ready) }, key) // keeps the cooperative pool free
    }

    /// The SHA256 fingerprint of a `type base64 [comment]` line.
    static func fingerprint(_ line: String?) throws -> String {
        try SSHPublicKey(openSSHLine: try #require(line)).fingerprintSHA256
    }

    @Test("Pinned fingerprints: the server's accepted; any other refused with the received fingerprint")
    func pinnedFingerprints() async throws {
        let (server, key) = try await Self.start(hostKeyTypes: [.ed25519])
        defer { server.stop() }
        guard !server.isExternal else { return }
        let actual = try Self.fingerprint(server.hostPublicKeys[.ed25519])
        let client = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                 authentication: [.privateKey(key)],
                                                 hostKeyValidator: .pinnedFingerprints(["SHA256:not-this-one", actual]))
        #expect(client.hostKey.fingerprintSHA256 == actual)
        await client.close()

        let other = try SSHPrivateKey.generate(.ed25519).publicKey.fingerprintSHA256
        do {
            let refused = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                      authentication: [.privateKey(key)],
                                                      hostKeyValidator: .pinnedFingerprints([other]))
            await refused.close()
            Issue.record("connected although the pinned fingerprint differs")
        } catch let error as SSHError {
            #expect(error.code == .hostKeyRejected)
            #expect(error.message.contains(actual), "\(error.message)")
        }
    }

    @Test("A custom closure sees host, port and key, and its rejection reason reaches the error")
    func customClosure() async throws {
        let (server, key) = try await Self.start(hostKeyTypes: [.ed25519])
        defer { server.stop() }
        let seen = SeenContexts()
        do {
            let client = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                     authentication: [.privateKey(key)],
                                                     hostKeyValidator: .custom { context in
                                                         await seen.add("\(context.host) \(context.port) \(context.hostKey.keyType)")
                                                         return .reject(reason: "not on the list of bastions")
                                                     })
            await client.close()
            Issue.record("connected although the closure rejected the key")
        } catch let error as SSHError {
            #expect(error.code == .hostKeyRejected)
            #expect(error.message.contains("not on the list of bastions"), "\(error.message)")
        }
        #expect(await seen.all == ["\(server.host) \(server.port) ssh-ed25519"])
    }

    @Test("known_hosts holding only one of a server's host keys: key types known for the host are offered first, so it connects",
          arguments: [SSHDHostKeyType.ecdsa256, .rsa3072])
    func severalHostKeysNoFalseMismatch(known: SSHDHostKeyType) async throws {
        let (server, key) = try await Self.start(hostKeyTypes: [.ed25519, .ecdsa256, .rsa3072])
        defer { server.stop() }
        guard !server.isExternal else { return }
        let scratch = try ClientScratch()
        let knownHosts = scratch.url.appendingPathComponent("known_hosts").path
        let knownLine = try #require(server.hostPublicKeys[known])
        let line = try #require(server.knownHostsLines().first { $0.contains(knownLine) })
        try (line + "\n").write(toFile: knownHosts, atomically: true, encoding: .utf8)
        // Our default preference puts ssh-ed25519 first: without reordering the server would show its
        // Ed25519 key, which known_hosts does not hold for this host, and strict checking would refuse it.
        let client = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                 authentication: [.privateKey(key)],
                                                 hostKeyValidator: .knownHosts([KnownHostsFile(path: knownHosts)]))
        #expect(client.hostKey.fingerprintSHA256 == (try Self.fingerprint(server.hostPublicKeys[known])))
        #expect(client.negotiatedAlgorithms.hostKey != "ssh-ed25519")
        await client.close()
    }
}

/// What a custom validator saw.
actor SeenContexts {
    private(set) var all: [String] = []
    func add(_ entry: String) { all.append(entry) }
}
