import SSHCore

/// The words of a known_hosts rejection, modelled on OpenSSH's sshconnect.c warnings so that a
/// person who knows those recognises them: host, port, key type, both fingerprints, `file:line`.
enum HostKeyRejectionMessages {
    /// The key differs from every key recorded for the host ("REMOTE HOST IDENTIFICATION HAS CHANGED").
    static func mismatch(host: String, port: Int, received: SSHHostKey, expected: [KnownHostsEntry]) -> String {
        let name = KnownHosts.clientLookupName(host: host, port: port)
        var lines = [
            "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for \(host) port \(port)!",
            "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY! Someone could be eavesdropping on you right now "
                + "(man-in-the-middle attack)! It is also possible that a host key has just been changed.",
            "The fingerprint for the \(received.keyType) key sent by the remote host is \(received.fingerprintSHA256).",
        ]
        for entry in expected {
            lines.append("Offending \(entry.keyType) key in \(entry.location) has fingerprint \(entry.fingerprintSHA256).")
        }
        if let last = expected.last {
            lines.append("Remove the old key with: ssh-keygen -f \"\(last.source)\" -R \"\(name)\"")
        }
        lines.append("Host key for \(name) has changed and you have requested strict checking.")
        lines.append("Host key verification failed.")
        return lines.joined(separator: "\n")
    }

    /// The key is listed under `@revoked` for the host.
    static func revoked(host: String, port: Int, received: SSHHostKey, entry: KnownHostsEntry) -> String {
        let name = KnownHosts.clientLookupName(host: host, port: port)
        return [
            "The \(received.keyType) host key for \(name) (port \(port)), fingerprint \(received.fingerprintSHA256), "
                + "is marked as revoked in \(entry.location).",
            "This could mean that a stolen key is being used to impersonate this host.",
            "\(received.keyType) host key for \(name) was revoked and you have requested strict checking.",
            "Host key verification failed.",
        ].joined(separator: "\n")
    }

    /// No line names the host and the policy does not learn new keys.
    static func unknown(host: String, port: Int, received: SSHHostKey, files: [KnownHostsFile],
                        certificateAuthorities: [KnownHostsEntry]) -> String {
        let name = KnownHosts.clientLookupName(host: host, port: port)
        var lines = [
            "No host key is known for \(name) (host \(host) port \(port)) in \(files.map(\.path).joined(separator: ", ")) "
                + "and you have requested strict checking.",
            "The fingerprint for the \(received.keyType) key sent by the remote host is \(received.fingerprintSHA256).",
        ]
        if !certificateAuthorities.isEmpty {
            let places = certificateAuthorities.map(\.location).joined(separator: ", ")
            lines.append("@cert-authority lines match this host (\(places)), but host certificates are not supported yet.")
        }
        lines.append("Host key verification failed.")
        return lines.joined(separator: "\n")
    }

    /// A known_hosts file exists but could not be read.
    static func unreadable(_ error: SSHError) -> String {
        "\(error.message)\nHost key verification failed."
    }
}
