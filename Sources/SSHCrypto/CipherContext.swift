import CLibcrypto

/// One keyed `EVP_CIPHER_CTX`, created once per key and re-nonced per packet with
/// `EVP_CipherInit_ex2(ctx, NULL, NULL, iv, enc, NULL)`, which keeps the key schedule.
///
/// Every operation works in place (libcrypto allows `out == in`) and allocates nothing.
final class CipherContext {
    /// The largest slice handed to one `EVP_CipherUpdate`, whose length argument is an `int`.
    private static let maximumUpdateByteCount = 1 << 30

    private let context: OpaquePointer
    private let cipherName: String

    /// Fetches `cipherName` (an OpenSSL algorithm name such as "AES-128-CTR") and keys a context.
    /// The caller has already checked the key and IV lengths.
    init(cipherName: String, key: SecureBytes, iv: UnsafeRawBufferPointer?, encrypt: Bool) throws {
        guard let cipher = EVP_CIPHER_fetch(nil, cipherName, nil) else {
            throw libcryptoError("EVP_CIPHER_fetch(\(cipherName))")
        }
        defer { EVP_CIPHER_free(cipher) }
        guard let context = EVP_CIPHER_CTX_new() else { throw libcryptoError("EVP_CIPHER_CTX_new") }
        let initialised = key.withUnsafeBytes { keyBytes in
            EVP_CipherInit_ex2(context, cipher, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               iv?.baseAddress?.assumingMemoryBound(to: UInt8.self), encrypt ? 1 : 0, nil)
        }
        guard initialised == 1 else {
            EVP_CIPHER_CTX_free(context)
            throw libcryptoError("EVP_CipherInit_ex2(\(cipherName))")
        }
        self.context = context
        self.cipherName = cipherName
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Restarts the cipher with a new IV (and direction), keeping the key.
    func restart(iv: UnsafeRawBufferPointer, encrypt: Bool) throws {
        try check(EVP_CipherInit_ex2(context, nil, nil, iv.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                     encrypt ? 1 : 0, nil),
                  "EVP_CipherInit_ex2(\(cipherName), new IV)")
    }

    /// Encrypts or decrypts `buffer` in place, continuing the current key stream.
    func updateInPlace(_ buffer: UnsafeMutableRawBufferPointer) throws {
        try update(from: UnsafeRawBufferPointer(buffer), into: buffer)
    }

    /// Encrypts or decrypts `input` into `output`, continuing the key stream. The two have the same
    /// length and are either the same memory (in place) or do not overlap, as `EVP_CipherUpdate` requires.
    func update(from input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        precondition(output.count == input.count, "CipherContext.update: output and input differ in length")
        guard let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let destination = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var offset = 0
        while offset < input.count {
            let chunk = min(input.count - offset, Self.maximumUpdateByteCount)
            var written: Int32 = 0
            try check(EVP_CipherUpdate(context, destination + offset, &written, source + offset, Int32(chunk)),
                      "EVP_CipherUpdate(\(cipherName))")
            // Stream modes (CTR, GCM, ChaCha20) never buffer: anything else would corrupt in-place use.
            guard Int(written) == chunk else {
                throw CryptoError.libcrypto(operation: "EVP_CipherUpdate(\(cipherName))",
                                            reason: "wrote \(written) of \(chunk) bytes")
            }
            offset += chunk
        }
    }

    /// Feeds additional authenticated data to an AEAD cipher (`EVP_CipherUpdate` with `out == NULL`).
    func authenticateAdditionalData(_ aad: UnsafeRawBufferPointer) throws {
        guard let base = aad.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var offset = 0
        while offset < aad.count {
            let chunk = min(aad.count - offset, Self.maximumUpdateByteCount)
            var written: Int32 = 0
            try check(EVP_CipherUpdate(context, nil, &written, base + offset, Int32(chunk)),
                      "EVP_CipherUpdate(\(cipherName), AAD)")
            offset += chunk
        }
    }

    /// Runs `EVP_CipherFinal_ex`; for AEAD decryption a result other than 1 means the tag is wrong.
    /// Returns whether libcrypto reported success. Stream modes emit no final bytes.
    func finish() -> Bool {
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 16) { scratch in
            var written: Int32 = 0
            return EVP_CipherFinal_ex(context, scratch.baseAddress?.assumingMemoryBound(to: UInt8.self), &written) == 1
                && written == 0
        }
    }

    /// Reads the AEAD tag after an encryption's `finish` (`OSSL_CIPHER_PARAM_AEAD_TAG`).
    func readTag(into tag: UnsafeMutableRawBufferPointer) throws {
        let ok = withTagParameter(tag.baseAddress, tag.count) { EVP_CIPHER_CTX_get_params(context, $0) }
        try check(ok, "EVP_CIPHER_CTX_get_params(\(cipherName), tag)")
    }

    /// Sets the expected AEAD tag before a decryption's `finish` (`OSSL_CIPHER_PARAM_AEAD_TAG`).
    func expectTag(_ tag: UnsafeRawBufferPointer) throws {
        let ok = withTagParameter(UnsafeMutableRawPointer(mutating: tag.baseAddress), tag.count) {
            EVP_CIPHER_CTX_set_params(context, $0)
        }
        try check(ok, "EVP_CIPHER_CTX_set_params(\(cipherName), tag)")
    }

    /// Like `requireSuccess`, but builds the operation name only on failure, so the per-packet path
    /// does not allocate a string.
    private func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        guard result == 1 else { throw libcryptoError(operation()) }
    }

    /// Builds a stack-allocated `{ "tag": octet string, END }` parameter list for `body`.
    private func withTagParameter(_ buffer: UnsafeMutableRawPointer?, _ count: Int,
                                  _ body: (UnsafeMutablePointer<OSSL_PARAM>) -> Int32) -> Int32 {
        OSSL_CIPHER_PARAM_AEAD_TAG.withCString { name in
            withUnsafeTemporaryAllocation(of: OSSL_PARAM.self, capacity: 2) { params in
                guard let base = params.baseAddress else { return 0 }
                base.initialize(to: OSSL_PARAM_construct_octet_string(name, buffer, count))
                (base + 1).initialize(to: OSSL_PARAM_construct_end())
                return body(base)
            }
        }
    }
}
