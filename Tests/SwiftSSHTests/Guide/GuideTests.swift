import Foundation
import SSHDHarness
import Testing
@testable import SwiftSSH

/// Docs/Guide.md's code: the same text as GuideSamples.swift, and working against a real sshd.
@Suite("Docs/Guide.md samples", .tags(.interop))
struct GuideTests {
    private static let guidePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs/Guide.md").path
    private static let samplesPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("GuideSamples.swift").path

    /// The guide's ```swift blocks, without the Package.swift fragment.
    private static func guideBlocks() throws -> [String] {
        let text = try String(contentsOfFile: guidePath, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks.filter { !$0.hasPrefix("// Package.swift") }
    }

    @Test("Every Swift block of the guide appears verbatim in GuideSamples.swift, in order")
    func samplesMatchGuide() throws {
        let blocks = try Self.guideBlocks()
        #expect(blocks.count >= 7)
        let samples = try String(contentsOfFile: Self.samplesPath, encoding: .utf8)
        var searchFrom = samples.startIndex
        for block in blocks {
            guard let range = samples.range(of: block, range: searchFrom..<samples.endIndex) else {
                Issue.record("GuideSamples.swift lacks this block of Docs/Guide.md:\n\(block)")
                continue
            }
            searchFrom = range.upperBound
        }
    }

    @Test("Connect, withConnection, authentication choices and errors against sshd",
          .enabled(if: HarnessTestGate.localOpenSSHAvailable))
    func connectAndAsk() async throws {
        let fixture = try InteropFixture()
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let server = fixture.server
        let client = try await connectToBastion(host: server.host, port: server.port, user: server.user,
                                                keyFile: fixture.identity.privateKeyPath, knownHostsFile: fixture.knownHosts.path)
        #expect(client.authenticationMethod == "publickey")
        await client.close()

        let key = try SSHPrivateKey(contentsOf: fixture.identity.privateKeyPath)
        let request = randomBytes(100_000)
        let answer = try await askServiceBehindBastion(host: server.host, port: server.port, user: server.user, key: key,
                                                       knownHostsFile: fixture.knownHosts.path, serviceHost: "127.0.0.1",
                                                       servicePort: echo.port, request: request)
        #expect(answer == request)

        let methods = try authenticationChoices(keyFile: fixture.identity.privateKeyPath, passphrase: nil,
                                                password: "unused", oneTimeCode: { "000000" })
        #expect(methods.count == 3)
        let viaChoices = try await SSHClient.connect(host: server.host, port: server.port, user: server.user, authentication: methods,
                                                     hostKeyValidator: .knownHosts([KnownHostsFile(path: fixture.knownHosts.path)]))
        #expect(viaChoices.authenticationMethod == "publickey")
        await viaChoices.close()

        // A known_hosts file without this server: the strict policy refuses, and describe() says so.
        let emptyKnownHosts = fixture.scratch.url.appendingPathComponent("empty_known_hosts")
        try "".write(to: emptyKnownHosts, atomically: true, encoding: .utf8)
        do {
            let refused = try await connectToBastion(host: server.host, port: server.port, user: server.user,
                                                     keyFile: fixture.identity.privateKeyPath, knownHostsFile: emptyKnownHosts.path)
            await refused.close()
            Issue.record("an unknown host key was accepted")
        } catch let error as SSHError {
            #expect(error.code == .hostKeyRejected)
            #expect(describe(error).hasPrefix("SECURITY:"))
        }
    }

    @Test("Each host-key policy: strict, accept-new, pinned accept the server; the custom one refuses a non-22 port",
          .enabled(if: HarnessTestGate.localOpenSSHAvailable))
    func hostKeyPolicyChoices() async throws {
        let fixture = try InteropFixture()
        let server = fixture.server
        let hostKeyLine = try #require(server.hostPublicKeys.values.first)
        let fingerprint = try SSHPublicKey(openSSHLine: hostKeyLine).fingerprintSHA256
        let policies = hostKeyPolicies(knownHostsFile: fixture.knownHosts.path, pinnedFingerprint: fingerprint)
        #expect(policies.count == 5)
        let key = try SSHPrivateKey(contentsOf: fixture.identity.privateKeyPath)
        var outcomes: [String] = []
        for policy in policies {
            do {
                let client = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                         authentication: [.privateKey(key)], hostKeyValidator: policy)
                #expect(client.hostKey.fingerprintSHA256 == fingerprint)
                await client.close()
                outcomes.append("accepted")
            } catch let error as SSHError {
                outcomes.append(error.code == .hostKeyRejected ? "rejected" : "\(error)")
            }
        }
        #expect(outcomes == ["accepted", "accepted", "accepted", "rejected", "accepted"])
    }

    @Test("startDatabaseTunnel forwards to a service behind sshd", .enabled(if: HarnessTestGate.localOpenSSHAvailable))
    func databaseTunnel() async throws {
        let fixture = try InteropFixture()
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let server = fixture.server
        let key = try SSHPrivateKey(contentsOf: fixture.identity.privateKeyPath)
        let forwarder = try await startDatabaseTunnel(bastion: server.host, port: server.port, user: server.user, key: key,
                                                      knownHostsFile: fixture.knownHosts.path,
                                                      databaseHost: "127.0.0.1", databasePort: echo.port)
        let payload = randomBytes(500_000)
        #expect(try await roundTripThrough(port: forwarder.localPort, payload: payload) == payload)
        #expect(forwarder.statistics.bytesFromTarget == UInt64(payload.count))
        await forwarder.stop(gracePeriod: .seconds(1))
    }

    @Test("connectThroughJumpHost reaches a second sshd that only the first forwards to",
          .enabled(if: HarnessTestGate.localOpenSSHAvailable))
    func jumpHostSample() async throws {
        let innerFixture = try InteropFixture()
        let inner = innerFixture.server
        let jumpFixture = try InteropFixture { $0.extraOptions = [("PermitOpen", "127.0.0.1:\(inner.port)")] }
        let jump = jumpFixture.server
        // One known_hosts file for both hops, and one key both accept.
        let knownHosts = jumpFixture.scratch.url.appendingPathComponent("both_known_hosts")
        try ((jump.knownHostsLines() + inner.knownHostsLines()).joined(separator: "\n") + "\n")
            .write(to: knownHosts, atomically: true, encoding: .utf8)
        let key = try SSHPrivateKey(contentsOf: jumpFixture.identity.privateKeyPath)
        let innerAuthorized = inner.directory.appendingPathComponent("authorized_keys")
        let existing = (try? String(contentsOf: innerAuthorized, encoding: .utf8)) ?? ""
        try (existing + jumpFixture.identity.publicKeyLine + "\n").write(to: innerAuthorized, atomically: true, encoding: .utf8)
        let (jumpClient, innerClient) = try await connectThroughJumpHost(
            jump: (jump.host, jump.port), inner: (inner.host, inner.port), user: jump.user, key: key,
            knownHostsFile: knownHosts.path)
        #expect(try await jumpClient.openChannelCount() == 1)
        #expect(innerClient.hostKey != jumpClient.hostKey)
        await innerClient.close()
        await jumpClient.close()
    }
}
