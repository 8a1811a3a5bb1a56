import Foundation
import Glibc

/// An sshd the harness does not start, named by SWIFTSSH_TEST_SSHD_* environment variables:
/// `_HOST` (required; loopback only), `_PORT` (default 22), `_USER` (default: the current user),
/// `_KEY` (required: a private key path the server accepts), `_HOSTKEY` (required: its host `.pub` line).
public struct SSHDExternalTarget: Sendable, Equatable {
    /// Environment variable names.
    public static let hostVariable = "SWIFTSSH_TEST_SSHD_HOST"
    /// See `hostVariable`.
    public static let portVariable = "SWIFTSSH_TEST_SSHD_PORT"
    /// See `hostVariable`.
    public static let userVariable = "SWIFTSSH_TEST_SSHD_USER"
    /// See `hostVariable`.
    public static let keyVariable = "SWIFTSSH_TEST_SSHD_KEY"
    /// See `hostVariable`.
    public static let hostKeyVariable = "SWIFTSSH_TEST_SSHD_HOSTKEY"

    /// The loopback host (`127.x.y.z`, `::1` or `localhost`).
    public let host: String
    /// The TCP port.
    public let port: Int
    /// The login user.
    public let user: String
    /// Path of a private key the server accepts for `user`.
    public let privateKeyPath: String
    /// The server's host public key line (`<format> <base64> [comment]`).
    public let hostPublicKeyLine: String

    /// Reads the target from `environment`; nil when `SWIFTSSH_TEST_SSHD_HOST` is unset or empty.
    /// Throws `invalidExternalServer` for a non-loopback host or missing/malformed variables: tests
    /// must never be pointed at a real machine by accident.
    public static func fromEnvironment(_ environment: [String: String]) throws -> SSHDExternalTarget? {
        guard let host = environment[hostVariable], !host.isEmpty else { return nil }
        guard isLoopback(host) else {
            throw SSHDHarnessError.invalidExternalServer(
                reason: "\(hostVariable)=\(host) is not a loopback address; only 127.0.0.0/8, ::1 and localhost are allowed"
            )
        }
        let portText = environment[portVariable] ?? "22"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw SSHDHarnessError.invalidExternalServer(reason: "\(portVariable)=\(portText) is not a TCP port")
        }
        guard let key = environment[keyVariable], !key.isEmpty else {
            throw SSHDHarnessError.invalidExternalServer(reason: "\(keyVariable) (a private key path the server accepts) is not set")
        }
        guard let hostKey = environment[hostKeyVariable], hostKey.split(separator: " ").count >= 2 else {
            throw SSHDHarnessError.invalidExternalServer(reason: "\(hostKeyVariable) must be the server's host public key line")
        }
        let user = environment[userVariable].flatMap { $0.isEmpty ? nil : $0 } ?? currentUserName()
        return SSHDExternalTarget(host: host, port: port, user: user, privateKeyPath: key, hostPublicKeyLine: hostKey)
    }

    /// True for `localhost`, `::1` and any dotted-quad IPv4 address in 127.0.0.0/8.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return false }
        let firstOctet = UInt32(bigEndian: address.s_addr) >> 24
        return firstOctet == 127
    }
}

/// The name of the effective user (the login user of a harness sshd), e.g. `root` in CI.
func currentUserName() -> String {
    guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else {
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
    return String(cString: name)
}
