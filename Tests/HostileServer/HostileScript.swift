/// One thing the hostile server does, in script order. The server runs steps until one waits for the
/// client (`awaitMessage`), so a script reads as the conversation it forces.
public enum HostileStep: Sendable {
    /// Bytes straight onto the wire, no framing (version lines, garbage, hand-made packets).
    case raw([UInt8])
    /// The identification string followed by CR LF (RFC 4253 §4.2).
    case version(String)
    /// Our KEXINIT (RFC 4253 §7.1) built from the server's offer.
    case kexInit
    /// A KEXINIT with these exact bytes as payload (kept as I_S for the exchange hash).
    case kexInitPayload([UInt8])
    /// Waits until the client sent a message with this number, skipping (but keeping) others.
    case awaitMessage(UInt8)
    /// The key-exchange reply (message 31) with real maths, signed by the host key, unless `fault`.
    case kexReply(KexReplyFault)
    /// NEWKEYS, then our outbound direction switches to the new keys (RFC 4253 §7.3).
    case newKeys
    /// One packet carrying `payload` under the protection in force.
    case packet([UInt8])
    /// Like `packet`, but the padding-length byte says `declaredPadding` (the MAC stays valid).
    case lyingPadding([UInt8], declaredPadding: UInt8)
    /// A packet with exactly `padding` bytes of padding, even if that breaks block alignment.
    case paddedPacket([UInt8], padding: Int)
    /// Only the (properly encrypted) first bytes of a packet that declares `length`.
    case declaredLength(UInt32)
    /// A packet sealed normally, then one bit flipped in `region`.
    case tampered([UInt8], TamperRegion)
    /// The last packet's bytes again, exactly as sent.
    case replayLast
    /// Advances our outbound sequence number without sending (the Terrapin attack's tool).
    case skipSequenceNumbers(UInt32)
    /// Confirms the client's last awaited CHANNEL_OPEN with this window and maximum packet size.
    case confirmChannel(senderChannel: UInt32, window: UInt32, maximumPacket: UInt32)
    /// Sends the data of the client's last awaited CHANNEL_DATA back to `recipient`.
    case echoLastChannelData(recipient: UInt32)
    /// Asks the socket adapter to stop reading from the client (the client's replies then pile up
    /// on its side unless it applies back-pressure).
    case stopReading
    /// Marks every client message received so far as seen: the next `awaitMessage` waits for a new one.
    case forgetReceived
    /// Closes the connection (the socket adapter then closes its socket).
    case close
}

/// How the key-exchange reply deviates from a correct one.
public enum KexReplyFault: Sendable, Equatable {
    /// A correct reply.
    case none
    /// A signature with one bit flipped.
    case corruptSignature
    /// The signature blob names another algorithm.
    case signatureAlgorithmName(String)
    /// This ephemeral public value instead of ours (e.g. an invalid curve point).
    case serverPublicValue([UInt8])
    /// This host-key blob instead of ours (signature made by our Ed25519 key anyway).
    case hostKeyBlob([UInt8])
    /// The exchange hash is computed over another server version string.
    case wrongExchangeHash
    /// Extra bytes after the signature.
    case trailingBytes
    /// Another Ed25519 host key (made from this seed) presents and signs the reply: a valid proof of
    /// a different identity.
    case otherHostKey(seed: UInt8)
}

/// Where `tampered` flips a bit.
public enum TamperRegion: Sendable, Equatable {
    /// In the (encrypted or authenticated) 4-byte length.
    case length
    /// In the first payload bytes.
    case payload
    /// In the MAC or AEAD tag.
    case tag
}

/// The algorithm lists of our KEXINIT.
public struct HostileOffer: Sendable {
    /// Key-exchange methods, with the ext-info and strict-kex markers.
    public var kex = ["curve25519-sha256", "ext-info-s", "kex-strict-s-v00@openssh.com"]
    /// Host-key algorithms.
    public var hostKey = ["ssh-ed25519"]
    /// Ciphers, both directions.
    public var ciphers = ["aes128-gcm@openssh.com"]
    /// MACs, both directions.
    public var macs = ["hmac-sha2-256-etm@openssh.com"]
    /// Compression methods, both directions.
    public var compression = ["none"]
    /// The `first_kex_packet_follows` flag (RFC 4253 §7.1).
    public var firstKexPacketFollows = false
    /// Creates the defaults: curve25519, Ed25519, AES-GCM, strict kex.
    public init() {}
}

/// Ready-made parts of scripts.
public enum HostileScript {
    /// Version, KEXINIT, the key exchange, NEWKEYS, and SERVICE_ACCEPT for `ssh-userauth`.
    public static func handshake(version: String = "SSH-2.0-HostileServer_1.0") -> [HostileStep] {
        [.version(version), .kexInit, .awaitMessage(HostileMessage.kexInitMessage), .kexReply(.none), .newKeys,
         .awaitMessage(HostileMessage.serviceRequest), .packet(HostileMessage.serviceAccept())]
    }

    /// The handshake, then USERAUTH_SUCCESS for the client's first ("none") request.
    public static func authenticated() -> [HostileStep] {
        handshake() + [.awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.userAuthSuccessPayload)]
    }

    /// Authenticated, then the client's first CHANNEL_OPEN confirmed as our channel 100.
    public static func channelOpen(window: UInt32 = 1 << 20, maximumPacket: UInt32 = 32 * 1024) -> [HostileStep] {
        authenticated() + [.awaitMessage(HostileMessage.channelOpen),
                           .confirmChannel(senderChannel: 100, window: window, maximumPacket: maximumPacket)]
    }

    /// A round trip the client starts with a keepalive: wait for its GLOBAL_REQUEST and answer it.
    public static let keepaliveReply: [HostileStep] = [.awaitMessage(HostileMessage.globalRequest), .packet([HostileMessage.requestSuccess])]
}
