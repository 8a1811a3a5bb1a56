import CLibcrypto

/// One-shot message digests (FIPS 180-4 SHA-1/SHA-2, RFC 1321 MD5) through libcrypto's `EVP_Digest`.
///
/// SSH hashes exchange hashes and derives keys with these (RFC 4253 §7.2, §8); MD5 only serves
/// legacy fingerprints.
public enum Digest {
    /// Returns `algorithm(data)`.
    public static func hash(_ algorithm: DigestAlgorithm, _ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { hash(algorithm, $0) }
    }

    /// Returns `algorithm(data)`.
    public static func hash(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputByteCount)
        var length: UInt32 = 0
        let result = output.withUnsafeMutableBytes { out in
            EVP_Digest(data.baseAddress, data.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                       &length, algorithm.evpMD, nil)
        }
        // A hash of in-memory bytes cannot fail for a valid input: failure means libcrypto is broken.
        precondition(result == 1 && Int(length) == algorithm.outputByteCount,
                     "EVP_Digest(\(algorithm.openSSLName)) failed")
        return output
    }
}

/// An incremental digest over one `EVP_MD_CTX`: feed it with `update` any number of times, then
/// call `finalize` exactly once.
public final class DigestContext {
    private let context: OpaquePointer
    private let algorithm: DigestAlgorithm
    private var isFinalized = false

    /// Starts a new digest computation with `algorithm`.
    public init(_ algorithm: DigestAlgorithm) {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("EVP_MD_CTX_new failed: out of memory")
        }
        precondition(EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1,
                     "EVP_DigestInit_ex(\(algorithm.openSSLName)) failed")
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Appends `data` to the hashed message.
    public func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    /// Appends `data` to the hashed message.
    public func update(_ data: UnsafeRawBufferPointer) {
        precondition(!isFinalized, "DigestContext.update called after finalize")
        guard data.count > 0 else { return }
        precondition(EVP_DigestUpdate(context, data.baseAddress, data.count) == 1,
                     "EVP_DigestUpdate(\(algorithm.openSSLName)) failed")
    }

    /// Returns the digest of everything passed to `update`. Call it once; the context is then spent.
    public func finalize() -> [UInt8] {
        precondition(!isFinalized, "DigestContext.finalize called twice")
        isFinalized = true
        var output = [UInt8](repeating: 0, count: algorithm.outputByteCount)
        var length: UInt32 = 0
        let result = output.withUnsafeMutableBytes { out in
            EVP_DigestFinal_ex(context, out.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        }
        precondition(result == 1 && Int(length) == algorithm.outputByteCount,
                     "EVP_DigestFinal_ex(\(algorithm.openSSLName)) failed")
        return output
    }
}
