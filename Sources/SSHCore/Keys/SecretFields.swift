import SSHCrypto

/// Reads RFC 4251 §5 fields from decrypted private-key bytes without copying them out of their
/// wiped-on-release storage. Every read checks the remaining length first and throws
/// `KeyFileError.corrupt` on short input.
struct SecretFieldReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// Reads from `bytes`, which must outlive the reader.
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The number of bytes not yet read.
    var remaining: Int { bytes.count - offset }

    /// A big-endian `uint32`.
    mutating func uint32(_ field: String) throws(KeyFileError) -> UInt32 {
        guard remaining >= 4 else { throw .corrupt("truncated private key section (\(field))") }
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 8 | UInt32(bytes[offset + index]) }
        offset += 4
        return value
    }

    /// A `string`, as a view into the underlying bytes.
    mutating func string(_ field: String) throws(KeyFileError) -> UnsafeRawBufferPointer {
        let length = Int(try uint32(field))
        guard remaining >= length else { throw .corrupt("truncated private key section (\(field))") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        offset += length
        return slice
    }

    /// A `string` holding text (key types, curve names, comments), decoded as UTF-8 with repair.
    mutating func text(_ field: String) throws(KeyFileError) -> String {
        String(decoding: try string(field), as: UTF8.self)
    }

    /// A non-negative `mpint` as a secret magnitude without leading zeros (RFC 4251 §5).
    mutating func positiveMPInt(_ field: String) throws(KeyFileError) -> SecureBytes {
        let raw = try string(field)
        if let first = raw.first, first & 0x80 != 0 { throw .corrupt("negative \(field)") }
        let start = raw.firstIndex(where: { $0 != 0 }) ?? raw.count
        return SecureBytes(raw[start...])
    }

    /// The bytes after the last field read.
    var rest: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[offset...]) }
}

/// Builds the RFC 4251 §5 fields of a private-key section in an array that `wipe` clears.
struct SecretFieldWriter {
    /// The bytes written so far; the owner wipes them when done.
    var bytes: [UInt8] = []

    /// Appends a big-endian `uint32`.
    mutating func uint32(_ value: UInt32) {
        bytes += [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Appends a `string`.
    mutating func string<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        uint32(UInt32(value.count))
        bytes += value
    }

    /// Appends a UTF-8 text `string`.
    mutating func string(_ text: String) { string(Array(text.utf8)) }

    /// Appends a secret `string`.
    mutating func string(secret: SecureBytes) { secret.withUnsafeBytes { string($0) } }

    /// Appends a non-negative `mpint` from a big-endian magnitude (RFC 4251 §5: minimal, with a
    /// leading zero byte when the top bit is set).
    mutating func positiveMPInt(_ magnitude: UnsafeRawBufferPointer) {
        let start = magnitude.firstIndex(where: { $0 != 0 }) ?? magnitude.count
        let minimal = UnsafeRawBufferPointer(rebasing: magnitude[start...])
        let needsZero = (minimal.first ?? 0) & 0x80 != 0
        uint32(UInt32(minimal.count + (needsZero ? 1 : 0)))
        if needsZero { bytes.append(0) }
        bytes += minimal
    }

    /// Appends a non-negative secret `mpint`.
    mutating func positiveMPInt(secret: SecureBytes) { secret.withUnsafeBytes { positiveMPInt($0) } }

    /// Appends a non-negative public `mpint`.
    mutating func positiveMPInt(_ magnitude: [UInt8]) { magnitude.withUnsafeBytes { positiveMPInt($0) } }
}
