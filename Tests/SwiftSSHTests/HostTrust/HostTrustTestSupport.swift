import Foundation
import NIOCore
import SSHCore
import SSHDHarness
@testable import SwiftSSH

/// Shared pieces of the HostTrust tests.
enum HostTrustSupport {
    static let keygenPath = "/usr/bin/ssh-keygen"

    /// ssh-keygen is installed (or we are in CI, where its absence must fail the tests).
    static var keygenAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: keygenPath)
            || SSHDServer.isContinuousIntegration(ProcessInfo.processInfo.environment)
    }

    /// The repository's Fixtures/known-hosts directory.
    static let fixtureDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/known-hosts")

    static var fixturePath: String { fixtureDirectory.appendingPathComponent("known_hosts").path }

    /// A host key from a `.pub` / known_hosts key part: `type base64 [comment]`.
    static func hostKey(publicKeyLine line: String) throws -> SSHHostKey {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2, let blob = Base64.decode(fields[1]) else { throw TestFailure("bad key line \(line)") }
        return SSHHostKey(try PublicKey(blob: ByteBuffer(bytes: blob)))
    }

    /// A key from the fixture's keys/NAME.pub.
    static func fixtureKey(_ name: String) throws -> SSHHostKey {
        let text = try String(contentsOf: fixtureDirectory.appendingPathComponent("keys/\(name).pub"), encoding: .utf8)
        return try hostKey(publicKeyLine: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A fresh key pair's public key made by ssh-keygen in `directory`.
    static func generatedKey(_ type: SSHDHostKeyType, in directory: URL, name: String) throws -> SSHHostKey {
        let path = directory.appendingPathComponent(name).path
        try HarnessProcess.runChecked(executable: keygenPath, arguments: ["-q", "-N", "", "-f", path] + type.keygenArguments)
        return try hostKey(publicKeyLine: String(contentsOfFile: path + ".pub", encoding: .utf8))
    }

    /// Runs `ssh-keygen -F name -f file` and returns its standard output.
    static func keygenFind(_ name: String, file: String) throws -> String {
        try HarnessProcess.run(executable: keygenPath, arguments: ["-F", name, "-f", file]).standardOutput
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A scratch directory for one test, removed afterwards.
final class HostTrustScratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftssh-hosttrust-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
