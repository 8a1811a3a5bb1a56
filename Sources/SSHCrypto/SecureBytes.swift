import CLibcrypto

/// Secret bytes (keys, shared secrets, passphrases) in memory that is wiped with `OPENSSL_cleanse`
/// when the last copy is released. Equality is constant-time. The description never shows the bytes.
public struct SecureBytes: Sendable, Equatable, CustomStringConvertible {
    private let storage: Storage

    /// Copies `bytes` into wiped-on-release storage.
    public init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        storage = Storage(count: bytes.count)
        storage.buffer.copyBytes(from: bytes)
    }

    /// Allocates `count` zero bytes and lets `initializer` fill them.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        storage = Storage(count: count)
        try initializer(storage.buffer)
    }

    /// The number of secret bytes.
    public var count: Int { storage.buffer.count }

    /// Gives read access to the secret bytes for the duration of `body`.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(storage.buffer))
    }

    /// A copy of the bytes as an ordinary array. The caller owns wiping it; prefer `withUnsafeBytes`.
    public var unsafeArrayCopy: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Compares in time that depends only on the lengths.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in constantTimeEquals(left, right) } }
    }

    public var description: String { "SecureBytes(\(count) bytes, redacted)" }

    /// Heap storage that is written only during `SecureBytes.init` and wiped in `deinit`.
    private final class Storage: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer

        init(count: Int) {
            buffer = .allocate(byteCount: max(count, 0), alignment: 16)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }

        deinit {
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
            buffer.deallocate()
        }
    }
}

/// Compares two byte ranges in time that depends only on their lengths (`CRYPTO_memcmp`).
public func constantTimeEquals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return lhs.count == 0 }
    return CRYPTO_memcmp(left, right, lhs.count) == 0
}

/// Compares two byte arrays in time that depends only on their lengths.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in constantTimeEquals(left, right) } }
}

/// Overwrites `bytes` with zeros in a way the optimiser cannot remove (`OPENSSL_cleanse`).
public func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
    }
}
