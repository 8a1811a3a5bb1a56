import NIOCore
import SSHCore

/// Fuzzes every message parser: the generic SSHMessage.parse (all message numbers), and the
/// method-specific messages that share numbers 30–31 and 60 (RFC 4253 §8, RFC 5656 §4, RFC 4252 §7,
/// RFC 4256 §3.2). The whole input is a payload, message number first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessages(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = ByteBuffer(bytes: bytes)
    _ = try? SSHMessage.parse(&whole)
    guard bytes.count > 1 else { return 0 }
    let body = ByteBuffer(bytes: bytes.dropFirst())
    var copy = body
    switch bytes[0] % 7 {
    case 0: _ = try? KexECDHInit(parsing: &copy)
    case 1: _ = try? KexECDHReply(parsing: &copy)
    case 2: _ = try? KexDHInit(parsing: &copy)
    case 3: _ = try? KexDHReply(parsing: &copy)
    case 4: _ = try? UserAuthPKOK(parsing: &copy)
    case 5: _ = try? UserAuthPasswdChangeReq(parsing: &copy)
    default: _ = try? UserAuthInfoRequest(parsing: &copy)
    }
    return 0
}
