import Foundation
import Glibc

/// Launches `sshd -D -e -f <config>` for an `SSHDWorkspace` and waits until it listens.
enum SSHDListener {
    /// Log levels at which sshd does not print "Server listening on ..." (an INFO message); for
    /// these the harness probes the port with a TCP connect instead.
    private static let quietLogLevels: Set<String> = ["QUIET", "FATAL", "ERROR"]

    /// Starts sshd (stderr appended to the workspace log) and waits at most `timeout` for
    /// "Server listening on 127.0.0.1 port N" in the part of the log written by this launch.
    static func launch(
        workspace: SSHDWorkspace,
        port: Int,
        configuration: SSHDConfiguration,
        timeout: Duration
    ) throws -> HarnessProcess {
        let logOffset = readText(atPath: workspace.logPath).utf8.count
        let process = try HarnessProcess.launch(
            executable: SSHDWorkspace.sshdPath,
            arguments: ["-D", "-e", "-f", workspace.configPath],
            standardError: .file(path: workspace.logPath, append: true)
        )
        let readyLine = "Server listening on 127.0.0.1 port \(port)."
        let probePort = quietLogLevels.contains(configuration.logLevel.uppercased())
        let deadline = ContinuousClock.now + timeout
        func newLog() -> String { String(decoding: readText(atPath: workspace.logPath).utf8.dropFirst(logOffset), as: UTF8.self) }
        while ContinuousClock.now < deadline {
            if newLog().contains(readyLine) { return process }
            if let exit = process.exitStatus {
                throw SSHDHarnessError.sshdDidNotStart(reason: "sshd exited with \(exit)", log: newLog())
            }
            if probePort, canConnect(port: port) { return process }
            Thread.sleep(forTimeInterval: 0.02)
        }
        SSHDProcessTree.terminate(process, directory: workspace.directory.path, grace: .seconds(1))
        throw SSHDHarnessError.sshdDidNotStart(reason: "not listening on port \(port) after \(timeout)", log: newLog())
    }

    /// `launch` on a fixed port, retrying (3 attempts, 300 ms apart) while the port is still busy.
    static func launchRetryingSamePort(
        workspace: SSHDWorkspace,
        port: Int,
        configuration: SSHDConfiguration,
        timeout: Duration
    ) throws -> HarnessProcess {
        let maximumAttempts = 3
        for attempt in 1...maximumAttempts {
            do {
                return try launch(workspace: workspace, port: port, configuration: configuration, timeout: timeout)
            } catch let error as SSHDHarnessError where isAddressInUse(error) && attempt < maximumAttempts {
                Thread.sleep(forTimeInterval: 0.3)
            }
        }
        throw SSHDHarnessError.sshdDidNotStart(reason: "port \(port) stayed busy", log: "")
    }

    /// True when sshd failed because its port was taken.
    static func isAddressInUse(_ error: SSHDHarnessError) -> Bool {
        guard case .sshdDidNotStart(_, let log) = error else { return false }
        return log.contains("Address already in use") || log.contains("Cannot bind any address")
    }

    /// True if a TCP connection to 127.0.0.1:`port` succeeds (closed immediately).
    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
