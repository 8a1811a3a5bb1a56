import SSHCrypto

/// Hashed host names in known_hosts: `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, where the
/// name is the host, or `[host]:port` for a port other than 22 (sshd(8) SSH_KNOWN_HOSTS FILE
/// FORMAT, "HashKnownHosts" in ssh_config(5); OpenSSH hostfile.c `host_hash`).
package enum KnownHostsHashing {
    /// The magic that starts a hashed host field.
    package static let magic = "|1|"
    /// The salt length: the SHA-1 output length, which OpenSSH requires exactly.
    package static let saltLength = DigestAlgorithm.sha1.outputByteCount

    /// The hashed field for `name` with `salt` (which must be `saltLength` bytes).
    package static func hashedField(for name: String, salt: [UInt8]) -> String {
        precondition(salt.count == saltLength, "known_hosts salt must be \(saltLength) bytes")
        let digest = HMAC.authenticate(.sha1, key: salt, message: Array(name.utf8))
        return magic + Base64.encode(salt) + "|" + Base64.encode(digest)
    }

    /// The hashed field for `name` with a fresh salt from `random`.
    package static func hashedField(for name: String, random: some RandomSource) -> String {
        hashedField(for: name, salt: random.bytes(saltLength))
    }

    /// The salt of a hashed field, or nil when the field is not a well-formed `|1|salt|hash`
    /// (OpenSSH treats such a line as bad and skips it).
    package static func salt(ofHashedField field: Substring) -> [UInt8]? {
        guard field.hasPrefix(magic) else { return nil }
        let rest = field.dropFirst(magic.count)
        guard let separator = rest.firstIndex(of: "|") else { return nil }
        let encodedSalt = rest[..<separator]
        guard !encodedSalt.isEmpty, encodedSalt.utf8.count <= 1024,
              let salt = Base64.decode(encodedSalt), salt.count == saltLength else { return nil }
        return salt
    }

    /// Whether the hashed `field` is the hash of `name`. As OpenSSH does, the field is recomputed
    /// from its salt and compared as text, so a malformed field never matches. The name is hashed
    /// exactly as given (callers lowercase it first where OpenSSH does).
    package static func field(_ field: Substring, matches name: String) -> Bool {
        guard let salt = salt(ofHashedField: field) else { return false }
        return constantTimeEquals(Array(hashedField(for: name, salt: salt).utf8), Array(field.utf8))
    }
}
