import HostileServer
import NIOCore
import SSHCore
import SSHCrypto
import Testing

/// Drives the sans-IO `ClientConnectionCore` against a `HostileServer` in memory: bytes move in
/// chunks of `chunkSize` (1 = byte by byte), within a step budget and a wall-clock deadline, and the
/// client's inbound buffering is sampled after every chunk.
struct HostileHarness {
    var client: ClientConnectionCore
    var server: HostileServer
    var events: [ClientConnectionEvent] = []
    var chunkSize = 4096
    /// The largest inbound byte count and receive-buffer capacity seen.
    var peakBuffered = 0
    var peakCapacity = 0
    /// The largest single batch of bytes the client wanted to send.
    var peakOutbound = 0
    /// True when the last `run` stopped because neither side had anything left to say.
    var reachedQuiescence = false
    var elapsed: Duration = .zero
    private var started = false
    /// When true, host-key decisions wait for `decideHostKey()` (the NIO layer asks a validator).
    var defersHostKeyDecision = false

    /// The limits every case checks: one maximum packet (256 KiB) plus a chunk, twice over for the
    /// buffer's growth policy; and a deadline far above what a healthy case needs.
    var bufferedLimit = 256 * 1024 + 64 * 1024 + 4096
    var capacityLimit = 1 << 20
    static let deadline: Duration = .seconds(20)

    init(_ script: [HostileStep], offer: HostileOffer = HostileOffer(),
         configuration: ClientConnectionConfiguration = HostileHarness.defaultConfiguration(), chunkSize: Int = 4096) throws {
        var server = try HostileServer(script: script)
        server.offer = offer
        self.server = server
        client = ClientConnectionCore(configuration: configuration, randomSource: DeterministicRandomSource(seed: [9, 9]))
        self.chunkSize = chunkSize
    }

    static func defaultConfiguration(credentials: [UserAuthCredential] = []) -> ClientConnectionConfiguration {
        ClientConnectionConfiguration(authentication: UserAuthConfiguration(user: "tester", credentials: credentials))
    }

    /// Runs until quiescent, out of steps, or past the deadline.
    mutating func run(maxSteps: Int = 200_000) {
        let clock = ContinuousClock()
        let start = clock.now
        if !started {
            started = true
            client.start()
        }
        server.pump()
        reachedQuiescence = false
        var steps = 0
        while steps < maxSteps, clock.now - start < Self.deadline {
            steps += 1
            var moved = false
            if let bytes = client.takeOutbound() {
                moved = true
                peakOutbound = max(peakOutbound, bytes.readableBytes)
                server.receive(Array(bytes.readableBytesView))
            }
            let bytes = server.takeOutbound()
            if !bytes.isEmpty {
                moved = true
                var offset = 0
                while offset < bytes.count {
                    let end = min(offset + chunkSize, bytes.count)
                    var chunk = ByteBuffer(bytes: bytes[offset..<end])
                    offset = end
                    client.receive(&chunk)
                    let footprint = client.transport.inboundFootprint
                    peakBuffered = max(peakBuffered, footprint.buffered)
                    peakCapacity = max(peakCapacity, footprint.capacity)
                    collectEvents()
                }
            }
            collectEvents()
            if !moved {
                reachedQuiescence = true
                break
            }
        }
        elapsed += clock.now - start
    }

    private mutating func collectEvents() {
        for event in client.takeEvents() {
            events.append(event)
            switch event {
            case .hostKeyVerificationRequired where !defersHostKeyDecision:
                client.hostKeyDecision(accepted: true, reason: "")
            case let .authentication(.challenge(challenge)):
                client.provideResponses(Array(repeating: "answer", count: challenge.prompts.count))
            default:
                break
            }
        }
    }

    // MARK: - What happened

    /// The transport error the connection ended with, if it ended that way.
    var transportError: SSHProtocolError? {
        for event in events { if case let .closed(.transport(error)) = event { return error } }
        return nil
    }

    /// The authentication report the connection ended with, if any.
    var authenticationFailure: UserAuthFailureReport? {
        for event in events { if case let .closed(.authentication(report)) = event { return report } }
        return nil
    }

    var isAuthenticated: Bool { client.isAuthenticated }

    var connectionEvents: [ConnectionEvent] {
        events.compactMap { if case let .connection(event) = $0 { return event } else { return nil } }
    }

    var debugMessages: [String] {
        events.compactMap { if case let .debugMessage(text) = $0 { return text } else { return nil } }
    }

    var banners: [String] {
        events.compactMap { if case let .authentication(.banner(text)) = $0 { return text } else { return nil } }
    }

    var serverIdentification: String? {
        for event in events { if case let .serverIdentification(text) = event { return text } }
        return nil
    }

    /// Message numbers the client sent, in order.
    var clientMessageNumbers: [UInt8] { server.received.compactMap(\.first) }

    // MARK: - Shared checks

    /// Checks what every case must hold: finished in time without running out of steps, the
    /// server's script did not break, and inbound buffering stayed under its limits.
    func expectHealthy(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reachedQuiescence, "the exchange did not settle within the step budget", sourceLocation: sourceLocation)
        #expect(elapsed < Self.deadline, "took \(elapsed)", sourceLocation: sourceLocation)
        #expect(server.failure == nil, "hostile server failed: \(String(describing: server.failure))", sourceLocation: sourceLocation)
        #expect(peakBuffered <= bufferedLimit, "buffered \(peakBuffered) bytes", sourceLocation: sourceLocation)
        #expect(peakCapacity <= capacityLimit, "receive buffer grew to \(peakCapacity) bytes", sourceLocation: sourceLocation)
    }

    /// The connection ended with exactly `expected`, told the server why (DISCONNECT, when the
    /// error allows a reply), and the client holds nothing more.
    func expectClosed(with expected: SSHProtocolError, notifiesPeer: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        expectHealthy(sourceLocation: sourceLocation)
        #expect(transportError == expected, "closed with \(String(describing: transportError))", sourceLocation: sourceLocation)
        let isClosed = client.isClosed
        #expect(isClosed, sourceLocation: sourceLocation)
        if notifiesPeer {
            #expect(clientMessageNumbers.last == HostileMessage.disconnect, "the client did not send DISCONNECT last", sourceLocation: sourceLocation)
        }
    }

    /// The connection is still up.
    func expectAlive(sourceLocation: SourceLocation = #_sourceLocation) {
        expectHealthy(sourceLocation: sourceLocation)
        let isClosed = client.isClosed
        #expect(!isClosed, "closed with \(String(describing: transportError)) \(String(describing: authenticationFailure))",
                sourceLocation: sourceLocation)
    }

    /// A follow-up round trip: the client sends a keepalive, the server answers it, and the client
    /// sees the reply. Requires an authenticated connection.
    mutating func expectKeepaliveRoundTrip(sourceLocation: SourceLocation = #_sourceLocation) {
        let repliesBefore = connectionEvents.filter { $0 == .globalRequestReply(success: true) }.count
        server.append([.forgetReceived] + HostileScript.keepaliveReply)
        client.sendKeepalive()
        run()
        expectAlive(sourceLocation: sourceLocation)
        let repliesAfter = connectionEvents.filter { $0 == .globalRequestReply(success: true) }.count
        #expect(repliesAfter == repliesBefore + 1, "no keepalive reply arrived", sourceLocation: sourceLocation)
    }

    /// A follow-up round trip on channel `id`: the client sends bytes, the server echoes them to our
    /// channel, and the client reports them.
    mutating func expectChannelEcho(channel id: UInt32 = 0, sourceLocation: SourceLocation = #_sourceLocation) {
        let marker = ByteBuffer(string: "round trip \(events.count)")
        server.append([.forgetReceived, .awaitMessage(HostileMessage.channelData), .echoLastChannelData(recipient: id)])
        client.withConnection { connection in
            var data = marker
            connection.send(&data, on: id)
        }
        run()
        expectAlive(sourceLocation: sourceLocation)
        #expect(connectionEvents.contains(.data(channel: id, marker)), "the echo did not arrive", sourceLocation: sourceLocation)
    }

    /// Opens a direct-tcpip channel from the client (the script must confirm it).
    mutating func openChannel() {
        _ = client.withConnection { $0.openDirectTCPIP(host: "db.internal", port: 5432, originatorAddress: "127.0.0.1", originatorPort: 1) }
        run()
    }
}

/// True when `text` holds no C0 control, DEL or C1 control character.
func isFreeOfControlCharacters(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
}
