// Docs/Guide.md's Swift code blocks, byte for byte, in order (all but the Package.swift fragment).
// GuideTests checks that every block of the guide appears here and runs these functions against sshd.
import NIOCore
import SwiftSSH

/// Connects to a bastion with a key file and a known_hosts file, the way `ssh` does by default.
func connectToBastion(host: String, port: Int, user: String, keyFile: String,
                      knownHostsFile: String) async throws -> SSHClient {
    let key = try SSHPrivateKey(contentsOf: keyFile)
    return try await SSHClient.connect(
        host: host, port: port, user: user,
        authentication: [.privateKey(key)],
        hostKeyValidator: .knownHosts([KnownHostsFile(path: knownHostsFile)])
    )
}

/// Sends `request` to a TCP service behind the bastion and returns everything it answers.
func askServiceBehindBastion(host: String, port: Int, user: String, key: SSHPrivateKey,
                             knownHostsFile: String, serviceHost: String, servicePort: Int,
                             request: [UInt8]) async throws -> [UInt8] {
    try await SSHClient.withConnection(
        host: host, port: port, user: user,
        authentication: [.privateKey(key)],
        hostKeyValidator: .knownHosts([KnownHostsFile(path: knownHostsFile)])
    ) { client in
        let channel = try await client.openDirectTCPIP(host: serviceHost, port: servicePort)
        try await channel.write(request)
        try await channel.finish()  // half-close: we are done sending; the answer still arrives
        var answer: [UInt8] = []
        for try await chunk in channel { answer += chunk.readableBytesView }
        await channel.close()
        return answer
    }
}

/// Every way to authenticate, in the order a service would usually try them.
func authenticationChoices(keyFile: String, passphrase: String?, password: String,
                           oneTimeCode: @escaping @Sendable () async throws -> String) throws -> [SSHAuthenticationMethod] {
    // A key file: OpenSSH format (ed25519, ecdsa, rsa) or PEM, encrypted or not.
    let key = try SSHPrivateKey(contentsOf: keyFile, passphrase: passphrase)
    return [
        .privateKey(key),
        // A password (RFC 4252 §8). Never logged; only sent after the host key was accepted.
        .password(password),
        // Keyboard-interactive (RFC 4256), e.g. a password and a one-time code on a 2FA bastion:
        // answer each prompt of each round, in order.
        .keyboardInteractive { challenge in
            var answers: [String] = []
            for prompt in challenge.prompts {
                if prompt.lowercased().contains("code") {
                    answers.append(try await oneTimeCode())
                } else {
                    answers.append(password)
                }
            }
            return answers
        },
    ]
}

/// The host-key policies, from strictest to none.
func hostKeyPolicies(knownHostsFile: String, pinnedFingerprint: String) -> [HostKeyValidator] {
    let file = KnownHostsFile(path: knownHostsFile)
    return [
        // 1. Strict (StrictHostKeyChecking=yes): the key must be in the known_hosts files.
        .knownHosts([file]),
        // 2. Trust on first use (StrictHostKeyChecking=accept-new): an unknown host's key is
        //    appended to the first file; a changed or revoked key is still refused.
        .acceptNew([file], hashNewEntries: true),
        // 3. Pinned: only keys with these SHA-256 fingerprints (as `ssh-keygen -l` prints them).
        .pinnedFingerprints([pinnedFingerprint]),
        // 4. Your own rule, e.g. a key served by your configuration service.
        .custom { context in
            context.hostKey.fingerprintSHA256 == pinnedFingerprint && context.port == 22
                ? .accept
                : .reject(reason: "\(context.host) port \(context.port) is not the bastion we expect")
        },
        // 5. None at all. Anyone who can intercept the connection becomes the bastion: use it only
        //    against a throwaway server you run yourself.
        .insecurelyAcceptAnyHostKey(),
    ]
}

/// A local port that reaches a database behind a bastion and survives the bastion's restarts.
func startDatabaseTunnel(bastion: String, port: Int, user: String, key: SSHPrivateKey, knownHostsFile: String,
                         databaseHost: String, databasePort: Int) async throws -> LocalForwarder {
    var reconnect = ReconnectPolicy()
    reconnect.initialDelay = .milliseconds(250)   // first retry after about this long
    reconnect.maximumDelay = .seconds(30)         // backoff doubles up to this
    reconnect.jitter = 0.2                        // ±20 %, so many services don't retry in step
    reconnect.maximumAttempts = nil               // never give up
    reconnect.connectionWaitTimeout = .seconds(10) // how long a new local connection waits while down

    let forwarder = try await LocalForwarder.start(
        connect: {
            var timeouts = SSHTimeouts()
            timeouts.connect = .seconds(10)
            return try await SSHClient.connect(
                host: bastion, port: port, user: user,
                authentication: [.privateKey(key)],
                hostKeyValidator: .knownHosts([KnownHostsFile(path: knownHostsFile)]),
                timeouts: timeouts,
                keepalive: SSHKeepalive(interval: .seconds(15), countMax: 3))
        },
        reconnect: reconnect,
        bindHost: "127.0.0.1", bindPort: 0,
        targetHost: databaseHost, targetPort: databasePort)

    // Events: log them, export them as metrics, or fail your health check while disconnected.
    Task {
        for await event in forwarder.events {
            switch event {
            case let .connected(serverVersion): print("tunnel up (\(serverVersion))")
            case let .disconnected(reason): print("tunnel down: \(reason)")
            case let .reconnecting(attempt, delay): print("reconnect attempt \(attempt) in \(delay)")
            case let .reconnectFailed(attempt, reason): print("reconnect attempt \(attempt) failed: \(reason)")
            case let .gaveUp(reason): print("gave up: \(reason)")
            }
        }
    }
    return forwarder
}

/// Connects through `jump` to `inner`, each with its own host-key check, and returns both clients
/// (close the inner one first).
func connectThroughJumpHost(jump: (host: String, port: Int), inner: (host: String, port: Int), user: String,
                            key: SSHPrivateKey, knownHostsFile: String) async throws -> (jump: SSHClient, inner: SSHClient) {
    let knownHosts = HostKeyValidator.knownHosts([KnownHostsFile(path: knownHostsFile)])
    let jumpClient = try await SSHClient.connect(
        host: jump.host, port: jump.port, user: user,
        authentication: [.privateKey(key)], hostKeyValidator: knownHosts)
    do {
        let innerClient = try await SSHClient.connect(
            host: inner.host, port: inner.port, user: user,
            authentication: [.privateKey(key)], hostKeyValidator: knownHosts,
            via: jumpClient)
        return (jumpClient, innerClient)
    } catch {
        await jumpClient.close()
        throw error
    }
}

/// What a service might do with each kind of failure.
func describe(_ error: SSHError) -> String {
    switch error.code {
    case .nameResolutionFailed, .connectionFailed, .timeout:
        return "network: \(error.message); retry later"
    case .hostKeyRejected:
        return "SECURITY: the bastion's host key is not the expected one; do not retry blindly. \(error.message)"
    case .authenticationFailed:
        return "credentials refused; tried: \(error.authenticationAttempts.joined(separator: "; "))"
    case .channelOpenFailed:
        return "the bastion refused the forward (reason code \(error.channelOpenFailureReason.map { "\($0)" } ?? "-")): \(error.message)"
    case .disconnectedByServer:
        return "the server disconnected (reason \(error.disconnectReason.map { "\($0)" } ?? "-")): \(error.message)"
    default:
        return "\(error.code): \(error.message)"
    }
}
