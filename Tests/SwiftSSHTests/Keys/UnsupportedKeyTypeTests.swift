import Foundation
import SwiftSSH
import Testing

/// A private key of a type SwiftSSH does not support (DSA, as ssh-keygen can still write it) is
/// reported as such, in the OpenSSH format and in PEM, and is not mistaken for a corrupt file.
@Suite("Unsupported private key types", .tags(.interop),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")))
struct UnsupportedKeyTypeTests {
    @Test("A DSA private key gives unsupportedKeyType, in openssh-key-v1 and in PEM", arguments: ["openssh-key-v1", "PEM"])
    func dsaKey(format: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("id_dsa")
        var arguments = ["-q", "-t", "dsa", "-N", "", "-f", path]
        if format == "PEM" { arguments += ["-m", "PEM"] }
        let command = arguments
        let generated = try await onThread { try runTool("/usr/bin/ssh-keygen", command) } // keeps the cooperative pool free
        try #require(generated.status == 0, "ssh-keygen -t dsa failed")
        do {
            _ = try SSHPrivateKey(contentsOf: path)
            Issue.record("a DSA key was loaded")
        } catch let error as SSHError {
            #expect(error.code == .unsupportedKeyType, "\(error)")
        }
    }
}
