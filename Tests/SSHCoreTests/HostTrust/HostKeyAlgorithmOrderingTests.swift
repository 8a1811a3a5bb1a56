import SSHCore
import Testing

/// KEXINIT host-key order: known types first, as OpenSSH sshconnect2.c `order_hostkeyalgs` does.
@Suite("Host-key algorithm ordering")
struct HostKeyAlgorithmOrderingTests {
    static let preferences = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256",
    ]

    @Test("no known types leaves the order unchanged")
    func nothingKnown() {
        #expect(orderedHostKeyAlgorithms(preferences: Self.preferences, knownKeyTypes: []) == Self.preferences)
    }

    @Test("known types come first, in preference order, not in the order they were found")
    func knownFirst() {
        let ordered = orderedHostKeyAlgorithms(preferences: Self.preferences,
                                               knownKeyTypes: ["ecdsa-sha2-nistp521", "ecdsa-sha2-nistp256"])
        #expect(ordered == ["ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "ssh-ed25519", "ecdsa-sha2-nistp384",
                            "rsa-sha2-512", "rsa-sha2-256"])
    }

    @Test("an ssh-rsa key brings both RSA SHA-2 algorithms forward (RFC 8332)")
    func rsa() {
        let ordered = orderedHostKeyAlgorithms(preferences: Self.preferences, knownKeyTypes: ["ssh-rsa"])
        #expect(ordered == ["rsa-sha2-512", "rsa-sha2-256", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                            "ecdsa-sha2-nistp521"])
    }

    @Test("known types the client does not offer are ignored")
    func unofferedTypes() {
        let ordered = orderedHostKeyAlgorithms(preferences: Self.preferences, knownKeyTypes: ["ssh-dss", "ecdsa-sha2-nistp384"])
        #expect(ordered == ["ecdsa-sha2-nistp384", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521",
                            "rsa-sha2-512", "rsa-sha2-256"])
    }
}
