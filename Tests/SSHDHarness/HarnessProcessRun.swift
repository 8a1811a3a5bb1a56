import Foundation
import Glibc

/// What a finished tool run produced.
public struct HarnessProcessResult: Sendable {
    /// How the process ended.
    public let exit: HarnessProcessExit
    /// Everything it wrote to standard output.
    public let standardOutput: String
    /// Everything it wrote to standard error.
    public let standardError: String

    /// True when the process exited with status 0.
    public var succeeded: Bool { exit == .exited(0) }
}

extension HarnessProcess {
    /// Runs a tool to completion with stdin on /dev/null, capturing stdout and stderr (through
    /// temporary files, so a chatty tool can never block on a full pipe). A tool still running after
    /// `timeout` is killed (whole process group) and `SSHDHarnessError.toolTimedOut` is thrown.
    public static func run(
        executable: String,
        arguments: [String],
        timeout: Duration = .seconds(30)
    ) throws -> HarnessProcessResult {
        let scratch = try makeScratchDirectory(prefix: "swiftssh-run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path
        let errPath = scratch.appendingPathComponent("stderr").path
        let process = try launch(
            executable: executable,
            arguments: arguments,
            standardOutput: .file(path: outPath, append: false),
            standardError: .file(path: errPath, append: false)
        )
        let exit = process.waitForExit(timeout: timeout)
        let finalExit = exit ?? process.terminate(grace: .milliseconds(200))
        let output = readText(atPath: outPath)
        let errors = readText(atPath: errPath)
        guard exit != nil, let finalExit else {
            throw SSHDHarnessError.toolTimedOut(executable: executable, output: output + errors)
        }
        return HarnessProcessResult(exit: finalExit, standardOutput: output, standardError: errors)
    }

    /// Like `run`, but throws `SSHDHarnessError.toolFailed` (with the tool's output) unless it exits 0.
    @discardableResult
    public static func runChecked(
        executable: String,
        arguments: [String],
        timeout: Duration = .seconds(30)
    ) throws -> HarnessProcessResult {
        let result = try run(executable: executable, arguments: arguments, timeout: timeout)
        guard result.succeeded else {
            throw SSHDHarnessError.toolFailed(
                executable: executable,
                status: result.exit,
                output: result.standardOutput + result.standardError
            )
        }
        return result
    }
}

/// Reads a file as UTF-8 (lossily), or returns "" if it does not exist.
func readText(atPath path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    return String(decoding: data, as: UTF8.self)
}

/// Creates a fresh private (0700) directory under the system temporary directory.
func makeScratchDirectory(prefix: String) throws -> URL {
    let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
    do {
        try FileManager.default.createDirectory(
            at: url,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
    } catch {
        throw SSHDHarnessError.systemCall(operation: "mkdir \(url.path)", errno: EIO)
    }
    return url
}
