import Foundation
import SSHDHarness

/// The built `swiftssh` binary, run as a child process with stdout on a pipe (or a file) so tests
/// see what a script would: lines must arrive while the process still runs.
final class TunnelProcess {
    /// `swiftssh` next to the test bundle in the build products directory (or `SWIFTSSH_BINARY`).
    static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["SWIFTSSH_BINARY"] { return path }
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return products.appendingPathComponent("swiftssh").path
    }

    let process: HarnessProcess
    private let readEnd: Int32?
    private let stdoutPath: String?
    let stderrPath: String
    private var buffered: [UInt8] = []

    /// Starts `swiftssh` with `arguments`, prefixed by `env` assignments when `environment` is not
    /// empty. Stdout goes to a pipe, or to `stdoutFile` when given.
    init(arguments: [String], environment: [String] = [], scratch: URL, stdoutFile: String? = nil) throws {
        stderrPath = scratch.appendingPathComponent("stderr-\(UUID().uuidString.prefix(6))").path
        let executable = environment.isEmpty ? Self.binaryPath : "/usr/bin/env"
        let argv = environment.isEmpty ? arguments : environment + [Self.binaryPath] + arguments
        if let stdoutFile {
            readEnd = nil
            stdoutPath = stdoutFile
            process = try HarnessProcess.launch(executable: executable, arguments: argv, standardOutput: .file(path: stdoutFile, append: false),
                                                standardError: .file(path: stderrPath, append: false))
        } else {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            readEnd = ends[0]
            stdoutPath = nil
            defer { close(ends[1]) }
            do {
                process = try HarnessProcess.launch(executable: executable, arguments: argv, standardOutput: .descriptor(ends[1]),
                                                    standardError: .file(path: stderrPath, append: false))
            } catch {
                close(ends[0])
                throw error
            }
        }
    }

    deinit {
        process.terminate(grace: .seconds(2))
        if let readEnd { close(readEnd) }
    }

    /// What the process wrote to stderr so far.
    var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Reads stdout until it holds `count` lines, EOF, or `timeout`; returns the complete lines read.
    func waitForLines(_ count: Int, timeout: Duration) -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let lines = completeLines()
            if lines.count >= count || ContinuousClock.now >= deadline { return lines }
            if let readEnd {
                var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 50) > 0 else { continue }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let got = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if got <= 0 { return completeLines() }
                buffered += chunk[0..<got]
            } else {
                if process.hasExited { return completeLines() }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    private func completeLines() -> [String] {
        let bytes = stdoutPath.flatMap { FileManager.default.contents(atPath: $0).map(Array.init) } ?? buffered
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()  // the part after the last newline is not a complete line
        return lines
    }

    /// Runs to completion (bounded) and returns the exit, stdout lines and stderr.
    static func run(arguments: [String], environment: [String] = [], scratch: URL,
                    timeout: Duration = .seconds(30)) throws -> (exit: HarnessProcessExit?, stdout: [String], stderr: String) {
        let tunnel = try TunnelProcess(arguments: arguments, environment: environment, scratch: scratch)
        let exit = tunnel.process.waitForExit(timeout: timeout) ?? tunnel.process.terminate(grace: .milliseconds(500))
        return (exit, tunnel.waitForLines(1000, timeout: .milliseconds(200)), tunnel.standardError)
    }
}
