import CLibcrypto

/// The private key material decoded from a PEM file, as plain components that the SSH layers turn
/// into `Ed25519PrivateKey`, `ECDSAPrivateKey` or `RSAPrivateKey`.
public enum DecodedPrivateKey: Sendable {
    /// An Ed25519 key: its 32-byte seed (RFC 8032 §5.1.5; RFC 8410 §7 for PKCS#8).
    case ed25519(seed: SecureBytes)
    /// An EC key on a NIST curve: the curve and the big-endian private scalar (SEC1 §C.4, RFC 5915).
    case ecdsa(curve: ECCurve, privateScalar: SecureBytes)
    /// A two-prime RSA key (RFC 8017 §A.1.2): n, e, d, p, q and iqmp = q^-1 mod p.
    case rsa(modulus: [UInt8], publicExponent: [UInt8], privateExponent: SecureBytes,
             prime1: SecureBytes, prime2: SecureBytes, coefficient: SecureBytes)
}

/// Why a PEM private key could not be decoded. No case carries key material or the passphrase.
public enum PEMDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key is encrypted (`Proc-Type: 4,ENCRYPTED` or `ENCRYPTED PRIVATE KEY`) and no passphrase was given.
    case passphraseRequired
    /// The key is encrypted and the passphrase did not decrypt it.
    case wrongPassphrase
    /// The key decoded, but it is not an Ed25519, NIST-curve EC or two-prime RSA key.
    case unsupportedKeyType(String)
    /// The text is not a PEM private key libcrypto can read; `reason` is libcrypto's explanation.
    case malformed(String)

    public var description: String {
        switch self {
        case .passphraseRequired: return "the PEM private key is encrypted and needs a passphrase"
        case .wrongPassphrase: return "the passphrase does not decrypt the PEM private key"
        case let .unsupportedKeyType(type): return "unsupported PEM private key type \(type)"
        case let .malformed(reason): return "malformed PEM private key: \(reason)"
        }
    }
}

/// Reads PEM private keys with libcrypto's `PEM_read_bio_PrivateKey_ex`: PKCS#1 `RSA PRIVATE KEY`
/// (RFC 8017 §A.1.2), SEC1 `EC PRIVATE KEY` (RFC 5915 §3), PKCS#8 `PRIVATE KEY` (RFC 5208 §5) and
/// `ENCRYPTED PRIVATE KEY` (RFC 5958 §3), plus the legacy `Proc-Type: 4,ENCRYPTED` PEM encryption
/// (RFC 1421 §4.6.1.1) that `ssh-keygen -m PEM` writes.
public enum PEMPrivateKeyDecoder {
    /// Whether `pem` is encrypted, judged from its armour: PKCS#8 `ENCRYPTED PRIVATE KEY` or the
    /// RFC 1421 `Proc-Type: 4,ENCRYPTED` header.
    public static func isEncrypted(_ pem: [UInt8]) -> Bool {
        contains(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(pem, "Proc-Type: 4,ENCRYPTED")
    }

    /// Decodes the first private key in `pem`, decrypting it with `passphrase` when it is encrypted
    /// (a passphrase given for a plain key is ignored).
    ///
    /// - Throws: `PEMDecodingError`, never crashing on malformed input.
    public static func decode(_ pem: [UInt8], passphrase: SecureBytes?) throws(PEMDecodingError) -> DecodedPrivateKey {
        let encrypted = isEncrypted(pem)
        if encrypted, (passphrase?.count ?? 0) == 0 { throw .passphraseRequired }
        ERR_clear_error()
        let key: OwnedPKey
        do {
            key = try readKey(pem, passphrase: encrypted ? passphrase : nil)
        } catch {
            ERR_clear_error()
            throw encrypted ? .wrongPassphrase : .malformed(error.description)
        }
        do {
            return try components(of: key)
        } catch let error as PEMDecodingError {
            throw error
        } catch {
            ERR_clear_error()
            throw .malformed("\(error)")
        }
    }

    /// Parses the PEM text into an `EVP_PKEY`, feeding `passphrase` through the password callback.
    private static func readKey(_ pem: [UInt8], passphrase: SecureBytes?) throws(CryptoError) -> OwnedPKey {
        guard pem.count <= Int(Int32.max) else { throw .invalidKey("PEM text is too long") }
        let made: OpaquePointer? = pem.withUnsafeBytes { text in
            guard let bio = BIO_new_mem_buf(text.baseAddress, Int32(text.count)) else { return nil }
            defer { BIO_free(bio) }
            let secret = passphrase ?? SecureBytes([])
            return secret.withUnsafeBytes { secretBytes in
                var view = secretBytes
                return withUnsafeMutablePointer(to: &view) { viewPointer in
                    PEM_read_bio_PrivateKey_ex(bio, nil, { buffer, size, _, context in
                        // Copies the passphrase into libcrypto's buffer; 0 (no passphrase) makes it fail.
                        guard let buffer, let context else { return 0 }
                        let passphrase = context.assumingMemoryBound(to: UnsafeRawBufferPointer.self).pointee
                        guard passphrase.count > 0, passphrase.count <= Int(size), let source = passphrase.baseAddress else { return 0 }
                        UnsafeMutableRawPointer(buffer).copyMemory(from: source, byteCount: passphrase.count)
                        return Int32(passphrase.count)
                    }, viewPointer, nil, nil)
                }
            }
        }
        guard let made else { throw libcryptoError("PEM_read_bio_PrivateKey_ex") }
        return OwnedPKey(taking: made)
    }

    /// Extracts the components of an Ed25519, EC or RSA key with `EVP_PKEY_get_raw_private_key`,
    /// `EVP_PKEY_get_utf8_string_param` and `EVP_PKEY_get_bn_param`.
    private static func components(of key: OwnedPKey) throws -> DecodedPrivateKey {
        if EVP_PKEY_is_a(key.pointer, "ED25519") == 1 {
            var length = 32
            let seed = try SecureBytes(count: 32) { buffer in
                let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
                try requireSuccess(EVP_PKEY_get_raw_private_key(key.pointer, base, &length), "EVP_PKEY_get_raw_private_key")
            }
            guard length == 32 else { throw CryptoError.invalidLength(what: "Ed25519 private key", expected: 32, actual: length) }
            return .ed25519(seed: seed)
        }
        if EVP_PKEY_is_a(key.pointer, "EC") == 1 {
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            try requireSuccess(EVP_PKEY_get_utf8_string_param(key.pointer, "group", &name, name.count, &length),
                               "EVP_PKEY_get_utf8_string_param(group)")
            let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard let curve = curve(forGroupName: group) else { throw PEMDecodingError.unsupportedKeyType("EC on \(group)") }
            return .ecdsa(curve: curve, privateScalar: try ECKeyFactory.privateScalar(of: key))
        }
        if EVP_PKEY_is_a(key.pointer, "RSA") == 1 {
            var extra: OpaquePointer?
            if EVP_PKEY_get_bn_param(key.pointer, "rsa-factor3", &extra) == 1 {
                BN_clear_free(extra)
                throw PEMDecodingError.unsupportedKeyType("multi-prime RSA")
            }
            ERR_clear_error()
            return .rsa(modulus: try number(key, "n").magnitude, publicExponent: try number(key, "e").magnitude,
                        privateExponent: try number(key, "d").secretMagnitude(),
                        prime1: try number(key, "rsa-factor1").secretMagnitude(),
                        prime2: try number(key, "rsa-factor2").secretMagnitude(),
                        coefficient: try number(key, "rsa-coefficient1").secretMagnitude())
        }
        let typeName = EVP_PKEY_get0_type_name(key.pointer).map { String(cString: $0) } ?? "unknown"
        throw PEMDecodingError.unsupportedKeyType(typeName)
    }

    /// One integer component of `key`, copied into a secret `Bignum`.
    private static func number(_ key: OwnedPKey, _ name: StaticString) throws -> Bignum {
        var value: OpaquePointer?
        try requireSuccess(EVP_PKEY_get_bn_param(key.pointer, staticCString(name), &value), "EVP_PKEY_get_bn_param")
        guard let value else { throw libcryptoError("EVP_PKEY_get_bn_param") }
        defer { BN_clear_free(value) }
        let copy = try Bignum(secret: true)
        guard BN_copy(copy.pointer, value) != nil else { throw libcryptoError("BN_copy") }
        return copy
    }

    /// The curve for libcrypto's group name (short names as OpenSSL 3 reports them, or NIST names).
    private static func curve(forGroupName name: String) -> ECCurve? {
        switch name {
        case "prime256v1", "P-256", "secp256r1": return .p256
        case "secp384r1", "P-384": return .p384
        case "secp521r1", "P-521": return .p521
        default: return nil
        }
    }

    /// Whether the ASCII `needle` occurs in `haystack`.
    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if haystack[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
        }
        return false
    }
}
