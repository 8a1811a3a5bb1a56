import SSHCrypto

/// What known_hosts says about a host and the key it presented.
package enum KnownHostsVerdict: Sendable, Equatable {
    /// A plain line for this host holds exactly this key.
    case trusted(KnownHostsEntry)
    /// Plain lines for this host exist but none holds this key: every such line, in file order.
    /// As in OpenSSH, a known key of another type also counts (order the host-key algorithms with
    /// `orderedHostKeyAlgorithms` so that the server picks a known type).
    case mismatch(expected: [KnownHostsEntry])
    /// No plain line names this host. `certificateAuthorities` lists matching `@cert-authority`
    /// lines, which are recognised but not supported yet, so they never make a key trusted.
    case unknown(certificateAuthorities: [KnownHostsEntry])
    /// A `@revoked` line for this host holds this key; this wins over any trusting line.
    case revoked(KnownHostsEntry)
}

/// Lookups and new lines over one or several known_hosts documents, with the semantics of
/// OpenSSH's client (hostfile.c `check_key_in_hostkeys`, sshconnect.c `check_host_key`).
package enum KnownHosts {
    /// The default SSH port (RFC 4253 §4.1); other ports are written as `[host]:port`.
    package static let defaultPort = 22

    /// The name a host is recorded under: the host, or `[host]:port` for a port other than 22
    /// (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT; OpenSSH misc.c `put_host_port`).
    package static func lookupName(host: String, port: Int) -> String {
        port == defaultPort || port == 0 ? host : "[\(host)]:\(port)"
    }

    /// The lookup name OpenSSH's client uses: the host lowercased (ASCII), then `lookupName`.
    package static func clientLookupName(host: String, port: Int) -> String {
        lookupName(host: HostPatternMatcher.asciiLowercased(host), port: port)
    }

    /// Decides what the documents say about `key` for `name` (from `lookupName`). Lines whose key
    /// does not parse are ignored, as OpenSSH's client does.
    package static func lookup(name: String, key: PublicKey, in documents: [KnownHostsDocument]) -> KnownHostsVerdict {
        let matching = documents.flatMap { $0.entries(matching: name) }.filter { $0.key != .invalid }
        if let revoked = matching.first(where: { $0.marker == .revoked && $0.key == .supported(key) }) {
            return .revoked(revoked)
        }
        let plain = matching.filter { $0.marker == .none }
        if let trusted = plain.first(where: { $0.key == .supported(key) }) { return .trusted(trusted) }
        if !plain.isEmpty { return .mismatch(expected: plain) }
        return .unknown(certificateAuthorities: matching.filter { $0.marker == .certificateAuthority })
    }

    /// The lookup of OpenSSH's client for `host`:`port` (sshconnect.c `check_host_key`): the
    /// lowercased `[host]:port` name first; when that is unknown and the port is not 22, the bare
    /// host name too, whose exact key is trusted and whose revoked key is refused (OpenSSH then only
    /// warns and treats the host as new; refusing is the safer reading). A bare-name mismatch leaves
    /// the host unknown, as in OpenSSH.
    package static func clientLookup(host: String, port: Int, key: PublicKey, in documents: [KnownHostsDocument]) -> KnownHostsVerdict {
        let verdict = lookup(name: clientLookupName(host: host, port: port), key: key, in: documents)
        guard case .unknown = verdict, port != defaultPort, port != 0 else { return verdict }
        let bare = lookup(name: clientLookupName(host: host, port: defaultPort), key: key, in: documents)
        switch bare {
        case .trusted, .revoked: return bare
        case .mismatch, .unknown: return verdict
        }
    }

    /// The key types of the plain, parseable lines for `name`, in file order without repeats.
    package static func knownKeyTypes(name: String, in documents: [KnownHostsDocument]) -> [String] {
        var types: [String] = []
        for entry in documents.flatMap({ $0.entries(matching: name) })
        where entry.marker == .none && entry.key != .invalid && !types.contains(entry.keyType) {
            types.append(entry.keyType)
        }
        return types
    }

    /// A new line for `name` and `key`, with its `\n`, as OpenSSH's client appends it:
    /// `name keytype base64`, or with the name hashed when `hashedWith` is given.
    package static func newLine(name: String, key: PublicKey, hashedWith random: (any RandomSource)?) -> String {
        let hostField = random.map { KnownHostsHashing.hashedField(for: name, random: $0) } ?? name
        return "\(hostField) \(key.keyType) \(Base64.encode(key.blob))\n"
    }
}

/// Orders host-key algorithms for KEXINIT so that those whose key type is already known for the
/// host come first, in `preferences` order, then the rest in `preferences` order (OpenSSH
/// sshconnect2.c `order_hostkeyalgs`). With no known types the order is unchanged. The RSA
/// signature algorithms `rsa-sha2-512` and `rsa-sha2-256` (RFC 8332 §3) count as key type `ssh-rsa`.
package func orderedHostKeyAlgorithms(preferences: [String], knownKeyTypes: [String]) -> [String] {
    let known = Set(knownKeyTypes)
    let first = preferences.filter { known.contains(hostKeyType(ofAlgorithm: $0)) }
    let rest = preferences.filter { !known.contains(hostKeyType(ofAlgorithm: $0)) }
    return first + rest
}

/// The key type a host-key algorithm uses: `ssh-rsa` for the RSA SHA-2 signature algorithms
/// (RFC 8332 §3), and the name itself otherwise.
package func hostKeyType(ofAlgorithm algorithm: String) -> String {
    switch algorithm {
    case "rsa-sha2-512", "rsa-sha2-256": return "ssh-rsa"
    case "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com": return "ssh-rsa-cert-v01@openssh.com"
    default: return algorithm
    }
}
