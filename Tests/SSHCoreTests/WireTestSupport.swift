import NIOCore
import Testing

@testable import SSHCore

/// Bytes from a hex string such as "00 00 00 07 74 65"; spaces are ignored. Test-only literals.
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd number of hex digits in test literal")
    var result: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else { preconditionFailure("bad hex in test literal") }
        result.append(byte)
        index = next
    }
    return result
}

/// The UTF-8 bytes of `text`.
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A big-endian uint32 length field, written out by hand for hand-built encodings.
func length32(_ count: Int) -> [UInt8] {
    [UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
     UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
}

/// A hand-built SSH string (RFC 4251 §5): length, then the bytes.
func sshString(_ bytes: [UInt8]) -> [UInt8] { length32(bytes.count) + bytes }

/// A hand-built SSH string holding `text`.
func sshString(_ text: String) -> [UInt8] { sshString(ascii(text)) }

/// A buffer holding `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

/// A buffer holding `bytes` whose reader index is not 0 (three junk bytes were read first), so a
/// test of "reader index unchanged" cannot pass by accident.
func offsetBuffer(_ bytes: [UInt8]) -> ByteBuffer {
    var result = ByteBuffer(bytes: [0xEE, 0xEE, 0xEE] + bytes)
    result.moveReaderIndex(forwardBy: 3)
    return result
}

/// The bytes that `body` writes into a fresh buffer.
func written(_ body: (inout ByteBuffer) -> Void) -> [UInt8] {
    var result = ByteBuffer()
    body(&result)
    return Array(result.readableBytesView)
}

/// The two kinds of `SSHWireError`, for expectations that do not pin the text.
enum WireErrorKind {
    case malformed
    case limitExceeded
}

/// Expects `body` to throw an `SSHWireError` of `kind`.
func expectWireError(
    _ kind: WireErrorKind, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected SSHWireError.\(kind), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SSHWireError {
        switch (kind, error) {
        case (.malformed, .malformed), (.limitExceeded, .limitExceeded): break
        default: Issue.record("expected SSHWireError.\(kind), got \(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected SSHWireError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
}
