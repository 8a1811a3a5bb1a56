import NIOCore

// Readers for the fields of a complete message payload. Inside a packet that has been fully
// received, short input is not "wait for more": it is a malformed message. These helpers turn nil
// into `SSHWireError.malformed` and prefix every error with the message and field name.

extension ByteBuffer {
    /// Reads one field with `read`, naming `field` (e.g. "SSH_MSG_KEXINIT kex_algorithms") in any error.
    package mutating func readField<Value>(
        _ field: String, _ read: (inout ByteBuffer) throws -> Value?
    ) throws -> Value {
        let value: Value?
        do {
            value = try read(&self)
        } catch let error as SSHWireError {
            throw error.inField(field)
        }
        guard let value else { throw SSHWireError.malformed("\(field): message ends before this field") }
        return value
    }

    /// Reads a required `boolean` field (RFC 4251 §5).
    package mutating func readBooleanField(_ field: String) throws -> Bool {
        try readField(field) { $0.readSSHBoolean() }
    }

    /// Reads a required `uint32` field (RFC 4251 §5).
    package mutating func readUInt32Field(_ field: String) throws -> UInt32 {
        try readField(field) { $0.readSSHUInt32() }
    }

    /// Reads a required `string` field (RFC 4251 §5) as a slice.
    package mutating func readStringField(_ field: String) throws -> ByteBuffer {
        try readField(field) { $0.readSSHString() }
    }

    /// Reads a required UTF-8 `string` field (RFC 4251 §5).
    package mutating func readUTF8Field(_ field: String) throws -> String {
        try readField(field) { try $0.readSSHUTF8String() }
    }

    /// Reads a required `name-list` field (RFC 4251 §5).
    package mutating func readNameListField(_ field: String) throws -> [String] {
        try readField(field) { try $0.readSSHNameList() }
    }

    /// Reads a required non-negative `mpint` field (RFC 4251 §5) and returns its magnitude.
    package mutating func readPositiveMPIntField(_ field: String) throws -> [UInt8] {
        try readField(field) { try $0.readSSHPositiveMPInt() }
    }

    /// Reads a required `uint32` count of repeated entries and refuses one above `limit`
    /// before anything is allocated for the entries.
    package mutating func readCountField(_ field: String, limit: Int) throws -> Int {
        let count = try readUInt32Field(field)
        guard count <= limit else {
            throw SSHWireError.limitExceeded("\(field): \(count) entries is over our limit of \(limit)")
        }
        return Int(count)
    }

    /// Takes all remaining bytes as a slice (for fields the RFC defines as "the rest of the message").
    package mutating func readRemainingBytes() -> ByteBuffer {
        readSlice(length: readableBytes) ?? ByteBuffer()
    }

    /// Throws unless every byte of the message has been read: a known message must be consumed to
    /// its last byte.
    package func requireFullyConsumed(_ message: String) throws {
        guard readableBytes == 0 else {
            throw SSHWireError.malformed("\(message): \(readableBytes) unexpected trailing bytes")
        }
    }
}
