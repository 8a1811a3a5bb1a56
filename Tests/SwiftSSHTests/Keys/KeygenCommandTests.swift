import Foundation
import Synchronization
import Testing

/// The `swiftssh keygen` executable itself (not only the library under it), against OpenSSH's
/// ssh-keygen: what it writes, ssh-keygen reads; it prints the same fingerprints, public keys and
/// known_hosts lookups; it never overwrites without --force.
@Suite("swiftssh keygen against ssh-keygen", .tags(.interop), .serialized,
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
                    || ProcessInfo.processInfo.environment["CI"] != nil))
struct KeygenCommandTests {
    static let sshKeygen = "/usr/bin/ssh-keygen"

    /// The swiftssh executable, built next to the test bundle by `swift build --build-tests`.
    static func swiftssh() throws -> String {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("swiftssh").path
        try #require(FileManager.default.isExecutableFile(atPath: path), "no swiftssh executable at \(path); run swift build --build-tests")
        return path
    }

    /// Runs `executable` on its own thread (never blocking the cooperative pool, which other tests'
    /// SSH handshakes need), with stdin closed, for at most `timeout`; returns its status and output.
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws
        -> (status: Int32, output: String, errors: String)
    {
        let outcome = try await onThread { try runBlocking(executable, arguments, timeout: timeout) }
        if outcome.timedOut { Issue.record("\(executable) \(arguments) did not finish within \(timeout)") }
        return (outcome.status, outcome.output, outcome.errors)
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], timeout: Duration) throws
        -> (status: Int32, output: String, errors: String, timedOut: Bool)
    {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swiftssh-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? outHandle.close(); try? errHandle.close() }
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let timedOut = process.isRunning
        if timedOut { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8),
                timedOut)
    }

    /// The first two fields (`type base64`) of a public key line.
    static func keyFields(_ line: String) -> String {
        line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    static let types: [(String, String?)] = [("ed25519", nil), ("ecdsa", "256"), ("ecdsa", "384"), ("ecdsa", "521"), ("rsa", "2048")]

    @Test("Keys swiftssh keygen writes, plain and encrypted, are read by ssh-keygen -y with the same public key and fingerprint",
          arguments: types)
    func sshKeygenReadsWhatWeWrite(type: String, bits: String?) async throws {
        let swiftssh = try Self.swiftssh()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for passphrase in ["", "cli pass phrase"] {
            let path = directory.file("id_\(type)\(bits ?? "")\(passphrase.isEmpty ? "" : "_enc")")
            var arguments = ["keygen", "-t", type, "-f", path, "-N", passphrase, "-C", "cli@test", "-a", "4"]
            if let bits { arguments += ["-b", bits] }
            let generated = try await Self.run(swiftssh, arguments)
            #expect(generated.status == 0, "\(generated.errors)")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let publicLine = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            #expect(publicLine.hasSuffix(" cli@test\n"))

            let theirs = try await Self.run(Self.sshKeygen, ["-y", "-P", passphrase, "-f", path])
            #expect(theirs.status == 0, "ssh-keygen -y failed: \(theirs.errors)")
            #expect(Self.keyFields(theirs.output) == Self.keyFields(publicLine))
            let ours = try await Self.run(swiftssh, ["keygen", "-y", "-P", passphrase, "-f", path])
            #expect(Self.keyFields(ours.output) == Self.keyFields(theirs.output))

            for hash in ["sha256", "md5"] {
                let ourListing = try await Self.run(swiftssh, ["keygen", "-l", "-E", hash, "-f", path])
                let theirListing = try await Self.run(Self.sshKeygen, ["-l", "-E", hash, "-f", path])
                #expect(ourListing.status == 0)
                #expect(ourListing.output == theirListing.output, "-l -E \(hash)")
            }
            if !passphrase.isEmpty {
                #expect(try await Self.run(Self.sshKeygen, ["-y", "-P", "not the passphrase", "-f", path]).status != 0)
                let wrong = try await Self.run(swiftssh, ["keygen", "-y", "-P", "not the passphrase", "-f", path])
                #expect(wrong.status != 0)
                #expect(!wrong.errors.contains("cli pass phrase") && !wrong.output.contains("cli pass phrase"))
            }
        }
    }

    @Test("An existing key is never overwritten without --force")
    func refusesToOverwrite() async throws {
        let swiftssh = try Self.swiftssh()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("id_ed25519")
        #expect(try await Self.run(swiftssh, ["keygen", "-t", "ed25519", "-f", path, "-N", ""]).status == 0)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let again = try await Self.run(swiftssh, ["keygen", "-t", "ed25519", "-f", path, "-N", ""])
        #expect(again.status != 0)
        #expect((again.errors + again.output).contains("already exists"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
        let forced = try await Self.run(swiftssh, ["keygen", "-t", "ed25519", "-f", path, "-N", "", "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) != original)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("-F host -f known_hosts prints exactly what ssh-keygen -F prints, with the same exit status",
          arguments: ["plain.example", "[port.example]:2222", "hashed.example", "[hashed.example]:2222", "deny.wild.example",
                      "multi.example", "nothere.example"])
    func findHost(host: String) async throws {
        let swiftssh = try Self.swiftssh()
        let knownHosts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/known-hosts/known_hosts").path
        let ours = try await Self.run(swiftssh, ["keygen", "-F", host, "-f", knownHosts])
        let theirs = try await Self.run(Self.sshKeygen, ["-F", host, "-f", knownHosts])
        #expect(ours.status == theirs.status)
        #expect(ours.output == theirs.output)
        #expect(!theirs.output.isEmpty)
    }
    @Test("-y -f file without -P asks for the passphrase when a terminal is attached (a pty from script(1))")
    func promptsForPassphraseOnATerminal() async throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "script(1) from util-linux is needed")
        let swiftssh = try Self.swiftssh()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("id_tty")
        #expect(try await Self.run(swiftssh, ["keygen", "-t", "ed25519", "-f", path, "-N", "tty pass", "-a", "2"]).status == 0)
        let publicLine = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        let session = try await onThread {
            try Self.typePassphrase("tty pass", script: script, command: "'\(swiftssh)' keygen -y -f '\(path)'")
        }
        #expect(session.text.contains("Enter passphrase for \(path)"), "\(session.text)")
        #expect(session.finished, "swiftssh keygen -y did not finish after the passphrase was typed")
        #expect(session.status == 0)
        #expect(session.text.contains(Self.keyFields(publicLine)), "\(session.text)")
    }

    /// Runs `command` under script(1), so it has a terminal; waits (bounded) for a passphrase prompt and
    /// types `passphrase`. The prompt flushes pending input when it turns echo off, so a line typed too
    /// early is typed again (at most 10 times, 1 s apart). Blocking: call it on its own thread.
    private static func typePassphrase(_ passphrase: String, script: String, command: String) throws
        -> (text: String, finished: Bool, status: Int32)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let received = ReceivedText()
        let reader = Thread {
            while true {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return }
                received.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
        reader.start()
        let promptDeadline = ContinuousClock.now + .seconds(30)
        while !received.text.withLock({ $0.contains("Enter passphrase") }) && process.isRunning && ContinuousClock.now < promptDeadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        for _ in 0..<10 where process.isRunning {
            input.fileHandleForWriting.write(Data((passphrase + "\n").utf8))
            let deadline = ContinuousClock.now + .seconds(1)
            while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        }
        let finished = !process.isRunning
        if !finished { process.terminate() }
        process.waitUntilExit()
        let readerDeadline = ContinuousClock.now + .seconds(5)
        while !reader.isFinished && ContinuousClock.now < readerDeadline { Thread.sleep(forTimeInterval: 0.02) }
        return (received.text.withLock { $0 }, finished, process.terminationStatus)
    }
}

/// Output collected by a reader thread.
final class ReceivedText: Sendable {
    let text = Mutex("")
}
