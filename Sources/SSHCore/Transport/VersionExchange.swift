import NIOCore

/// Reads the server's identification string (RFC 4253 §4.2), skipping the lines a server may send
/// before it, within fixed limits so a hostile server cannot make us buffer without bound.
package struct VersionExchangeReader: Sendable {
    /// The limits on what precedes and forms the identification string.
    package struct Limits: Sendable {
        /// Lines other than the identification string accepted before it (OpenSSH allows 1024).
        package var maximumPreambleLines = 1024
        /// The longest preamble line, terminator included.
        package var maximumPreambleLineLength = 8 * 1024
        /// The longest identification string, CR LF included (RFC 4253 §4.2: 255 characters).
        package var maximumVersionLineLength = 255
        /// Creates the defaults above.
        package init() {}
    }

    /// What the reader found.
    package enum Result: Equatable, Sendable {
        /// The identification string, without its line terminator (e.g. `SSH-2.0-OpenSSH_9.2p1 Debian`).
        case version(String)
        /// More bytes are needed.
        case needMoreData
    }

    private let limits: Limits
    private(set) package var preambleLines: [String] = []
    private var pending = ByteBuffer()

    /// Bytes of a partial line held until its newline arrives (bounded by the line-length limits).
    package var pendingByteCount: Int { pending.readableBytes }

    /// Creates a reader with the given limits.
    package init(limits: Limits = Limits()) { self.limits = limits }

    /// Takes all of `buffer`, keeping a partial line for the next call. On `.version`, `buffer` holds
    /// the bytes that followed the identification string (the first binary packet); otherwise it is empty.
    package mutating func read(_ buffer: inout ByteBuffer) throws(VersionExchangeError) -> Result {
        var input = pending
        pending = ByteBuffer()
        input.writeBuffer(&buffer)
        let result = try consumeLines(&input)
        if case .version = result {
            buffer = input
        } else {
            pending = input
        }
        return result
    }

    private mutating func consumeLines(_ buffer: inout ByteBuffer) throws(VersionExchangeError) -> Result {
        while true {
            let readable = buffer.readableBytesView
            guard let newline = readable.firstIndex(of: UInt8(ascii: "\n")) else {
                try checkPartialLine(readable)
                return .needMoreData
            }
            let lineLength = newline - readable.startIndex + 1
            var line = Array(readable[readable.startIndex..<newline])
            buffer.moveReaderIndex(forwardBy: lineLength)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.contains(0) { throw .nulByte }
            if line.starts(with: Array("SSH-".utf8)) {
                guard lineLength <= limits.maximumVersionLineLength else {
                    throw .versionLineTooLong(limit: limits.maximumVersionLineLength)
                }
                return .version(try Self.validatedVersion(line))
            }
            guard lineLength <= limits.maximumPreambleLineLength else {
                throw .preambleLineTooLong(limit: limits.maximumPreambleLineLength)
            }
            guard preambleLines.count < limits.maximumPreambleLines else {
                throw .tooManyPreambleLines(limit: limits.maximumPreambleLines)
            }
            preambleLines.append(sanitizedPeerText(line, maxLength: 256))
        }
    }

    private func checkPartialLine(_ readable: ByteBufferView) throws(VersionExchangeError) {
        if readable.contains(0) { throw .nulByte }
        let isVersionLine = readable.starts(with: Array("SSH-".utf8))
        let limit = isVersionLine ? limits.maximumVersionLineLength : limits.maximumPreambleLineLength
        if readable.count >= limit {
            throw isVersionLine ? .versionLineTooLong(limit: limit) : .preambleLineTooLong(limit: limit)
        }
    }

    /// RFC 4253 §4.2: `SSH-protoversion-softwareversion SP comments`; protocol 2.0, or 1.99 which
    /// means a server that also speaks 2.0 (RFC 4253 §5.1).
    private static func validatedVersion(_ line: [UInt8]) throws(VersionExchangeError) -> String {
        let text = String(decoding: line, as: UTF8.self)
        let fields = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[2].isEmpty else { throw .malformedVersionLine(sanitizedPeerText(text, maxLength: 255)) }
        guard line.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .malformedVersionLine(sanitizedPeerText(text, maxLength: 255))
        }
        switch fields[1] {
        case "2.0", "1.99": return text
        default: throw .unsupportedProtocolVersion(sanitizedPeerText(String(fields[1]), maxLength: 32))
        }
    }
}

/// Why the identification-string exchange failed (RFC 4253 §4.2).
package enum VersionExchangeError: Error, Equatable, Sendable, CustomStringConvertible {
    case nulByte
    case versionLineTooLong(limit: Int)
    case preambleLineTooLong(limit: Int)
    case tooManyPreambleLines(limit: Int)
    case malformedVersionLine(String)
    case unsupportedProtocolVersion(String)

    package var description: String {
        switch self {
        case .nulByte: return "the server's version exchange contains a NUL byte"
        case let .versionLineTooLong(limit): return "the server's identification string is longer than \(limit) bytes"
        case let .preambleLineTooLong(limit): return "a line before the server's identification string is longer than \(limit) bytes"
        case let .tooManyPreambleLines(limit): return "the server sent more than \(limit) lines before its identification string"
        case let .malformedVersionLine(line): return "malformed identification string from the server: \(line)"
        case let .unsupportedProtocolVersion(version): return "the server speaks SSH protocol version \(version); only 2.0 (and 1.99) are supported"
        }
    }
}

/// Our identification string (RFC 4253 §4.2), without CR LF.
package let clientIdentification = "SSH-2.0-SwiftSSH_\(swiftSSHVersion)"
