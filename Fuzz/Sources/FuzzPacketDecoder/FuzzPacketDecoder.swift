import NIOCore
import SSHCore
import SSHCrypto

/// Fuzzes the binary-packet decoder (RFC 4253 §6) under each protection with fixed keys: cleartext,
/// AES-GCM, chacha20-poly1305, AES-CTR + HMAC and AES-CTR + HMAC-EtM. The first byte picks the
/// protection and the chunk size; the rest is what the server sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPacketDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    var decoder = PacketDecoder()
    do {
        switch first % 5 {
        case 0: break
        case 1: decoder.protection = try AESGCMProtection(key: SecureBytes([UInt8](repeating: 1, count: 16)), iv: SecureBytes([UInt8](repeating: 2, count: 12)))
        case 2: decoder.protection = try ChaChaPolyProtection(key: SecureBytes([UInt8](repeating: 3, count: 64)))
        case 3:
            decoder.protection = try CipherMACProtection(cipherKey: SecureBytes([UInt8](repeating: 4, count: 16)), iv: SecureBytes([UInt8](repeating: 5, count: 16)),
                                                         macAlgorithm: .sha256, macKey: SecureBytes([UInt8](repeating: 6, count: 32)), encryptThenMAC: false)
        default:
            decoder.protection = try CipherMACProtection(cipherKey: SecureBytes([UInt8](repeating: 4, count: 32)), iv: SecureBytes([UInt8](repeating: 5, count: 16)),
                                                         macAlgorithm: .sha512, macKey: SecureBytes([UInt8](repeating: 6, count: 64)), encryptThenMAC: true)
        }
    } catch {
        fatalError("fixed keys must be accepted: \(error)")
    }
    let chunk = Int(first / 5) % 32 + 1
    var offset = 1
    while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        var piece = ByteBuffer(bytes: bytes[offset..<end])
        offset = end
        decoder.append(&piece)
        do {
            while let payload = try decoder.nextPayload() { _ = payload.readableBytes }
        } catch {
            return 0
        }
    }
    return 0
}
