import Foundation
import Logging
import Synchronization
import Testing

/// The key fixtures written by `Fixtures/make-keys.sh` with ssh-keygen and openssl.
enum KeyFixtures {
    /// The passphrase of every encrypted fixture (PASSPHRASE in make-keys.sh).
    static let passphrase = "correct horse battery"
    /// The key names, one per type.
    static let names = ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"]
    /// Every private key file of `name`.
    static func variants(_ name: String) -> [String] {
        ["openssh", "openssh-aes256-ctr", "openssh-aes128-ctr", "openssh-aes192-ctr", "openssh-aes256-gcm"]
            + (name == "ed25519" ? ["pkcs8", "pkcs8-enc"] : ["pem", "pem-enc", "pkcs8", "pkcs8-enc"])
    }
    /// Whether the variant is encrypted.
    static func isEncrypted(_ variant: String) -> Bool { variant.hasSuffix("-enc") || variant.hasPrefix("openssh-") }

    /// Fixtures/keys, found from this source file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/keys")

    /// The path of a fixture file.
    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// The text of a fixture file without its final newline.
    static func text(_ file: String) throws -> String {
        let text = try String(contentsOfFile: path(file), encoding: .utf8)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "swiftssh-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs an installed tool (ssh-keygen) and returns its exit status and standard output.
func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A log handler that keeps the messages it is given, for checking warnings.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    let messages = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.withLock { $0.append("\(event.level): \(event.message)") }
    }
}
