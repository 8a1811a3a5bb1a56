import SSHCrypto

/// Helpers for the asymmetric known-answer suites (X25519, ECDH, ECDSA, Ed25519, DH, RSA, SSHKDF).
/// Suites conform to get `hex` and `thrownCryptoError` as members, so they never clash with
/// helpers other suites in this module may declare.
protocol AsymmetricKnownAnswerSuite {}

extension AsymmetricKnownAnswerSuite {
    /// Decodes hex text (whitespace ignored). Bad text yields an empty array, so the calling
    /// test fails on its comparison instead of crashing.
    func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        guard digits.count % 2 == 0 else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else { return [] }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }

    /// The `CryptoError` that `body` throws, or nil when it returns or throws something else.
    func thrownCryptoError<Result>(_ body: () throws -> Result) -> CryptoError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? CryptoError
        }
    }
}

extension CryptoError {
    /// Whether this is `.invalidPublicValue`, whatever its reason text.
    var isInvalidPublicValue: Bool {
        if case .invalidPublicValue = self { return true }
        return false
    }

    /// Whether this is `.invalidKey`, whatever its reason text.
    var isInvalidKey: Bool {
        if case .invalidKey = self { return true }
        return false
    }
}
