import NIOCore

/// The one-line OpenSSH public key form `type base64(blob) comment`, as in `.pub` files and
/// `authorized_keys` (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"), where options may precede the type.
package struct OpenSSHPublicKeyLine: Sendable, Hashable {
    /// The key.
    package var key: PublicKey
    /// The free-text comment after the key, empty if there is none.
    package var comment: String
    /// The `authorized_keys` options before the key type, exactly as written (not interpreted).
    package var options: String?

    /// Key types that OpenSSH knows but this library does not use: a line naming one of them is
    /// `unsupportedKeyType`, not an options prefix.
    private static let knownUnsupportedTypes: Set<String> = [
        "ssh-dss", "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com", "ssh-xmss@openssh.com",
    ]
    /// The key types this library supports (RFC 8709 §4, RFC 5656 §3.1, RFC 4253 §6.6).
    private static let supportedTypes: Set<String> = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
    ]

    /// Pairs a key with a comment.
    package init(key: PublicKey, comment: String = "", options: String? = nil) {
        self.key = key
        self.comment = comment
        self.options = options
    }

    /// Parses one line. Leading and trailing whitespace is ignored; `authorized_keys` options
    /// (possibly with quoted, space-containing values) before the key type are skipped and kept
    /// in `options`.
    package init(parsing line: some StringProtocol) throws(KeyFileError) {
        let text = Substring(line).trimmingWhitespace()
        guard !text.isEmpty else { throw .corrupt("empty public key line") }
        guard text.first != "#" else { throw .corrupt("comment line instead of a public key") }
        var rest = text
        var options: String?
        let firstToken = rest.prefix { !$0.isKeyLineSpace }
        if !Self.isKeyTypeName(String(firstToken)) {
            let optionText = try Self.optionsPrefix(of: rest)
            options = String(optionText)
            rest = rest.dropFirst(optionText.count).trimmingWhitespace()
        }
        let type = String(rest.prefix { !$0.isKeyLineSpace })
        rest = rest.dropFirst(type.count).trimmingWhitespace()
        guard Self.supportedTypes.contains(type) else {
            if Self.isKeyTypeName(type) { throw .unsupportedKeyType(sanitizedPeerText(type, maxLength: 64)) }
            throw .corrupt("no key type in the public key line")
        }
        let encoded = rest.prefix { !$0.isKeyLineSpace }
        guard !encoded.isEmpty else { throw .corrupt("\(type) line has no key data") }
        guard let blob = Base64.decode(encoded) else { throw .corrupt("\(type) key data is not valid base64") }
        let key: PublicKey
        do {
            key = try PublicKey(blob: ByteBuffer(bytes: blob))
        } catch {
            throw .corrupt("\(type) key blob: \(error)")
        }
        guard key.keyType == type else { throw .corrupt("line says \(type) but the key blob is \(key.keyType)") }
        self.init(key: key, comment: String(rest.dropFirst(encoded.count).trimmingWhitespace()), options: options)
    }

    /// `type base64 comment` (without the comment when it is empty, and without options), no newline.
    package var text: String {
        let base = "\(key.keyType) \(Base64.encode(key.blob))"
        return comment.isEmpty ? base : "\(base) \(comment)"
    }

    /// Whether `name` looks like an OpenSSH key type (supported or not), not an option.
    private static func isKeyTypeName(_ name: String) -> Bool {
        supportedTypes.contains(name) || knownUnsupportedTypes.contains(name) || name.hasSuffix("-cert-v01@openssh.com")
    }

    /// The options field: everything up to the first whitespace outside double quotes
    /// (sshd(8): "spaces are permitted only within double quotes"; `\"` escapes a quote).
    private static func optionsPrefix(of text: Substring) throws(KeyFileError) -> Substring {
        var inQuotes = false
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character.isKeyLineSpace, !inQuotes {
                return text[text.startIndex..<index]
            }
            index = text.index(after: index)
        }
        throw inQuotes ? .corrupt("unterminated quote in key options") : .corrupt("no key type in the public key line")
    }
}

extension Character {
    /// Space or tab, the field separators of key lines.
    fileprivate var isKeyLineSpace: Bool { self == " " || self == "\t" }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
