import SSHCrypto

/// A test-only SSH server that does real cryptography (X25519 or P-256 ECDH, an Ed25519 host key,
/// the packet ciphers) with its own encoders, and otherwise does exactly what its script says. It is
/// sans-IO: feed it the client's bytes with `receive`, take what it sends with `takeOutbound`.
public struct HostileServer {
    /// The steps still to run.
    public private(set) var script: [HostileStep]
    /// Our KEXINIT lists.
    public var offer = HostileOffer()
    /// The Ed25519 host key.
    public let hostKey: Ed25519PrivateKey
    /// The identification string used in the exchange hash (set by the `version` step).
    public private(set) var serverVersion = "SSH-2.0-HostileServer_1.0"
    /// Every payload the client sent, in order.
    public private(set) var received: [[UInt8]] = []
    /// The payload the last `awaitMessage` matched.
    public private(set) var lastAwaited: [UInt8]?
    /// The sequence number the last `tampered` packet went out with.
    public private(set) var lastTamperedSequenceNumber: UInt32?
    /// True once the script ran a `stopReading` step.
    public private(set) var wantsReadingStopped = false
    /// True once the script ran a `close` step.
    public private(set) var isClosed = false
    /// True once every step ran.
    public var isFinished: Bool { next >= script.count }
    /// Why the server stopped on its own (a client packet it could not read).
    public private(set) var failure: HostileServerError?
    /// The next outbound sequence number.
    public private(set) var outboundSequenceNumber: UInt32 = 0

    private var next = 0
    private var consumed = 0
    private let random: DeterministicRandomSource
    private var outbound: [UInt8] = []
    private var lastPacket: [UInt8] = []
    private var outCipher = HostileCipher()
    private var inCipher = HostileCipher()
    private var pendingOutCipher: HostileCipher?
    private var pendingInCipher: HostileCipher?
    private var inboundSequenceNumber: UInt32 = 0
    private var inbound: [UInt8] = []
    private var pendingLength: UInt32?
    private var clientVersion: String?
    private var clientKexInit: [UInt8]?
    private var serverKexInit: [UInt8]?
    private var sessionID: [UInt8]?
    private var strict = false
    private var completedKex = 0

    /// Creates a server that will run `script`; `seed` fixes its host key and randomness.
    public init(script: [HostileStep], seed: UInt8 = 3) throws {
        self.script = script
        random = DeterministicRandomSource(seed: [seed, 0x48])
        hostKey = try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: seed, count: 32)))
    }

    /// Our host key as an SSH public-key blob (RFC 8709 §4).
    public var hostKeyBlob: [UInt8] { HostileWire.string("ssh-ed25519") + HostileWire.string(hostKey.publicKey.rawRepresentation) }

    /// Appends steps to the script (a test adds the next act after checking the client).
    public mutating func append(_ steps: [HostileStep]) { script += steps }

    /// Takes the bytes to send to the client.
    public mutating func takeOutbound() -> [UInt8] {
        defer { outbound.removeAll(keepingCapacity: true) }
        return outbound
    }

    /// Runs steps until one waits for the client or the script ends.
    public mutating func pump() {
        while next < script.count, !isClosed, failure == nil {
            do {
                guard try run(script[next]) else { return }
            } catch let error as HostileServerError {
                failure = error
                return
            } catch {
                failure = .scriptFailed("step \(next): \(error)")
                return
            }
            next += 1
        }
    }

    /// Feeds the client's bytes, then runs the script as far as it goes.
    public mutating func receive(_ bytes: [UInt8]) {
        guard !isClosed, failure == nil else { return }
        inbound += bytes
        do {
            try decodeInbound()
        } catch let error as HostileServerError {
            failure = error
        } catch {
            failure = .clientPacketMalformed("\(error)")
        }
        pump()
    }

    // MARK: - Steps

    /// Runs one step; false when it must wait for the client.
    private mutating func run(_ step: HostileStep) throws -> Bool {
        switch step {
        case let .raw(bytes):
            outbound += bytes
        case let .version(text):
            serverVersion = text
            outbound += Array((text + "\r\n").utf8)
        case .kexInit:
            var payload = [HostileMessage.kexInit] + random.bytes(16)
            for list in [offer.kex, offer.hostKey, offer.ciphers, offer.ciphers, offer.macs, offer.macs,
                         offer.compression, offer.compression, [], []] {
                payload += HostileWire.nameList(list)
            }
            payload += HostileWire.bool(offer.firstKexPacketFollows) + HostileWire.uint32(0)
            serverKexInit = payload
            try sendPacket(payload)
        case let .kexInitPayload(payload):
            serverKexInit = payload
            try sendPacket(payload)
        case let .awaitMessage(number):
            guard let index = received[consumed...].firstIndex(where: { $0.first == number }) else { return false }
            lastAwaited = received[index]
            consumed = index + 1
        case let .kexReply(fault):
            try sendKexReply(fault: fault)
        case .newKeys:
            try sendPacket(HostileMessage.newKeysPayload)
            if let pendingOutCipher { outCipher = pendingOutCipher }
            pendingOutCipher = nil
            if strict { outboundSequenceNumber = 0 }
        case let .packet(payload):
            try sendPacket(payload)
        case let .lyingPadding(payload, declared):
            try sendPacket(payload, declaredPadding: declared)
        case let .paddedPacket(payload, padding):
            try sendPacket(payload, padding: padding)
        case let .declaredLength(length):
            var fake = HostileWire.uint32(length) + [UInt8](repeating: 0, count: 28)
            fake = try outCipher.seal(fake, sequenceNumber: outboundSequenceNumber)
            outbound += fake.prefix(outCipher.lengthPrefix)
        case let .tampered(payload, region):
            lastTamperedSequenceNumber = outboundSequenceNumber
            let start = outbound.count
            try sendPacket(payload)
            let index: Int
            let mask: UInt8
            switch region {
            case .length: (index, mask) = (start + 3, 0x10)
            case .payload: (index, mask) = (start + 6, 0x01)
            case .tag: (index, mask) = (outbound.count - 1, 0x80)
            }
            outbound[index] ^= mask
        case .replayLast:
            outbound += lastPacket
        case let .skipSequenceNumbers(count):
            outboundSequenceNumber &+= count
        case let .confirmChannel(sender, window, maximumPacket):
            guard let open = lastAwaited, open.first == HostileMessage.channelOpen else {
                throw HostileServerError.scriptFailed("confirmChannel without an awaited CHANNEL_OPEN")
            }
            var offset = 1
            guard HostileWire.readString(open, at: &offset) != nil, let clientChannel = HostileWire.readUInt32(open, at: offset) else {
                throw HostileServerError.clientPacketMalformed("CHANNEL_OPEN")
            }
            try sendPacket(HostileMessage.openConfirmation(recipient: clientChannel, sender: sender, window: window, maximumPacket: maximumPacket))
        case let .echoLastChannelData(recipient):
            guard let data = lastAwaited, data.first == HostileMessage.channelData else {
                throw HostileServerError.scriptFailed("echoLastChannelData without an awaited CHANNEL_DATA")
            }
            var offset = 5
            guard let bytes = HostileWire.readString(data, at: &offset) else { throw HostileServerError.clientPacketMalformed("CHANNEL_DATA") }
            try sendPacket(HostileMessage.channelData(recipient: recipient, bytes))
        case .stopReading:
            wantsReadingStopped = true
        case .forgetReceived:
            consumed = received.count
        case .close:
            isClosed = true
        }
        return true
    }

    // MARK: - Packets out

    /// Frames `payload` (RFC 4253 §6), seals it and queues it. `padding` forces the padding length;
    /// `declaredPadding` makes the padding-length byte lie.
    private mutating func sendPacket(_ payload: [UInt8], padding: Int? = nil, declaredPadding: UInt8? = nil) throws {
        let paddingLength = padding ?? Self.paddingLength(payloadCount: payload.count, cipher: outCipher)
        let packetLength = 1 + payload.count + paddingLength
        var packet = HostileWire.uint32(UInt32(packetLength)) + [declaredPadding ?? UInt8(truncatingIfNeeded: paddingLength)] + payload
        packet += random.bytes(paddingLength)
        let sealed = try outCipher.seal(packet, sequenceNumber: outboundSequenceNumber)
        outboundSequenceNumber &+= 1
        lastPacket = sealed
        outbound += sealed
    }

    /// The padding our encoder picks: the least that aligns the packet and is at least 4 (RFC 4253 §6).
    static func paddingLength(payloadCount: Int, cipher: HostileCipher) -> Int {
        let block = cipher.blockSize
        let fixed = cipher.lengthIsOutsideAlignment ? 1 + payloadCount : 5 + payloadCount
        let padding = block - fixed % block
        return padding < 4 ? padding + block : padding
    }

    /// The `packet_length` our encoder writes for a payload of `payloadCount` bytes under the
    /// protection now in force (tests use it to state exact framing errors).
    public func packetLength(payloadCount: Int) -> UInt32 {
        UInt32(1 + payloadCount + Self.paddingLength(payloadCount: payloadCount, cipher: outCipher))
    }

    // MARK: - Packets in

    private mutating func decodeInbound() throws {
        if clientVersion == nil {
            guard let newline = inbound.firstIndex(of: UInt8(ascii: "\n")) else { return }
            var line = Array(inbound[..<newline])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            clientVersion = String(decoding: line, as: UTF8.self)
            inbound.removeFirst(newline + 1)
        }
        while true {
            if pendingLength == nil {
                guard let length = try inCipher.packetLength(&inbound, sequenceNumber: inboundSequenceNumber) else { return }
                guard length >= 5, length <= 256 * 1024 else { throw HostileServerError.clientPacketMalformed("length \(length)") }
                pendingLength = length
            }
            guard let length = pendingLength else { return }
            let total = 4 + Int(length) + inCipher.tagLength
            guard inbound.count >= total else { return }
            try inCipher.open(&inbound, total: total, sequenceNumber: inboundSequenceNumber)
            let paddingLength = Int(inbound[4])
            guard paddingLength + 1 < Int(length) else { throw HostileServerError.clientPacketMalformed("padding \(paddingLength)") }
            let payload = Array(inbound[5..<(4 + Int(length) - paddingLength)])
            inbound.removeFirst(total)
            pendingLength = nil
            inboundSequenceNumber &+= 1
            try handleInbound(payload)
        }
    }

    private mutating func handleInbound(_ payload: [UInt8]) throws {
        received.append(payload)
        switch payload.first {
        case HostileMessage.kexInit:
            clientKexInit = payload
        case HostileMessage.newKeys:
            if let pendingInCipher { inCipher = pendingInCipher }
            pendingInCipher = nil
            if strict { inboundSequenceNumber = 0 }
            completedKex += 1
        default:
            break
        }
    }

    // MARK: - Key exchange

    private mutating func sendKexReply(fault: KexReplyFault) throws {
        guard let clientKexInit, let serverKexInit, let clientVersion else { throw HostileServerError.scriptFailed("kexReply before both KEXINITs") }
        guard let initMessage = received.last(where: { $0.first == HostileMessage.kexInitMessage }) else {
            throw HostileServerError.scriptFailed("kexReply before the client's KEX_ECDH_INIT")
        }
        let clientLists = try Self.nameLists(clientKexInit)
        let serverLists = try Self.nameLists(serverKexInit)
        func pick(_ index: Int) -> String? { clientLists[index].first { serverLists[index].contains($0) } }
        guard let kex = pick(0), let cipherIn = pick(2), let cipherOut = pick(3) else {
            throw HostileServerError.scriptFailed("no common algorithm")
        }
        let macIn = pick(4), macOut = pick(5)
        if completedKex == 0 {
            strict = clientLists[0].contains("kex-strict-c-v00@openssh.com") && serverLists[0].contains("kex-strict-s-v00@openssh.com")
        }
        var offset = 1
        guard let clientValue = HostileWire.readString(initMessage, at: &offset) else { throw HostileServerError.clientPacketMalformed("KEX_ECDH_INIT") }

        let secret: [UInt8]
        var serverValue: [UInt8]
        let digest: DigestAlgorithm
        switch kex {
        case "curve25519-sha256", "curve25519-sha256@libssh.org":
            let key = try X25519PrivateKey(randomSource: random)
            secret = try key.sharedSecret(peerPublicKey: clientValue).unsafeArrayCopy
            serverValue = key.publicKeyBytes
            digest = .sha256
        case "ecdh-sha2-nistp256":
            let key = try ECDHPrivateKey(curve: .p256, randomSource: random)
            secret = try key.sharedSecret(peerPoint: clientValue).unsafeArrayCopy
            serverValue = key.publicPoint
            digest = .sha256
        default:
            throw HostileServerError.scriptFailed("the hostile server does not implement \(kex)")
        }
        if case let .serverPublicValue(value) = fault { serverValue = value }
        var blob = hostKeyBlob
        var signer = hostKey
        if case let .hostKeyBlob(value) = fault { blob = value }
        if case let .otherHostKey(seed) = fault {
            signer = try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: seed, count: 32)))
            blob = HostileWire.string("ssh-ed25519") + HostileWire.string(signer.publicKey.rawRepresentation)
        }

        let hashedVersion = fault == .wrongExchangeHash ? serverVersion + "X" : serverVersion
        var transcript = HostileWire.string(clientVersion) + HostileWire.string(hashedVersion)
        transcript += HostileWire.string(clientKexInit) + HostileWire.string(serverKexInit) + HostileWire.string(blob)
        transcript += HostileWire.string(clientValue) + HostileWire.string(serverValue) + HostileWire.mpint(magnitude: secret)
        let exchangeHash = Digest.hash(digest, transcript)
        let session = sessionID ?? exchangeHash
        sessionID = session

        var signature = try signer.signature(for: exchangeHash)
        if fault == .corruptSignature { signature[0] ^= 0x01 }
        var algorithmName = "ssh-ed25519"
        if case let .signatureAlgorithmName(name) = fault { algorithmName = name }
        var reply = [HostileMessage.kexReply] + HostileWire.string(blob) + HostileWire.string(serverValue)
        reply += HostileWire.string(HostileWire.string(algorithmName) + HostileWire.string(signature))
        if fault == .trailingBytes { reply += [0, 0, 0, 0] }
        try sendPacket(reply)

        let derive = { (letter: UInt8, length: Int) -> [UInt8] in
            Self.deriveKey(digest: digest, secret: secret, exchangeHash: exchangeHash, letter: letter, sessionID: session, length: length)
        }
        pendingOutCipher = try Self.makeCipher(cipherOut, mac: macOut, derive: derive, ivLetter: 0x42, keyLetter: 0x44, macLetter: 0x46)
        pendingInCipher = try Self.makeCipher(cipherIn, mac: macIn, derive: derive, ivLetter: 0x41, keyLetter: 0x43, macLetter: 0x45)
    }

    /// RFC 4253 §7.2: K1 = HASH(K ‖ H ‖ letter ‖ session_id), K(n+1) = HASH(K ‖ H ‖ K1 ‖ … ‖ Kn).
    static func deriveKey(digest: DigestAlgorithm, secret: [UInt8], exchangeHash: [UInt8], letter: UInt8,
                          sessionID: [UInt8], length: Int) -> [UInt8] {
        let prefix = HostileWire.mpint(magnitude: secret) + exchangeHash
        var key = Digest.hash(digest, prefix + [letter] + sessionID)
        while key.count < length { key += Digest.hash(digest, prefix + key) }
        return Array(key.prefix(length))
    }

    static func makeCipher(_ name: String, mac: String?, derive: (UInt8, Int) -> [UInt8],
                           ivLetter: UInt8, keyLetter: UInt8, macLetter: UInt8) throws -> HostileCipher {
        let (keyLength, ivLength): (Int, Int)
        switch name {
        case "aes128-gcm@openssh.com": (keyLength, ivLength) = (16, 12)
        case "aes256-gcm@openssh.com": (keyLength, ivLength) = (32, 12)
        case "chacha20-poly1305@openssh.com": (keyLength, ivLength) = (64, 0)
        case "aes128-ctr": (keyLength, ivLength) = (16, 16)
        case "aes192-ctr": (keyLength, ivLength) = (24, 16)
        case "aes256-ctr": (keyLength, ivLength) = (32, 16)
        default: throw HostileServerError.scriptFailed("unknown cipher \(name)")
        }
        let isAEAD = name.contains("gcm") || name.contains("chacha")
        let macLength = isAEAD ? 0 : ((mac ?? "").contains("512") ? 64 : 32)
        return try HostileCipher(cipher: name, mac: isAEAD ? nil : mac, key: derive(keyLetter, keyLength),
                                 iv: ivLength > 0 ? derive(ivLetter, ivLength) : [], macKey: macLength > 0 ? derive(macLetter, macLength) : [])
    }

    /// The ten name-lists of a KEXINIT payload (RFC 4253 §7.1).
    static func nameLists(_ payload: [UInt8]) throws -> [[String]] {
        var offset = 17
        var lists: [[String]] = []
        for _ in 0..<10 {
            guard let bytes = HostileWire.readString(payload, at: &offset) else { throw HostileServerError.clientPacketMalformed("KEXINIT") }
            lists.append(bytes.isEmpty ? [] : String(decoding: bytes, as: UTF8.self).split(separator: ",").map(String.init))
        }
        return lists
    }
}
