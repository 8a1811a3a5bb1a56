import NIOCore

/// Limits on a `name-list` (RFC 4251 §5, §6) from a peer.
package enum SSHNameListLimits {
    /// RFC 4251 §6: algorithm and method names are at most 64 characters long.
    package static let maximumNameLength = 64
    /// Our own limit on the number of names in one list, to bound memory use.
    package static let maximumNameCount = 1024
    /// Our own limit on the encoded size of one list (64 KiB), to bound memory use.
    package static let maximumEncodedLength = 64 * 1024
}

extension ByteBuffer {
    /// Reads a `name-list` (RFC 4251 §5): a string of comma-separated names.
    ///
    /// Each name must be non-empty, at most 64 characters (RFC 4251 §6) and printable US-ASCII
    /// (0x21–0x7E) without a comma. An empty string is the empty list `[]`.
    ///
    /// - Returns: nil on short input, with the reader index unchanged.
    /// - Throws: `SSHWireError.malformed` for an empty name (a leading, trailing or doubled comma),
    ///   a non-printable or non-ASCII byte, or a name over 64 characters;
    ///   `SSHWireError.limitExceeded` for more than 1024 names or more than 64 KiB. The reader
    ///   index is then unchanged.
    package mutating func readSSHNameList() throws -> [String]? {
        var cursor = self
        guard let slice = cursor.readSSHString() else { return nil }
        let bytes = slice.readableBytesView
        if bytes.isEmpty {
            self = cursor
            return []
        }
        guard bytes.count <= SSHNameListLimits.maximumEncodedLength else {
            throw SSHWireError.limitExceeded(
                "name-list of \(bytes.count) bytes is over our limit of \(SSHNameListLimits.maximumEncodedLength) bytes")
        }
        var names: [String] = []
        var nameStart = bytes.startIndex
        var index = bytes.startIndex
        while true {
            let atEnd = index == bytes.endIndex
            if atEnd || bytes[index] == UInt8(ascii: ",") {
                let name = bytes[nameStart..<index]
                guard !name.isEmpty else {
                    throw SSHWireError.malformed(
                        "name-list has an empty name at position \(names.count) (RFC 4251 §5: names MUST NOT be empty)")
                }
                guard name.count <= SSHNameListLimits.maximumNameLength else {
                    throw SSHWireError.malformed(
                        "name-list name at position \(names.count) is \(name.count) characters, over 64 (RFC 4251 §6)")
                }
                guard names.count < SSHNameListLimits.maximumNameCount else {
                    throw SSHWireError.limitExceeded(
                        "name-list has more than our limit of \(SSHNameListLimits.maximumNameCount) names")
                }
                names.append(String(decoding: name, as: UTF8.self))
                if atEnd { break }
                nameStart = index + 1
            } else {
                guard (0x21...0x7E).contains(bytes[index]) else {
                    throw SSHWireError.malformed(
                        "name-list name at position \(names.count) has byte 0x\(String(bytes[index], radix: 16)), "
                            + "not printable US-ASCII (RFC 4251 §5, §6)")
                }
            }
            index += 1
        }
        self = cursor
        return names
    }

    /// Writes `names` as a `name-list` (RFC 4251 §5): the names joined by commas, as a string.
    ///
    /// Names must be non-empty printable US-ASCII without commas; passing anything else is a
    /// programming error. Returns the number of bytes written.
    @discardableResult
    package mutating func writeSSHNameList(_ names: [String]) -> Int {
        for name in names {
            precondition(
                !name.isEmpty && name.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") },
                "name-list names must be non-empty printable US-ASCII without commas (RFC 4251 §5)")
        }
        return writeSSHString(names.joined(separator: ","))
    }
}
