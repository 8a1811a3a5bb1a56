import SSHCore
import SSHCrypto

/// One packet protection to measure: a cipher from `AlgorithmRegistry` and, for CTR, a MAC.
struct BenchmarkCipher {
    /// The label printed and accepted by `--cipher`: the SSH cipher name, plus `+MAC` for CTR.
    let label: String
    let cipher: CipherAlgorithm
    let mac: MACAlgorithm?

    /// The ciphers of the figures, in the order printed.
    static let defaultLabels = [
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr+hmac-sha2-256-etm@openssh.com",
    ]

    /// Resolves `cipher` or `cipher+mac` against the registries.
    init?(label: String) {
        let parts = label.split(separator: "+", maxSplits: 1).map(String.init)
        guard let cipher = AlgorithmRegistry.ciphers.first(where: { $0.name == parts.first }) else { return nil }
        var mac: MACAlgorithm?
        if parts.count == 2 {
            guard let named = AlgorithmRegistry.macs.first(where: { $0.name == parts[1] }) else { return nil }
            mac = named
        }
        guard cipher.isAEAD == (mac == nil) else { return nil }
        self.label = label
        self.cipher = cipher
        self.mac = mac
    }

    /// A fresh pair of protections keyed alike: one seals, the other opens what it sealed.
    func makePair() throws -> (sealer: any PacketProtection, opener: any PacketProtection) {
        let random = SystemRandomSource()
        let keys = DirectionalKeys(iv: SecureBytes(random.bytes(cipher.ivLength)),
                                   encryptionKey: SecureBytes(random.bytes(cipher.keyLength)),
                                   integrityKey: SecureBytes(random.bytes(mac?.keyLength ?? 0)))
        return (try makePacketProtection(cipher: cipher, mac: mac, keys: keys),
                try makePacketProtection(cipher: cipher, mac: mac, keys: keys))
    }
}
