import SSHCrypto

/// Reads a private key file in any format we support: `openssh-key-v1` (OpenSSH PROTOCOL.key) or
/// PEM — PKCS#1 (RFC 8017 §A.1.2), SEC1 (RFC 5915 §3) and PKCS#8 (RFC 5208, RFC 5958), plain or
/// encrypted — through libcrypto.
package enum PrivateKeyFile {
    /// Decodes `fileContents`, choosing the format from its armour. PEM keys carry no comment, so
    /// the comment is empty for them.
    package static func decode(_ fileContents: [UInt8], passphrase: SecureBytes?) throws(KeyFileError) -> OpenSSHPrivateKeyFile.Contents {
        if OpenSSHPrivateKeyFile.isOpenSSHFormat(fileContents) {
            return try OpenSSHPrivateKeyFile.decode(fileContents, passphrase: passphrase)
        }
        guard String(decoding: fileContents, as: UTF8.self).contains("PRIVATE KEY-----") else {
            throw .corrupt("not an OpenSSH or PEM private key")
        }
        let decoded: DecodedPrivateKey
        do {
            decoded = try PEMPrivateKeyDecoder.decode(fileContents, passphrase: passphrase)
        } catch {
            switch error {
            case .passphraseRequired: throw .passphraseRequired
            case .wrongPassphrase: throw .wrongPassphrase
            case let .unsupportedKeyType(type): throw .unsupportedKeyType(type)
            case let .malformed(reason): throw .corrupt(reason)
            }
        }
        do {
            return OpenSSHPrivateKeyFile.Contents(key: try signingKey(from: decoded), comment: "")
        } catch {
            throw .corrupt("PEM key components: \(error)")
        }
    }

    /// Builds the signing key from decoded PEM components.
    private static func signingKey(from decoded: DecodedPrivateKey) throws -> SigningKey {
        switch decoded {
        case let .ed25519(seed):
            return .ed25519(try Ed25519PrivateKey(seed: seed))
        case let .ecdsa(curve, scalar):
            return .ecdsa(try ECDSAPrivateKey(curve: curve, privateScalar: scalar))
        case let .rsa(modulus, exponent, d, p, q, iqmp):
            return .rsa(try RSAPrivateKey(modulus: modulus, publicExponent: exponent, privateExponent: d,
                                          prime1: p, prime2: q, coefficient: iqmp))
        }
    }
}
