import NIOCore
import SSHCore

/// Fuzzes the wire readers (RFC 4251 §5): uint32/64, boolean, string, UTF-8 string, mpint,
/// name-list, and the raw name-list of EXT_INFO. The first byte picks the reader sequence.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    var buffer = ByteBuffer(bytes: bytes.dropFirst())
    for step in 0..<64 {
        guard buffer.readableBytes > 0 else { break }
        switch (Int(selector) + step) % 8 {
        case 0: _ = buffer.readSSHUInt32()
        case 1: _ = buffer.readSSHUInt64()
        case 2: _ = buffer.readSSHBoolean()
        case 3: _ = buffer.readSSHString()
        case 4: _ = try? buffer.readSSHUTF8String()
        case 5: _ = try? buffer.readSSHMPInt()
        case 6: _ = try? buffer.readSSHPositiveMPInt()
        default: _ = try? buffer.readSSHNameList()
        }
    }
    return 0
}
