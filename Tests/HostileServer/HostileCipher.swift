import SSHCrypto

/// One direction of the hostile server's packet protection, built straight on SSHCrypto's primitives
/// (not on SSHCore's `PacketProtection`): cleartext, AES-GCM (RFC 5647 §7), chacha20-poly1305
/// (OpenSSH PROTOCOL.chacha20poly1305), or AES-CTR with HMAC-SHA2 in plain (RFC 4253 §6.4) or
/// encrypt-then-MAC order (OpenSSH PROTOCOL §1.5).
public final class HostileCipher {
    enum Kind {
        case none
        case gcm(OpenSSHAESGCM)
        case chacha(OpenSSHChaCha20Poly1305)
        case ctr(AESCTR, SSHMACKey, encryptThenMAC: Bool)
    }

    let kind: Kind
    /// The block size `4 + packet_length` (or `packet_length` for AEAD and EtM) is aligned to.
    public let blockSize: Int
    /// The MAC or tag length after each packet.
    public let tagLength: Int

    /// Cleartext, before the first NEWKEYS.
    public init() {
        kind = .none
        blockSize = 8
        tagLength = 0
    }

    /// Keys the named cipher and MAC with the derived material of one direction.
    public init(cipher: String, mac: String?, key: [UInt8], iv: [UInt8], macKey: [UInt8]) throws {
        switch cipher {
        case "aes128-gcm@openssh.com", "aes256-gcm@openssh.com":
            kind = .gcm(try OpenSSHAESGCM(key: SecureBytes(key), iv: iv))
            blockSize = 16
            tagLength = 16
        case "chacha20-poly1305@openssh.com":
            kind = .chacha(try OpenSSHChaCha20Poly1305(key: SecureBytes(key)))
            blockSize = 8
            tagLength = 16
        default:
            let digest: DigestAlgorithm = (mac ?? "").contains("512") ? .sha512 : .sha256
            let macKeyObject = try SSHMACKey(digest, key: SecureBytes(macKey))
            kind = .ctr(try AESCTR(key: SecureBytes(key), iv: iv), macKeyObject, encryptThenMAC: (mac ?? "").hasSuffix("-etm@openssh.com"))
            blockSize = 16
            tagLength = digest.outputByteCount
        }
    }

    /// True when the 4-byte length is outside the alignment (AEAD and EtM modes).
    public var lengthIsOutsideAlignment: Bool {
        switch kind {
        case .none: return false
        case .gcm, .chacha: return true
        case let .ctr(_, _, etm): return etm
        }
    }

    /// Encrypts a framed packet (`uint32 length ‖ padding_length ‖ payload ‖ padding`) and appends its tag.
    func seal(_ packet: [UInt8], sequenceNumber: UInt32) throws -> [UInt8] {
        var bytes = packet + [UInt8](repeating: 0, count: tagLength)
        let body = packet.count
        try bytes.withUnsafeMutableBytes { raw in
            switch kind {
            case .none: break
            case let .gcm(cipher):
                try cipher.seal(aad: UnsafeRawBufferPointer(rebasing: raw[0..<4]), inPlace: UnsafeMutableRawBufferPointer(rebasing: raw[4..<body]),
                                tag: UnsafeMutableRawBufferPointer(rebasing: raw[body...]))
            case let .chacha(cipher):
                try cipher.seal(sequenceNumber: sequenceNumber, packet: UnsafeMutableRawBufferPointer(rebasing: raw[0..<body]),
                                tag: UnsafeMutableRawBufferPointer(rebasing: raw[body...]))
            case let .ctr(cipher, mac, etm):
                if etm {
                    try cipher.apply(UnsafeMutableRawBufferPointer(rebasing: raw[4..<body]))
                    mac.authenticate(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(rebasing: raw[0..<body]),
                                     into: UnsafeMutableRawBufferPointer(rebasing: raw[body...]))
                } else {
                    mac.authenticate(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(rebasing: raw[0..<body]),
                                     into: UnsafeMutableRawBufferPointer(rebasing: raw[body...]))
                    try cipher.apply(UnsafeMutableRawBufferPointer(rebasing: raw[0..<body]))
                }
            }
        }
        return bytes
    }

    /// Bytes needed before the length is known.
    var lengthPrefix: Int {
        if case let .ctr(_, _, etm) = kind, !etm { return 16 }
        return 4
    }

    /// Reads (and for plain CTR, decrypts in place) the length of the packet at the start of `bytes`.
    func packetLength(_ bytes: inout [UInt8], sequenceNumber: UInt32) throws -> UInt32? {
        guard bytes.count >= lengthPrefix else { return nil }
        switch kind {
        case let .chacha(cipher):
            return bytes.withUnsafeBytes { cipher.decryptLength(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(rebasing: $0[0..<4])) }
        case let .ctr(cipher, _, etm) where !etm:
            try bytes.withUnsafeMutableBytes { try cipher.apply(UnsafeMutableRawBufferPointer(rebasing: $0[0..<16])) }
        default: break
        }
        return HostileWire.readUInt32(bytes, at: 0)
    }

    /// Authenticates and decrypts a whole packet (`4 + length` bytes and the tag) in place.
    func open(_ bytes: inout [UInt8], total: Int, sequenceNumber: UInt32) throws {
        let body = total - tagLength
        try bytes.withUnsafeMutableBytes { raw in
            switch kind {
            case .none: break
            case let .gcm(cipher):
                try cipher.open(aad: UnsafeRawBufferPointer(rebasing: raw[0..<4]), inPlace: UnsafeMutableRawBufferPointer(rebasing: raw[4..<body]),
                                tag: UnsafeRawBufferPointer(rebasing: raw[body..<total]))
            case let .chacha(cipher):
                try cipher.open(sequenceNumber: sequenceNumber, packet: UnsafeMutableRawBufferPointer(rebasing: raw[0..<body]),
                                tag: UnsafeRawBufferPointer(rebasing: raw[body..<total]))
            case let .ctr(cipher, mac, etm):
                if etm {
                    guard mac.isValid(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(rebasing: raw[0..<body]),
                                      tag: UnsafeRawBufferPointer(rebasing: raw[body..<total])) else { throw HostileServerError.clientMACFailed }
                    try cipher.apply(UnsafeMutableRawBufferPointer(rebasing: raw[4..<body]))
                } else {
                    try cipher.apply(UnsafeMutableRawBufferPointer(rebasing: raw[16..<body]))
                    guard mac.isValid(sequenceNumber: sequenceNumber, UnsafeRawBufferPointer(rebasing: raw[0..<body]),
                                      tag: UnsafeRawBufferPointer(rebasing: raw[body..<total])) else { throw HostileServerError.clientMACFailed }
                }
            }
        }
    }
}

/// Why the hostile server itself stopped (its own checks on what the client sent).
public enum HostileServerError: Error, Equatable, Sendable {
    /// A packet from the client failed its MAC (our key derivation disagrees with the client's).
    case clientMACFailed
    /// A packet from the client could not be framed or parsed.
    case clientPacketMalformed(String)
    /// The script asked for something impossible in the current state.
    case scriptFailed(String)
}
