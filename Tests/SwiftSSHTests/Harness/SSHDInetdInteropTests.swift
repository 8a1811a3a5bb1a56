import Foundation
import SSHDHarness
import Testing

/// `sshd -i` over a socket pair.
@Suite("SSHD harness: inetd mode", .tags(.interop), .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct SSHDInetdInteropTests {
    @Test("the socket-pair end receives OpenSSH's identification string (RFC 4253 §4.2)")
    func identificationString() throws {
        let session = try SSHDInetdSession.start(SSHDConfiguration())
        let client = LoopbackTCPClient(adopting: session.fileDescriptor, owning: false)
        let line = try #require(client.receiveLine(timeout: .seconds(10)), "\(session.log())")
        #expect(line.hasPrefix("SSH-2.0-OpenSSH"))
        #expect(line.hasSuffix("\r\n"))
        let directory = session.directory
        session.stop()
        session.stop()
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(processIDsWithCommandLine(containing: directory.path).isEmpty)
        #expect(session.log().contains("Local version string SSH-2.0-OpenSSH"), "log survives stop()")
    }
}
