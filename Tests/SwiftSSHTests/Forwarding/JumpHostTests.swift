import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

/// A chain of local sshds where each one forwards only to the next (`PermitOpen`), and the last only
/// to an echo service: the service is reachable through the whole chain and by no shorter path.
/// Immutable after init (made on its own thread, off the cooperative pool, hence `@unchecked`).
private final class JumpChain: @unchecked Sendable {
    let scratch: ClientScratch
    let identity: TestIdentity
    let echo: LoopbackEchoServer
    /// Outermost first.
    let servers: [SSHDServer]

    init(length: Int) throws {
        scratch = try ClientScratch()
        identity = try TestIdentity.ed25519()
        echo = try LoopbackEchoServer()
        var started: [SSHDServer] = []
        var nextPort = echo.port
        do {
            for _ in 0..<length {
                var configuration = SSHDConfiguration()
                configuration.authorizedKeys = [identity.authorizedKeysLine]
                configuration.extraOptions = [("PermitOpen", "127.0.0.1:\(nextPort)")]
                let server = try SSHDServer.start(configuration, environment: HarnessTestGate.localEnvironment)
                started.insert(server, at: 0)
                nextPort = server.port
            }
        } catch {
            started.forEach { $0.stop() }
            _ = echo.stop()
            throw error
        }
        servers = started
    }

    /// Writes a known_hosts file with every server's real key, except that hop `wrongHop` (0-based,
    /// outermost first) is listed with another server's key.
    func knownHosts(wrongHop: Int? = nil) throws -> HostKeyValidator {
        var lines: [String] = []
        for (index, server) in servers.enumerated() {
            if index == wrongHop {
                let other = servers[(index + 1) % servers.count]
                lines += other.hostPublicKeys.values.map { "[\(server.host)]:\(server.port) \($0)" }
            } else {
                lines += server.knownHostsLines()
            }
        }
        let url = scratch.url.appendingPathComponent("known_hosts-\(UUID().uuidString.prefix(6))")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return .knownHosts([KnownHostsFile(path: url.path)])
    }

    /// Connects to every hop in turn, each through the previous one; outermost first.
    func connectAll(validator: HostKeyValidator) async throws -> [SSHClient] {
        var clients: [SSHClient] = []
        do {
            for server in servers {
                let client = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                         authentication: [identity.method], hostKeyValidator: validator,
                                                         via: clients.last)
                clients.append(client)
            }
        } catch {
            await close(clients)
            throw error
        }
        return clients
    }

    /// Closes innermost first, as the API asks.
    func close(_ clients: [SSHClient]) async {
        for client in clients.reversed() { await client.close() }
    }

    func stop() {
        servers.forEach { $0.stop() }
        _ = echo.stop()
    }
}

@Suite("Jump hosts: SSHClient.connect(via:) through chains of OpenSSH sshd", .tags(.interop), .serialized,
       .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct JumpHostTests {
    @Test("Chain of 2: the service behind the second sshd is reached only through the first; each hop's own key")
    func chainOfTwo() async throws {
        let chain = try await onThread { try JumpChain(length: 2) }
        defer { chain.stop() }
        let baseline = openSocketCount()
        let clients = try await chain.connectAll(validator: try chain.knownHosts())
        let (first, second) = (clients[0], clients[1])
        // Each hop proved its own host key.
        #expect(chain.servers[0].hostPublicKeys.values.contains { $0.hasPrefix(first.hostKey.openSSHRepresentation) })
        #expect(chain.servers[1].hostPublicKeys.values.contains { $0.hasPrefix(second.hostKey.openSSHRepresentation) })
        #expect(first.hostKey != second.hostKey)
        // The first hop forwards nowhere but the second sshd.
        await #expect(throws: SSHError.self) {
            _ = try await first.openDirectTCPIP(host: "127.0.0.1", port: chain.echo.port)
        }
        #expect(chain.servers[1].waitForLog(containing: "Accepted publickey", timeout: .seconds(5)))
        // Through the chain: a forwarder on the inner client reaches the echo service, 8 connections at once.
        let forwarder = try await LocalForwarder.start(client: second, targetHost: "127.0.0.1", targetPort: chain.echo.port)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let payload = randomBytes(256 * 1024 + index)
                    return try await roundTripThrough(port: forwarder.localPort, payload: payload) == payload ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        await forwarder.stop()
        // Exactly one channel on the jump client carries the inner connection.
        #expect(try await first.openChannelCount() == 1)
        // Closing the inner client closes the bridge: its channel on the jump client goes away.
        await second.close()
        #expect(await eventually { (try? await first.openChannelCount()) == 0 }, "the bridge channel stayed open")
        #expect(first.isActive)
        await first.close()
        #expect(await eventually { openSocketCount() <= baseline },
                "sockets: \(openSocketCount()) > baseline \(baseline)")
    }

    @Test("Chain of 3: client → sshd1 → sshd2 → sshd3 → echo, every hop checked against known_hosts")
    func chainOfThree() async throws {
        let chain = try await onThread { try JumpChain(length: 3) }
        defer { chain.stop() }
        let baseline = openSocketCount()
        let clients = try await chain.connectAll(validator: try chain.knownHosts())
        #expect(Set(clients.map(\.hostKey)).count == 3)
        // Each inner hop runs inside one channel of the hop before it, which sshd logs as its target.
        for (outer, inner) in zip(chain.servers, chain.servers.dropFirst()) {
            #expect(outer.waitForLog(containing: "target 127.0.0.1 port \(inner.port)", timeout: .seconds(5)),
                    "sshd on port \(outer.port) did not open the channel to port \(inner.port)")
        }
        for client in clients.dropLast() { #expect(try await client.openChannelCount() == 1) }
        let innermost = try #require(clients.last)
        let channel = try await innermost.openDirectTCPIP(host: "127.0.0.1", port: chain.echo.port)
        let payload = randomBytes(2 * 1024 * 1024)
        async let echoed: [UInt8] = {
            var received: [UInt8] = []
            for try await buffer in channel {
                received += buffer.readableBytesView
                if received.count >= payload.count { break }
            }
            return received
        }()
        try await channel.write(payload)
        try await channel.finish()
        #expect(try await echoed == payload)
        await channel.close()
        // Intermediate hops can't reach the service themselves.
        for client in clients.dropLast() {
            await #expect(throws: SSHError.self) {
                _ = try await client.openDirectTCPIP(host: "127.0.0.1", port: chain.echo.port)
            }
        }
        await chain.close(clients)
        #expect(await eventually { openSocketCount() <= baseline },
                "sockets: \(openSocketCount()) > baseline \(baseline)")
    }

    @Test("A wrong host key on the second hop fails with the host-key error naming that hop; nothing stays open")
    func wrongKeyOnSecondHop() async throws {
        let chain = try await onThread { try JumpChain(length: 2) }
        defer { chain.stop() }
        let validator = try chain.knownHosts(wrongHop: 1)
        let hop = chain.servers[1]
        let first = try await SSHClient.connect(host: chain.servers[0].host, port: chain.servers[0].port, user: chain.servers[0].user,
                                                authentication: [chain.identity.method], hostKeyValidator: validator)
        do {
            let second = try await SSHClient.connect(host: hop.host, port: hop.port, user: hop.user,
                                                     authentication: [chain.identity.method], hostKeyValidator: validator, via: first)
            await second.close()
            Issue.record("the second hop was accepted with a wrong known_hosts entry")
        } catch let error as SSHError {
            #expect(error.code == .hostKeyRejected, "\(error)")
            #expect(error.message.contains("127.0.0.1 port \(hop.port)"), "\(error.message)")
            #expect(!error.message.contains("port \(chain.servers[0].port)"), "\(error.message)")
        }
        #expect(await eventually { (try? await first.openChannelCount()) == 0 }, "the failed hop left its channel open")
        #expect(first.isActive)
        await first.close()
    }

    @Test("When the jump host dies, the connection through it ends with an error instead of hanging")
    func jumpHostDies() async throws {
        let chain = try await onThread { try JumpChain(length: 2) }
        defer { chain.stop() }
        let clients = try await chain.connectAll(validator: try chain.knownHosts())
        chain.servers[0].kill()
        #expect(await eventually(timeout: .seconds(20)) { !clients[1].isActive },
                "the inner connection did not end within 20 s of the jump host's death")
        let reason = await clients[1].closeReason()
        #expect(reason?.code == .connectionClosed, "\(String(describing: reason))")
        await chain.close(clients)
    }
}

/// Open sockets of this process (/proc/self/fd). Sockets, not all descriptors: the shared event-loop
/// group creates its loops' eventfd/epoll/timerfd descriptors lazily, on first use by any test.
private func openSocketCount() -> Int {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.filter { ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "").hasPrefix("socket:") }.count
}
