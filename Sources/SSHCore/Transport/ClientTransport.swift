import NIOCore
import SSHCrypto

/// Settings of the client transport layer.
package struct ClientTransportConfiguration: Sendable {
    /// The algorithm lists offered in KEXINIT.
    package var algorithms = AlgorithmPreferences()
    /// Rekey after this many bytes in either direction; nil picks OpenSSH's default for the cipher.
    package var rekeyDataLimit: UInt64?
    /// Rekey after this much time (RFC 4253 §9 recommends one hour); nil disables time-based rekeys.
    package var rekeyTimeLimit: Duration? = .seconds(3600)
    /// Limits on the lines before the server's identification string.
    package var versionLimits = VersionExchangeReader.Limits()
    /// The most inbound bytes buffered while we wait for the host-key decision.
    package var maximumBufferedBytesWhilePaused = 1 << 20
    /// The most payload bytes queued while a key exchange holds our outbound direction; a server that
    /// starts a key exchange and never finishes it cannot make us buffer more (fails closed).
    package var maximumQueuedBytesDuringKeyExchange = 16 << 20
    /// Request the `ssh-userauth` service right after the first key exchange (RFC 4253 §10).
    package var requestUserAuthService = true
    /// Creates the defaults.
    package init() {}
}

/// What the transport reports to the layer above it.
package enum ClientTransportEvent {
    /// The server's identification string, cleaned of control characters.
    case serverIdentification(String)
    /// The server proved possession of this host key; answer with `hostKeyDecision(accepted:reason:)`.
    case hostKeyVerificationRequired(PublicKey, algorithm: String)
    /// A key exchange finished; the connection now uses these algorithms.
    case keyExchangeCompleted(NegotiatedAlgorithms, isFirst: Bool)
    /// The server's EXT_INFO (RFC 8308 §3.1): its `server-sig-algs`, if it sent them.
    case serverExtensions(serverSignatureAlgorithms: [String]?)
    /// SERVICE_ACCEPT for the named service (RFC 4253 §10).
    case serviceAccepted(String)
    /// A message for the layers above transport (message number 50 and up).
    case message(ByteBuffer)
    /// A DEBUG message from the server, cleaned of control characters (RFC 4253 §11.3).
    case debugMessage(String)
    /// The server did not implement our packet with this sequence number (RFC 4253 §11.4).
    case peerUnimplemented(sequenceNumber: UInt32)
    /// The connection is over; pending outbound bytes may still carry our DISCONNECT.
    case closed(SSHProtocolError)
}

/// The client side of the SSH transport layer (RFC 4253) as a sans-IO state machine: feed it the
/// bytes the server sent, take the bytes to send and the events that happened. It has no socket,
/// no clock and no global randomness; time comes in through `tick(now:)`.
package struct ClientTransport {
    package let configuration: ClientTransportConfiguration
    let randomSource: any RandomSource
    var versionReader: VersionExchangeReader
    var serverVersion: String?
    var decoder = PacketDecoder()
    var encoder: PacketEncoder
    var outbound = ByteBuffer()
    var events: [ClientTransportEvent] = []
    var kex = KeyExchangeState.idle
    var queuedPayloads: [OutboundMessage] = []
    /// The bytes in `queuedPayloads`.
    package internal(set) var queuedPayloadBytes = 0
    /// The session identifier: the first exchange hash, kept across rekeys (RFC 4253 §7.2).
    package internal(set) var sessionID: [UInt8]?
    var firstHostKey: PublicKey?
    var strictKex = false
    var packetsBeforeFirstKexInit = 0
    var ignoreNextKexPacket = false
    var serviceRequested: String?
    var bytesSinceKex: (inbound: UInt64, outbound: UInt64) = (0, 0)
    var rekeyBytesLimit: UInt64 = .max
    var now: Duration = .zero
    var lastKexCompletedAt: Duration?
    /// Whether we may start a rekey. OpenSSH does not rekey before user authentication (sshd answers a
    /// KEXINIT then with UNIMPLEMENTED), so the client core turns this on once authenticated.
    package var rekeyingAllowed = true
    /// True once the connection is closed; further input is ignored.
    package private(set) var isClosed = false
    /// Set while we wait for the host-key decision: inbound packets stay buffered.
    var isPaused = false
    /// The negotiated algorithms of the last completed key exchange.
    package internal(set) var negotiated: NegotiatedAlgorithms?
    /// How many key exchanges completed, the first included.
    package internal(set) var completedKeyExchanges = 0

    /// Creates a client transport; call `start()` to emit the identification string and KEXINIT.
    package init(configuration: ClientTransportConfiguration = .init(), randomSource: any RandomSource) {
        self.configuration = configuration
        self.randomSource = randomSource
        self.versionReader = VersionExchangeReader(limits: configuration.versionLimits)
        self.encoder = PacketEncoder(randomSource: randomSource)
    }

    /// Sends our identification string (RFC 4253 §4.2) and our first KEXINIT.
    package mutating func start() {
        do {
            try configuration.algorithms.validate()
        } catch {
            close(error, notifyPeer: false)
            return
        }
        outbound.writeString(clientIdentification + "\r\n")
        sendKexInit()
    }

    /// Makes room in the outbound buffer for a batch of `packets` packets carrying `payloadBytes` in
    /// all, before they are encoded one by one: a buffer that grows packet by packet copies what it
    /// holds each time it doubles, which for a 256 KiB batch of channel data was almost two extra
    /// copies of every byte. 64 bytes per packet covers length, padding length, padding and tag.
    package mutating func reserveOutbound(payloadBytes: Int, packets: Int) {
        outbound.reserveCapacity(minimumWritableBytes: payloadBytes + packets * 64)
    }

    /// Takes the bytes to write to the server, if any.
    package mutating func takeOutbound() -> ByteBuffer? {
        guard outbound.readableBytes > 0 else { return nil }
        defer { outbound = ByteBuffer() }
        return outbound
    }

    /// Inbound bytes held (version-line remainder plus undecoded packet bytes) and the receive buffer's
    /// allocated size; hostile-server tests check both stay bounded.
    package var inboundFootprint: (buffered: Int, capacity: Int) {
        (versionReader.pendingByteCount + decoder.bufferedByteCount, decoder.bufferCapacity)
    }

    /// Takes the events that happened since the last call.
    package mutating func takeEvents() -> [ClientTransportEvent] {
        events.takeAll()
    }

    /// Feeds bytes received from the server.
    package mutating func receive(_ bytes: inout ByteBuffer) {
        guard !isClosed else { bytes.moveReaderIndex(to: bytes.writerIndex); return }
        if serverVersion == nil {
            do {
                guard case let .version(version) = try versionReader.read(&bytes) else { return }
                serverVersion = version
                events.append(.serverIdentification(sanitizedPeerText(version, maxLength: 255)))
            } catch {
                close(.versionExchange(error), notifyPeer: false)
                return
            }
        }
        decoder.append(&bytes)
        processInbound()
    }

    /// Answers `hostKeyVerificationRequired`: continue the key exchange, or disconnect.
    package mutating func hostKeyDecision(accepted: Bool, reason: String) {
        guard case let .awaitingHostKeyDecision(context, reply) = kex else { return }
        guard accepted else {
            close(.hostKeyRejected(reason), notifyPeer: true)
            return
        }
        firstHostKey = firstHostKey ?? context.hostKey
        isPaused = false
        sendNewKeys(context: context, reply: reply)
        processInbound()
    }

    /// Sends a message from a layer above transport, queued while a key exchange is running.
    package mutating func send(payload: ByteBuffer) {
        send(OutboundMessage(payload))
    }

    /// Sends a message whose payload may come in two buffers (channel data), queued like `send(payload:)`.
    package mutating func send(_ message: OutboundMessage) {
        guard !isClosed else { return }
        if kex.blocksOutboundTraffic {
            queuedPayloads.append(message)
            queuedPayloadBytes += message.byteCount
            if queuedPayloadBytes > configuration.maximumQueuedBytesDuringKeyExchange {
                close(.bufferLimitExceeded("more than \(configuration.maximumQueuedBytesDuringKeyExchange) bytes waited for the server to finish a key exchange"),
                      notifyPeer: true)
            }
        } else {
            writePacket(message)
            checkRekeyVolume()
        }
    }

    /// Sends SSH_MSG_IGNORE with `data` (RFC 4253 §11.2).
    package mutating func sendIgnore(_ data: ByteBuffer) {
        var payload = ByteBuffer()
        Ignore(data: data).write(to: &payload)
        send(payload: payload)
    }

    /// True while a key exchange holds our outbound direction (from our KEXINIT until our NEWKEYS):
    /// what the layers above send is queued, so callers should stop producing until it clears.
    package var isOutboundPaused: Bool { kex.blocksOutboundTraffic }

    /// True while a key exchange runs (from the first KEXINIT until both NEWKEYS).
    package var isKeyExchangeInProgress: Bool {
        if case .idle = kex { return false }
        return true
    }

    /// Starts a key exchange now, if none is running (RFC 4253 §9).
    package mutating func initiateRekey() {
        guard !isClosed, rekeyingAllowed, completedKeyExchanges > 0, case .idle = kex else { return }
        sendKexInit()
    }

    /// Tells the transport the monotonic time, for time-based rekeying.
    package mutating func tick(now: Duration) {
        self.now = now
        if let limit = configuration.rekeyTimeLimit, let last = lastKexCompletedAt, now - last >= limit {
            initiateRekey()
        }
    }

    /// Sends DISCONNECT with `reasonCode` and closes (RFC 4253 §11.1).
    package mutating func disconnect(reasonCode: UInt32 = 11, description: String = "closed by the client") {
        guard !isClosed else { return }
        var payload = ByteBuffer()
        Disconnect(reasonCode: reasonCode, description: description, languageTag: "").write(to: &payload)
        writePacket(payload)
        isClosed = true
        events.append(.closed(.disconnectedByPeer(reasonCode: reasonCode, description: "closed locally: \(description)")))
    }

    // MARK: - Inbound

    mutating func processInbound() {
        while !isClosed && !isPaused {
            let payload: ByteBuffer?
            do {
                payload = try decoder.nextPayload()
            } catch {
                close(error, notifyPeer: true)
                return
            }
            guard let payload else { break }
            bytesSinceKex.inbound &+= UInt64(payload.readableBytes)
            do {
                try handle(payload)
            } catch {
                close(error, notifyPeer: true)
                return
            }
        }
        if isPaused && decoder.bufferedByteCount > configuration.maximumBufferedBytesWhilePaused {
            close(.bufferLimitExceeded("more than \(configuration.maximumBufferedBytesWhilePaused) bytes arrived while waiting for the host-key decision"), notifyPeer: true)
        }
        checkRekeyVolume()
    }

    private mutating func handle(_ payload: ByteBuffer) throws(SSHProtocolError) {
        guard let number = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else {
            throw .malformedMessage("empty payload")
        }
        try enforceKexOrdering(number)
        if ignoreNextKexPacket, (30...49).contains(number) {
            ignoreNextKexPacket = false
            return
        }
        switch number {
        case SSHMessageNumber.kexInit: try handleKexInit(payload)
        case SSHMessageNumber.newKeys: try handleNewKeys(payload)
        case 30...49: try handleKexReply(payload)
        case 1...19: try handleTransportMessage(payload, number: number)
        case 50...255 where completedKeyExchanges > 0: events.append(.message(payload))
        default:
            if completedKeyExchanges == 0 { throw .unexpectedMessage(number: number, phase: "the first key exchange") }
            sendUnimplemented()
        }
    }

    /// RFC 4253 §7.1: between the server's KEXINIT and its NEWKEYS only messages 1–49 may arrive;
    /// strict kex (OpenSSH PROTOCOL §1.10) allows only the kex messages themselves in the first one,
    /// and requires KEXINIT to be the very first packet.
    private mutating func enforceKexOrdering(_ number: UInt8) throws(SSHProtocolError) {
        if completedKeyExchanges == 0 && !kex.hasReceivedServerKexInit && number != SSHMessageNumber.kexInit {
            packetsBeforeFirstKexInit += 1
        }
        if kex.hasReceivedServerKexInit {
            if number >= 50 || number == SSHMessageNumber.serviceRequest || number == SSHMessageNumber.serviceAccept {
                throw .unexpectedMessage(number: number, phase: "key exchange")
            }
            if strictKex && completedKeyExchanges == 0 && !(number == 20 || number == 21 || (30...49).contains(number)) {
                throw .strictKexViolation("message \(number) arrived during the initial key exchange")
            }
        }
    }

    private mutating func handleTransportMessage(_ payload: ByteBuffer, number: UInt8) throws(SSHProtocolError) {
        var body = payload
        let message: SSHMessage
        do {
            message = try SSHMessage.parse(&body)
        } catch {
            throw .malformedMessage("transport message \(number): \(error)")
        }
        switch message {
        case let .disconnect(disconnect):
            close(.disconnectedByPeer(reasonCode: disconnect.reasonCode,
                                      description: sanitizedPeerText(disconnect.descriptionBytes, maxLength: 512)), notifyPeer: false)
        case .ignore:
            break
        case let .debug(debug):
            events.append(.debugMessage(sanitizedPeerText(debug.message, maxLength: 512)))
        case let .unimplemented(unimplemented):
            if case .sentKexInit = kex, completedKeyExchanges > 0 {
                throw .keyExchangeFailed("the server answered our KEXINIT with UNIMPLEMENTED: it does not support a key re-exchange now")
            }
            events.append(.peerUnimplemented(sequenceNumber: unimplemented.sequenceNumber))
        case let .serviceAccept(accept):
            guard completedKeyExchanges > 0, serviceRequested == accept.serviceName else {
                throw .unexpectedMessage(number: number, phase: "transport (no such service was requested)")
            }
            serviceRequested = nil
            events.append(.serviceAccepted(accept.serviceName))
        case let .extInfo(info):
            guard completedKeyExchanges > 0 else { throw .unexpectedMessage(number: number, phase: "the first key exchange") }
            events.append(.serverExtensions(serverSignatureAlgorithms: try Self.serverSignatureAlgorithms(info)))
        default:
            sendUnimplemented()
        }
    }

    /// `server-sig-algs` from EXT_INFO (RFC 8308 §3.1), a name-list.
    private static func serverSignatureAlgorithms(_ info: ExtInfo) throws(SSHProtocolError) -> [String]? {
        guard let entry = info.extensions.first(where: { $0.name == "server-sig-algs" }) else { return nil }
        var value = entry.value
        do {
            return try value.readSSHRawNameList()
        } catch {
            throw .malformedMessage("server-sig-algs: \(error)")
        }
    }

    /// Answers the last received packet with UNIMPLEMENTED (RFC 4253 §11.4).
    package mutating func sendUnimplemented() {
        var payload = ByteBuffer()
        Unimplemented(sequenceNumber: decoder.sequenceNumber &- 1).write(to: &payload)
        send(payload: payload)
    }

    // MARK: - Outbound

    mutating func writePacket(_ payload: ByteBuffer) {
        writePacket(OutboundMessage(payload))
    }

    mutating func writePacket(_ message: OutboundMessage) {
        do {
            try encoder.encode(payload: message.head, body: message.body, into: &outbound)
            bytesSinceKex.outbound &+= UInt64(message.byteCount)
        } catch {
            close(error, notifyPeer: false)
        }
    }

    mutating func checkRekeyVolume() {
        guard completedKeyExchanges > 0, case .idle = kex, !isClosed else { return }
        if bytesSinceKex.inbound >= rekeyBytesLimit || bytesSinceKex.outbound >= rekeyBytesLimit {
            initiateRekey()
        }
    }

    /// Closes with `error`, sending DISCONNECT first when `notifyPeer` is true.
    package mutating func close(_ error: SSHProtocolError, notifyPeer: Bool) {
        guard !isClosed else { return }
        if notifyPeer {
            var payload = ByteBuffer()
            Disconnect(reasonCode: error.disconnectReasonCode, description: error.description, languageTag: "").write(to: &payload)
            writePacket(payload)
        }
        isClosed = true
        isPaused = false
        events.append(.closed(error))
    }
}

extension ByteBuffer {
    /// Reads a whole buffer as the text of a name-list (the value of an EXT_INFO entry is the bare
    /// name-list bytes, RFC 8308 §3.1).
    mutating func readSSHRawNameList() throws -> [String] {
        var framed = ByteBuffer()
        framed.writeSSHString(self)
        moveReaderIndex(to: writerIndex)
        return try framed.readSSHNameList() ?? []
    }
}
