/// What a host-key policy decided.
public enum HostKeyVerdict: Sendable, Equatable {
    /// Trust the key and continue.
    case accept
    /// Refuse the key; `reason` says why, in words a person can act on.
    case reject(reason: String)
}

/// Decides whether to trust the server's host key. Verification is on by default; skipping it must
/// be spelled out with `insecurelyAcceptAnyHostKey()`.
public struct HostKeyValidator: Sendable {
    /// What the policy is given: where we connected and what the server proved it holds.
    public struct Context: Sendable {
        /// The host name or address we connected to.
        public var host: String
        /// The TCP port.
        public var port: Int
        /// The key the server signed the exchange hash with.
        public var hostKey: SSHHostKey

        /// Creates a context (the client does this; tests of custom policies may too).
        package init(host: String, port: Int, hostKey: SSHHostKey) {
            self.host = host
            self.port = port
            self.hostKey = hostKey
        }
    }

    private let decide: @Sendable (Context) async -> HostKeyVerdict
    private let knownTypes: @Sendable (_ host: String, _ port: Int) async -> [String]

    /// A policy from its decision and, for known_hosts policies, the key types it knows per host.
    package init(decide: @escaping @Sendable (Context) async -> HostKeyVerdict,
                 knownKeyTypes: @escaping @Sendable (_ host: String, _ port: Int) async -> [String] = { _, _ in [] }) {
        self.decide = decide
        self.knownTypes = knownKeyTypes
    }

    /// A policy from an async closure.
    public static func custom(_ decide: @escaping @Sendable (Context) async -> HostKeyVerdict) -> HostKeyValidator {
        HostKeyValidator(decide: decide)
    }

    /// Accepts only keys whose SHA-256 fingerprint (`SHA256:...`) is in `fingerprints`.
    public static func pinnedFingerprints(_ fingerprints: [String]) -> HostKeyValidator {
        let pinned = Set(fingerprints.map { $0.hasPrefix("SHA256:") ? $0 : "SHA256:" + $0 })
        return HostKeyValidator { context in
            let received = context.hostKey.fingerprintSHA256
            if pinned.contains(received) { return .accept }
            return .reject(reason: "the \(context.hostKey.keyType) host key of \(context.host) port \(context.port) has fingerprint \(received), which is not among the pinned fingerprints")
        }
    }

    /// Accepts any host key without verification. This gives up all protection against a
    /// man-in-the-middle; use it only against a throwaway server you control.
    public static func insecurelyAcceptAnyHostKey() -> HostKeyValidator {
        HostKeyValidator { _ in .accept }
    }

    /// Runs the policy.
    public func validate(_ context: Context) async -> HostKeyVerdict { await decide(context) }

    /// The host key types this policy already knows for `host`:`port` (from known_hosts), so that
    /// the client can offer those host-key algorithms first (OpenSSH sshconnect2.c
    /// `order_hostkeyalgs`); empty for policies without files.
    public func knownKeyTypes(host: String, port: Int) async -> [String] { await knownTypes(host, port) }
}
