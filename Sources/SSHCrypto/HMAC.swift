import CLibcrypto

/// One-shot HMAC (RFC 2104) through libcrypto's `EVP_MAC` "HMAC".
public enum HMAC {
    /// Returns `HMAC-algorithm(key, message)`, the full digest-length tag (RFC 2104 §2).
    ///
    /// Used where no secret stays around long enough to need wiping, e.g. hashed known_hosts
    /// entries (HMAC-SHA1). For packet MACs use `SSHMACKey`.
    public static func authenticate(_ algorithm: DigestAlgorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputByteCount)
        var length = 0
        let produced = withNonNullBytes(key) { keyBytes in
            message.withUnsafeBytes { messageBytes in
                output.withUnsafeMutableBytes { out in
                    EVP_Q_mac(nil, "HMAC", nil, algorithm.openSSLName, nil,
                              keyBytes.baseAddress, keyBytes.count,
                              messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                              out.baseAddress?.assumingMemoryBound(to: UInt8.self), out.count, &length)
                }
            }
        }
        // HMAC over in-memory bytes cannot fail for valid input: failure means libcrypto is broken.
        precondition(produced != nil && length == algorithm.outputByteCount,
                     "EVP_Q_mac(HMAC-\(algorithm.openSSLName)) failed")
        return output
    }
}

/// An SSH packet MAC key (RFC 4253 §6.4): `mac = MAC(key, uint32 sequence_number || data)`.
///
/// Holds one `EVP_MAC_CTX` keyed once at creation; every packet re-initialises it with
/// `EVP_MAC_init(ctx, NULL, 0, NULL)`, which keeps the key, so computing or checking a tag
/// allocates nothing. Not thread-safe: one instance serves one direction of one connection.
public final class SSHMACKey {
    private let context: OpaquePointer
    private let algorithm: DigestAlgorithm

    /// Keys a new HMAC context with `algorithm` and `key` (RFC 4253 §7.2 derives the key).
    ///
    /// - Throws: `CryptoError.invalidKey` for an empty key, `CryptoError.libcrypto` if libcrypto
    ///   refuses the algorithm or key.
    public init(_ algorithm: DigestAlgorithm, key: SecureBytes) throws {
        guard key.count > 0 else { throw CryptoError.invalidKey("HMAC key is empty") }
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw libcryptoError("EVP_MAC_fetch(HMAC)") }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { throw libcryptoError("EVP_MAC_CTX_new(HMAC)") }
        var digestName = Array(algorithm.openSSLName.utf8CString)
        let keyed = digestName.withUnsafeMutableBufferPointer { name in
            key.withUnsafeBytes { keyBytes in
                "digest".withCString { paramName in
                    var params = [
                        OSSL_PARAM_construct_utf8_string(paramName, name.baseAddress, 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    return EVP_MAC_init(context, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                        keyBytes.count, &params)
                }
            }
        }
        guard keyed == 1 else {
            EVP_MAC_CTX_free(context)
            throw libcryptoError("EVP_MAC_init(HMAC-\(algorithm.openSSLName))")
        }
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// The tag length in bytes: the full digest length (RFC 4253 §6.4, RFC 6668 §2).
    public var outputByteCount: Int { algorithm.outputByteCount }

    /// Writes `MAC(key, uint32_be(sequenceNumber) || data)` into the first `outputByteCount`
    /// bytes of `tag` (RFC 4253 §6.4).
    ///
    /// - Precondition: `tag.count >= outputByteCount`.
    public func authenticate(sequenceNumber: UInt32, _ data: UnsafeRawBufferPointer,
                             into tag: UnsafeMutableRawBufferPointer) {
        precondition(tag.count >= outputByteCount,
                     "SSHMACKey.authenticate: tag buffer holds \(tag.count) bytes, needs \(outputByteCount)")
        compute(sequenceNumber: sequenceNumber, data, into: tag)
    }

    /// Whether `tag` is the MAC of `data` under `sequenceNumber` (RFC 4253 §6.4), compared in
    /// constant time. A tag of the wrong length is invalid.
    public func isValid(sequenceNumber: UInt32, _ data: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> Bool {
        guard tag.count == outputByteCount else { return false }
        return withUnsafeTemporaryAllocation(byteCount: Int(EVP_MAX_MD_SIZE), alignment: 16) { scratch in
            compute(sequenceNumber: sequenceNumber, data, into: scratch)
            return constantTimeEquals(UnsafeRawBufferPointer(rebasing: scratch[0..<outputByteCount]), tag)
        }
    }

    /// Runs one MAC computation on the keyed context; libcrypto failures here are unrecoverable.
    private func compute(sequenceNumber: UInt32, _ data: UnsafeRawBufferPointer,
                         into tag: UnsafeMutableRawBufferPointer) {
        precondition(EVP_MAC_init(context, nil, 0, nil) == 1, "EVP_MAC_init(HMAC) re-initialisation failed")
        let sequenceUpdated = withUnsafeBytes(of: sequenceNumber.bigEndian) { sequence in
            EVP_MAC_update(context, sequence.baseAddress?.assumingMemoryBound(to: UInt8.self), sequence.count)
        }
        precondition(sequenceUpdated == 1, "EVP_MAC_update(HMAC) failed")
        if let base = data.baseAddress, data.count > 0 {
            precondition(EVP_MAC_update(context, base.assumingMemoryBound(to: UInt8.self), data.count) == 1,
                         "EVP_MAC_update(HMAC) failed")
        }
        var length = 0
        let finished = EVP_MAC_final(context, tag.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                     &length, outputByteCount)
        precondition(finished == 1 && length == outputByteCount, "EVP_MAC_final(HMAC) failed")
    }
}

/// Calls `body` with `bytes`, substituting a valid zero-length buffer for an empty array so that
/// libcrypto never sees a NULL key pointer (which some providers read as "no key given").
func withNonNullBytes<Result>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    if bytes.isEmpty {
        var placeholder: UInt8 = 0
        return withUnsafeBytes(of: &placeholder) { body(UnsafeRawBufferPointer(start: $0.baseAddress, count: 0)) }
    }
    return bytes.withUnsafeBytes(body)
}
