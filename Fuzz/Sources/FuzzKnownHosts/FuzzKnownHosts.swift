import NIOCore
import SSHCore
import SSHCrypto

/// Fuzzes known_hosts parsing (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): markers, patterns, negations,
/// hashed names, and lookups of a fixed key under a few host names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKnownHosts(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let document = KnownHostsDocument(text: text, source: "fuzz")
    for name in ["db.internal", "[127.0.0.1]:2222", "bastion", "10.0.0.1"] {
        _ = document.entries(matching: name)
        _ = document.findReport(name: name)
        _ = KnownHosts.lookup(name: name, key: FixedKey.key, in: [document])
        _ = KnownHosts.knownKeyTypes(name: name, in: [document])
    }
    if let line = text.split(separator: "\n").first {
        _ = HostPatternMatcher.match("db.internal", patternList: line, lowercasePatterns: true)
        _ = HostPatternMatcher.matchesGlob("db.internal", pattern: line)
    }
    return 0
}

enum FixedKey {
    static let key: PublicKey = {
        guard let privateKey = try? Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: 7, count: 32))) else {
            fatalError("a fixed Ed25519 seed must be accepted")
        }
        return .ed25519(privateKey.publicKey)
    }()
}
