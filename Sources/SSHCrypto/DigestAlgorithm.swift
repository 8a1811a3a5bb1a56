import CLibcrypto

/// A hash function, as SSH names its uses: exchange hashes, key derivation, MACs, signatures,
/// fingerprints (SHA-256, legacy MD5) and hashed known_hosts entries (HMAC-SHA1).
public enum DigestAlgorithm: Sendable, Hashable, CaseIterable {
    case md5, sha1, sha256, sha384, sha512

    /// The digest length in bytes.
    public var outputByteCount: Int {
        switch self {
        case .md5: return 16
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// libcrypto's static method table for this hash (owned by libcrypto, never freed).
    package var evpMD: OpaquePointer {
        switch self {
        case .md5: return EVP_md5()
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The OpenSSL name of the hash, as used in `OSSL_PARAM` digest parameters.
    package var openSSLName: String {
        switch self {
        case .md5: return "MD5"
        case .sha1: return "SHA1"
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }
}
