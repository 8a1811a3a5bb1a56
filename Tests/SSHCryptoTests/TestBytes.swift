/// Test helpers for writing byte vectors the way specifications print them.

/// Parses hexadecimal text (whitespace ignored) into bytes; a malformed literal is a test bug.
func bytes(hex text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd number of hex digits in test vector")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        guard let value = UInt8(String(digits[index...index + 1]), radix: 16) else {
            preconditionFailure("bad hex digits in test vector")
        }
        return value
    }
}

/// The ASCII bytes of `text`.
func bytes(ascii text: String) -> [UInt8] { Array(text.utf8) }

/// `count` copies of `value`.
func bytes(repeating value: UInt8, count: Int) -> [UInt8] { [UInt8](repeating: value, count: count) }

/// `bytes` with bit `bit` (0 = least significant bit of byte 0) inverted.
func flippingBit(_ bit: Int, of bytes: [UInt8]) -> [UInt8] {
    var copy = bytes
    copy[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
    return copy
}

/// Bit positions spread over a field of `byteCount` bytes: first, last, and some in between.
func sampleBitPositions(byteCount: Int) -> [Int] {
    let bitCount = byteCount * 8
    return Array(Set([0, 1, 7, 8, bitCount / 2, bitCount / 2 + 3, bitCount - 8, bitCount - 1]
        .filter { $0 >= 0 && $0 < bitCount })).sorted()
}
