import SSHCore

extension SSHError.Code {
    /// The passphrase does not decrypt the private key.
    public static let wrongPassphrase = SSHError.Code(rawValue: "wrongPassphrase")
    /// The private key is encrypted and no passphrase was given.
    public static let passphraseRequired = SSHError.Code(rawValue: "passphraseRequired")
    /// The key, cipher or KDF is of a kind SwiftSSH does not support.
    public static let unsupportedKeyType = SSHError.Code(rawValue: "unsupportedKeyType")
    /// The key file or key line is not valid: truncated, corrupt or inconsistent.
    public static let invalidKeyFile = SSHError.Code(rawValue: "invalidKeyFile")
    /// An encrypted key file asks for more key-derivation (bcrypt_pbkdf) rounds than SwiftSSH accepts
    /// (1024), so it is refused instead of spending minutes or hours deriving its key.
    public static let keyDerivationTooExpensive = SSHError.Code(rawValue: "keyDerivationTooExpensive")
    /// A key could not be generated with the requested parameters (e.g. an RSA size outside 2048–16384).
    public static let invalidKeyParameters = SSHError.Code(rawValue: "invalidKeyParameters")
    /// A file could not be read or written (missing, no permission, already exists).
    public static let fileAccessFailed = SSHError.Code(rawValue: "fileAccessFailed")
}

extension SSHError {
    /// Maps a key-file failure to the public error; the message never contains key material.
    package init(_ error: KeyFileError) {
        switch error {
        case .wrongPassphrase: self.init(code: .wrongPassphrase, message: error.description)
        case .passphraseRequired: self.init(code: .passphraseRequired, message: error.description)
        case .unsupportedKeyType: self.init(code: .unsupportedKeyType, message: error.description)
        case .kdfRoundsTooHigh: self.init(code: .keyDerivationTooExpensive, message: error.description)
        case .corrupt: self.init(code: .invalidKeyFile, message: error.description)
        }
    }
}
