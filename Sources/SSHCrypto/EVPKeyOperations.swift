import CLibcrypto

// EVP_PKEY plumbing shared by the asymmetric primitives: building keys from OSSL_PARAMs,
// one-shot EVP_DigestSign / EVP_DigestVerify, and EVP_PKEY_derive.

/// `EVP_PKEY_fromdata` selections (evp.h builds them from other macros Swift cannot import).
enum KeySelection {
    /// `EVP_PKEY_PUBLIC_KEY`: all domain parameters plus the public key.
    static let publicKey: Int32 = OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
        | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
    /// `EVP_PKEY_KEYPAIR`: the public selection plus the private key.
    static let keyPair: Int32 = publicKey | OSSL_KEYMGMT_SELECT_PRIVATE_KEY
}

/// Collects key components for `EVP_PKEY_fromdata`. `OSSL_PARAM_BLD` keeps pointers to the names,
/// numbers and buffers it is given until `OSSL_PARAM_BLD_to_param`, so this class owns them all
/// until it is released.
final class KeyParameterBuilder {
    private let builder: OpaquePointer
    private var numbers: [Bignum] = []
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    /// An empty builder.
    init() throws {
        guard let made = OSSL_PARAM_BLD_new() else { throw libcryptoError("OSSL_PARAM_BLD_new") }
        builder = made
    }

    deinit {
        OSSL_PARAM_BLD_free(builder)
        for buffer in buffers {
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
            buffer.deallocate()
        }
    }

    /// Adds a UTF-8 string parameter such as the EC group name.
    func add(_ name: StaticString, utf8 value: StaticString) throws {
        let pushed = OSSL_PARAM_BLD_push_utf8_string(builder, staticCString(name), staticCString(value), 0)
        try requireSuccess(pushed, "OSSL_PARAM_BLD_push_utf8_string")
    }

    /// Adds an octet-string parameter such as an encoded public point.
    func add(_ name: StaticString, octets: [UInt8]) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(octets.count, 1), alignment: 1)
        buffers.append(buffer)
        buffer.copyBytes(from: octets)
        let pushed = OSSL_PARAM_BLD_push_octet_string(builder, staticCString(name), buffer.baseAddress, octets.count)
        try requireSuccess(pushed, "OSSL_PARAM_BLD_push_octet_string")
    }

    /// Adds an integer parameter; the number is kept alive by the builder.
    func add(_ name: StaticString, number: Bignum) throws {
        numbers.append(number)
        try requireSuccess(OSSL_PARAM_BLD_push_BN(builder, staticCString(name), number.pointer), "OSSL_PARAM_BLD_push_BN")
    }

    /// Builds an `EVP_PKEY` of `keyType` ("EC", "RSA") from the collected parameters.
    func makeKey(type keyType: StaticString, selection: Int32) throws -> OwnedPKey {
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw libcryptoError("OSSL_PARAM_BLD_to_param") }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, staticCString(keyType), nil) else {
            throw libcryptoError("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        try requireSuccess(EVP_PKEY_fromdata_init(context), "EVP_PKEY_fromdata_init")
        var key: OpaquePointer?
        try requireSuccess(EVP_PKEY_fromdata(context, &key, selection, params), "EVP_PKEY_fromdata")
        guard let key else { throw libcryptoError("EVP_PKEY_fromdata") }
        return OwnedPKey(taking: key)
    }
}

/// Sets one UTF-8 string parameter (such as RSA "pad-mode") on a key context.
func setStringParameter(_ context: OpaquePointer, _ name: StaticString, _ value: StaticString) throws {
    var params = [
        OSSL_PARAM_construct_utf8_string(staticCString(name), UnsafeMutablePointer(mutating: staticCString(value)), 0),
        OSSL_PARAM_construct_end(),
    ]
    try requireSuccess(EVP_PKEY_CTX_set_params(context, &params), "EVP_PKEY_CTX_set_params")
}

/// Calls `body` with a pointer to `message` that is never NULL, even for an empty message.
private func withMessagePointer<Result>(_ message: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> Result) rethrows -> Result {
    var padded = message.isEmpty ? [UInt8(0)] : message
    return try padded.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { preconditionFailure("a non-empty array has storage") }
        return try body(UnsafePointer(base), message.count)
    }
}

/// One-shot `EVP_DigestSign` with `key`, hashing with `digest` (nil for Ed25519, which hashes
/// internally). `configure` may set options on the signing `EVP_PKEY_CTX` (RSA padding).
func digestSign(key: OwnedPKey, digest: DigestAlgorithm?, message: [UInt8],
                configure: (OpaquePointer) throws -> Void = { _ in }) throws -> [UInt8] {
    guard let context = EVP_MD_CTX_new() else { throw libcryptoError("EVP_MD_CTX_new") }
    defer { EVP_MD_CTX_free(context) }
    var keyContext: OpaquePointer?
    try requireSuccess(EVP_DigestSignInit(context, &keyContext, digest?.evpMD, nil, key.pointer), "EVP_DigestSignInit")
    if let keyContext { try configure(keyContext) }
    return try withMessagePointer(message) { pointer, count in
        var length = 0
        try requireSuccess(EVP_DigestSign(context, nil, &length, pointer, count), "EVP_DigestSign")
        var signature = [UInt8](repeating: 0, count: length)
        try requireSuccess(EVP_DigestSign(context, &signature, &length, pointer, count), "EVP_DigestSign")
        return Array(signature.prefix(length))
    }
}

/// One-shot `EVP_DigestVerify`; any failure (bad encoding, wrong signature) yields `false` and
/// leaves libcrypto's error queue empty.
func digestVerify(key: OwnedPKey, digest: DigestAlgorithm?, signature: [UInt8], message: [UInt8],
                  configure: (OpaquePointer) throws -> Void = { _ in }) -> Bool {
    defer { ERR_clear_error() }
    guard !signature.isEmpty, let context = EVP_MD_CTX_new() else { return false }
    defer { EVP_MD_CTX_free(context) }
    var keyContext: OpaquePointer?
    guard EVP_DigestVerifyInit(context, &keyContext, digest?.evpMD, nil, key.pointer) == 1 else { return false }
    if let keyContext {
        guard (try? configure(keyContext)) != nil else { return false }
    }
    return withMessagePointer(message) { pointer, count in
        signature.withUnsafeBufferPointer { signatureBuffer in
            EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count, pointer, count) == 1
        }
    }
}

/// `EVP_PKEY_derive` between our `key` and the `peer` key, returning exactly `length` bytes.
/// Failure of the derivation itself is reported as `rejection` (a refused peer value).
func deriveSharedSecret(key: OwnedPKey, peer: OwnedPKey, length: Int, rejection: CryptoError) throws -> SecureBytes {
    guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
        throw libcryptoError("EVP_PKEY_CTX_new_from_pkey")
    }
    defer { EVP_PKEY_CTX_free(context) }
    try requireSuccess(EVP_PKEY_derive_init(context), "EVP_PKEY_derive_init")
    guard EVP_PKEY_derive_set_peer_ex(context, peer.pointer, 1) == 1 else {
        ERR_clear_error()
        throw rejection
    }
    return try SecureBytes(count: length) { buffer in
        var written = buffer.count
        guard let base = buffer.baseAddress,
              EVP_PKEY_derive(context, base.assumingMemoryBound(to: UInt8.self), &written) == 1,
              written == length
        else {
            ERR_clear_error()
            throw rejection
        }
    }
}
