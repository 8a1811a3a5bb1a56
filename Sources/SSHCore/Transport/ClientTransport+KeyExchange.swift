import NIOCore
import SSHCrypto

/// Where a key exchange stands (RFC 4253 §7).
enum KeyExchangeState {
    /// Everything a kex carries between the two KEXINITs and NEWKEYS.
    struct Context {
        var transcript: ExchangeHashTranscript
        var algorithms: NegotiatedAlgorithms
        var method: ClientKeyExchange
        var hostKey: PublicKey?
        var isFirst: Bool
    }

    /// No key exchange is running.
    case idle
    /// We sent KEXINIT and wait for the server's.
    case sentKexInit(ours: ByteBuffer)
    /// Both KEXINITs are out; we sent our ephemeral key and wait for the server's reply.
    case awaitingReply(Context)
    /// The reply verified; the layer above decides whether it trusts the host key.
    case awaitingHostKeyDecision(Context, ClientKeyExchange.Reply)
    /// We sent NEWKEYS and wait for the server's; the new inbound protection is ready.
    case sentNewKeys(inbound: any PacketProtection, algorithms: NegotiatedAlgorithms, isFirst: Bool)

    /// True from our KEXINIT until our NEWKEYS: only kex messages may leave then (RFC 4253 §7.1).
    var blocksOutboundTraffic: Bool {
        switch self {
        case .sentKexInit, .awaitingReply, .awaitingHostKeyDecision: return true
        case .idle, .sentNewKeys: return false
        }
    }

    /// True from the server's KEXINIT until its NEWKEYS.
    var hasReceivedServerKexInit: Bool {
        switch self {
        case .awaitingReply, .awaitingHostKeyDecision, .sentNewKeys: return true
        case .idle, .sentKexInit: return false
        }
    }
}

extension ClientTransport {
    /// Our KEXINIT (RFC 4253 §7.1). The first one also carries `ext-info-c` (RFC 8308 §2.1) and the
    /// strict-kex marker (OpenSSH PROTOCOL §1.10), which are valid only there.
    mutating func sendKexInit() {
        let preferences = configuration.algorithms
        var kexNames = preferences.keyExchange
        if completedKeyExchanges == 0 {
            kexNames += [KexExtensionMarker.extInfoClient, KexExtensionMarker.strictKexClient]
        }
        let message = KexInit(
            cookie: randomSource.bytes(16), kexAlgorithms: kexNames, serverHostKeyAlgorithms: preferences.hostKey,
            encryptionAlgorithmsClientToServer: preferences.ciphers, encryptionAlgorithmsServerToClient: preferences.ciphers,
            macAlgorithmsClientToServer: preferences.macs, macAlgorithmsServerToClient: preferences.macs,
            compressionAlgorithmsClientToServer: ["none"], compressionAlgorithmsServerToClient: ["none"],
            languagesClientToServer: [], languagesServerToClient: [], firstKexPacketFollows: false, reserved: 0)
        var payload = ByteBuffer()
        message.write(to: &payload)
        writePacket(payload)
        kex = .sentKexInit(ours: payload)
    }

    mutating func handleKexInit(_ payload: ByteBuffer) throws(SSHProtocolError) {
        if case .idle = kex {
            sendKexInit() // the server started a rekey (RFC 4253 §9)
        }
        guard case let .sentKexInit(ours) = kex else {
            throw .unexpectedMessage(number: SSHMessageNumber.kexInit, phase: "a key exchange already in progress")
        }
        var body = payload
        let serverKexInit: KexInit
        let clientKexInit: KexInit
        do {
            guard case let .kexInit(parsed) = try SSHMessage.parse(&body) else {
                throw SSHProtocolError.malformedMessage("KEXINIT")
            }
            serverKexInit = parsed
            var ourBody = ours
            guard case let .kexInit(mine) = try SSHMessage.parse(&ourBody) else {
                throw SSHProtocolError.malformedMessage("our own KEXINIT")
            }
            clientKexInit = mine
        } catch let error as SSHProtocolError {
            throw error
        } catch {
            throw .malformedMessage("KEXINIT: \(error)")
        }
        let isFirst = completedKeyExchanges == 0
        let algorithms = try negotiateAlgorithms(client: clientKexInit, server: serverKexInit, isFirstKex: isFirst)
        if isFirst {
            strictKex = algorithms.strictKex
            if strictKex && packetsBeforeFirstKexInit > 0 {
                throw .strictKexViolation("KEXINIT was not the first packet from the server")
            }
        }
        ignoreNextKexPacket = algorithms.ignoreServerGuessedPacket
        let method = try ClientKeyExchange(algorithm: algorithms.keyExchange, randomSource: randomSource)
        let transcript = ExchangeHashTranscript(clientVersion: clientIdentification, serverVersion: serverVersion ?? "",
                                                clientKexInit: ours, serverKexInit: payload)
        writePacket(method.initMessage())
        kex = .awaitingReply(.init(transcript: transcript, algorithms: algorithms, method: method, hostKey: nil, isFirst: isFirst))
    }

    mutating func handleKexReply(_ payload: ByteBuffer) throws(SSHProtocolError) {
        guard case var .awaitingReply(context) = kex else {
            throw .unexpectedMessage(number: payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0,
                                     phase: "transport (no key exchange reply expected)")
        }
        let reply = try context.method.processReply(payload, transcript: context.transcript)
        let hostKey = try PublicKey(blob: reply.hostKeyBlob)
        let negotiatedHostKey = context.algorithms.hostKey
        guard hostKey.keyType == negotiatedHostKey.keyType else {
            throw .hostKeyMismatchedAlgorithm(negotiated: negotiatedHostKey.name, received: hostKey.keyType)
        }
        guard try hostKey.isValidSignature(reply.signature, for: reply.exchangeHash, algorithm: negotiatedHostKey.name) else {
            throw .keyExchangeFailed("the server's \(negotiatedHostKey.name) signature over the exchange hash does not verify")
        }
        context.hostKey = hostKey
        if let firstHostKey {
            // RFC 4253 §9: a rekey must not change the server's identity.
            guard firstHostKey == hostKey else { throw .hostKeyRejected("the server presented a different host key during a rekey") }
            sendNewKeys(context: context, reply: reply)
            return
        }
        kex = .awaitingHostKeyDecision(context, reply)
        isPaused = true
        events.append(.hostKeyVerificationRequired(hostKey, algorithm: negotiatedHostKey.name))
    }

    /// Derives the keys, sends NEWKEYS under the old keys and switches our outbound direction
    /// (RFC 4253 §7.3), then releases what was queued during the exchange.
    mutating func sendNewKeys(context: KeyExchangeState.Context, reply: ClientKeyExchange.Reply) {
        let sessionID = self.sessionID ?? reply.exchangeHash
        self.sessionID = sessionID
        let keys = deriveSessionKeys(algorithms: context.algorithms, sharedSecret: reply.sharedSecret,
                                     exchangeHash: reply.exchangeHash, sessionID: sessionID)
        do {
            let outbound = try makePacketProtection(cipher: context.algorithms.cipherClientToServer,
                                                    mac: context.algorithms.macClientToServer, keys: keys.clientToServer)
            let inbound = try makePacketProtection(cipher: context.algorithms.cipherServerToClient,
                                                   mac: context.algorithms.macServerToClient, keys: keys.serverToClient)
            var payload = ByteBuffer()
            payload.writeInteger(SSHMessageNumber.newKeys)
            writePacket(payload)
            encoder.protection = outbound
            if strictKex { encoder.resetSequenceNumber() }
            kex = .sentNewKeys(inbound: inbound, algorithms: context.algorithms, isFirst: context.isFirst)
        } catch {
            close(error, notifyPeer: true)
            return
        }
        let queued = queuedPayloads
        queuedPayloads.removeAll()
        queuedPayloadBytes = 0
        for payload in queued { writePacket(payload) }
    }

    mutating func handleNewKeys(_ payload: ByteBuffer) throws(SSHProtocolError) {
        guard case let .sentNewKeys(inbound, algorithms, isFirst) = kex else {
            throw .unexpectedMessage(number: SSHMessageNumber.newKeys, phase: "transport (no key exchange awaiting NEWKEYS)")
        }
        guard payload.readableBytes == 1 else { throw .malformedMessage("trailing bytes in NEWKEYS") }
        decoder.protection = inbound
        if strictKex { decoder.resetSequenceNumber() }
        kex = .idle
        negotiated = algorithms
        completedKeyExchanges += 1
        bytesSinceKex = (0, 0)
        lastKexCompletedAt = now
        rekeyBytesLimit = configuration.rekeyDataLimit
            ?? min(algorithms.cipherClientToServer.defaultRekeyBytes, algorithms.cipherServerToClient.defaultRekeyBytes)
        events.append(.keyExchangeCompleted(algorithms, isFirst: isFirst))
        if isFirst && configuration.requestUserAuthService {
            var request = ByteBuffer()
            ServiceRequest(serviceName: "ssh-userauth").write(to: &request)
            serviceRequested = "ssh-userauth"
            writePacket(request)
        }
    }
}
