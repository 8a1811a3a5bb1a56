import Foundation
import SSHDHarness
import SwiftSSH
import Testing

/// The real `swiftssh tunnel` binary against a harness sshd: host-key policies, the Forwarding
/// lines, exit codes and signals, as a script or service manager sees them.
@Suite("swiftssh tunnel CLI", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable), .serialized)
struct TunnelCommandTests {
    /// `swiftssh tunnel` arguments for the fixture's server, trusting `knownHosts`.
    static func arguments(_ fixture: InteropFixture, knownHosts: String, options: [String] = [], forwards: [String]) -> [String] {
        var arguments = ["tunnel", "-F", "none", "-p", String(fixture.server.port), "-i", fixture.identity.privateKeyPath,
                         "-l", fixture.server.user, "-o", "UserKnownHostsFile=\(knownHosts)"]
        for option in options { arguments += ["-o", option] }
        for forward in forwards { arguments += ["-L", forward] }
        return arguments + [fixture.server.host]
    }

    /// `Forwarding 127.0.0.1:<port> -> <host>:<hostport>`: the bound port, which must not be 0.
    static func forwardedPort(_ line: String, host: String, hostPort: Int) -> Int? {
        let prefix = "Forwarding 127.0.0.1:"
        let suffix = " -> \(host):\(hostPort)"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix) else { return nil }
        let port = Int(line.dropFirst(prefix.count).dropLast(suffix.count))
        return port.flatMap { $0 > 0 && $0 < 65536 ? $0 : nil }
    }

    /// Sends a line through the forward on `port` to the echo server and expects it back.
    static func echoes(through port: Int) throws -> Bool {
        let client = try LoopbackTCPClient(connectingTo: port, timeout: .seconds(5))
        defer { client.close() }
        let message = "hello through the tunnel \(UUID().uuidString)"
        try client.send(Array((message + "\n").utf8), timeout: .seconds(5))
        return client.receiveLine(timeout: .seconds(10)) == message + "\n"
    }

    static func lines(of path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("StrictHostKeyChecking=yes refuses an unknown host: exit 255, one line on stderr, nothing learnt")
    func strictRefusesUnknownHost() throws {
        let fixture = try InteropFixture()
        let knownHosts = fixture.scratch.url.appendingPathComponent("empty_known_hosts").path
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let result = try TunnelProcess.run(
            arguments: Self.arguments(fixture, knownHosts: knownHosts, options: ["StrictHostKeyChecking=yes"],
                                      forwards: ["0:127.0.0.1:\(echo.port)"]),
            scratch: fixture.scratch.url)
        #expect(result.exit == .exited(255))
        #expect(result.stdout.isEmpty)
        let errorLines = result.stderr.split(separator: "\n")
        #expect(errorLines.count == 1, "stderr: \(result.stderr)")
        #expect(errorLines.first?.hasPrefix("swiftssh: ") == true)
        #expect(result.stderr.contains("Host key verification failed"))
        #expect(!FileManager.default.fileExists(atPath: knownHosts))
    }

    @Test("unset StrictHostKeyChecking is strict too, and a wrong identity is an authentication failure (255)")
    func defaultsAndAuthFailure() throws {
        let fixture = try InteropFixture()
        let knownHosts = fixture.scratch.url.appendingPathComponent("kh").path
        let unknown = try TunnelProcess.run(arguments: Self.arguments(fixture, knownHosts: knownHosts, forwards: ["0:127.0.0.1:9"]),
                                            scratch: fixture.scratch.url)
        #expect(unknown.exit == .exited(255))
        #expect(unknown.stderr.contains("Host key verification failed"))

        let otherDirectory = fixture.scratch.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: otherDirectory, withIntermediateDirectories: true)
        let stranger = try SSHClientIdentity.generate(type: .ed25519, in: otherDirectory, comment: "stranger")
        var arguments = Self.arguments(fixture, knownHosts: fixture.knownHosts.path, forwards: ["0:127.0.0.1:9"])
        arguments[arguments.firstIndex(of: fixture.identity.privateKeyPath) ?? 0] = stranger.privateKeyPath
        let denied = try TunnelProcess.run(arguments: arguments, scratch: fixture.scratch.url)
        #expect(denied.exit == .exited(255))
        #expect(denied.stderr.split(separator: "\n").count == 1, "stderr: \(denied.stderr)")
        #expect(denied.stderr.hasPrefix("swiftssh: ") && denied.stderr.contains("Permission denied"))
    }

    @Test("accept-new learns the key once; Forwarding lines arrive on a pipe and in a file while running; SIGTERM and SIGINT exit 0")
    func acceptNewAndForwardingLines() throws {
        let fixture = try InteropFixture()
        let knownHosts = fixture.scratch.url.appendingPathComponent("learnt_known_hosts").path
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let arguments = Self.arguments(fixture, knownHosts: knownHosts, options: ["StrictHostKeyChecking=accept-new"],
                                       forwards: ["0:127.0.0.1:\(echo.port)", "127.0.0.1:0:localhost:\(echo.port)"])

        // First run, stdout a pipe.
        let first = try TunnelProcess(arguments: arguments, scratch: fixture.scratch.url)
        let firstLines = first.waitForLines(2, timeout: .seconds(20))
        #expect(firstLines.count == 2, "stdout: \(firstLines), stderr: \(first.standardError)")
        let firstPort = try #require(firstLines.first.flatMap { Self.forwardedPort($0, host: "127.0.0.1", hostPort: echo.port) })
        let secondPort = try #require(firstLines.last.flatMap { Self.forwardedPort($0, host: "localhost", hostPort: echo.port) })
        #expect(try Self.echoes(through: firstPort))
        #expect(try Self.echoes(through: secondPort))
        first.process.send(SIGTERM)
        #expect(first.process.waitForExit(timeout: .seconds(10)) == .exited(0), "stderr: \(first.standardError)")
        let learnt = Self.lines(of: knownHosts)
        #expect(learnt.count == 1)
        // `[127.0.0.1]:port keytype base64`, the server's key (the harness's lines may carry a comment).
        let expected = fixture.server.knownHostsLines().map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        #expect(learnt.first.map { expected.contains($0) } == true, "\(learnt) vs \(expected)")

        // Second run, stdout a file: the key is known, nothing is appended; SIGINT stops it.
        let outputFile = fixture.scratch.url.appendingPathComponent("stdout.txt").path
        let second = try TunnelProcess(arguments: arguments, scratch: fixture.scratch.url, stdoutFile: outputFile)
        let secondLines = second.waitForLines(2, timeout: .seconds(20))
        #expect(secondLines.count == 2, "stdout: \(secondLines), stderr: \(second.standardError)")
        #expect(secondLines.first.flatMap { Self.forwardedPort($0, host: "127.0.0.1", hostPort: echo.port) } != nil)
        let port = try #require(secondLines.first.flatMap { Self.forwardedPort($0, host: "127.0.0.1", hostPort: echo.port) })
        #expect(try Self.echoes(through: port))
        second.process.send(SIGINT)
        #expect(second.process.waitForExit(timeout: .seconds(10)) == .exited(0), "stderr: \(second.standardError)")
        #expect(Self.lines(of: knownHosts) == learnt)
    }

    @Test("a fixed port, -v details and an ssh_config file with a Host alias, -o winning over it")
    func configFileAndVerbose() throws {
        let fixture = try InteropFixture()
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let fixedPort = try LoopbackPorts.pickFree()
        let config = fixture.scratch.url.appendingPathComponent("config").path
        let emptyKnownHosts = fixture.scratch.url.appendingPathComponent("config_known_hosts").path
        try """
            Host bastion
              HostName \(fixture.server.host)
              Port \(fixture.server.port)
              User \(fixture.server.user)
              IdentityFile \(fixture.identity.privateKeyPath)
              UserKnownHostsFile \(emptyKnownHosts)
              StrictHostKeyChecking accept-new
              LocalForward \(fixedPort) 127.0.0.1:\(echo.port)
            Host *
              Port 1
            """.write(toFile: config, atomically: false, encoding: .utf8)
        // The file says accept-new; -o StrictHostKeyChecking=yes comes first and wins: refused, nothing learnt.
        // (Joined values, as ssh accepts them: -Ffile -oKey=Value.)
        let refused = try TunnelProcess.run(arguments: ["tunnel", "-F" + config, "-oStrictHostKeyChecking=yes", "bastion"],
                                            scratch: fixture.scratch.url)
        #expect(refused.exit == .exited(255), "stderr: \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: emptyKnownHosts))
        let tunnel = try TunnelProcess(arguments: ["tunnel", "-F", config, "-v", "-o", "StrictHostKeyChecking=yes",
                                                   "-o", "UserKnownHostsFile=\(fixture.knownHosts.path)",
                                                   "-o", "ServerAliveInterval=5", "bastion"], scratch: fixture.scratch.url)
        let lines = tunnel.waitForLines(1, timeout: .seconds(20))
        #expect(lines == ["Forwarding 127.0.0.1:\(fixedPort) -> 127.0.0.1:\(echo.port)"], "stderr: \(tunnel.standardError)")
        #expect(try Self.echoes(through: fixedPort))
        let hostKey = try #require(fixture.server.hostPublicKeys[.ed25519])
        let fingerprint = try SSHPublicKey(openSSHLine: hostKey).fingerprintSHA256
        let log = tunnel.standardError
        #expect(log.contains("debug1: Server host key: ssh-ed25519 \(fingerprint)"), "\(log)")
        #expect(log.contains("debug1: kex: algorithm: "))
        #expect(log.contains("debug1: Authenticated to 127.0.0.1 ([127.0.0.1]:\(fixture.server.port)) using \"publickey\"."))
        tunnel.process.send(SIGTERM)
        #expect(tunnel.process.waitForExit(timeout: .seconds(10)) == .exited(0))
    }

    @Test("the tunnel keeps its listening port across an sshd restart and forwards again after reconnecting")
    func reconnectsAfterServerRestart() throws {
        let fixture = try InteropFixture()
        let echo = try LoopbackEchoServer()
        defer { _ = echo.stop() }
        let tunnel = try TunnelProcess(arguments: Self.arguments(fixture, knownHosts: fixture.knownHosts.path,
                                                                 forwards: ["0:127.0.0.1:\(echo.port)"]), scratch: fixture.scratch.url)
        let lines = tunnel.waitForLines(1, timeout: .seconds(20))
        let port = try #require(lines.first.flatMap { Self.forwardedPort($0, host: "127.0.0.1", hostPort: echo.port) })
        #expect(try Self.echoes(through: port))
        fixture.server.kill()
        let deadline = ContinuousClock.now + .seconds(10)
        while !tunnel.standardError.contains("connection lost"), ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(tunnel.standardError.contains("swiftssh: connection lost"), "stderr: \(tunnel.standardError)")
        try fixture.server.restart()
        var worked = false
        let retryDeadline = ContinuousClock.now + .seconds(30)
        while !worked, ContinuousClock.now < retryDeadline {
            worked = (try? Self.echoes(through: port)) ?? false
            if !worked { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(worked, "stderr: \(tunnel.standardError)")
        #expect(!tunnel.process.hasExited)
        tunnel.process.send(SIGTERM)
        #expect(tunnel.process.waitForExit(timeout: .seconds(10)) == .exited(0))
    }

    @Test("SIGTERM while the handshake hangs (a server that never speaks) stops it at once with exit 0")
    func signalWhileConnecting() throws {
        let scratch = try ClientScratch()
        let silent = try LoopbackSinkServer()
        defer { _ = silent.stop() }
        let tunnel = try TunnelProcess(arguments: ["tunnel", "-F", "none", "-p", String(silent.port), "-v", "-L", "0:127.0.0.1:9", "127.0.0.1"],
                                       scratch: scratch.url)
        let deadline = ContinuousClock.now + .seconds(10)
        while silent.acceptedConnectionCount == 0, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(silent.acceptedConnectionCount == 1)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!tunnel.process.hasExited)
        tunnel.process.send(SIGTERM)
        #expect(tunnel.process.waitForExit(timeout: .seconds(5)) == .exited(0), "stderr: \(tunnel.standardError)")
        #expect(tunnel.waitForLines(1, timeout: .milliseconds(200)).isEmpty)
    }
}
