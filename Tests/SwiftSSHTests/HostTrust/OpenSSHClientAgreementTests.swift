import Foundation
import SSHCore
import SSHDHarness
@testable import SwiftSSH
import Testing

/// Against a real sshd with two host keys (Ed25519 and ECDSA P-256), our known_hosts policies accept
/// and refuse exactly where OpenSSH's client with StrictHostKeyChecking=yes does.
@Suite("known_hosts agrees with OpenSSH's client against sshd", .tags(.interop), .serialized,
       .enabled(if: HarnessTestGate.localOpenSSHAvailable))
struct OpenSSHClientAgreementTests {
    enum Outcome: Equatable { case accepted, refused, otherError }

    /// A running sshd, its keys and a scratch directory.
    final class Setup {
        let scratch: HostTrustScratch
        let server: SSHDServer
        let ed25519: String
        let ecdsa: String
        let name: String

        init() throws {
            scratch = try HostTrustScratch()
            var configuration = SSHDConfiguration()
            configuration.hostKeyTypes = [.ed25519, .ecdsa256]
            server = try SSHDServer.start(configuration, environment: HarnessTestGate.localEnvironment)
            ed25519 = try keyPart(server.hostPublicKeys[.ed25519])
            ecdsa = try keyPart(server.hostPublicKeys[.ecdsa256])
            name = "[\(server.host)]:\(server.port)"
        }

        deinit { server.stop() }

        func write(_ text: String, to file: String = "known_hosts") throws -> String {
            let path = scratch.path(file)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            return path
        }

        /// OpenSSH's verdict: "Host key verification failed." means refused; getting as far as
        /// authentication (success or "Permission denied") means the host key was accepted.
        func openSSH(knownHosts path: String) throws -> (Outcome, String) {
            let arguments = ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                             "-o", "UserKnownHostsFile=\(path)", "-o", "GlobalKnownHostsFile=/dev/null",
                             "-o", "ConnectTimeout=5", "-p", String(server.port), server.host, "true"]
            let result = try HarnessProcess.run(executable: OpenSSHClient.path, arguments: arguments)
            if result.standardError.contains("Host key verification failed") { return (.refused, result.standardError) }
            return (.accepted, result.standardError)
        }

        /// Our client's verdict with `validator`, offering known host-key types first.
        func ours(_ validator: HostKeyValidator) async throws -> (Outcome, String) {
            var transport = ClientTransportConfiguration()
            let known = await validator.knownKeyTypes(host: server.host, port: server.port)
            transport.algorithms.hostKey = orderedHostKeyAlgorithms(preferences: transport.algorithms.hostKey, knownKeyTypes: known)
            do {
                let client = try await SSHClient.connectTransport(host: server.host, port: server.port, transport: transport,
                                                                  hostKeyValidator: validator)
                await client.close()
                return (.accepted, "")
            } catch let error as SSHError where error.code == .hostKeyRejected {
                return (.refused, error.message)
            } catch {
                return (.otherError, "\(error)")
            }
        }
    }

    /// Each scenario: a known_hosts text built from the server's keys, and OpenSSH's expected verdict.
    static let scenarios: [(String, Outcome)] = [
        ("plain", .accepted),
        ("hashed", .accepted),
        ("wildcard", .accepted),
        ("negated", .refused),
        ("empty", .refused),
        ("changed", .refused),
        ("revoked", .refused),
        ("other type known", .accepted),
        ("bare host, right key", .accepted),
        ("bare host, other key", .refused),
        ("bare host, revoked", .refused),
        ("cert-authority only", .refused),
    ]

    static func knownHosts(_ scenario: String, _ setup: Setup, otherKey: String) -> String {
        let port = setup.server.port
        switch scenario {
        case "plain": return "# ours\n\(setup.name) \(setup.ed25519)\n"
        case "hashed": return "\(setup.name) \(setup.ed25519)\n"  // hashed by ssh-keygen -H below
        case "wildcard": return "[127.0.0.?]:\(port) \(setup.ed25519)\n"
        case "negated": return "[127.0.0.*]:\(port),![127.0.0.1]:\(port) \(setup.ed25519)\n"
        case "empty": return ""
        case "changed": return "\(setup.name) \(otherKey)\n"
        case "revoked": return "\(setup.name) \(setup.ed25519)\n@revoked \(setup.name) \(setup.ed25519)\n"
        case "other type known": return "\(setup.name) \(setup.ecdsa)\n"
        case "bare host, right key": return "127.0.0.1 \(setup.ed25519)\n"
        case "bare host, other key": return "127.0.0.1 \(otherKey)\n"
        case "bare host, revoked": return "127.0.0.1 \(setup.ed25519)\n@revoked 127.0.0.1 \(setup.ed25519)\n"
        default: return "@cert-authority \(setup.name) \(setup.ed25519)\n"
        }
    }

    @Test("strict known_hosts: our verdict equals OpenSSH's for each kind of line")
    func strictAgreement() async throws {
        let setup = try Setup()
        let otherKey = try HostTrustSupport.generatedKey(.ed25519, in: setup.scratch.url, name: "other").openSSHRepresentation
        for (scenario, expected) in Self.scenarios {
            let path = try setup.write(Self.knownHosts(scenario, setup, otherKey: otherKey), to: "kh-\(scenario.replacingOccurrences(of: " ", with: "-"))")
            if scenario == "hashed" {
                try HarnessProcess.runChecked(executable: HostTrustSupport.keygenPath, arguments: ["-q", "-H", "-f", path])
                #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("|1|"))
            }
            let (theirs, theirText) = try setup.openSSH(knownHosts: path)
            let (ours, ourText) = try await setup.ours(.knownHosts([KnownHostsFile(path: path)]))
            #expect(theirs == expected, "OpenSSH, \(scenario): \(theirText)")
            #expect(ours == expected, "ours, \(scenario): \(ourText)")
            switch scenario {
            case "changed":
                #expect(ourText.contains("REMOTE HOST IDENTIFICATION HAS CHANGED for 127.0.0.1 port \(setup.server.port)"))
                #expect(ourText.contains("Offending ssh-ed25519 key in \(path):1"))
                #expect(theirText.contains("Offending ED25519 key in \(path):1"))
            case "revoked":
                #expect(ourText.contains("marked as revoked in \(path):2"))
                #expect(theirText.contains("marked as revoked"))
            case "empty", "negated", "bare host, other key", "cert-authority only":
                #expect(ourText.contains("No host key is known for \(setup.name)"))
            default:
                break
            }
        }
    }

    @Test("accept-new appends once; OpenSSH then trusts the line we wrote; a changed key is refused")
    func acceptNew() async throws {
        let setup = try Setup()
        for hashed in [false, true] {
            let path = setup.scratch.path(hashed ? "learned-hashed" : "learned")
            let validator = HostKeyValidator.acceptNew([KnownHostsFile(path: path)], hashNewEntries: hashed)
            #expect(try await setup.ours(validator).0 == .accepted)
            let afterFirst = try String(contentsOfFile: path, encoding: .utf8)
            #expect(afterFirst.split(separator: "\n").count == 1)
            #expect(afterFirst.hasPrefix(hashed ? "|1|" : setup.name + " "))
            #expect(try await setup.ours(validator).0 == .accepted)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == afterFirst)
            #expect(try setup.openSSH(knownHosts: path).0 == .accepted)
            #expect(try HostTrustSupport.keygenFind(setup.name, file: path).contains("found: line 1"))
        }
        let otherKey = try HostTrustSupport.generatedKey(.ed25519, in: setup.scratch.url, name: "other").openSSHRepresentation
        let changed = try setup.write("\(setup.name) \(otherKey)\n", to: "changed")
        let (outcome, message) = try await setup.ours(.acceptNew([KnownHostsFile(path: changed)]))
        #expect(outcome == .refused)
        #expect(message.contains("REMOTE HOST IDENTIFICATION HAS CHANGED"))
        #expect(try String(contentsOfFile: changed, encoding: .utf8) == "\(setup.name) \(otherKey)\n")
    }
}

/// `type base64` of a `.pub` line.
private func keyPart(_ line: String?) throws -> String {
    guard let line else { throw HostTrustSupport.TestFailure("sshd has no such host key") }
    return line.split(separator: " ").prefix(2).joined(separator: " ")
}
