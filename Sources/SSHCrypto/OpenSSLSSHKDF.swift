import CLibcrypto

/// libcrypto's own SSH key derivation (`EVP_KDF` "SSHKDF", EVP_KDF-SSHKDF(7)), kept as an
/// independent cross-check for our RFC 4253 §7.2 derivation.
///
/// RFC 4253 §7.2 defines each key as HASH(K || H || X || session_id), extended by
/// HASH(K || H || K1 || ...), where K is *encoded as an mpint* (RFC 4251 §5). libcrypto hashes its
/// "key" parameter verbatim; EVP_KDF-SSHKDF(7) does not say so, but its NIST CAVS 14.1 test
/// vectors pass K as a complete mpint (4-byte length, then the two's-complement magnitude with a
/// 0x00 pad when the top bit is set). So `sharedSecret` here must already be the mpint encoding of
/// K, length prefix included, not the raw magnitude.
public enum OpenSSLSSHKDF {
    /// Derives `outputByteCount` bytes for the key letter `letter` ("A" to "F", RFC 4253 §7.2).
    ///
    /// - Parameters:
    ///   - digest: the key exchange hash (e.g. `.sha256` for curve25519-sha256).
    ///   - sharedSecret: K already encoded as an SSH mpint, 4-byte length prefix included.
    ///   - exchangeHash: H.
    ///   - sessionID: the session identifier (the first exchange's H).
    ///   - letter: the ASCII key letter, 0x41 ("A") to 0x46 ("F").
    ///   - outputByteCount: the number of bytes to derive; must be positive.
    public static func derive(digest: DigestAlgorithm, sharedSecret: [UInt8], exchangeHash: [UInt8],
                              sessionID: [UInt8], letter: UInt8, outputByteCount: Int) throws -> [UInt8] {
        precondition(outputByteCount > 0, "SSHKDF output length must be positive")
        guard let kdf = EVP_KDF_fetch(nil, "SSHKDF", nil) else { throw libcryptoError("EVP_KDF_fetch") }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { throw libcryptoError("EVP_KDF_CTX_new") }
        defer { EVP_KDF_CTX_free(context) }

        // Each EVP_KDF_CTX_set_params call copies its values into the context, so the buffers
        // only need to live for the call.
        var digestName = Array(digest.openSSLName.utf8CString)
        try digestName.withUnsafeMutableBufferPointer { name in
            try setParameter(context, OSSL_PARAM_construct_utf8_string(staticCString("digest"), name.baseAddress, 0))
        }
        var typeLetter: [CChar] = [CChar(bitPattern: letter), 0]
        try typeLetter.withUnsafeMutableBufferPointer { type in
            try setParameter(context, OSSL_PARAM_construct_utf8_string(staticCString("type"), type.baseAddress, 1))
        }
        var key = sharedSecret
        defer { wipe(&key) }
        try setOctets(context, "key", &key)
        var hash = exchangeHash
        try setOctets(context, "xcghash", &hash)
        var session = sessionID
        try setOctets(context, "session_id", &session)

        var output = [UInt8](repeating: 0, count: outputByteCount)
        try requireSuccess(EVP_KDF_derive(context, &output, output.count, nil), "EVP_KDF_derive")
        return output
    }

    private static func setOctets(_ context: OpaquePointer, _ name: StaticString, _ bytes: inout [UInt8]) throws {
        try bytes.withUnsafeMutableBytes { buffer in
            try setParameter(context, OSSL_PARAM_construct_octet_string(staticCString(name), buffer.baseAddress, buffer.count))
        }
    }

    private static func setParameter(_ context: OpaquePointer, _ parameter: OSSL_PARAM) throws {
        var params = [parameter, OSSL_PARAM_construct_end()]
        try requireSuccess(EVP_KDF_CTX_set_params(context, &params), "EVP_KDF_CTX_set_params")
    }
}
