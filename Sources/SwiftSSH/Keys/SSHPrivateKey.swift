import Logging
import SSHCore
import SSHCrypto

/// The kinds of key `SSHPrivateKey.generate` can make (ssh-keygen `-t`).
public enum SSHKeyType: String, Sendable, CaseIterable {
    /// Ed25519 (RFC 8709), always 256 bits.
    case ed25519
    /// ECDSA on NIST P-256, P-384 or P-521 (RFC 5656); 256 bits by default.
    case ecdsa
    /// RSA (RFC 8332), 2048 to 16384 bits; 3072 by default.
    case rsa
}

/// A private key for public-key authentication, read from an OpenSSH (`openssh-key-v1`) or PEM
/// (PKCS#1, SEC1, PKCS#8) file, or freshly generated.
public struct SSHPrivateKey: Sendable {
    /// The key that signs.
    package let signingKey: SigningKey
    /// The comment stored with the key (OpenSSH files only; empty for PEM and new keys).
    public var comment: String

    /// Wraps a core signing key.
    package init(signingKey: SigningKey, comment: String = "") {
        self.signingKey = signingKey
        self.comment = comment
    }

    /// Reads the private key file at `path`. If others can read or write the file, logs a warning
    /// like OpenSSH's "UNPROTECTED PRIVATE KEY FILE!" but still loads the key.
    ///
    /// - Parameter passphrase: decrypts an encrypted key; nil or empty means none.
    /// - Throws: `SSHError` with code `fileAccessFailed`, `passphraseRequired`, `wrongPassphrase`,
    ///   `unsupportedKeyType` or `invalidKeyFile`.
    public init(contentsOf path: String, passphrase: String? = nil,
                logger: Logger = Logger(label: "swiftssh.keys")) throws {
        let file = try KeyFileIO.read(path)
        if let warning = KeyFileIO.permissionWarning(mode: file.mode, path: path) {
            logger.warning("\(warning)")
        }
        try self.init(fileContents: file.bytes, passphrase: passphrase)
    }

    /// Parses the text of a private key file.
    ///
    /// - Throws: `SSHError` with code `passphraseRequired`, `wrongPassphrase`, `unsupportedKeyType`
    ///   or `invalidKeyFile`.
    public init(fileContents: String, passphrase: String? = nil) throws {
        try self.init(fileContents: Array(fileContents.utf8), passphrase: passphrase)
    }

    /// Parses the bytes of a private key file.
    ///
    /// - Throws: `SSHError` with code `passphraseRequired`, `wrongPassphrase`, `unsupportedKeyType`
    ///   or `invalidKeyFile`.
    public init(fileContents: [UInt8], passphrase: String? = nil) throws {
        do {
            let contents = try PrivateKeyFile.decode(fileContents, passphrase: Self.secret(passphrase))
            self.init(signingKey: contents.key, comment: contents.comment)
        } catch {
            throw SSHError(error)
        }
    }

    /// Generates a new key: Ed25519 (`bits` ignored), ECDSA with 256 (default), 384 or 521 bits, or
    /// RSA with 2048 to 16384 bits (3072 by default), like ssh-keygen.
    ///
    /// - Throws: `SSHError` with code `invalidKeyParameters` for a size that is not allowed.
    public static func generate(_ type: SSHKeyType, bits: Int? = nil) throws -> SSHPrivateKey {
        let algorithm: KeyGeneration.Algorithm
        switch type {
        case .ed25519: algorithm = .ed25519
        case .ecdsa: algorithm = .ecdsa
        case .rsa: algorithm = .rsa
        }
        do {
            return SSHPrivateKey(signingKey: try KeyGeneration.generate(algorithm, bits: bits, randomSource: SystemRandomSource()))
        } catch let error as KeyGenerationError {
            throw SSHError(code: .invalidKeyParameters, message: error.description)
        } catch let error as CryptoError {
            switch error {
            case .keyTooSmall, .invalidKey: throw SSHError(code: .invalidKeyParameters, message: error.description)
            default: throw SSHError(code: .invalidConfiguration, message: "key generation failed: \(error)")
            }
        }
    }

    /// The public key stored in the clear in the header of an OpenSSH private key file, which can
    /// be read without the passphrase (OpenSSH PROTOCOL.key). Its comment is empty, because the
    /// comment is inside the encrypted part.
    ///
    /// - Throws: `SSHError` with code `invalidKeyFile` (also for PEM files, which have no such
    ///   header) or `unsupportedKeyType`.
    public static func unencryptedPublicKey(ofFileContents fileContents: [UInt8]) throws -> SSHPublicKey {
        do {
            return SSHPublicKey(try OpenSSHPrivateKeyFile.publicKey(of: fileContents))
        } catch {
            throw SSHError(error)
        }
    }

    /// The matching public key, carrying this key's comment.
    public var publicKey: SSHPublicKey { SSHPublicKey(signingKey.publicKey, comment: comment) }

    /// The key as an OpenSSH private key file (`openssh-key-v1`, OpenSSH PROTOCOL.key). With a
    /// non-empty passphrase it is encrypted with aes256-ctr under a bcrypt_pbkdf key of `rounds`
    /// rounds (ssh-keygen's defaults); with nil or "" it is not encrypted.
    ///
    /// - Throws: `SSHError` with code `invalidKeyParameters` if `rounds` is not 1...1024 (more
    ///   rounds would make a file SwiftSSH refuses to load; see `keyDerivationTooExpensive`).
    public func openSSHFormat(passphrase: String?, comment: String, rounds: Int = 16) throws -> String {
        let maximum = OpenSSHPrivateKeyFile.maximumKDFRounds
        guard (1...maximum).contains(rounds) else {
            throw SSHError(code: .invalidKeyParameters, message: "bcrypt_pbkdf rounds must be 1...\(maximum), got \(rounds)")
        }
        do {
            return try OpenSSHPrivateKeyFile.encode(signingKey, comment: comment, passphrase: Self.secret(passphrase),
                                                    rounds: rounds, randomSource: SystemRandomSource())
        } catch {
            throw SSHError(code: .invalidConfiguration, message: "cannot encode the private key: \(error)")
        }
    }

    /// Writes the private key to `path` (mode 0600) and the public key line with `comment` to
    /// `path.pub` (mode 0644), as ssh-keygen does. Refuses to replace an existing file unless
    /// `overwrite` is true.
    ///
    /// - Throws: `SSHError` with code `fileAccessFailed` if a file exists or cannot be written, or
    ///   `invalidKeyParameters` if `rounds` is not 1...1024.
    public func write(toFile path: String, passphrase: String?, comment: String, rounds: Int = 16,
                      overwrite: Bool = false) throws {
        let publicPath = path + ".pub"
        if !overwrite {
            for existing in [path, publicPath] where KeyFileIO.exists(existing) {
                throw SSHError(code: .fileAccessFailed, message: "\(existing) already exists")
            }
        }
        let privateText = try openSSHFormat(passphrase: passphrase, comment: comment, rounds: rounds)
        var publicKey = self.publicKey
        publicKey.comment = comment
        try KeyFileIO.write(Array(privateText.utf8), to: path, mode: 0o600, overwrite: overwrite)
        try KeyFileIO.write(Array((publicKey.openSSHLine + "\n").utf8), to: publicPath, mode: 0o644, overwrite: overwrite)
    }

    /// A passphrase as secret bytes; nil and "" both mean no passphrase.
    private static func secret(_ passphrase: String?) -> SecureBytes? {
        guard let passphrase, !passphrase.isEmpty else { return nil }
        return SecureBytes(Array(passphrase.utf8))
    }
}
