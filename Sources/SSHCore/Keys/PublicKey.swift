import NIOCore
import SSHCrypto

/// A public key in SSH's wire form: ssh-ed25519 (RFC 8709 §4), ecdsa-sha2-nistp256/384/521
/// (RFC 5656 §3.1) and ssh-rsa (RFC 4253 §6.6).
package enum PublicKey: Sendable, Hashable {
    case ed25519(Ed25519PublicKey)
    case ecdsa(ECDSAPublicKey)
    case rsa(RSAPublicKey)

    /// The key-blob type name, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`.
    package var keyType: String {
        switch self {
        case .ed25519: return "ssh-ed25519"
        case let .ecdsa(key): return "ecdsa-sha2-\(key.curve.sshIdentifier)"
        case .rsa: return "ssh-rsa"
        }
    }

    /// Parses a key blob; the whole buffer must be consumed.
    package init(blob: ByteBuffer) throws(SSHProtocolError) {
        var buffer = blob
        do {
            guard let type = try buffer.readSSHUTF8String() else { throw SSHProtocolError.malformedMessage("truncated public key blob") }
            switch type {
            case "ssh-ed25519":
                guard let raw = buffer.readSSHStringBytes() else { throw SSHProtocolError.malformedMessage("truncated ssh-ed25519 key") }
                self = .ed25519(try Ed25519PublicKey(rawRepresentation: raw))
            case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
                guard let identifier = try buffer.readSSHUTF8String(), let point = buffer.readSSHStringBytes() else {
                    throw SSHProtocolError.malformedMessage("truncated \(type) key")
                }
                guard let curve = ECCurve.allCases.first(where: { "ecdsa-sha2-\($0.sshIdentifier)" == type }),
                      identifier == curve.sshIdentifier else {
                    throw SSHProtocolError.malformedMessage("\(type) key names curve \(sanitizedPeerText(identifier, maxLength: 32))")
                }
                self = .ecdsa(try ECDSAPublicKey(curve: curve, point: point))
            case "ssh-rsa":
                guard let exponent = try buffer.readSSHPositiveMPInt(), let modulus = try buffer.readSSHPositiveMPInt() else {
                    throw SSHProtocolError.malformedMessage("truncated ssh-rsa key")
                }
                self = .rsa(try RSAPublicKey(modulus: modulus, publicExponent: exponent))
            default:
                throw SSHProtocolError.malformedMessage("unsupported public key type \(sanitizedPeerText(type, maxLength: 64))")
            }
        } catch let error as SSHProtocolError {
            throw error
        } catch {
            throw .malformedMessage("invalid public key: \(error)")
        }
        guard buffer.readableBytes == 0 else { throw .malformedMessage("trailing bytes after \(keyType) public key") }
    }

    /// Writes the key blob (without an outer length).
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeSSHString(keyType)
        switch self {
        case let .ed25519(key):
            buffer.writeSSHString(key.rawRepresentation)
        case let .ecdsa(key):
            buffer.writeSSHString(key.curve.sshIdentifier)
            buffer.writeSSHString(key.point)
        case let .rsa(key):
            buffer.writeSSHPositiveMPInt(magnitude: key.publicExponent)
            buffer.writeSSHPositiveMPInt(magnitude: key.modulus)
        }
    }

    /// The key blob as bytes.
    package var blob: [UInt8] {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Verifies an SSH signature blob (`string algorithm ‖ string signature`) over `data`, requiring
    /// the blob's algorithm to be `algorithm` (RFC 4253 §6.6, RFC 5656 §3.1.2, RFC 8332 §3, RFC 8709 §6).
    package func isValidSignature(_ signatureBlob: ByteBuffer, for data: [UInt8], algorithm: String) throws(SSHProtocolError) -> Bool {
        var buffer = signatureBlob
        guard let name = try? buffer.readSSHUTF8String(), let signature = buffer.readSSHString(), buffer.readableBytes == 0 else {
            throw .malformedMessage("malformed signature blob")
        }
        guard name == algorithm else {
            throw .keyExchangeFailed("signature algorithm \(sanitizedPeerText(name, maxLength: 64)) does not match the negotiated \(algorithm)")
        }
        switch (self, algorithm) {
        case let (.ed25519(key), "ssh-ed25519"):
            return key.isValidSignature(Array(signature.readableBytesView), for: data)
        case let (.ecdsa(key), _) where algorithm == keyType:
            var body = signature
            guard let r = try? body.readSSHPositiveMPInt(), let s = try? body.readSSHPositiveMPInt(), body.readableBytes == 0 else {
                throw .malformedMessage("malformed \(algorithm) signature")
            }
            return key.isValidSignature(ECDSASignature(r: r, s: s), for: data)
        case let (.rsa(key), "rsa-sha2-256"):
            return key.isValidSignature(Array(signature.readableBytesView), for: data, digest: .sha256)
        case let (.rsa(key), "rsa-sha2-512"):
            return key.isValidSignature(Array(signature.readableBytesView), for: data, digest: .sha512)
        case let (.rsa(key), "ssh-rsa"):
            return key.isValidSignature(Array(signature.readableBytesView), for: data, digest: .sha1)
        default:
            throw .hostKeyMismatchedAlgorithm(negotiated: algorithm, received: keyType)
        }
    }
}
