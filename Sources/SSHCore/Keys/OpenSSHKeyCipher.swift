import SSHCrypto

/// The ciphers that can protect an `openssh-key-v1` private section (OpenSSH PROTOCOL.key; cipher
/// table in OpenSSH's cipher.c), keyed by bcrypt_pbkdf.
package enum OpenSSHKeyCipher: String, Sendable, CaseIterable {
    /// No encryption (kdfname "none"); the private section is padded to 8 bytes.
    case none = "none"
    /// AES-128 in counter mode (RFC 4344 §4).
    case aes128CTR = "aes128-ctr"
    /// AES-192 in counter mode (RFC 4344 §4).
    case aes192CTR = "aes192-ctr"
    /// AES-256 in counter mode (RFC 4344 §4), ssh-keygen's default.
    case aes256CTR = "aes256-ctr"
    /// AES-128-GCM with a 16-byte tag after the private section (OpenSSH PROTOCOL §1.6).
    case aes128GCM = "aes128-gcm@openssh.com"
    /// AES-256-GCM with a 16-byte tag after the private section (OpenSSH PROTOCOL §1.6).
    case aes256GCM = "aes256-gcm@openssh.com"

    /// The key length bcrypt_pbkdf must produce for this cipher.
    package var keyByteCount: Int {
        switch self {
        case .none: return 0
        case .aes128CTR, .aes128GCM: return 16
        case .aes192CTR: return 24
        case .aes256CTR, .aes256GCM: return 32
        }
    }

    /// The IV length bcrypt_pbkdf produces after the key: 16 for CTR, 12 for GCM (RFC 5647 §7.1).
    package var ivByteCount: Int {
        switch self {
        case .none: return 0
        case .aes128CTR, .aes192CTR, .aes256CTR: return 16
        case .aes128GCM, .aes256GCM: return 12
        }
    }

    /// The block size the private section is padded to (8 for "none", as OpenSSH's cipher.c says).
    package var blockByteCount: Int { self == .none ? 8 : 16 }

    /// The length of the authentication tag that follows the encrypted section.
    package var tagByteCount: Int {
        switch self {
        case .aes128GCM, .aes256GCM: return OpenSSHAESGCM.tagByteCount
        default: return 0
        }
    }

    /// Encrypts `section` in place with `key` and `iv`, returning the tag (empty for CTR and none).
    package func encrypt(_ section: inout [UInt8], key: SecureBytes, iv: [UInt8]) throws -> [UInt8] {
        switch self {
        case .none:
            return []
        case .aes128CTR, .aes192CTR, .aes256CTR:
            let cipher = try AESCTR(key: key, iv: iv)
            try section.withUnsafeMutableBytes { try cipher.apply($0) }
            return []
        case .aes128GCM, .aes256GCM:
            let cipher = try OpenSSHAESGCM(key: key, iv: iv)
            var tag = [UInt8](repeating: 0, count: tagByteCount)
            try section.withUnsafeMutableBytes { buffer in
                try tag.withUnsafeMutableBytes { tagBuffer in
                    try [UInt8]().withUnsafeBytes { aad in try cipher.seal(aad: aad, inPlace: buffer, tag: tagBuffer) }
                }
            }
            return tag
        }
    }

    /// Decrypts `ciphertext` into wiped-on-release storage. Throws `CryptoError.authenticationFailed`
    /// when a GCM tag does not verify.
    package func decrypt(_ ciphertext: [UInt8], tag: [UInt8], key: SecureBytes, iv: [UInt8]) throws -> SecureBytes {
        try SecureBytes(count: ciphertext.count) { buffer in
            buffer.copyBytes(from: ciphertext)
            switch self {
            case .none:
                return
            case .aes128CTR, .aes192CTR, .aes256CTR:
                try AESCTR(key: key, iv: iv).apply(buffer)
            case .aes128GCM, .aes256GCM:
                let cipher = try OpenSSHAESGCM(key: key, iv: iv)
                try tag.withUnsafeBytes { tagBuffer in
                    try [UInt8]().withUnsafeBytes { aad in try cipher.open(aad: aad, inPlace: buffer, tag: tagBuffer) }
                }
            }
        }
    }
}
