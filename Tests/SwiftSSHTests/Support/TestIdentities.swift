import Foundation
import SSHCore
import SSHCrypto
import SSHDHarness
@testable import SwiftSSH

/// A key pair made in memory for a test, with its authorized_keys line.
struct TestIdentity: Sendable {
    let name: String
    let key: SigningKey

    var authorizedKeysLine: String { "\(key.publicKey.keyType) \(Base64.encode(key.publicKey.blob)) \(name)" }
    var method: SSHAuthenticationMethod { .signingKey(key, label: name) }

    static func ed25519() throws -> TestIdentity {
        TestIdentity(name: "test-ed25519", key: .ed25519(try Ed25519PrivateKey(randomSource: SystemRandomSource())))
    }

    static func ecdsa(_ curve: ECCurve) throws -> TestIdentity {
        TestIdentity(name: "test-ecdsa-\(curve.sshIdentifier)", key: .ecdsa(try ECDSAPrivateKey(curve: curve)))
    }

    static func rsa(bits: Int = 2048) throws -> TestIdentity {
        TestIdentity(name: "test-rsa-\(bits)", key: .rsa(try RSAPrivateKey.generate(bits: bits)))
    }

    /// One identity of every key type the client can authenticate with.
    static func all() throws -> [TestIdentity] {
        [try ed25519(), try ecdsa(.p256), try ecdsa(.p384), try ecdsa(.p521), try rsa()]
    }
}

/// Starts sshd authorizing `identity` and connects an authenticated client to it.
func connectAuthenticated(_ server: SSHDServer, identity: TestIdentity, transport: ClientTransportConfiguration = .init(),
                          keepalive: SSHKeepalive = SSHKeepalive()) async throws -> SSHClient {
    var configuration = try SSHClient.makeConfiguration(user: server.user, authentication: [identity.method],
                                                        algorithms: SSHAlgorithms(), flowControl: SSHFlowControl())
    configuration.transport = transport
    return try await SSHClient.connect(host: server.host, port: server.port, configuration: configuration,
                                       hostKeyValidator: harnessHostKeys(server), keepalive: keepalive)
}

/// A local user with a password, for password and keyboard-interactive tests; needs root.
enum TestUser {
    static let name = "swiftssh-test"
    /// One random password per test process, so parallel tests agree on it.
    static let password = "pw-" + Base64.encode(randomBytes(12))
    private static let setUp: Result<Bool, any Error> = Result { try create(password: password) }

    /// Creates the user (once per process) with `password`. Returns false when not running as root.
    static func ensure() throws -> Bool { try setUp.get() }

    private static func create(password: String) throws -> Bool {
        guard getuid() == 0 else { return false }
        if getpwnam(name) == nil {
            try run("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", name])
        }
        try run("/usr/sbin/chpasswd", [], input: "\(name):\(password)\n")
        return true
    }

    private static func run(_ path: String, _ arguments: [String], input: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        if input != nil { process.standardInput = pipe }
        try process.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SSHError(code: .invalidConfiguration, message: "\(path) failed with status \(process.terminationStatus)")
        }
    }
}

/// Random bytes for data-integrity checks.
func randomBytes(_ count: Int) -> [UInt8] { SystemRandomSource().bytes(count) }
