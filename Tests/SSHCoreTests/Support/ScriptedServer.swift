import Foundation
import NIOCore
import SSHCore
import SSHCrypto

/// A server side built from our own codecs, for in-memory tests of the client transport. It runs a
/// real curve25519/ECDH key exchange signed with an Ed25519 host key, and can be told to misbehave.
struct ScriptedServer {
    /// Ways the server can deviate from the protocol.
    struct Faults {
        var corruptSignature = false
        var hashWrongServerVersion = false
        var flipBitAfterNewKeys = false
        var injectIgnoreBeforeKexInit = false
        var injectIgnoreBeforeReply = false
        var offerStrictKex = true
        var sendExtInfo = true
        /// Set first_kex_packet_follows in the first KEXINIT and send a guessed kex packet right after
        /// it (RFC 4253 §7.1), with a first kex algorithm the client does not prefer, so the guess is wrong.
        var sendWrongGuessedKexPacket = false
        /// Send the same bogus kex packet without announcing it, to show that it is then fatal.
        var sendUnannouncedKexPacket = false
    }

    var ciphers = ["aes128-gcm@openssh.com"]
    var macs = ["hmac-sha2-256-etm@openssh.com"]
    var kexAlgorithms = ["curve25519-sha256"]
    var faults = Faults()
    let hostKey: Ed25519PrivateKey
    let version = "SSH-2.0-ScriptedServer_1.0"
    private let random: DeterministicRandomSource
    private var decoder = PacketDecoder()
    private var encoder: PacketEncoder
    private var inbound = ByteBuffer()
    private var clientVersion: String?
    private var clientKexInit: ByteBuffer?
    private var serverKexInit = ByteBuffer()
    private var sessionID: [UInt8]?
    private var pendingInbound: (any PacketProtection)?
    private(set) var outbound = ByteBuffer()
    private(set) var receivedPayloads: [ByteBuffer] = []
    private(set) var completedKeyExchanges = 0
    private var strict = false

    init(seed: UInt8 = 1) throws {
        random = DeterministicRandomSource(seed: [seed, 0x53])
        hostKey = try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: seed, count: 32)))
        encoder = PacketEncoder(randomSource: random)
    }

    /// Writes the identification string and KEXINIT.
    mutating func start() {
        outbound.writeString(version + "\r\n")
        if faults.injectIgnoreBeforeKexInit { send(ignore()) }
        sendKexInit()
        if faults.sendWrongGuessedKexPacket || faults.sendUnannouncedKexPacket {
            // A KEXDH_INIT-numbered packet (30) whose body is garbage: only ignoring it can work.
            var guessed = ByteBuffer()
            guessed.writeInteger(UInt8(30))
            guessed.writeString("a guessed packet for a method that was not negotiated")
            send(guessed)
        }
    }

    mutating func sendKexInit() {
        let guessing = faults.sendWrongGuessedKexPacket && completedKeyExchanges == 0
        var kex = (guessing ? ["ecdh-sha2-nistp521"] : []) + kexAlgorithms + ["ext-info-s"]
        if faults.offerStrictKex && completedKeyExchanges == 0 { kex.append("kex-strict-s-v00@openssh.com") }
        let message = KexInit(cookie: random.bytes(16), kexAlgorithms: kex, serverHostKeyAlgorithms: ["ssh-ed25519"],
                              encryptionAlgorithmsClientToServer: ciphers, encryptionAlgorithmsServerToClient: ciphers,
                              macAlgorithmsClientToServer: macs, macAlgorithmsServerToClient: macs,
                              compressionAlgorithmsClientToServer: ["none"], compressionAlgorithmsServerToClient: ["none"],
                              languagesClientToServer: [], languagesServerToClient: [], firstKexPacketFollows: guessing, reserved: 0)
        serverKexInit = ByteBuffer()
        message.write(to: &serverKexInit)
        send(serverKexInit)
        sentKexInit = true
    }

    mutating func takeOutbound() -> ByteBuffer? {
        guard outbound.readableBytes > 0 else { return nil }
        defer { outbound = ByteBuffer() }
        return outbound
    }

    mutating func send(_ payload: ByteBuffer) {
        do {
            try encoder.encode(payload: payload, into: &outbound)
        } catch {
            preconditionFailure("scripted server could not encode: \(error)")
        }
    }

    func ignore() -> ByteBuffer {
        var payload = ByteBuffer()
        Ignore(data: ByteBuffer(string: "noise")).write(to: &payload)
        return payload
    }

    /// Consumes client bytes; returns the protocol error the server hit, if any.
    mutating func receive(_ bytes: inout ByteBuffer) throws {
        if clientVersion == nil {
            inbound.writeBuffer(&bytes)
            guard let newline = inbound.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return }
            let length = newline - inbound.readableBytesView.startIndex + 1
            let line = inbound.readString(length: length) ?? ""
            clientVersion = line.trimmingCharacters(in: ["\r", "\n"])
            var rest = inbound
            inbound = ByteBuffer()
            decoder.append(&rest)
        } else {
            decoder.append(&bytes)
        }
        while let payload = try decoder.nextPayload() {
            try handle(payload)
        }
    }

    private mutating func handle(_ payload: ByteBuffer) throws {
        let number = payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0
        switch number {
        case SSHMessageNumber.kexInit:
            if !sentKexInit { sendKexInit() } // a client-initiated rekey: answer with our KEXINIT
            clientKexInit = payload
            strict = strict || (completedKeyExchanges == 0 && faults.offerStrictKex
                && ((try? Self.kexNames(payload))?.contains("kex-strict-c-v00@openssh.com") ?? false))
        case SSHMessageNumber.kexECDHInit:
            try replyToKex(payload)
        case SSHMessageNumber.newKeys:
            if let pendingInbound { decoder.protection = pendingInbound }
            if strict { decoder.resetSequenceNumber() }
            pendingInbound = nil
            sentKexInit = false
            completedKeyExchanges += 1
        case SSHMessageNumber.serviceRequest:
            var body = payload
            guard case let .serviceRequest(request) = try SSHMessage.parse(&body) else { return }
            var accept = ByteBuffer()
            ServiceAccept(serviceName: request.serviceName).write(to: &accept)
            send(accept)
        default:
            receivedPayloads.append(payload)
        }
    }

    private var sentKexInit = false

    /// Starts a server-initiated rekey.
    mutating func initiateRekey() {
        sendKexInit()
    }

    static func kexNames(_ payload: ByteBuffer) throws -> [String] {
        var body = payload
        guard case let .kexInit(kexInit) = try SSHMessage.parse(&body) else { return [] }
        return kexInit.kexAlgorithms
    }

    private mutating func replyToKex(_ payload: ByteBuffer) throws {
        var body = payload
        body.moveReaderIndex(forwardBy: 1)
        let request = try KexECDHInit(parsing: &body)
        let ephemeral = try X25519PrivateKey(randomSource: random)
        let secret = try ephemeral.sharedSecret(peerPublicKey: Array(request.clientPublicKey.readableBytesView))
        let hostKeyBlob = PublicKey.ed25519(hostKey.publicKey).blob

        let transcript = ExchangeHashTranscript(
            clientVersion: clientVersion ?? "", serverVersion: faults.hashWrongServerVersion ? version + "X" : version,
            clientKexInit: clientKexInit ?? ByteBuffer(), serverKexInit: serverKexInit)
        let hash = DigestContext(.sha256)
        transcript.feed(hash)
        var rest = ByteBuffer()
        rest.writeSSHString(hostKeyBlob)
        rest.writeSSHString(request.clientPublicKey)
        rest.writeSSHString(ephemeral.publicKeyBytes)
        rest.writeSSHPositiveMPInt(secret: secret)
        rest.withUnsafeReadableBytes { hash.update($0) }
        let exchangeHash = hash.finalize()
        if sessionID == nil { sessionID = exchangeHash }

        var signature = try hostKey.signature(for: exchangeHash)
        if faults.corruptSignature { signature[0] ^= 0x01 }
        var signatureBlob = ByteBuffer()
        signatureBlob.writeSSHString("ssh-ed25519")
        signatureBlob.writeSSHString(signature)

        if faults.injectIgnoreBeforeReply { send(ignore()) }
        var reply = ByteBuffer()
        KexECDHReply(hostKey: ByteBuffer(bytes: hostKeyBlob), serverPublicKey: ByteBuffer(bytes: ephemeral.publicKeyBytes),
                     signature: signatureBlob).write(to: &reply)
        send(reply)

        // NEWKEYS, then switch our outbound direction (server to client: letters B, D, F).
        var newKeys = ByteBuffer()
        newKeys.writeInteger(SSHMessageNumber.newKeys)
        send(newKeys)
        let algorithms = try negotiateAlgorithms(client: Self.parseKexInit(clientKexInit), server: Self.parseKexInit(serverKexInit),
                                                 isFirstKex: completedKeyExchanges == 0)
        let keys = deriveSessionKeys(algorithms: algorithms, sharedSecret: secret, exchangeHash: exchangeHash, sessionID: sessionID ?? exchangeHash)
        encoder.protection = try makePacketProtection(cipher: algorithms.cipherServerToClient, mac: algorithms.macServerToClient,
                                                      keys: keys.serverToClient)
        if strict { encoder.resetSequenceNumber() }
        pendingInbound = try makePacketProtection(cipher: algorithms.cipherClientToServer, mac: algorithms.macClientToServer,
                                                  keys: keys.clientToServer)
        if faults.sendExtInfo && completedKeyExchanges == 0 {
            var info = ByteBuffer()
            ExtInfo(extensions: [.init(name: "server-sig-algs", value: ByteBuffer(string: "ssh-ed25519,rsa-sha2-512"))]).write(to: &info)
            send(info)
        }
        if faults.flipBitAfterNewKeys {
            var ping = ByteBuffer()
            Ignore(data: ByteBuffer(string: "tampered")).write(to: &ping)
            let start = outbound.writerIndex
            send(ping)
            let index = start + 6
            if let byte = outbound.getInteger(at: index, as: UInt8.self) { outbound.setInteger(byte ^ 0x20, at: index) }
        }
    }

    static func parseKexInit(_ payload: ByteBuffer?) throws -> KexInit {
        var body = payload ?? ByteBuffer()
        guard case let .kexInit(kexInit) = try SSHMessage.parse(&body) else { throw SSHProtocolError.malformedMessage("KEXINIT") }
        return kexInit
    }
}
