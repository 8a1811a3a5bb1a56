import CLibcrypto

/// An error from a cryptographic operation. Messages name the operation and, for libcrypto
/// failures, carry OpenSSL's own reason string; they never contain key material.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libcrypto reported a failure; `reason` is its error-queue text (`ERR_error_string_n`).
    case libcrypto(operation: String, reason: String)
    /// A key, nonce or IV had the wrong length for the algorithm.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A MAC or AEAD tag did not verify. Nothing decrypted may be used.
    case authenticationFailed
    /// A peer's public value was refused: off the curve, out of range, or giving an all-zero secret.
    case invalidPublicValue(String)
    /// A key could not be used: wrong form, inconsistent components, or unsupported.
    case invalidKey(String)
    /// An RSA key is smaller than the minimum we accept for the operation.
    case keyTooSmall(bits: Int, minimumBits: Int)

    public var description: String {
        switch self {
        case let .libcrypto(operation, reason):
            return "libcrypto \(operation) failed: \(reason)"
        case let .invalidLength(what, expected, actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .authenticationFailed:
            return "message authentication failed (tag mismatch)"
        case let .invalidPublicValue(why):
            return "peer public value rejected: \(why)"
        case let .invalidKey(why):
            return "invalid key: \(why)"
        case let .keyTooSmall(bits, minimumBits):
            return "RSA key of \(bits) bits is below the minimum of \(minimumBits) bits"
        }
    }
}

/// Drains libcrypto's thread-local error queue into a `CryptoError.libcrypto` for `operation`.
///
/// Always call this right after a libcrypto call reports failure, so the queue does not carry stale
/// entries into the next operation.
package func libcryptoError(_ operation: String) -> CryptoError {
    var reasons: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        reasons.append(String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return .libcrypto(operation: operation, reason: reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; "))
}

/// Throws `libcryptoError(operation)` unless a libcrypto call returned 1 (OpenSSL's success value).
package func requireSuccess(_ result: Int32, _ operation: String) throws {
    guard result == 1 else { throw libcryptoError(operation) }
}
