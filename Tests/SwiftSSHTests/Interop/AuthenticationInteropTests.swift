import Foundation
import NIOCore
import SSHCore
import SSHDHarness
import Testing
@testable import SwiftSSH

@Suite("User authentication against OpenSSH sshd", .tags(.interop))
struct AuthenticationInteropTests {
    @Test("Public-key authentication works with every key type", arguments: ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"])
    func publicKey(type: String) async throws {
        let identity: TestIdentity = switch type {
        case "ed25519": try .ed25519()
        case "ecdsa256": try .ecdsa(.p256)
        case "ecdsa384": try .ecdsa(.p384)
        case "ecdsa521": try .ecdsa(.p521)
        default: try .rsa()
        }
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let client = try await connectAuthenticated(server, identity: identity)
        #expect(client.authenticationMethod == "publickey")
        if !server.isExternal {
            #expect(server.waitForLog(containing: "Accepted publickey for \(server.user)", timeout: .seconds(5)))
        }
        await client.close()
    }

    @Test("An RSA key signs with rsa-sha2-512 when the server offers it, else rsa-sha2-256")
    func rsaSignatureAlgorithm() async throws {
        let identity = try TestIdentity.rsa()
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [identity.authorizedKeysLine]
        sshd.pubkeyAcceptedAlgorithms = ["rsa-sha2-256"]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let client = try await connectAuthenticated(server, identity: identity)
        #expect(client.authenticationMethod == "publickey")
        if !server.isExternal {
            #expect(server.waitForLog(containing: "Accepted publickey for \(server.user) from 127.0.0.1", timeout: .seconds(5)))
            #expect(server.log().contains("RSA SHA256:"))
        }
        await client.close()
    }

    @Test("A key that is not authorized fails with the list of what was tried")
    func unauthorizedKey() async throws {
        let authorized = try TestIdentity.ed25519()
        let stranger = try TestIdentity.ecdsa(.p256)
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [authorized.authorizedKeysLine]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        do {
            let client = try await connectAuthenticated(server, identity: stranger)
            await client.close()
            Issue.record("an unauthorized key was accepted")
        } catch let error as SSHError {
            #expect(error.code == .authenticationFailed)
            #expect(error.authenticationAttempts.count == 1)
            let attempt = try #require(error.authenticationAttempts.first)
            #expect(attempt.hasPrefix("publickey ecdsa-sha2-nistp256 SHA256:"))
            #expect(attempt.contains("refused"))
            #expect(error.message.contains("server accepts: publickey"))
        }
    }

    @Test("Password authentication against a test user", .enabled(if: getuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
    func password() async throws {
        let password = TestUser.password
        #expect(try TestUser.ensure())
        var sshd = SSHDConfiguration()
        sshd.passwordAuthentication = true
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let client = try await SSHClient.connect(host: server.host, port: server.port, user: TestUser.name,
                                                 authentication: [.password(password)], hostKeyValidator: harnessHostKeys(server))
        #expect(client.authenticationMethod == "password")
        await client.close()

        do {
            _ = try await SSHClient.connect(host: server.host, port: server.port, user: TestUser.name,
                                            authentication: [.password("wrong-password")], hostKeyValidator: harnessHostKeys(server))
            Issue.record("a wrong password was accepted")
        } catch let error as SSHError {
            #expect(error.code == .authenticationFailed)
            #expect(error.authenticationAttempts == ["password: refused"])
            #expect(!error.message.contains("wrong-password"))
        }
    }

    @Test("Keyboard-interactive authentication against a test user", .enabled(if: getuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
    func keyboardInteractive() async throws {
        let password = TestUser.password
        #expect(try TestUser.ensure())
        var sshd = SSHDConfiguration()
        sshd.kbdInteractiveAuthentication = true
        sshd.extraOptions = [("UsePAM", "yes")] // keyboard-interactive on Linux goes through PAM
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let prompts = PromptLog()
        let client = try await SSHClient.connect(
            host: server.host, port: server.port, user: TestUser.name,
            authentication: [.keyboardInteractive { challenge in
                await prompts.append(challenge.prompts)
                return challenge.prompts.map { _ in password }
            }],
            hostKeyValidator: harnessHostKeys(server))
        #expect(client.authenticationMethod == "keyboard-interactive")
        #expect(await prompts.all.contains { $0.lowercased().contains("password") })
        await client.close()
    }
}

actor PromptLog {
    private(set) var all: [String] = []
    func append(_ prompts: [String]) { all += prompts }
}

@Suite("Key files against OpenSSH sshd", .tags(.interop))
struct KeyFileAuthenticationInteropTests {
    @Test("Encrypted OpenSSH and PEM key files authenticate through the public API",
          arguments: ["ed25519-openssh-aes256-ctr", "ecdsa384-openssh-aes256-gcm", "rsa-openssh-aes128-ctr", "ecdsa256-pem-enc", "rsa-pkcs8-enc"])
    func encryptedKeyFile(name: String) async throws {
        let directory = KeyFixtures.directory
        let path = directory.appendingPathComponent(name).path
        let type = String(name.prefix { $0 != "-" })
        let publicLine = try String(contentsOf: directory.appendingPathComponent("\(type).pub"), encoding: .utf8)
        var sshd = SSHDConfiguration()
        sshd.authorizedKeys = [publicLine.trimmingCharacters(in: .whitespacesAndNewlines)]
        let server = try SSHDServer.start(sshd)
        defer { server.stop() }
        let key = try SSHPrivateKey(contentsOf: path, passphrase: "correct horse battery")
        let client = try await SSHClient.connect(host: server.host, port: server.port, user: server.user,
                                                 authentication: [.privateKey(key)], hostKeyValidator: harnessHostKeys(server))
        #expect(client.authenticationMethod == "publickey")
        await client.close()
    }
}
