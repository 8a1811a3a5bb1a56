import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

/// RFC 4253 §9 against sshd. sshd rekeys only after authentication, so these tests authenticate first.
@Suite("Rekeying against OpenSSH sshd", .tags(.interop))
struct RekeyInteropTests {
    @Test("sshd with RekeyLimit 64K: at least 2 MiB of IGNORE and at least 20 server-initiated rekeys", arguments: AlgorithmRegistry.ciphers.map(\.name))
    func serverInitiated(cipher: String) async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.ciphers = [cipher]
        sshd.rekeyLimit = "64K"
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        var transport = ClientTransportConfiguration()
        transport.rekeyDataLimit = 1 << 40 // only the server initiates here
        let client = try await connectAuthenticated(server, identity: identity, transport: transport)
        // At least 2 MiB, and on until 20 rekeys completed (at most 32 MiB): how many rekeys 2 MiB
        // produce depends on how quickly sshd's KEXINIT comes back over loopback.
        var sent = 0
        var rekeys = 1
        while (sent < 2 * 1024 * 1024 || rekeys < 21) && sent < 32 * 1024 * 1024 && client.isActive {
            try await client.sendIgnore(totalBytes: 64 * 1024, packetSize: 4 * 1024)
            sent += 64 * 1024
            rekeys = try await client.completedKeyExchanges()
        }
        rekeys = try await waitForKeyExchanges(client, atLeast: 21)
        let reason = await client.closeReason()
        #expect(rekeys >= 21, "only \(rekeys - 1) rekeys with \(cipher) after \(sent) bytes: \(String(describing: reason))")
        #expect(sent >= 2 * 1024 * 1024)
        #expect(await client.closeReason() == nil)
        #expect(client.isActive)
        await client.close()
    }

    @Test("A client-initiated rekey by our own data limit", arguments: AlgorithmRegistry.ciphers.map(\.name))
    func clientInitiated(cipher: String) async throws {
        let identity = try TestIdentity.ed25519()
        var sshd = SSHDConfiguration()
        sshd.ciphers = [cipher]
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        var transport = ClientTransportConfiguration()
        transport.rekeyDataLimit = 64 * 1024
        let client = try await connectAuthenticated(server, identity: identity, transport: transport)
        try await client.sendIgnore(totalBytes: 1024 * 1024, packetSize: 8 * 1024)
        let rekeys = try await waitForKeyExchanges(client, atLeast: 11)
        #expect(rekeys >= 11, "only \(rekeys - 1) rekeys with \(cipher)")
        #expect(await client.closeReason() == nil)
        await client.close()
    }
}
