import Foundation
import Testing

/// The key fixtures written by `Fixtures/make-keys.sh` with ssh-keygen and openssl.
enum KeyFixtures {
    /// The passphrase of every encrypted fixture (PASSPHRASE in make-keys.sh).
    static let passphrase = "correct horse battery"
    /// The key names, one per type.
    static let names = ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"]
    /// The OpenSSH-format variants: plain and each cipher.
    static let openSSHVariants = ["openssh", "openssh-aes256-ctr", "openssh-aes128-ctr", "openssh-aes192-ctr", "openssh-aes256-gcm"]
    /// The PEM variants that exist for `name` (ed25519 has no PKCS#1/SEC1 form).
    static func pemVariants(_ name: String) -> [String] {
        name == "ed25519" ? ["pkcs8", "pkcs8-enc"] : ["pem", "pem-enc", "pkcs8", "pkcs8-enc"]
    }
    /// Whether the variant is encrypted.
    static func isEncrypted(_ variant: String) -> Bool { variant.hasSuffix("-enc") || variant.hasPrefix("openssh-") }

    /// Fixtures/keys, found from this source file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/keys")

    /// The bytes of a fixture file.
    static func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(file)))
    }

    /// The text of a fixture file without its final newline.
    static func text(_ file: String) throws -> String {
        let text = String(decoding: try bytes(file), as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
