import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

/// Transport interop with OpenSSH's sshd on 127.0.0.1: every algorithm in our registries completes a
/// key exchange and reaches SERVICE_ACCEPT, and sshd's own debug log confirms what was used.
@Suite("Transport interop with OpenSSH sshd", .tags(.interop))
struct TransportInteropTests {
    /// Connects to `server` with `configuration`, trusting exactly the key sshd generated.
    static func connect(_ server: SSHDServer, configuration: ClientTransportConfiguration = .init()) async throws -> SSHClient {
        try await SSHClient.connectTransport(host: server.host, port: server.port, transport: configuration,
                                             hostKeyValidator: harnessHostKeys(server))
    }

    /// Asserts that sshd's log mentions `line` (skipped for an external server, which has no log).
    static func expectLog(_ server: SSHDServer, contains line: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard !server.isExternal else { return }
        #expect(server.waitForLog(containing: line, timeout: .seconds(5)), "sshd log lacks: \(line)", sourceLocation: sourceLocation)
    }

    @Test("Each key-exchange method", arguments: AlgorithmRegistry.keyExchange.map(\.name))
    func keyExchange(name: String) async throws {
        var sshd = SSHDConfiguration()
        sshd.kexAlgorithms = [name]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let connection = try await Self.connect(server)
        #expect(connection.internalAlgorithms.keyExchange.name == name)
        Self.expectLog(server, contains: "kex: algorithm: \(name)")
        await connection.close()
    }

    @Test("Each cipher, and each MAC with each CTR cipher", arguments: cipherMACPairs())
    func cipherAndMAC(cipher: String, mac: String?) async throws {
        var sshd = SSHDConfiguration()
        sshd.ciphers = [cipher]
        if let mac { sshd.macs = [mac] }
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let connection = try await Self.connect(server)
        #expect(connection.internalAlgorithms.cipherClientToServer.name == cipher)
        #expect(connection.internalAlgorithms.cipherServerToClient.name == cipher)
        #expect(connection.internalAlgorithms.macClientToServer?.name == mac)
        Self.expectLog(server, contains: "kex: client->server cipher: \(cipher) MAC: \(mac ?? "<implicit>") compression: none")
        Self.expectLog(server, contains: "kex: server->client cipher: \(cipher) MAC: \(mac ?? "<implicit>") compression: none")
        // Push data through the new keys both ways before closing.
        try await connection.sendIgnore(totalBytes: 100_000)
        #expect(await connection.closeReason() == nil)
        await connection.close()
    }

    @Test("Each host-key algorithm", arguments: hostKeyCases())
    func hostKey(algorithm: String, keyType: SSHDHostKeyType) async throws {
        var sshd = SSHDConfiguration()
        sshd.hostKeyTypes = [keyType]
        sshd.hostKeyAlgorithms = [algorithm]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        var configuration = ClientTransportConfiguration()
        configuration.algorithms.hostKey = [algorithm]
        let connection = try await Self.connect(server, configuration: configuration)
        #expect(connection.internalAlgorithms.hostKey.name == algorithm)
        Self.expectLog(server, contains: "kex: host key algorithm: \(algorithm)")
        await connection.close()
    }

    @Test("A server with no common cipher gives an error naming both cipher lists")
    func noCommonCipher() async throws {
        var sshd = SSHDConfiguration()
        sshd.ciphers = ["aes256-ctr"]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        var configuration = ClientTransportConfiguration()
        configuration.algorithms.ciphers = ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"]
        do {
            let connection = try await Self.connect(server, configuration: configuration)
            await connection.close()
            Issue.record("connected without a common cipher")
        } catch let error as SSHError {
            #expect(error.code == .keyExchangeFailed)
            #expect(error.message == "no matching cipher (client to server) found. Our offer: chacha20-poly1305@openssh.com,aes128-gcm@openssh.com. The server's offer: aes256-ctr")
        }
    }
}

/// Polls until `connection` completed `count` key exchanges, for at most 30 seconds.
func waitForKeyExchanges(_ connection: SSHClient, atLeast count: Int) async throws -> Int {
    let deadline = ContinuousClock.now + .seconds(30)
    var completed = try await connection.completedKeyExchanges()
    while completed < count && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
        completed = try await connection.completedKeyExchanges()
    }
    return completed
}

func cipherMACPairs() -> [(String, String?)] {
    AlgorithmRegistry.ciphers.flatMap { cipher -> [(String, String?)] in
        cipher.isAEAD ? [(cipher.name, nil)] : AlgorithmRegistry.macs.map { (cipher.name, $0.name) }
    }
}

func hostKeyCases() -> [(String, SSHDHostKeyType)] {
    [("ssh-ed25519", .ed25519), ("ecdsa-sha2-nistp256", .ecdsa256), ("ecdsa-sha2-nistp384", .ecdsa384),
     ("ecdsa-sha2-nistp521", .ecdsa521), ("rsa-sha2-256", .rsa3072), ("rsa-sha2-512", .rsa3072)]
}

/// Trusts exactly the host keys the harness generated for `server`.
func harnessHostKeys(_ server: SSHDServer) -> HostKeyValidator {
    let lines = Array(server.hostPublicKeys.values)
    return .custom { context in
        lines.contains { $0.hasPrefix(context.hostKey.openSSHRepresentation) }
            ? .accept : .reject(reason: "not a key the test harness generated")
    }
}
