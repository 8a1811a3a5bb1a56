import CLibcrypto

/// `bcrypt_pbkdf`, the key derivation OpenSSH uses to encrypt private key files: the key and IV
/// of an `openssh-key-v1` file with kdfname "bcrypt" come from the passphrase and the kdfoptions'
/// salt and rounds (OpenSSH PROTOCOL.key; design of OpenBSD's `bcrypt_pbkdf.c`).
///
/// It is PBKDF2-like: for each 32-byte block `count = 1, 2, …` it computes
/// `bcrypt_hash(SHA-512(passphrase), SHA-512(salt ‖ BE32(count)))`, then `rounds - 1` more times
/// `bcrypt_hash(SHA-512(passphrase), SHA-512(previous))`, XORing all results. The blocks' bytes are
/// interleaved in the output: byte `i` of block `count` goes to `i * stride + count - 1`, with
/// `stride = ceil(outputByteCount / 32)`. SHA-512 comes from libcrypto; only the Eksblowfish core
/// (`EksblowfishState`) is written in Swift, because libcrypto has no expensive Blowfish key schedule.
public enum BcryptPBKDF {
    /// The largest output `bcrypt_pbkdf` supports: 32 blocks of 32 bytes.
    public static let maximumOutputByteCount = 1024
    /// The longest salt accepted (OpenSSH writes 16-byte salts).
    public static let maximumSaltByteCount = 1024

    /// Derives `outputByteCount` bytes from `passphrase` and `salt` with `rounds` iterations.
    ///
    /// - Throws: `CryptoError.invalidKey` if `passphrase` is empty, `salt` is not 1...1024 bytes,
    ///   `rounds < 1`, or `outputByteCount` is not 1...1024 (the limits of `bcrypt_pbkdf.c`);
    ///   `CryptoError.libcrypto` if SHA-512 fails. Messages never contain the passphrase.
    public static func deriveKey(passphrase: SecureBytes, salt: [UInt8], rounds: Int, outputByteCount: Int) throws -> SecureBytes {
        guard passphrase.count > 0 else { throw CryptoError.invalidKey("bcrypt_pbkdf passphrase must not be empty") }
        guard (1...maximumSaltByteCount).contains(salt.count) else {
            throw CryptoError.invalidKey("bcrypt_pbkdf salt must be 1...\(maximumSaltByteCount) bytes, got \(salt.count)")
        }
        guard rounds >= 1 else { throw CryptoError.invalidKey("bcrypt_pbkdf rounds must be at least 1, got \(rounds)") }
        guard (1...maximumOutputByteCount).contains(outputByteCount) else {
            throw CryptoError.invalidKey("bcrypt_pbkdf output must be 1...\(maximumOutputByteCount) bytes, got \(outputByteCount)")
        }
        return try SecureBytes(count: outputByteCount) { key in
            try derive(passphrase: passphrase, salt: salt, rounds: rounds, into: key)
        }
    }

    /// The PBKDF2-like outer loop over already-validated parameters, writing all of `key`.
    private static func derive(passphrase: SecureBytes, salt: [UInt8], rounds: Int, into key: UnsafeMutableRawBufferPointer) throws {
        let hashSize = EksblowfishState.hashInputByteCount
        let blockSize = EksblowfishState.hashOutputByteCount
        let stride = (key.count + blockSize - 1) / blockSize
        let bytesPerBlock = (key.count + stride - 1) / stride

        // One scratch allocation for every intermediate secret, wiped on every exit path.
        let layout = (sha2pass: 0, sha2salt: hashSize, block: 2 * hashSize, sum: 2 * hashSize + blockSize,
                      countSalt: 2 * hashSize + 2 * blockSize)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: layout.countSalt + salt.count + 4, alignment: 16)
        scratch.initializeMemory(as: UInt8.self, repeating: 0)
        defer {
            if let base = scratch.baseAddress { OPENSSL_cleanse(base, scratch.count) }
            scratch.deallocate()
        }
        let sha2pass = UnsafeMutableRawBufferPointer(rebasing: scratch[layout.sha2pass..<(layout.sha2pass + hashSize)])
        let sha2salt = UnsafeMutableRawBufferPointer(rebasing: scratch[layout.sha2salt..<(layout.sha2salt + hashSize)])
        let block = UnsafeMutableRawBufferPointer(rebasing: scratch[layout.block..<(layout.block + blockSize)])
        let sum = UnsafeMutableRawBufferPointer(rebasing: scratch[layout.sum..<(layout.sum + blockSize)])
        let countSalt = UnsafeMutableRawBufferPointer(rebasing: scratch[layout.countSalt...])
        countSalt.copyBytes(from: salt)

        try passphrase.withUnsafeBytes { try sha512($0, into: sha2pass) }
        let state = EksblowfishState()
        var remaining = key.count
        var count = 1
        while remaining > 0 {
            // First iteration: SHA-512(salt ‖ BE32(count)).
            let counter = UInt32(truncatingIfNeeded: count)
            countSalt[salt.count] = UInt8(truncatingIfNeeded: counter >> 24)
            countSalt[salt.count + 1] = UInt8(truncatingIfNeeded: counter >> 16)
            countSalt[salt.count + 2] = UInt8(truncatingIfNeeded: counter >> 8)
            countSalt[salt.count + 3] = UInt8(truncatingIfNeeded: counter)
            try sha512(UnsafeRawBufferPointer(countSalt), into: sha2salt)
            state.hash(sha2pass: UnsafeRawBufferPointer(sha2pass), sha2salt: UnsafeRawBufferPointer(sha2salt), into: block)
            sum.copyMemory(from: UnsafeRawBufferPointer(block))

            // Subsequent iterations: SHA-512(previous bcrypt_hash output), XORed into the sum.
            for _ in 1..<rounds {
                try sha512(UnsafeRawBufferPointer(block), into: sha2salt)
                state.hash(sha2pass: UnsafeRawBufferPointer(sha2pass), sha2salt: UnsafeRawBufferPointer(sha2salt), into: block)
                for index in 0..<blockSize { sum[index] ^= block[index] }
            }

            // Interleave: byte i of this block lands at i * stride + (count - 1).
            var written = 0
            while written < min(bytesPerBlock, remaining) {
                let destination = written * stride + (count - 1)
                if destination >= key.count { break }
                key[destination] = sum[written]
                written += 1
            }
            remaining -= written
            count += 1
        }
    }

    /// SHA-512 of `input` into the 64-byte `output`, via libcrypto's one-shot `EVP_Digest`.
    private static func sha512(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        precondition(output.count == DigestAlgorithm.sha512.outputByteCount)
        guard let outputBase = output.baseAddress else { preconditionFailure("SHA-512 output buffer has no storage") }
        var length: UInt32 = 0
        // A zero-length input may have a nil base address; libcrypto accepts any pointer for 0 bytes.
        let result = withUnsafeBytes(of: UInt8(0)) { empty in
            EVP_Digest(input.baseAddress ?? empty.baseAddress, input.count,
                       outputBase.assumingMemoryBound(to: UInt8.self), &length, DigestAlgorithm.sha512.evpMD, nil)
        }
        try requireSuccess(result, "EVP_Digest(SHA-512)")
        guard Int(length) == output.count else {
            throw CryptoError.invalidLength(what: "SHA-512 digest", expected: output.count, actual: Int(length))
        }
    }
}
