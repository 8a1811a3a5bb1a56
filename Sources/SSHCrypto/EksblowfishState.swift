import CLibcrypto

/// The Eksblowfish ("expensive key schedule Blowfish") state behind `bcrypt_hash`, as OpenBSD's
/// `bcrypt_pbkdf.c` uses it for OpenSSH private-key encryption (PROTOCOL.key, openssh-key-v1).
///
/// The 18-word P-array, four 256-word S-boxes and a few scratch words live in one buffer allocated
/// once and wiped with `OPENSSL_cleanse` on release, so the hot loops never allocate. Every S-box
/// index is an 8-bit field of a `UInt32` (`>> 24` or `& 0xff`) and every input-word index is masked
/// with `& 15`, so all pointer reads are provably in range.
struct EksblowfishState: ~Copyable {
    /// Bytes of each `bcrypt_hash` input (a SHA-512 digest) and of its output.
    static let hashInputByteCount = 64
    /// Bytes of one `bcrypt_hash` output: 8 words of the encrypted magic string.
    static let hashOutputByteCount = 32

    /// The 32-byte plaintext `bcrypt_hash` encrypts 64 times.
    private static let magic = Array("OxychromaticBlowfishSwatDynamite".utf8)
    private static let pWordCount = 18
    private static let stateWordCount = 18 + 4 * 256
    private static let inputWordCount = 16

    /// P-array at 0..<18, S-boxes from 18, then the two input blocks and the 8-word cipher block.
    private let words: UnsafeMutablePointer<UInt32>
    private let totalWordCount: Int

    /// Allocates (zeroed) storage; `hash` loads Blowfish's initial state each time.
    init() {
        totalWordCount = Self.stateWordCount + 2 * Self.inputWordCount + 8
        words = .allocate(capacity: totalWordCount)
        words.initialize(repeating: 0, count: totalWordCount)
    }

    deinit {
        OPENSSL_cleanse(words, totalWordCount * MemoryLayout<UInt32>.stride)
        words.deallocate()
    }

    private var p: UnsafeMutablePointer<UInt32> { words }
    private var s0: UnsafeMutablePointer<UInt32> { words + 18 }
    private var s1: UnsafeMutablePointer<UInt32> { words + 18 + 256 }
    private var s2: UnsafeMutablePointer<UInt32> { words + 18 + 512 }
    private var s3: UnsafeMutablePointer<UInt32> { words + 18 + 768 }
    private var passWords: UnsafeMutablePointer<UInt32> { words + Self.stateWordCount }
    private var saltWords: UnsafeMutablePointer<UInt32> { words + Self.stateWordCount + 16 }
    private var block: UnsafeMutablePointer<UInt32> { words + Self.stateWordCount + 32 }

    /// `bcrypt_hash(sha2pass, sha2salt)`: writes 32 bytes to `output`.
    ///
    /// Both inputs must be 64 bytes (SHA-512 digests) and `output` 32 bytes; that is checked with
    /// `precondition` because only `BcryptPBKDF` calls this, with its own fixed-size buffers.
    func hash(sha2pass: UnsafeRawBufferPointer, sha2salt: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(sha2pass.count == Self.hashInputByteCount && sha2salt.count == Self.hashInputByteCount)
        precondition(output.count == Self.hashOutputByteCount)
        Self.loadBigEndianWords(sha2pass, into: passWords)
        Self.loadBigEndianWords(sha2salt, into: saltWords)

        blowfishInitialState.withUnsafeBufferPointer { initial in
            guard let base = initial.baseAddress, initial.count == Self.stateWordCount else {
                preconditionFailure("Blowfish initial state must have 1042 words")
            }
            words.update(from: base, count: Self.stateWordCount)
        }
        expandState(data: saltWords, key: passWords)
        for _ in 0..<64 {
            expandState(data: nil, key: saltWords)
            expandState(data: nil, key: passWords)
        }

        Self.magic.withUnsafeBytes { Self.loadBigEndianWords($0, into: block) }
        for _ in 0..<64 {
            for pair in 0..<4 { encipher(&block[2 * pair], &block[2 * pair + 1]) }
        }
        // Output words are stored little-endian (the byte swap in bcrypt_pbkdf.c).
        for index in 0..<8 {
            let word = block[index]
            output[4 * index] = UInt8(truncatingIfNeeded: word)
            output[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 8)
            output[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 16)
            output[4 * index + 3] = UInt8(truncatingIfNeeded: word >> 24)
        }
    }

    /// Reads 64 bytes as 16 big-endian words (Blowfish's `stream2word` over a 64-byte input).
    private static func loadBigEndianWords(_ bytes: UnsafeRawBufferPointer, into destination: UnsafeMutablePointer<UInt32>) {
        for index in 0..<(bytes.count / 4) {
            destination[index] = UInt32(bytes[4 * index]) << 24 | UInt32(bytes[4 * index + 1]) << 16
                | UInt32(bytes[4 * index + 2]) << 8 | UInt32(bytes[4 * index + 3])
        }
    }

    /// Eksblowfish `expandstate` (with `data`) or `expand0state` (with `data == nil`).
    ///
    /// XORs the cyclic 64-byte `key` into the P-array, then replaces P and all S-boxes, two words at
    /// a time, with successive encryptions of a running block that is first XORed with the next
    /// words of the cyclic `data`.
    private func expandState(data: UnsafeMutablePointer<UInt32>?, key: UnsafeMutablePointer<UInt32>) {
        for index in 0..<Self.pWordCount { p[index] ^= key[index & 15] }
        var left: UInt32 = 0
        var right: UInt32 = 0
        var dataIndex = 0
        for index in 0..<(Self.stateWordCount / 2) {
            if let data {
                left ^= data[dataIndex & 15]
                right ^= data[(dataIndex + 1) & 15]
                dataIndex = (dataIndex + 2) & 15
            }
            encipher(&left, &right)
            words[2 * index] = left
            words[2 * index + 1] = right
        }
    }

    /// Blowfish encryption of one 64-bit block (`left`, `right`) under the current state: 16 Feistel
    /// rounds with F(x) = ((S0[x >> 24] + S1[(x >> 16) & 0xff]) ^ S2[(x >> 8) & 0xff]) + S3[x & 0xff].
    private func encipher(_ left: inout UInt32, _ right: inout UInt32) {
        let p = p, s0 = s0, s1 = s1, s2 = s2, s3 = s3
        var xl = left ^ p[0]
        var xr = right
        var round = 1
        while round < 17 {
            xr ^= ((s0[Int(truncatingIfNeeded: xl >> 24)] &+ s1[Int(truncatingIfNeeded: (xl >> 16) & 0xff)])
                ^ s2[Int(truncatingIfNeeded: (xl >> 8) & 0xff)]) &+ s3[Int(truncatingIfNeeded: xl & 0xff)]
            xr ^= p[round]
            xl ^= ((s0[Int(truncatingIfNeeded: xr >> 24)] &+ s1[Int(truncatingIfNeeded: (xr >> 16) & 0xff)])
                ^ s2[Int(truncatingIfNeeded: (xr >> 8) & 0xff)]) &+ s3[Int(truncatingIfNeeded: xr & 0xff)]
            xl ^= p[round + 1]
            round &+= 2
        }
        left = xr ^ p[17]
        right = xl
    }
}
