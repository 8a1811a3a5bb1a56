import NIOCore
import SSHCrypto

/// A multiple-precision integer as carried by the `mpint` type of RFC 4251 §5, kept as a sign and
/// a big-endian magnitude.
package struct SSHMPInt: Equatable, Sendable {
    /// Whether the value is below zero. Always false for zero.
    package var isNegative: Bool
    /// The absolute value, big-endian, without leading zero bytes; empty for zero.
    package var magnitude: [UInt8]

    /// Creates a value from a sign and a big-endian magnitude. Leading zero bytes of `magnitude`
    /// are dropped, and zero is never negative, so equal numbers compare equal.
    package init(isNegative: Bool, magnitude: [UInt8]) {
        let minimal = Array(magnitude.drop(while: { $0 == 0 }))
        self.magnitude = minimal
        self.isNegative = isNegative && !minimal.isEmpty
    }
}

extension ByteBuffer {
    /// Reads an `mpint` (RFC 4251 §5): a string holding a two's complement, big-endian number.
    ///
    /// - Returns: nil on short input, with the reader index unchanged.
    /// - Throws: `SSHWireError.malformed` for a non-minimal encoding ("Unnecessary leading bytes
    ///   with the value 0 or 255 MUST NOT be included", which also rules out `00` for zero);
    ///   the reader index is then unchanged.
    package mutating func readSSHMPInt() throws -> SSHMPInt? {
        var cursor = self
        guard let slice = cursor.readSSHString() else { return nil }
        let bytes = Array(slice.readableBytesView)
        guard let first = bytes.first else {
            self = cursor
            return SSHMPInt(isNegative: false, magnitude: [])
        }
        let second = bytes.dropFirst().first
        if first == 0x00, second.map({ $0 < 0x80 }) ?? true {
            throw SSHWireError.malformed("mpint has a superfluous leading 00 byte (RFC 4251 §5)")
        }
        if first == 0xFF, let second, second >= 0x80 {
            throw SSHWireError.malformed("mpint has a superfluous leading ff byte (RFC 4251 §5)")
        }
        self = cursor
        if first < 0x80 {
            return SSHMPInt(isNegative: false, magnitude: bytes)
        }
        return SSHMPInt(isNegative: true, magnitude: Self.twosComplementNegation(bytes))
    }

    /// Reads an `mpint` (RFC 4251 §5) that must not be negative, such as a Diffie-Hellman public
    /// value (RFC 4253 §8), and returns its magnitude: big-endian, no leading zeros, empty for zero.
    ///
    /// - Returns: nil on short input, with the reader index unchanged.
    /// - Throws: `SSHWireError.malformed` for a negative or non-minimal encoding; the reader index
    ///   is then unchanged.
    package mutating func readSSHPositiveMPInt() throws -> [UInt8]? {
        var cursor = self
        guard let value = try cursor.readSSHMPInt() else { return nil }
        guard !value.isNegative else {
            throw SSHWireError.malformed("mpint is negative where a non-negative number is required")
        }
        self = cursor
        return value.magnitude
    }

    /// Writes `value` as an `mpint` (RFC 4251 §5) in its minimal two's complement form.
    /// Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHMPInt(_ value: SSHMPInt) -> Int {
        let magnitude = Array(value.magnitude.drop(while: { $0 == 0 }))
        if !value.isNegative || magnitude.isEmpty {
            return writeSSHPositiveMPInt(magnitude: magnitude)
        }
        var encoded = Self.twosComplementNegation([0x00] + magnitude)
        // Drop sign-extension bytes that RFC 4251 §5 forbids: an ff followed by a byte with the top bit set.
        while encoded.count > 1, encoded[0] == 0xFF, encoded[1] >= 0x80 {
            encoded.removeFirst()
        }
        return writeSSHString(encoded)
    }

    /// Writes a non-negative number, given by its big-endian magnitude, as an `mpint`
    /// (RFC 4251 §5): leading zero bytes are dropped and a 00 byte is added when the top bit of
    /// the first remaining byte is set. Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHPositiveMPInt<Bytes: Collection>(magnitude: Bytes) -> Int
    where Bytes.Element == UInt8 {
        let minimal = magnitude.drop(while: { $0 == 0 })
        let needsZero = minimal.first.map { $0 >= 0x80 } ?? false
        var written = writeSSHUInt32(Self.sshLength(minimal.count + (needsZero ? 1 : 0)))
        if needsZero { written += writeInteger(0, as: UInt8.self) }
        return written + writeBytes(minimal)
    }

    /// Writes a shared secret K as an `mpint` (RFC 4251 §5, as hashed in RFC 4253 §7.2 and §8),
    /// exactly like `writeSSHPositiveMPInt(magnitude:)`, without copying the secret into an
    /// intermediate array. The bytes written into this buffer are the caller's to wipe or drop.
    /// Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHPositiveMPInt(secret: SecureBytes) -> Int {
        secret.withUnsafeBytes { bytes in
            writeSSHPositiveMPInt(magnitude: bytes)
        }
    }

    /// The two's complement negation of a big-endian number: invert every bit, then add one.
    /// For a negative mpint this gives the magnitude (and the reverse); leading zeros are dropped.
    static func twosComplementNegation(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes.map { ~$0 }
        var index = result.count
        while index > 0 {
            index -= 1
            let (sum, overflow) = result[index].addingReportingOverflow(1)
            result[index] = sum
            if !overflow { break }
        }
        return Array(result.drop(while: { $0 == 0 }))
    }
}
