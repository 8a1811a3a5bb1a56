import SSHCore
import SSHCrypto

/// A line in a known_hosts file, printed as OpenSSH does: `file:line`.
public struct KnownHostsLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file path as given (before `~` expansion).
    public let file: String
    /// The 1-based line number.
    public let line: Int

    /// Creates a location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// A key that known_hosts holds for a host, where a lookup found a different one.
public struct KnownHostsExpectedKey: Sendable, Hashable, CustomStringConvertible {
    /// The key type on the line, e.g. `ssh-rsa`.
    public let keyType: String
    /// The SHA-256 fingerprint (`SHA256:...`, as `ssh-keygen -l` prints it).
    public let fingerprintSHA256: String
    /// Where the line is.
    public let location: KnownHostsLocation

    public var description: String { "\(keyType) \(fingerprintSHA256) at \(location)" }
}

/// What known_hosts says about a host and the key it presented (sshd(8) SSH_KNOWN_HOSTS FILE
/// FORMAT, with the rules of OpenSSH's client).
public enum KnownHostsLookupResult: Sendable, Hashable {
    /// A line for this host holds exactly this key.
    case trusted(KnownHostsLocation)
    /// Lines for this host hold other keys (of this or another type) but not this one.
    case mismatch(expected: [KnownHostsExpectedKey])
    /// No line names this host. `@cert-authority` lines are recognised but host certificates are not
    /// supported yet, so they never make a key trusted.
    case unknown
    /// A `@revoked` line for this host holds this key.
    case revoked(KnownHostsLocation)
}

extension KnownHostsLookupResult {
    /// Converts the core verdict.
    init(_ verdict: KnownHostsVerdict) {
        switch verdict {
        case let .trusted(entry): self = .trusted(KnownHostsLocation(entry))
        case let .revoked(entry): self = .revoked(KnownHostsLocation(entry))
        case .unknown: self = .unknown
        case let .mismatch(expected):
            self = .mismatch(expected: expected.map { entry in
                KnownHostsExpectedKey(keyType: entry.keyType, fingerprintSHA256: entry.fingerprintSHA256,
                                      location: KnownHostsLocation(entry))
            })
        }
    }
}

extension KnownHostsLocation {
    /// The location of a parsed line.
    init(_ entry: KnownHostsEntry) { self.init(file: entry.source, line: entry.lineNumber) }
}

extension KnownHostsEntry {
    /// The SHA-256 fingerprint of the line's key; `SHA256:?` when the key does not parse.
    var fingerprintSHA256: String {
        let blob: [UInt8]
        switch key {
        case let .supported(publicKey): blob = publicKey.blob
        case let .unsupported(keyBlob): blob = keyBlob
        case .invalid: return "SHA256:?"
        }
        return "SHA256:" + Base64.encode(Digest.hash(.sha256, blob), padded: false)
    }
}
