import NIOCore

/// One host line of a known_hosts file: `[marker] hosts keytype base64 [comment]`
/// (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT).
package struct KnownHostsEntry: Sendable, Hashable {
    /// The optional marker before the host field.
    package enum Marker: Sendable, Hashable {
        /// A plain host key line.
        case none
        /// `@revoked`: the key must never be accepted for the hosts it names.
        case revoked
        /// `@cert-authority`: the key is a CA for host certificates (not supported yet).
        case certificateAuthority
    }

    /// What the key field holds.
    package enum Key: Sendable, Hashable {
        /// A key this library can verify.
        case supported(PublicKey)
        /// A well-formed key of a type OpenSSH knows but this library does not use (DSA, security-key
        /// or certificate keys); it still counts as a known key for the host, as in OpenSSH.
        case unsupported(blob: [UInt8])
        /// A key that does not parse. `ssh-keygen -F` still lists such a line; OpenSSH's client
        /// ignores it, and so does `KnownHosts.lookup`.
        case invalid
    }

    /// The file label given to the parser (usually the path).
    package let source: String
    /// The 1-based line number.
    package let lineNumber: Int
    /// The line exactly as in the file, without its line terminator.
    package let line: String
    /// The marker, if any.
    package let marker: Marker
    /// The host field: a pattern list, or a hashed `|1|salt|hash` name.
    package let hosts: String
    /// The key type named on the line, e.g. `ssh-ed25519`.
    package let keyType: String
    /// The parsed key.
    package let key: Key

    /// Whether the host field is hashed (`|1|salt|hash`).
    package var isHashed: Bool { hosts.hasPrefix("|") }

    /// Whether this line names `name` (a host, or `[host]:port`): by HMAC for a hashed field, with
    /// the name as given; else by the pattern list, case-insensitively (OpenSSH hostfile.c
    /// `match_maybe_hashed`).
    package func matches(name: String) -> Bool {
        if isHashed { return KnownHostsHashing.field(Substring(hosts), matches: name) }
        return HostPatternMatcher.hostMatches(name, patternList: hosts)
    }

    /// `file:line`, as OpenSSH prints the location of an offending key.
    package var location: String { "\(source):\(lineNumber)" }
}

extension KnownHostsEntry {
    /// Key types OpenSSH accepts on a known_hosts line that this library does not verify.
    static let otherOpenSSHKeyTypes: Set<String> = [
        "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
        "ssh-ed25519-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    ]

    /// Key types this library verifies.
    static let supportedKeyTypes: Set<String> = [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    ]

    /// Parses the base64 key field for `keyType`; the blob's own type must equal `keyType`.
    static func parseKey(type keyType: String, base64 field: Substring) -> Key {
        guard let blob = Base64.decode(field) else { return .invalid }
        if supportedKeyTypes.contains(keyType) {
            guard let key = try? PublicKey(blob: ByteBuffer(bytes: blob)), key.keyType == keyType else { return .invalid }
            return .supported(key)
        }
        guard otherOpenSSHKeyTypes.contains(keyType) else { return .invalid }
        var buffer = ByteBuffer(bytes: blob)
        guard let innerType = try? buffer.readSSHUTF8String(), innerType == keyType else { return .invalid }
        return .unsupported(blob: blob)
    }
}
