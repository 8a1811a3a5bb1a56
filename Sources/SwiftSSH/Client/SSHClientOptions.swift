import SSHCore

/// How to prove who we are. Methods are tried in the order given, each only if the server offers it
/// (RFC 4252 §5.2).
public struct SSHAuthenticationMethod: Sendable {
    package enum Kind: Sendable {
        case signingKey(SigningKey, label: String)
        case password(String)
        case keyboardInteractive(@Sendable (SSHKeyboardInteractiveChallenge) async throws -> [String])
    }

    package let kind: Kind

    package init(kind: Kind) { self.kind = kind }

    /// Password authentication (RFC 4252 §8).
    public static func password(_ password: String) -> SSHAuthenticationMethod {
        SSHAuthenticationMethod(kind: .password(password))
    }

    /// Keyboard-interactive authentication (RFC 4256): `responder` answers each set of prompts, e.g.
    /// with a password and a one-time code for a 2FA bastion.
    public static func keyboardInteractive(
        _ responder: @escaping @Sendable (SSHKeyboardInteractiveChallenge) async throws -> [String]
    ) -> SSHAuthenticationMethod {
        SSHAuthenticationMethod(kind: .keyboardInteractive(responder))
    }

    /// Public-key authentication (RFC 4252 §7) with a private key, e.g. from `SSHPrivateKey(contentsOf:)`.
    /// The key signs only after the server said it would accept it.
    public static func privateKey(_ key: SSHPrivateKey, label: String? = nil) -> SSHAuthenticationMethod {
        SSHAuthenticationMethod(kind: .signingKey(key.signingKey, label: label ?? key.comment))
    }

    /// Public-key authentication with a key held in memory (RFC 4252 §7).
    package static func signingKey(_ key: SigningKey, label: String) -> SSHAuthenticationMethod {
        SSHAuthenticationMethod(kind: .signingKey(key, label: label))
    }
}

/// One round of keyboard-interactive prompts (RFC 4256 §3.2), cleaned of control characters.
public struct SSHKeyboardInteractiveChallenge: Sendable, Equatable {
    /// The request's name (often empty).
    public var name: String
    /// Instructions to show the user (often empty).
    public var instruction: String
    /// The prompts, in order; answer each with one string.
    public var prompts: [String]
    /// Whether each prompt's answer may be echoed (false for passwords and codes).
    public var echo: [Bool]
}

/// The ordered algorithm lists offered in KEXINIT. The defaults are OpenSSH's, without SHA-1
/// algorithms; every name must be one SwiftSSH implements (see Docs/ProtocolCoverage.md).
public struct SSHAlgorithms: Sendable, Hashable {
    /// Key-exchange methods (OpenSSH's KexAlgorithms).
    public var keyExchange: [String]
    /// Host-key algorithms (OpenSSH's HostKeyAlgorithms).
    public var hostKey: [String]
    /// Ciphers (OpenSSH's Ciphers).
    public var ciphers: [String]
    /// MACs for the CTR ciphers (OpenSSH's MACs).
    public var macs: [String]

    /// The defaults.
    public init() {
        let defaults = AlgorithmPreferences()
        keyExchange = defaults.keyExchange
        hostKey = defaults.hostKey
        ciphers = defaults.ciphers
        macs = defaults.macs
    }

    package var preferences: AlgorithmPreferences {
        var preferences = AlgorithmPreferences()
        preferences.keyExchange = keyExchange
        preferences.hostKey = hostKey
        preferences.ciphers = ciphers
        preferences.macs = macs
        return preferences
    }
}

/// What was negotiated in the first key exchange.
public struct SSHNegotiatedAlgorithms: Sendable, Hashable {
    /// The key-exchange method.
    public var keyExchange: String
    /// The host-key algorithm.
    public var hostKey: String
    /// The cipher from client to server.
    public var cipherClientToServer: String
    /// The cipher from server to client.
    public var cipherServerToClient: String
    /// The MAC from client to server, or nil for an AEAD cipher.
    public var macClientToServer: String?
    /// The MAC from server to client, or nil for an AEAD cipher.
    public var macServerToClient: String?
    /// Whether strict kex (the Terrapin countermeasure) is in force.
    public var strictKex: Bool

    package init(_ negotiated: NegotiatedAlgorithms) {
        keyExchange = negotiated.keyExchange.name
        hostKey = negotiated.hostKey.name
        cipherClientToServer = negotiated.cipherClientToServer.name
        cipherServerToClient = negotiated.cipherServerToClient.name
        macClientToServer = negotiated.macClientToServer?.name
        macServerToClient = negotiated.macServerToClient?.name
        strictKex = negotiated.strictKex
    }
}

/// Every wait of a connection ends: these bound the ones before it is usable.
public struct SSHTimeouts: Sendable, Hashable {
    /// The TCP connect (OpenSSH's ConnectTimeout).
    public var connect: Duration = .seconds(15)
    /// From TCP connected to the server accepting `ssh-userauth` (version, key exchange, host key).
    public var handshake: Duration = .seconds(30)
    /// From `ssh-userauth` accepted to authenticated (keyboard-interactive prompts included).
    public var authentication: Duration = .seconds(60)
    /// Opening one channel.
    public var channelOpen: Duration = .seconds(30)
    /// The defaults above.
    public init() {}
}

/// Client keepalive, as OpenSSH's ServerAliveInterval and ServerAliveCountMax: when nothing arrives
/// from the server for `interval`, send `keepalive@openssh.com`; after `countMax` unanswered ones,
/// declare the server dead and close.
public struct SSHKeepalive: Sendable, Hashable {
    /// How long without traffic before probing; nil turns keepalive off (OpenSSH's default).
    public var interval: Duration?
    /// Unanswered probes tolerated (OpenSSH's default is 3).
    public var countMax: Int

    /// Creates keepalive settings.
    public init(interval: Duration? = nil, countMax: Int = 3) {
        self.interval = interval
        self.countMax = countMax
    }
}

/// Per-channel flow control.
public struct SSHFlowControl: Sendable, Hashable {
    /// The receive window granted to the server per channel (default 2 MiB).
    public var windowSize: UInt32 = 2 * 1024 * 1024
    /// The largest data packet accepted (default 32 KiB).
    public var maximumPacketSize: UInt32 = 32 * 1024
    /// The defaults.
    public init() {}
}
