import NIOCore
import SSHCrypto

/// A private key that can sign for user authentication: ssh-ed25519, ecdsa-sha2-nistp256/384/521 or
/// RSA (signing with rsa-sha2-256/512, RFC 8332).
package enum SigningKey: Sendable {
    case ed25519(Ed25519PrivateKey)
    case ecdsa(ECDSAPrivateKey)
    case rsa(RSAPrivateKey)

    /// The matching public key.
    package var publicKey: PublicKey {
        switch self {
        case let .ed25519(key): return .ed25519(key.publicKey)
        case let .ecdsa(key): return .ecdsa(key.publicKey)
        case let .rsa(key): return .rsa(key.publicKey)
        }
    }

    /// The signature algorithms this key can produce, best first (RFC 8332 §3 for RSA).
    package var signatureAlgorithms: [String] {
        switch self {
        case .ed25519: return ["ssh-ed25519"]
        case .ecdsa: return [publicKey.keyType]
        case .rsa: return ["rsa-sha2-512", "rsa-sha2-256"]
        }
    }

    /// Signs `data` and returns the SSH signature blob `string algorithm ‖ string signature`
    /// (RFC 4253 §6.6, RFC 5656 §3.1.2, RFC 8332 §3, RFC 8709 §6).
    package func signatureBlob(for data: [UInt8], algorithm: String) throws -> ByteBuffer {
        var blob = ByteBuffer()
        blob.writeSSHString(algorithm)
        switch (self, algorithm) {
        case let (.ed25519(key), "ssh-ed25519"):
            blob.writeSSHString(try key.signature(for: data))
        case let (.ecdsa(key), _) where algorithm == publicKey.keyType:
            let signature = try key.signature(for: data)
            var inner = ByteBuffer()
            inner.writeSSHPositiveMPInt(magnitude: signature.r)
            inner.writeSSHPositiveMPInt(magnitude: signature.s)
            blob.writeSSHString(inner)
        case let (.rsa(key), "rsa-sha2-512"):
            blob.writeSSHString(try key.signature(for: data, digest: .sha512))
        case let (.rsa(key), "rsa-sha2-256"):
            blob.writeSSHString(try key.signature(for: data, digest: .sha256))
        case let (.rsa(key), "ssh-rsa"):
            blob.writeSSHString(try key.signature(for: data, digest: .sha1))
        default:
            throw SSHProtocolError.keyExchangeFailed("a \(publicKey.keyType) key cannot sign with \(algorithm)")
        }
        return blob
    }
}
