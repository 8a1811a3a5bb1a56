import NIOCore

// The fixed-size and string data types of RFC 4251 §5.
//
// Every reader returns nil on short input and leaves `readerIndex` unchanged; a reader that throws
// also leaves `readerIndex` unchanged. Lengths are checked against `readableBytes` before anything
// is allocated, so a hostile length field such as 0xFFFFFFFF costs nothing.

extension ByteBuffer {
    /// Reads a `boolean` (RFC 4251 §5): one byte, where every non-zero value means true.
    package mutating func readSSHBoolean() -> Bool? {
        guard let byte = readInteger(as: UInt8.self) else { return nil }
        return byte != 0
    }

    /// Reads a `uint32` in network byte order (RFC 4251 §5).
    package mutating func readSSHUInt32() -> UInt32? {
        readInteger(endianness: .big, as: UInt32.self)
    }

    /// Reads a `uint64` in network byte order (RFC 4251 §5).
    package mutating func readSSHUInt64() -> UInt64? {
        readInteger(endianness: .big, as: UInt64.self)
    }

    /// Reads a `string` (RFC 4251 §5) as a slice of this buffer, without copying.
    ///
    /// Returns nil, without allocating, when the length field exceeds the bytes that follow it.
    package mutating func readSSHString() -> ByteBuffer? {
        guard let length = getInteger(at: readerIndex, endianness: .big, as: UInt32.self) else { return nil }
        let available = readableBytes - MemoryLayout<UInt32>.size
        guard UInt64(length) <= UInt64(available) else { return nil }
        guard let slice = getSlice(at: readerIndex + MemoryLayout<UInt32>.size, length: Int(length)) else {
            return nil
        }
        moveReaderIndex(forwardBy: MemoryLayout<UInt32>.size + Int(length))
        return slice
    }

    /// Reads a `string` (RFC 4251 §5) and copies its bytes into an array.
    package mutating func readSSHStringBytes() -> [UInt8]? {
        guard let slice = readSSHString() else { return nil }
        return Array(slice.readableBytesView)
    }

    /// Reads a `string` holding ISO-10646 UTF-8 text (RFC 4251 §5).
    ///
    /// - Throws: `SSHWireError.malformed` if the bytes are not valid UTF-8; the reader index is
    ///   then left where it was.
    package mutating func readSSHUTF8String() throws -> String? {
        var cursor = self
        guard let slice = cursor.readSSHString() else { return nil }
        guard let text = String(validating: slice.readableBytesView, as: UTF8.self) else {
            throw SSHWireError.malformed("string is not valid UTF-8 (RFC 4251 §5)")
        }
        self = cursor
        return text
    }

    /// Writes a `boolean` (RFC 4251 §5) as 0 or 1. Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHBoolean(_ value: Bool) -> Int {
        writeInteger(value ? 1 : 0, as: UInt8.self)
    }

    /// Writes a `uint32` in network byte order (RFC 4251 §5). Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHUInt32(_ value: UInt32) -> Int {
        writeInteger(value, endianness: .big)
    }

    /// Writes a `uint64` in network byte order (RFC 4251 §5). Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHUInt64(_ value: UInt64) -> Int {
        writeInteger(value, endianness: .big)
    }

    /// Writes `bytes` as a `string` (RFC 4251 §5): a uint32 length, then the bytes.
    /// Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHString<Bytes: Collection>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        let length = writeSSHUInt32(Self.sshLength(bytes.count))
        return length + writeBytes(bytes)
    }

    /// Writes the readable bytes of `buffer` as a `string` (RFC 4251 §5).
    /// Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHString(_ buffer: ByteBuffer) -> Int {
        let length = writeSSHUInt32(Self.sshLength(buffer.readableBytes))
        var copy = buffer
        return length + writeBuffer(&copy)
    }

    /// Writes `string` encoded as UTF-8 as a `string` (RFC 4251 §5).
    /// Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHString(_ string: String) -> Int {
        writeSSHString(string.utf8)
    }

    /// The uint32 length field for `count` bytes. A string of 4 GiB or more cannot be encoded;
    /// asking for one is a programming error.
    static func sshLength(_ count: Int) -> UInt32 {
        guard let length = UInt32(exactly: count) else {
            preconditionFailure("an SSH string cannot hold \(count) bytes (uint32 length, RFC 4251 §5)")
        }
        return length
    }
}
