import SSHCrypto

/// The per-type private key fields of an `openssh-key-v1` private section (OpenSSH PROTOCOL.key,
/// sshkey.c `sshkey_private_serialize`):
/// - ssh-ed25519: string public key (32) ‖ string seed ‖ public key (64)
/// - ecdsa-sha2-*: string curve name ‖ string Q ‖ mpint d
/// - ssh-rsa: mpint n ‖ mpint e ‖ mpint d ‖ mpint iqmp ‖ mpint p ‖ mpint q
enum PrivateKeyFields {
    /// Reads the key type and its fields, checking that the stored public parts match the private key.
    static func read(from reader: inout SecretFieldReader) throws(KeyFileError) -> SigningKey {
        let type = try reader.text("key type")
        do {
            switch type {
            case "ssh-ed25519":
                let publicKey = Array(try reader.string("ed25519 public key"))
                let combined = try reader.string("ed25519 private key")
                guard publicKey.count == 32, combined.count == 64 else { throw KeyFileError.corrupt("ed25519 key has the wrong length") }
                let key = try Ed25519PrivateKey(seed: SecureBytes(combined.prefix(32)))
                guard key.publicKey.rawRepresentation == publicKey, Array(combined.suffix(32)) == publicKey else {
                    throw KeyFileError.corrupt("ed25519 private and public key differ")
                }
                return .ed25519(key)
            case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
                let curveName = try reader.text("curve name")
                guard let curve = ECCurve.allCases.first(where: { $0.sshIdentifier == curveName }),
                      "ecdsa-sha2-\(curve.sshIdentifier)" == type else { throw KeyFileError.corrupt("\(type) key names another curve") }
                let point = Array(try reader.string("ecdsa public point"))
                let key = try ECDSAPrivateKey(curve: curve, privateScalar: try reader.positiveMPInt("ecdsa private scalar"))
                guard key.publicKey.point == point else { throw KeyFileError.corrupt("ecdsa private and public key differ") }
                return .ecdsa(key)
            case "ssh-rsa":
                let modulus = try reader.positiveMPInt("rsa n").unsafeArrayCopy
                let exponent = try reader.positiveMPInt("rsa e").unsafeArrayCopy
                let d = try reader.positiveMPInt("rsa d")
                let iqmp = try reader.positiveMPInt("rsa iqmp")
                let p = try reader.positiveMPInt("rsa p")
                let q = try reader.positiveMPInt("rsa q")
                return .rsa(try RSAPrivateKey(modulus: modulus, publicExponent: exponent, privateExponent: d,
                                              prime1: p, prime2: q, coefficient: iqmp))
            default:
                throw KeyFileError.unsupportedKeyType(sanitizedPeerText(type, maxLength: 64))
            }
        } catch let error as KeyFileError {
            throw error
        } catch {
            throw .corrupt("\(type) private key: \(error)")
        }
    }

    /// Writes the key type and its fields.
    static func write(_ key: SigningKey, to writer: inout SecretFieldWriter) {
        writer.string(key.publicKey.keyType)
        switch key {
        case let .ed25519(ed25519):
            let publicKey = ed25519.publicKey.rawRepresentation
            writer.string(publicKey)
            ed25519.seed.withUnsafeBytes { seed in
                writer.uint32(UInt32(seed.count + publicKey.count))
                writer.bytes += seed
                writer.bytes += publicKey
            }
        case let .ecdsa(ecdsa):
            writer.string(ecdsa.curve.sshIdentifier)
            writer.string(ecdsa.publicKey.point)
            writer.positiveMPInt(secret: ecdsa.privateScalar)
        case let .rsa(rsa):
            writer.positiveMPInt(rsa.publicKey.modulus)
            writer.positiveMPInt(rsa.publicKey.publicExponent)
            writer.positiveMPInt(secret: rsa.privateExponent)
            writer.positiveMPInt(secret: rsa.coefficient)
            writer.positiveMPInt(secret: rsa.prime1)
            writer.positiveMPInt(secret: rsa.prime2)
        }
    }
}
