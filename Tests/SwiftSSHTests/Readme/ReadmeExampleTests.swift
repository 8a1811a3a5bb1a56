import Foundation
import SSHDHarness
import SwiftSSH
import Testing

/// README.md's "Using the library" example is the code in ReadmeExample.swift: the first test makes
/// sure the two cannot drift apart, the second runs it against sshd and a loopback HTTP server.
@Suite("README example", .serialized)
struct ReadmeExampleTests {
    static let beginMarker = "// README example begins\n"
    static let endMarker = "// README example ends\n"

    /// The repository root, from this file's path (Tests/SwiftSSHTests/Readme/ReadmeExampleTests.swift).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The text between the markers of ReadmeExample.swift.
    static func exampleSource() throws -> String {
        let url = repositoryRoot.appendingPathComponent("Tests/SwiftSSHTests/Readme/ReadmeExample.swift")
        let text = try String(contentsOf: url, encoding: .utf8)
        let begin = try #require(text.range(of: beginMarker), "no begin marker in \(url.path)")
        let end = try #require(text.range(of: endMarker, range: begin.upperBound..<text.endIndex), "no end marker in \(url.path)")
        return String(text[begin.upperBound..<end.lowerBound])
    }

    /// The first ```swift block after the "## Using the library" heading of README.md.
    static func readmeBlock() throws -> String {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let heading = try #require(text.range(of: "\n## Using the library\n"), "README.md has no \"## Using the library\" heading")
        let open = try #require(text.range(of: "```swift\n", range: heading.upperBound..<text.endIndex), "no ```swift block after the heading")
        let close = try #require(text.range(of: "\n```\n", range: open.upperBound..<text.endIndex), "the ```swift block is not closed")
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }

    @Test("README's \"Using the library\" code block is ReadmeExample.swift's example, byte for byte")
    func readmeMatchesTheTestedCode() throws {
        let example = try Self.exampleSource()
        let block = try Self.readmeBlock()
        #expect(example.contains("func fetchThroughBastion("))
        #expect(block == example, "README.md and Tests/SwiftSSHTests/Readme/ReadmeExample.swift differ; copy one into the other")
    }

    @Test("Every relative link in README.md and Docs/*.md points at a file that exists")
    func relativeLinksResolve() throws {
        let root = Self.repositoryRoot
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Docs").path)
            .filter { $0.hasSuffix(".md") }.map { "Docs/" + $0 }
        #expect(Set(docs).isSuperset(of: ["Docs/Architecture.md", "Docs/ProtocolCoverage.md", "Docs/Security.md", "Docs/Testing.md"]))
        var checked = 0
        for file in ["README.md"] + docs {
            let url = root.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            // Markdown links `](target)`; external and in-page links are skipped, `#anchors` dropped.
            for part in text.components(separatedBy: "](").dropFirst() {
                guard let end = part.firstIndex(of: ")") else { continue }
                let target = String(part[..<end]).components(separatedBy: "#")[0]
                guard !target.isEmpty, !target.contains("://"), !target.hasPrefix("mailto:") else { continue }
                let resolved = url.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL.path
                #expect(FileManager.default.fileExists(atPath: resolved), "\(file) links to \(target), which does not exist")
                checked += 1
            }
        }
        #expect(checked >= 8)
    }

    @Test("The README example fetches a page through sshd from a loopback HTTP server", .tags(.interop))
    func exampleRunsThroughSSHD() async throws {
        let scratch = try ClientScratch()
        let knownHosts = scratch.url.appendingPathComponent("known_hosts").path
        var configuration = SSHDConfiguration()
        var keyFile = scratch.url.appendingPathComponent("id_ed25519").path
        let key = try SSHPrivateKey.generate(.ed25519)
        try key.write(toFile: keyFile, passphrase: nil, comment: "readme-example")
        configuration.authorizedKeys = [key.publicKey.openSSHLine]
        let server = try await onThread { [configuration] in try SSHDServer.start(configuration) } // keeps the cooperative pool free
        defer { server.stop() }
        if let external = server.externalIdentityPath { keyFile = external }
        try (server.knownHostsLines().joined(separator: "\n") + "\n").write(toFile: knownHosts, atomically: true, encoding: .utf8)

        let token = "swiftssh-readme-" + UUID().uuidString
        let http = try await LoopbackHTTPServer(body: token)
        let response: String
        do {
            response = try await fetchThroughBastion(
                bastion: server.host, port: server.port, user: server.user, keyFile: keyFile, knownHosts: knownHosts,
                httpHost: "127.0.0.1", httpPort: http.port, path: "/status")
        } catch {
            await http.stop()
            throw error
        }
        await http.stop()
        #expect(response.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(response.prefix(200))")
        #expect(response.hasSuffix("\r\n\r\n" + token))
        #expect(http.requestLines == ["GET /status HTTP/1.0"])
    }

    @Test("The example refuses a bastion whose host key is not in known_hosts", .tags(.interop))
    func exampleRefusesUnknownHost() async throws {
        let scratch = try ClientScratch()
        let knownHosts = scratch.url.appendingPathComponent("known_hosts").path
        try "".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let keyFile = scratch.url.appendingPathComponent("id_ed25519").path
        let key = try SSHPrivateKey.generate(.ed25519)
        try key.write(toFile: keyFile, passphrase: nil, comment: "readme-example")
        var configuration = SSHDConfiguration()
        configuration.authorizedKeys = [key.publicKey.openSSHLine]
        let server = try await onThread { [configuration] in try SSHDServer.start(configuration) } // keeps the cooperative pool free
        defer { server.stop() }
        guard !server.isExternal else { return }
        let http = try await LoopbackHTTPServer(body: "never served")
        do {
            _ = try await fetchThroughBastion(
                bastion: server.host, port: server.port, user: server.user, keyFile: keyFile, knownHosts: knownHosts,
                httpHost: "127.0.0.1", httpPort: http.port, path: "/")
            Issue.record("connected to a host that is not in known_hosts")
        } catch let error as SSHError {
            #expect(error.code == .hostKeyRejected, "\(error)")
        }
        await http.stop()
        #expect(http.requestLines.isEmpty)
    }
}
