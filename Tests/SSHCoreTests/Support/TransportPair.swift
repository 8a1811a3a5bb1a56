import NIOCore
import SSHCore
import SSHCrypto

/// Drives a `ClientTransport` against a `ScriptedServer` in memory, moving bytes in chunks of a chosen
/// size (1 = byte by byte), for a bounded number of steps.
struct TransportPair {
    var client: ClientTransport
    var server: ScriptedServer
    var events: [ClientTransportEvent] = []
    var serverError: (any Error)?
    var acceptHostKey = true
    var clientToServerTranscript: [UInt8] = []

    init(configuration: ClientTransportConfiguration = .init(), server: ScriptedServer, clientSeed: UInt8 = 7) {
        client = ClientTransport(configuration: configuration, randomSource: DeterministicRandomSource(seed: [clientSeed]))
        self.server = server
    }

    /// Starts both sides and runs until neither has anything left to say.
    mutating func start(chunkSize: Int = 4096) {
        server.start()
        client.start()
        run(chunkSize: chunkSize)
    }

    mutating func run(chunkSize: Int = 4096, maxSteps: Int = 1_000_000) {
        var steps = 0
        while steps < maxSteps {
            steps += 1
            var moved = false
            if let bytes = client.takeOutbound() {
                moved = true
                clientToServerTranscript += Array(bytes.readableBytesView)
                for chunk in Self.chunks(bytes, size: chunkSize) where serverError == nil {
                    var piece = chunk
                    do { try server.receive(&piece) } catch { serverError = error }
                }
            }
            if let bytes = server.takeOutbound() {
                moved = true
                for chunk in Self.chunks(bytes, size: chunkSize) {
                    var piece = chunk
                    client.receive(&piece)
                    collectEvents()
                }
            }
            collectEvents()
            if !moved { return }
        }
    }

    private mutating func collectEvents() {
        for event in client.takeEvents() {
            events.append(event)
            if case .hostKeyVerificationRequired = event {
                client.hostKeyDecision(accepted: acceptHostKey, reason: "test policy refused the key")
            }
        }
    }

    static func chunks(_ buffer: ByteBuffer, size: Int) -> [ByteBuffer] {
        var rest = buffer
        var result: [ByteBuffer] = []
        while rest.readableBytes > 0, let piece = rest.readSlice(length: min(size, rest.readableBytes)) {
            result.append(piece)
        }
        return result
    }

    var closeReason: SSHProtocolError? {
        for event in events { if case let .closed(reason) = event { return reason } }
        return nil
    }

    var serviceAccepted: Bool {
        events.contains { if case .serviceAccepted("ssh-userauth") = $0 { return true } else { return false } }
    }

    var negotiated: [NegotiatedAlgorithms] {
        events.compactMap { if case let .keyExchangeCompleted(algorithms, _) = $0 { return algorithms } else { return nil } }
    }
}
