import NIOCore
import SSHCrypto

/// The OpenSSH private key format `openssh-key-v1` (OpenSSH PROTOCOL.key): a PEM-style armour
/// around `"openssh-key-v1\0" ‖ string cipher ‖ string kdf ‖ string kdfoptions ‖ uint32 N ‖
/// string publickey ‖ string private-section`, where the private section holds two equal check-ints,
/// the key, its comment and padding `1, 2, 3, …`, encrypted with a bcrypt_pbkdf-derived key.
package enum OpenSSHPrivateKeyFile {
    /// The armour's first line.
    package static let beginMarker = "-----BEGIN OPENSSH PRIVATE KEY-----"
    /// The armour's last line.
    package static let endMarker = "-----END OPENSSH PRIVATE KEY-----"
    /// The magic bytes that start the binary form, including the terminating NUL.
    static let magic = Array("openssh-key-v1".utf8) + [0]
    /// The most bcrypt_pbkdf rounds an encrypted file may ask for. ssh-keygen writes 16 by default
    /// (`-a`) and hardening guides suggest around 100; the count comes from the file, and one round
    /// costs about 10–20 ms (ssh-keygen itself, on a loaded 2-core machine: 16 rounds 0.4 s, 1024
    /// rounds 19 s), so without a bound a crafted file (up to 2^32 − 1 rounds) would make loading
    /// it with a passphrase run for years. 1024 keeps every real key loadable and bounds the wait.
    package static let maximumKDFRounds = 1024

    /// A decoded key and the comment stored with it.
    package struct Contents: Sendable {
        /// The private key.
        package var key: SigningKey
        /// The comment stored in the private section (often `user@host`), possibly empty.
        package var comment: String
    }

    /// Whether `fileContents` has the `openssh-key-v1` armour.
    package static func isOpenSSHFormat(_ fileContents: [UInt8]) -> Bool {
        String(decoding: fileContents, as: UTF8.self).contains(beginMarker)
    }

    /// Reads an armoured `openssh-key-v1` file, decrypting it with `passphrase` when it is encrypted.
    /// Verifies the check-ints, the padding, and that the private key matches the public key.
    package static func decode(_ fileContents: [UInt8], passphrase: SecureBytes?) throws(KeyFileError) -> Contents {
        var buffer = ByteBuffer(bytes: try unarmour(fileContents))
        guard buffer.readBytes(length: magic.count) == magic else { throw .corrupt("missing openssh-key-v1 magic") }
        guard let cipherName = try? buffer.readSSHUTF8String(), let kdfName = try? buffer.readSSHUTF8String(),
              var kdfOptions = buffer.readSSHString(), let keyCount = buffer.readSSHUInt32(),
              let publicBlob = buffer.readSSHString(), let section = buffer.readSSHStringBytes()
        else { throw .corrupt("truncated openssh-key-v1 header") }
        guard let cipher = OpenSSHKeyCipher(rawValue: cipherName) else {
            throw .unsupportedKeyType("cipher \(sanitizedPeerText(cipherName, maxLength: 64))")
        }
        guard keyCount == 1 else { throw .unsupportedKeyType("\(keyCount) keys in one file") }
        guard let tag = buffer.readBytes(length: cipher.tagByteCount), buffer.readableBytes == 0 else {
            throw .corrupt(buffer.readableBytes == 0 ? "truncated authentication tag" : "trailing bytes after the private key")
        }
        let publicKey = try readPublicKey(publicBlob)
        guard section.count % cipher.blockByteCount == 0, !section.isEmpty else {
            throw .corrupt("private section is not a whole number of \(cipher.blockByteCount)-byte blocks")
        }
        let plaintext: SecureBytes
        switch (kdfName, cipher) {
        case ("none", .none):
            guard kdfOptions.readableBytes == 0 else { throw .corrupt("kdf none with options") }
            plaintext = SecureBytes(section)
        case ("bcrypt", _) where cipher != .none:
            guard let salt = kdfOptions.readSSHStringBytes(), let rounds = kdfOptions.readSSHUInt32(),
                  kdfOptions.readableBytes == 0, !salt.isEmpty, salt.count <= BcryptPBKDF.maximumSaltByteCount, rounds >= 1
            else { throw .corrupt("malformed bcrypt kdf options") }
            guard rounds <= maximumKDFRounds else { throw .kdfRoundsTooHigh(rounds: rounds, maximum: maximumKDFRounds) }
            guard let passphrase, passphrase.count > 0 else { throw .passphraseRequired }
            plaintext = try decrypt(section, tag: tag, cipher: cipher, passphrase: passphrase, salt: salt, rounds: Int(rounds))
        case ("none", _), ("bcrypt", .none):
            throw .corrupt("cipher \(cipher.rawValue) with kdf \(kdfName)")
        default:
            throw .unsupportedKeyType("kdf \(sanitizedPeerText(kdfName, maxLength: 64))")
        }
        let contents: Contents
        do {
            contents = try plaintext.withUnsafeBytes { bytes in
                try parseSection(bytes, blockByteCount: cipher.blockByteCount, encrypted: cipher != .none)
            }
        } catch let error as KeyFileError {
            throw error
        } catch {
            throw .corrupt("private section: \(error)")
        }
        guard contents.key.publicKey == publicKey else { throw .corrupt("the private key does not match the public key") }
        return contents
    }

    /// The public key that an `openssh-key-v1` file stores unencrypted in its header, readable
    /// without the passphrase (OpenSSH PROTOCOL.key).
    package static func publicKey(of fileContents: [UInt8]) throws(KeyFileError) -> PublicKey {
        var buffer = ByteBuffer(bytes: try unarmour(fileContents))
        guard buffer.readBytes(length: magic.count) == magic else { throw .corrupt("missing openssh-key-v1 magic") }
        guard buffer.readSSHString() != nil, buffer.readSSHString() != nil, buffer.readSSHString() != nil,
              let keyCount = buffer.readSSHUInt32(), let publicBlob = buffer.readSSHString()
        else { throw .corrupt("truncated openssh-key-v1 header") }
        guard keyCount == 1 else { throw .unsupportedKeyType("\(keyCount) keys in one file") }
        return try readPublicKey(publicBlob)
    }

    /// The binary form between the armour lines, with line breaks and spaces removed.
    private static func unarmour(_ fileContents: [UInt8]) throws(KeyFileError) -> [UInt8] {
        let text = String(decoding: fileContents, as: UTF8.self)
        guard let begin = text.firstRange(of: beginMarker) else { throw .corrupt("missing \(beginMarker)") }
        guard let end = text[begin.upperBound...].firstRange(of: endMarker) else {
            throw .corrupt("missing \(endMarker) (truncated file?)")
        }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let binary = Base64.decode(body) else { throw .corrupt("the key data is not valid base64") }
        return binary
    }

    /// Parses the public key blob of the header, reporting unsupported types as such.
    private static func readPublicKey(_ blob: ByteBuffer) throws(KeyFileError) -> PublicKey {
        var peek = blob
        guard let type = try? peek.readSSHUTF8String() else { throw .corrupt("truncated public key") }
        guard ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"].contains(type) else {
            throw .unsupportedKeyType(sanitizedPeerText(type, maxLength: 64))
        }
        do { return try PublicKey(blob: blob) } catch { throw .corrupt("public key: \(error)") }
    }

    /// Derives key and IV with bcrypt_pbkdf and decrypts the private section. A failing GCM tag
    /// means a wrong passphrase.
    private static func decrypt(_ section: [UInt8], tag: [UInt8], cipher: OpenSSHKeyCipher, passphrase: SecureBytes,
                                salt: [UInt8], rounds: Int) throws(KeyFileError) -> SecureBytes {
        do {
            let derived = try BcryptPBKDF.deriveKey(passphrase: passphrase, salt: salt, rounds: rounds,
                                                    outputByteCount: cipher.keyByteCount + cipher.ivByteCount)
            let (key, iv) = derived.withUnsafeBytes { bytes in
                (SecureBytes(bytes.prefix(cipher.keyByteCount)), Array(bytes.suffix(cipher.ivByteCount)))
            }
            return try cipher.decrypt(section, tag: tag, key: key, iv: iv)
        } catch CryptoError.authenticationFailed {
            throw .wrongPassphrase
        } catch {
            throw .corrupt("cannot decrypt: \(error)")
        }
    }

    /// Parses the decrypted private section: check-ints, one key, comment, padding. OpenSSH pads to
    /// the block size; any run `1, 2, 3, …` is accepted, as OpenSSH's own reader does.
    private static func parseSection(_ bytes: UnsafeRawBufferPointer, blockByteCount: Int,
                                     encrypted: Bool) throws(KeyFileError) -> Contents {
        var reader = SecretFieldReader(bytes)
        let check1 = try reader.uint32("check-int")
        let check2 = try reader.uint32("check-int")
        guard check1 == check2 else { throw encrypted ? .wrongPassphrase : .corrupt("check-ints differ") }
        let key = try PrivateKeyFields.read(from: &reader)
        let comment = try reader.text("comment")
        let padding = reader.rest
        guard padding.count < 256, padding.enumerated().allSatisfy({ $0.element == UInt8($0.offset + 1) }) else {
            throw .corrupt("bad padding after the private key")
        }
        return Contents(key: key, comment: comment)
    }
}
