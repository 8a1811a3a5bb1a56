/// Why a key file or key line could not be read. Messages name the problem and never contain key
/// material or the passphrase.
package enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key is encrypted and the passphrase does not decrypt it: the check-ints differ
    /// (OpenSSH PROTOCOL.key), the AES-GCM tag fails, or PEM decryption fails.
    case wrongPassphrase
    /// The key is encrypted and no (or an empty) passphrase was given.
    case passphraseRequired
    /// The file is well-formed but holds a key type, cipher or KDF we do not support.
    case unsupportedKeyType(String)
    /// The file asks for more bcrypt_pbkdf rounds than `OpenSSHPrivateKeyFile.maximumKDFRounds`:
    /// deriving its key would take minutes to hours, so the file is refused before any passphrase is used.
    case kdfRoundsTooHigh(rounds: UInt32, maximum: Int)
    /// The file is not a key we can parse: truncated, bad base64, bad padding, inconsistent fields.
    case corrupt(String)

    /// Says what failed, safe to log.
    package var description: String {
        switch self {
        case .wrongPassphrase: return "incorrect passphrase supplied to decrypt private key"
        case .passphraseRequired: return "the private key is encrypted; a passphrase is required"
        case let .unsupportedKeyType(what): return "unsupported key: \(what)"
        case let .kdfRoundsTooHigh(rounds, maximum):
            return "the private key asks for \(rounds) bcrypt_pbkdf rounds, more than the \(maximum) accepted (ssh-keygen -a defaults to 16)"
        case let .corrupt(why): return "invalid key format: \(why)"
        }
    }
}
