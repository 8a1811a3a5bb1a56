import NIOCore
import SSHCrypto

extension OpenSSHPrivateKeyFile {
    /// The default bcrypt_pbkdf rounds, as ssh-keygen's `-a` default (16).
    package static let defaultRounds = 16
    /// The salt length ssh-keygen writes (sshkey.c `SALT_LEN`).
    static let saltByteCount = 16
    /// Base64 line length of the armour (OpenSSH writes 70 columns).
    static let lineLength = 70

    /// Writes `key` as an armoured `openssh-key-v1` file (OpenSSH PROTOCOL.key). With a non-empty
    /// `passphrase` the private section is encrypted with `cipher` under a key from bcrypt_pbkdf
    /// with a fresh 16-byte salt and `rounds`; without one it is stored in the clear (cipher and kdf
    /// "none"). Check-int and salt come from `randomSource`.
    package static func encode(_ key: SigningKey, comment: String, passphrase: SecureBytes?,
                               cipher requestedCipher: OpenSSHKeyCipher = .aes256CTR, rounds: Int = defaultRounds,
                               randomSource: some RandomSource) throws -> String {
        let encrypted = (passphrase?.count ?? 0) > 0
        let cipher: OpenSSHKeyCipher = encrypted ? requestedCipher : .none
        precondition(!encrypted || cipher != .none, "an encrypted key needs a cipher other than none")
        precondition(rounds >= 1, "bcrypt_pbkdf rounds must be at least 1")

        var section = SecretFieldWriter()
        defer { wipe(&section.bytes) }
        let checkInt = randomSource.bytes(4)
        section.bytes += checkInt + checkInt
        PrivateKeyFields.write(key, to: &section)
        section.string(comment)
        var padding: UInt8 = 1
        while section.bytes.count % cipher.blockByteCount != 0 {
            section.bytes.append(padding)
            padding += 1
        }

        var kdfOptions = ByteBuffer()
        var tag: [UInt8] = []
        if let passphrase, encrypted {
            let salt = randomSource.bytes(saltByteCount)
            kdfOptions.writeSSHString(salt)
            kdfOptions.writeSSHUInt32(UInt32(rounds))
            let derived = try BcryptPBKDF.deriveKey(passphrase: passphrase, salt: salt, rounds: rounds,
                                                    outputByteCount: cipher.keyByteCount + cipher.ivByteCount)
            let (cipherKey, iv) = derived.withUnsafeBytes { bytes in
                (SecureBytes(bytes.prefix(cipher.keyByteCount)), Array(bytes.suffix(cipher.ivByteCount)))
            }
            tag = try cipher.encrypt(&section.bytes, key: cipherKey, iv: iv)
        }

        var file = ByteBuffer()
        file.writeBytes(magic)
        file.writeSSHString(cipher.rawValue)
        file.writeSSHString(encrypted ? "bcrypt" : "none")
        file.writeSSHString(kdfOptions)
        file.writeSSHUInt32(1)
        file.writeSSHString(key.publicKey.blob)
        file.writeSSHString(section.bytes)
        file.writeBytes(tag)
        return armour(Array(file.readableBytesView))
    }

    /// The armour: BEGIN line, base64 in 70-column lines, END line, each ending in a newline.
    private static func armour(_ binary: [UInt8]) -> String {
        let encoded = Array(Base64.encode(binary))
        var lines = [beginMarker]
        var start = 0
        while start < encoded.count {
            let end = min(start + lineLength, encoded.count)
            lines.append(String(encoded[start..<end]))
            start = end
        }
        lines.append(endMarker)
        return lines.joined(separator: "\n") + "\n"
    }
}
