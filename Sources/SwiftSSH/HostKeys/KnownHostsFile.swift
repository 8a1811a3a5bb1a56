import SSHCore
import SSHCrypto

/// An OpenSSH known_hosts file (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT): plain, comma-listed,
/// wildcard, negated and hashed host names, `[host]:port` for ports other than 22, `@revoked` and
/// `@cert-authority` lines (the latter recognised but not supported yet). The file is read afresh on
/// every call; appending never rewrites or drops an existing line.
public struct KnownHostsFile: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// OpenSSH's per-user file, `~/.ssh/known_hosts`.
    public static let defaultPath = "~/.ssh/known_hosts"

    /// The per-user file, `~/.ssh/known_hosts`.
    public static var `default`: KnownHostsFile { KnownHostsFile(path: defaultPath) }

    /// The path as given; a leading `~/` means the home directory.
    public let path: String

    /// Names a file; it need not exist yet (a missing file reads as empty).
    public init(path: String) { self.path = path }

    /// Names a file by a string literal path.
    public init(stringLiteral path: String) { self.path = path }

    /// The path with a leading `~` expanded to the home directory.
    public var expandedPath: String { KnownHostsFileIO.expandTilde(path) }

    public var description: String { path }

    /// Looks up `host`:`port` with the key it presented, as OpenSSH's client does: the host name is
    /// lowercased, a port other than 22 is written `[host]:port`, a `@revoked` line for the key wins,
    /// then a line holding the key, then any other key for the host (a mismatch). When nothing names
    /// `[host]:port`, a line for the bare host holding this key trusts it (or revokes it), as OpenSSH
    /// does ("checking without port identifier").
    ///
    /// - Throws: `SSHError` (`invalidConfiguration`) when the file exists but cannot be read.
    public func lookup(host: String, port: Int = 22, key: SSHHostKey) throws(SSHError) -> KnownHostsLookupResult {
        try Self.lookup(host: host, port: port, key: key, in: [self])
    }

    /// Looks up `host`:`port` in several files taken together, as OpenSSH does with
    /// `UserKnownHostsFile` and `GlobalKnownHostsFile`.
    public static func lookup(host: String, port: Int = 22, key: SSHHostKey,
                              in files: [KnownHostsFile]) throws(SSHError) -> KnownHostsLookupResult {
        KnownHostsLookupResult(try coreLookup(host: host, port: port, key: key.key, in: files))
    }

    /// Appends a line for `host`:`port` and `key`, as OpenSSH's client does when it learns a key:
    /// `name keytype base64`, the name being `host` or `[host]:port` (lowercased), hashed as
    /// `|1|salt|hash` when `hashed` is true. Creates the file (and its directory) if needed.
    public func append(host: String, port: Int = 22, key: SSHHostKey, hashed: Bool = false) throws(SSHError) {
        let name = KnownHosts.clientLookupName(host: host, port: port)
        let line = KnownHosts.newLine(name: name, key: key.key, hashedWith: hashed ? SystemRandomSource() : nil)
        try KnownHostsFileIO.append(line, toPath: expandedPath)
    }

    /// Exactly what `ssh-keygen -F name -f file` prints on standard output: for each line naming
    /// `name` (a host, or `[host]:port`, matched as given), `# Host NAME found: line N ` (followed by
    /// `REVOKED` or `CA` for marked lines) and then the line itself. Empty when no line matches;
    /// ssh-keygen then exits with status 1.
    public func findHost(_ name: String) throws(SSHError) -> String {
        try document().findReport(name: name)
    }

    /// The key types of the lines for `host`:`port`, in file order (for host-key algorithm order).
    public func knownKeyTypes(host: String, port: Int = 22) throws(SSHError) -> [String] {
        KnownHosts.knownKeyTypes(name: KnownHosts.clientLookupName(host: host, port: port), in: [try document()])
    }

    /// Reads and parses the file; a missing file is an empty document.
    func document() throws(SSHError) -> KnownHostsDocument {
        KnownHostsDocument(text: try KnownHostsFileIO.readText(atPath: expandedPath) ?? "", source: path)
    }

    /// The core verdict over several files.
    static func coreLookup(host: String, port: Int, key: PublicKey,
                           in files: [KnownHostsFile]) throws(SSHError) -> KnownHostsVerdict {
        var documents: [KnownHostsDocument] = []
        for file in files { documents.append(try file.document()) }
        return KnownHosts.clientLookup(host: host, port: port, key: key, in: documents)
    }
}
