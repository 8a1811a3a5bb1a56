import SSHCore

/// The one error type of SwiftSSH's public API: a stable `code` to switch on, and a message that says
/// what failed and why. No message ever contains a password, key or other secret.
public struct SSHError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable identifier of what kind of failure this is.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The host name did not resolve.
        public static let nameResolutionFailed = Code(rawValue: "nameResolutionFailed")
        /// The TCP connection could not be made (refused, unreachable, ...).
        public static let connectionFailed = Code(rawValue: "connectionFailed")
        /// The identification-string exchange failed (RFC 4253 §4.2).
        public static let versionExchangeFailed = Code(rawValue: "versionExchangeFailed")
        /// The key exchange failed: no common algorithm, a bad signature, a bad peer value.
        public static let keyExchangeFailed = Code(rawValue: "keyExchangeFailed")
        /// The host-key policy refused the server's key.
        public static let hostKeyRejected = Code(rawValue: "hostKeyRejected")
        /// No credential was accepted.
        public static let authenticationFailed = Code(rawValue: "authenticationFailed")
        /// The server refused to open a channel (RFC 4254 §5.1).
        public static let channelOpenFailed = Code(rawValue: "channelOpenFailed")
        /// The server sent DISCONNECT.
        public static let disconnectedByServer = Code(rawValue: "disconnectedByServer")
        /// A wait ran out of time: TCP connect, handshake, authentication, keepalive.
        public static let timeout = Code(rawValue: "timeout")
        /// The server broke the protocol: a malformed or unexpected message, a MAC failure.
        public static let protocolError = Code(rawValue: "protocolError")
        /// The connection is closed (by us, or the TCP connection was lost).
        public static let connectionClosed = Code(rawValue: "connectionClosed")
        /// A channel was used after it was closed.
        public static let channelClosed = Code(rawValue: "channelClosed")
        /// The configuration given to SwiftSSH is not usable.
        public static let invalidConfiguration = Code(rawValue: "invalidConfiguration")
    }

    /// What kind of failure.
    public let code: Code
    /// What failed and why, safe to log.
    public let message: String
    /// For `channelOpenFailed`: the RFC 4254 §5.1 reason code (1 prohibited, 2 connect failed,
    /// 3 unknown channel type, 4 resource shortage).
    public let channelOpenFailureReason: UInt32?
    /// For `authenticationFailed`: each method and key tried, and what the server answered.
    public let authenticationAttempts: [String]
    /// For `disconnectedByServer`: the RFC 4253 §11.1 reason code.
    public let disconnectReason: UInt32?

    /// Creates an error.
    public init(code: Code, message: String, channelOpenFailureReason: UInt32? = nil,
                authenticationAttempts: [String] = [], disconnectReason: UInt32? = nil) {
        self.code = code
        self.message = message
        self.channelOpenFailureReason = channelOpenFailureReason
        self.authenticationAttempts = authenticationAttempts
        self.disconnectReason = disconnectReason
    }

    public var description: String { "\(code): \(message)" }

    /// Maps a core failure to the public error.
    package init(_ failure: ClientConnectionFailure) {
        switch failure {
        case let .authentication(report):
            self.init(code: .authenticationFailed, message: report.description, authenticationAttempts: report.attempts.map(\.description))
        case let .transport(error):
            self.init(error)
        }
    }

    /// Maps a transport failure to the public error.
    package init(_ error: SSHProtocolError) {
        switch error {
        case .versionExchange: self.init(code: .versionExchangeFailed, message: error.description)
        case .noCommonAlgorithm, .keyExchangeFailed, .hostKeyMismatchedAlgorithm, .cryptoFailure:
            self.init(code: .keyExchangeFailed, message: error.description)
        case .hostKeyRejected: self.init(code: .hostKeyRejected, message: error.description)
        case let .disconnectedByPeer(reason, _):
            self.init(code: .disconnectedByServer, message: error.description, disconnectReason: reason)
        default: self.init(code: .protocolError, message: error.description)
        }
    }
}
