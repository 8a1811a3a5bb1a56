import NIOCore
import SSHCore

/// Fuzzes the public-key blob parser (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4) and the signature
/// blob check against each parsed key: the input is a key blob, and its tail doubles as a signature blob.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyBlobs(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var blob = ByteBuffer(bytes: bytes)
    let key: PublicKey
    if let blobString = blob.readSSHString(), let parsed = try? PublicKey(blob: blobString) {
        key = parsed
        _ = key.blob
        _ = key.keyType
    } else {
        guard let parsed = try? PublicKey(blob: ByteBuffer(bytes: bytes)) else { return 0 }
        key = parsed
    }
    // Whatever follows the first string is tried as a signature blob for each algorithm name.
    for algorithm in ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"] {
        _ = try? key.isValidSignature(blob, for: Array("exchange hash".utf8), algorithm: algorithm)
    }
    return 0
}
