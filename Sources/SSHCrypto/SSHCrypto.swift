import CLibcrypto

/// The version of the OpenSSL libcrypto SwiftSSH is running against, as OpenSSL reports it.
public var libcryptoVersion: String {
    guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
    return String(cString: text)
}
