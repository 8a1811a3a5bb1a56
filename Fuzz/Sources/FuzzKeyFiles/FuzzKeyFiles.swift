import NIOCore
import SSHCore
import SSHCrypto

/// Fuzzes the private-key file decoders (openssh-key-v1, PEM PKCS#1/PKCS#8/SEC1) and the
/// authorized_keys-style public-key line parser. No passphrase is given, so an encrypted file stops
/// before its key derivation (bcrypt rounds come from the file and are not bounded; see Docs/Fuzzing.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? PrivateKeyFile.decode(bytes, passphrase: nil)
    _ = try? OpenSSHPrivateKeyFile.publicKey(of: bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(8) {
        _ = try? OpenSSHPublicKeyLine(parsing: line)
    }
    return 0
}
