import CLibcrypto

/// AES in counter mode as SSH's aes128-ctr, aes192-ctr and aes256-ctr (RFC 4344 §4): the IV is
/// the initial 128-bit big-endian counter block, and the key stream runs on across packets.
///
/// One `EVP_CIPHER_CTX` lives as long as the key, so consecutive `apply` calls continue the same
/// stream (NIST SP 800-38A §6.5) with no per-call allocation. Not thread-safe.
public final class AESCTR {
    private let cipher: CipherContext

    /// Keys AES-CTR with a 16, 24 or 32-byte `key` and a 16-byte initial counter block `iv`.
    ///
    /// - Throws: `CryptoError.invalidKey` for a wrong key length, `CryptoError.invalidLength` for a
    ///   wrong IV length, `CryptoError.libcrypto` if libcrypto refuses the cipher.
    public init(key: SecureBytes, iv: [UInt8]) throws {
        let cipherName: String
        switch key.count {
        case 16: cipherName = "AES-128-CTR"
        case 24: cipherName = "AES-192-CTR"
        case 32: cipherName = "AES-256-CTR"
        default: throw CryptoError.invalidKey("AES-CTR key must be 16, 24 or 32 bytes, got \(key.count)")
        }
        guard iv.count == 16 else {
            throw CryptoError.invalidLength(what: "AES-CTR IV", expected: 16, actual: iv.count)
        }
        cipher = try iv.withUnsafeBytes { try CipherContext(cipherName: cipherName, key: key, iv: $0, encrypt: true) }
    }

    /// Encrypts or decrypts `buffer` in place (the operations are the same in CTR mode), continuing
    /// the key stream exactly where the previous call stopped, even mid-block.
    public func apply(_ buffer: UnsafeMutableRawBufferPointer) throws {
        try cipher.updateInPlace(buffer)
    }
}
