import NIOCore
import SSHCore

/// Fuzzes the identification-string reader (RFC 4253 §4.2): the input arrives in pieces whose
/// sizes come from the first byte, as a server's bytes would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersionLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    var limits = VersionExchangeReader.Limits()
    if first & 0x80 != 0 { // small limits reach the limit paths quickly
        limits.maximumPreambleLines = 4
        limits.maximumPreambleLineLength = 64
        limits.maximumVersionLineLength = 64
    }
    var reader = VersionExchangeReader(limits: limits)
    let piece = Int(first & 0x3F) + 1
    var offset = 1
    while offset < bytes.count {
        let end = min(offset + piece, bytes.count)
        var buffer = ByteBuffer(bytes: bytes[offset..<end])
        offset = end
        do {
            if case .version = try reader.read(&buffer) { return 0 }
        } catch {
            return 0
        }
    }
    return 0
}
