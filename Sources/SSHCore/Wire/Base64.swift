/// Base64 (RFC 4648 §4) for key files, known_hosts and fingerprints. Decoding is strict: only the
/// standard alphabet, correct padding, no whitespace inside (callers strip line breaks first).
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// Encodes `bytes`, with `=` padding unless `padded` is false (as in `SHA256:` fingerprints).
    package static func encode<Bytes: Collection>(_ bytes: Bytes, padded: Bool = true) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int((chunk >> UInt32(shift)) & 0x3F)]) }
            index += 3
        }
        let remaining = input.count - index
        if remaining > 0 {
            var chunk = UInt32(input[index]) << 16
            if remaining == 2 { chunk |= UInt32(input[index + 1]) << 8 }
            output.append(alphabet[Int((chunk >> 18) & 0x3F)])
            output.append(alphabet[Int((chunk >> 12) & 0x3F)])
            if remaining == 2 { output.append(alphabet[Int((chunk >> 6) & 0x3F)]) }
            if padded { output += Array(repeating: UInt8(ascii: "="), count: 3 - remaining) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes strict base64; returns nil on any character outside the alphabet or bad padding.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            var values: [UInt8] = []
            var padding = 0
            for offset in 0..<4 {
                let character = input[index + offset]
                if character == UInt8(ascii: "=") {
                    guard isLast, offset >= 2 else { return nil }
                    padding += 1
                    continue
                }
                guard padding == 0 else { return nil }
                let value = reverse[Int(character)]
                guard value != 0xFF else { return nil }
                values.append(value)
            }
            let chunk = values.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32(18 - 6 * $1.offset) }
            output.append(UInt8(truncatingIfNeeded: chunk >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: chunk >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: chunk)) }
            index += 4
        }
        return output
    }
}
