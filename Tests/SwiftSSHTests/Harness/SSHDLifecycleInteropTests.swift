import Foundation
import Glibc
import SSHDHarness
import Testing

/// stop / kill / restart / suspend leave no sshd behind and bring the same port back.
@Suite("SSHD harness: lifecycle", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct SSHDLifecycleInteropTests {
    @Test("stop() with a live session kills every sshd process and deletes the directory; idempotent")
    func stopLeavesNothingBehind() throws {
        let fixture = try InteropFixture()
        let server = fixture.server
        let directory = server.directory.path
        let session = try HarnessProcess.launch(
            executable: OpenSSHClient.path,
            arguments: fixture.sshArguments(command: ["sleep", "60"])
        )
        defer { session.terminate(grace: .seconds(1)) }
        #expect(server.waitForLog(containing: "Starting session: command", timeout: .seconds(15)), "\(server.log())")
        // Wait until the remote command itself runs (after the login shell's startup files).
        let listener = try #require(server.processID)
        #expect(waitForDescendant(of: listener, commandLine: "sleep 60 ", timeout: .seconds(20)))
        // The listener plus at least one per-connection child reference the directory.
        #expect(HarnessProcessTable.processIDs(referencing: directory).count >= 2)
        #expect(!processIDsWithCommandLine(containing: directory).isEmpty)

        server.stop()
        #expect(processIDsWithCommandLine(containing: directory).isEmpty)
        #expect(HarnessProcessTable.processIDs(referencing: directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(server.processID == nil)
        // The session's sshd is gone, so OpenSSH's client sees the connection drop.
        #expect(session.waitForExit(timeout: .seconds(10)) != nil)
        server.stop()
        #expect(server.log().contains("Server listening on 127.0.0.1 port \(server.port)."))
    }

    @Test("kill() drops the server; restart() serves the same port with the same host key, also after stop()")
    func killAndRestart() throws {
        let fixture = try InteropFixture()
        let server = fixture.server
        let port = server.port
        #expect(try fixture.runSSH().succeeded)

        server.kill()
        #expect(server.processID == nil)
        let refused = try fixture.runSSH(timeout: .seconds(15))
        #expect(refused.exit == .exited(255))
        #expect(refused.standardError.contains("Connection refused"))

        try server.restart()
        #expect(server.port == port)
        let afterKill = try fixture.runSSH()
        #expect(afterKill.succeeded, "\(afterKill.standardError)")

        server.stop()
        #expect(!FileManager.default.fileExists(atPath: server.directory.path))
        try server.restart()
        #expect(server.port == port)
        let afterStop = try fixture.runSSH()
        #expect(afterStop.succeeded, "\(afterStop.standardError)")
        server.stop()
        #expect(processIDsWithCommandLine(containing: server.directory.path).isEmpty)
    }

    @Test("suspend() stops the listener with SIGSTOP and resume() continues it")
    func suspendAndResume() throws {
        let fixture = try InteropFixture()
        let server = fixture.server
        let pid = try #require(server.processID)
        server.suspend()
        #expect(HarnessProcessTable.isStopped(pid))
        server.resume()
        #expect(!HarnessProcessTable.isStopped(pid))
        #expect(try fixture.runSSH().succeeded)
    }
}

/// Polls (50 ms) until a descendant of `root` has exactly `commandLine` (NULs shown as spaces).
private func waitForDescendant(of root: Int32, commandLine: String, timeout: Duration) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let found = HarnessProcessTable.liveDescendants(of: root).contains {
            HarnessProcessTable.commandLine(of: $0) == commandLine
        }
        if found { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

