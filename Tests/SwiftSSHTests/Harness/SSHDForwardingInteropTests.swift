import Foundation
import SSHDHarness
import Testing

/// `ssh -N -L` through a harness sshd reaches a `LoopbackEchoServer`.
@Suite("SSHD harness: port forwarding", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct SSHDForwardingInteropTests {
    @Test("bytes sent into an ssh -L forward come back from the echo server, then EOF")
    func localForwardToEchoServer() throws {
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let fixture = try InteropFixture()
        let localPort = try LoopbackPorts.pickFree()
        let sshLog = fixture.scratch.url.appendingPathComponent("ssh.log").path
        let ssh = try HarnessProcess.launch(
            executable: OpenSSHClient.path,
            arguments: fixture.sshArguments(
                options: ["ExitOnForwardFailure=yes"],
                extraArguments: ["-N", "-L", "127.0.0.1:\(localPort):127.0.0.1:\(echo.port)"]
            ),
            standardError: .file(path: sshLog, append: false)
        )
        defer { ssh.terminate(grace: .seconds(2)) }

        let client = try LoopbackTCPClient(connectingTo: localPort, timeout: .seconds(15))
        let payload = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try client.send(payload)
        client.shutdownWrite()
        let (echoed, sawEOF) = client.receiveUntilEOF(timeout: .seconds(10))
        #expect(echoed == payload, "ssh stderr: \((try? String(contentsOfFile: sshLog, encoding: .utf8)) ?? "")")
        #expect(sawEOF)
        #expect(echo.acceptedConnectionCount == 1)
        #expect(fixture.server.waitForLog(containing: "target 127.0.0.1 port \(echo.port)", timeout: .seconds(5)))
        client.close()
        ssh.terminate(grace: .seconds(2))
        #expect(ssh.hasExited)
    }
}
