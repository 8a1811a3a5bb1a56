import Foundation
import SSHDHarness
import SwiftSSH
import Testing

/// `swiftssh tunnel -J`: the forward reaches a service behind a second sshd that only the first
/// (the jump host, restricted with PermitOpen to the second) connects to; each hop's host key is checked.
@Suite("swiftssh tunnel -J", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable), .serialized)
struct TunnelJumpHostTests {
    /// Two harness sshds accepting one identity: `jump` may open channels only to `target`.
    final class TwoServers {
        let scratch: ClientScratch
        let identity: SSHClientIdentity
        let target: SSHDServer
        let jump: SSHDServer
        let knownHosts: URL

        init() throws {
            scratch = try ClientScratch()
            identity = try SSHClientIdentity.generate(type: .ed25519, in: scratch.url, comment: "jump-test")
            var targetConfiguration = SSHDConfiguration()
            targetConfiguration.authorizedKeys = [identity.publicKeyLine]
            target = try SSHDServer.start(targetConfiguration, environment: HarnessTestGate.localEnvironment)
            var jumpConfiguration = SSHDConfiguration()
            jumpConfiguration.authorizedKeys = [identity.publicKeyLine]
            jumpConfiguration.extraOptions = [("PermitOpen", "127.0.0.1:\(target.port)")]
            jump = try SSHDServer.start(jumpConfiguration, environment: HarnessTestGate.localEnvironment)
            knownHosts = scratch.url.appendingPathComponent("known_hosts")
            let lines = (target.knownHostsLines() + jump.knownHostsLines()).map { $0 + "\n" }.joined()
            try lines.write(to: knownHosts, atomically: false, encoding: .utf8)
        }

        deinit {
            jump.stop()
            target.stop()
        }

        /// Tunnel arguments to `target` through `jump`, forwarding `forward`.
        func arguments(knownHosts: String, forward: String) -> [String] {
            ["tunnel", "-F", "none", "-i", identity.privateKeyPath, "-o", "UserKnownHostsFile=\(knownHosts)",
             "-J", "\(jump.user)@\(jump.host):\(jump.port)", "-p", String(target.port), "-l", target.user,
             "-L", forward, target.host]
        }
    }

    @Test("a forward through -J reaches a service only the second server's side connects to")
    func forwardThroughJumpHost() throws {
        let servers = try TwoServers()
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let tunnel = try TunnelProcess(arguments: servers.arguments(knownHosts: servers.knownHosts.path, forward: "0:127.0.0.1:\(echo.port)"),
                                       scratch: servers.scratch.url)
        let lines = tunnel.waitForLines(1, timeout: .seconds(20))
        let port = try #require(lines.first.flatMap { TunnelCommandTests.forwardedPort($0, host: "127.0.0.1", hostPort: echo.port) },
                                "stdout \(lines), stderr \(tunnel.standardError)")
        #expect(try TunnelCommandTests.echoes(through: port))
        // The jump host carried a channel to the target's sshd port; the target opened the one to the echo server.
        #expect(servers.jump.waitForLog(containing: "port \(servers.target.port)", timeout: .seconds(5)))
        #expect(servers.target.waitForLog(containing: "port \(echo.port)", timeout: .seconds(5)))
        #expect(!servers.jump.log().contains("port \(echo.port)"))
        tunnel.process.send(SIGTERM)
        #expect(tunnel.process.waitForExit(timeout: .seconds(10)) == .exited(0), "stderr: \(tunnel.standardError)")
    }

    @Test("each hop's host key is checked: the jump host unknown means exit 255 before the target is tried")
    func jumpHostKeyChecked() throws {
        let servers = try TwoServers()
        let onlyTarget = servers.scratch.url.appendingPathComponent("target_only").path
        try servers.target.knownHostsLines().map { $0 + "\n" }.joined().write(toFile: onlyTarget, atomically: false, encoding: .utf8)
        let result = try TunnelProcess.run(arguments: servers.arguments(knownHosts: onlyTarget, forward: "0:127.0.0.1:9"),
                                           scratch: servers.scratch.url)
        #expect(result.exit == .exited(255))
        #expect(result.stderr.hasPrefix("swiftssh: jump host 127.0.0.1: "), "\(result.stderr)")
        #expect(result.stderr.contains("[127.0.0.1]:\(servers.jump.port)"))
        #expect(!servers.target.log().contains("Accepted publickey"))
    }
}
