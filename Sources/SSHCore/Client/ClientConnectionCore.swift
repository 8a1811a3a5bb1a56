import NIOCore
import SSHCrypto

/// Everything a client connection is configured with.
package struct ClientConnectionConfiguration: Sendable {
    /// Transport settings: algorithms, rekey limits.
    package var transport = ClientTransportConfiguration()
    /// Who we are and how we prove it.
    package var authentication: UserAuthConfiguration
    /// Channel flow control.
    package var flow = ChannelFlowConfiguration()
    /// Start user authentication once `ssh-userauth` is accepted; transport-level tests turn it off.
    package var startsAuthentication = true

    /// Creates a configuration with default transport and flow settings.
    package init(authentication: UserAuthConfiguration) { self.authentication = authentication }
}

/// Why a client connection ended.
package enum ClientConnectionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A protocol failure, a failed key exchange, or a DISCONNECT from the server.
    case transport(SSHProtocolError)
    /// No credential was accepted.
    case authentication(UserAuthFailureReport)

    package var description: String {
        switch self {
        case let .transport(error): return error.description
        case let .authentication(report): return report.description
        }
    }
}

/// What a client connection reports.
package enum ClientConnectionEvent: Sendable {
    /// The server's identification string.
    case serverIdentification(String)
    /// Decide on this host key with `hostKeyDecision(accepted:reason:)`.
    case hostKeyVerificationRequired(PublicKey, algorithm: String)
    /// A key exchange finished.
    case keyExchangeCompleted(NegotiatedAlgorithms, isFirst: Bool)
    /// The server accepted the `ssh-userauth` service (RFC 4253 §10); authentication starts now.
    case serviceAccepted
    /// A user-authentication event (banner, prompts, success, failure).
    case authentication(UserAuthEvent)
    /// A channel or global-request event.
    case connection(ConnectionEvent)
    /// A DEBUG message from the server.
    case debugMessage(String)
    /// The connection is over.
    case closed(ClientConnectionFailure)
}

/// A whole SSH client connection as one sans-IO state machine: transport (RFC 4253), user
/// authentication (RFC 4252) and the connection protocol (RFC 4254), routed by the RFC 4250 message
/// number ranges. The NIO adapter and in-memory tests drive this one type.
package struct ClientConnectionCore {
    /// The transport layer.
    package private(set) var transport: ClientTransport
    /// User authentication, once the server accepted `ssh-userauth`.
    package private(set) var authentication: UserAuthStateMachine?
    /// The connection protocol: channels and global requests.
    package var connection: ConnectionStateMachine
    private let configuration: ClientConnectionConfiguration
    private var serverSignatureAlgorithms: [String]?
    private var events: [ClientConnectionEvent] = []
    /// True once USERAUTH_SUCCESS arrived.
    package private(set) var isAuthenticated = false
    /// True once the connection is over.
    package private(set) var isClosed = false

    // The transport's state, read through these rather than through `transport`, and through a
    // `mutating get`: from another module, a plain getter on a core stored in a class makes the caller
    // copy the whole core first (retaining everything it holds), and the NIO adapter asks these on
    // every read and write. A mutating getter is handed the core in place.

    /// True while a key exchange holds back outbound non-kex messages (`ClientTransport.isOutboundPaused`).
    package var isOutboundPaused: Bool { mutating get { transport.isOutboundPaused } }
    /// True while a key exchange is running (`ClientTransport.isKeyExchangeInProgress`).
    package var isKeyExchangeInProgress: Bool { mutating get { transport.isKeyExchangeInProgress } }
    /// How many key exchanges finished (`ClientTransport.completedKeyExchanges`).
    package var completedKeyExchanges: Int { mutating get { transport.completedKeyExchanges } }

    /// Creates the core; call `start()` to begin.
    package init(configuration: ClientConnectionConfiguration, randomSource: any RandomSource) {
        self.configuration = configuration
        transport = ClientTransport(configuration: configuration.transport, randomSource: randomSource)
        transport.rekeyingAllowed = !configuration.startsAuthentication
        connection = ConnectionStateMachine(flow: configuration.flow)
    }

    /// Sends the identification string and the first KEXINIT.
    package mutating func start() {
        transport.start()
        drain()
    }

    /// Feeds bytes from the server.
    package mutating func receive(_ bytes: inout ByteBuffer) {
        transport.receive(&bytes)
        drain()
    }

    /// Answers `hostKeyVerificationRequired`.
    package mutating func hostKeyDecision(accepted: Bool, reason: String) {
        transport.hostKeyDecision(accepted: accepted, reason: reason)
        drain()
    }

    /// Answers a keyboard-interactive challenge.
    package mutating func provideResponses(_ responses: [String]) {
        authentication?.provideResponses(responses)
        drain()
    }

    /// Gives the core the monotonic time (time-based rekeying).
    package mutating func tick(now: Duration) {
        transport.tick(now: now)
        drain()
    }

    /// Runs a mutation of the connection layer (open, send, consume, EOF, close) and sends its output.
    package mutating func withConnection<Result>(_ body: (inout ConnectionStateMachine) -> Result) -> Result {
        let result = body(&connection)
        drain()
        return result
    }

    /// Sends SSH_MSG_IGNORE carrying `data` (RFC 4253 §11.2).
    package mutating func sendIgnore(_ data: ByteBuffer) {
        transport.sendIgnore(data)
        drain()
    }

    /// Starts a client-initiated rekey (RFC 4253 §9).
    package mutating func initiateRekey() {
        transport.initiateRekey()
        drain()
    }

    /// Sends a keepalive global request (OpenSSH's ServerAliveInterval probe).
    package mutating func sendKeepalive() {
        guard isAuthenticated else { return }
        connection.sendKeepalive()
        drain()
    }

    /// Sends DISCONNECT (by application) and closes.
    package mutating func disconnect(description: String = "closed by the client") {
        transport.disconnect(description: description)
        drain()
    }

    /// Takes the bytes to write to the socket.
    package mutating func takeOutbound() -> ByteBuffer? { transport.takeOutbound() }

    /// Takes the events that happened.
    package mutating func takeEvents() -> [ClientConnectionEvent] {
        events.takeAll()
    }

    /// Moves events and payloads between the layers until nothing is left to move.
    private mutating func drain() {
        var progress = true
        while progress {
            progress = false
            for event in transport.takeEvents() {
                progress = true
                handleTransportEvent(event)
            }
            // Mutated in place (optional chaining), not copied out and back: a copy would make the
            // state machine's arrays shared, and taking from them would then reallocate.
            if let payloads = authentication?.takeOutbound() {
                for payload in payloads { progress = true; transport.send(payload: payload) }
            }
            if let authEvents = authentication?.takeEvents() {
                for event in authEvents { progress = true; handleAuthEvent(event) }
            }
            let messages = connection.takeOutbound()
            if messages.count > 1 {
                transport.reserveOutbound(payloadBytes: messages.reduce(0) { $0 + $1.byteCount }, packets: messages.count)
            }
            for message in messages { progress = true; transport.send(message) }
            for event in connection.takeEvents() { progress = true; events.append(.connection(event)) }
        }
    }

    private mutating func handleTransportEvent(_ event: ClientTransportEvent) {
        switch event {
        case let .serverIdentification(version): events.append(.serverIdentification(version))
        case let .hostKeyVerificationRequired(key, algorithm): events.append(.hostKeyVerificationRequired(key, algorithm: algorithm))
        case let .keyExchangeCompleted(algorithms, isFirst): events.append(.keyExchangeCompleted(algorithms, isFirst: isFirst))
        case let .serverExtensions(algorithms):
            serverSignatureAlgorithms = algorithms
            authentication?.serverSignatureAlgorithms = algorithms
        case .serviceAccepted:
            guard configuration.startsAuthentication else {
                events.append(.serviceAccepted)
                return
            }
            guard authentication == nil, let sessionID = transport.sessionID else { return }
            var auth = UserAuthStateMachine(configuration: configuration.authentication, sessionID: sessionID,
                                            serverSignatureAlgorithms: serverSignatureAlgorithms)
            auth.start()
            authentication = auth
            events.append(.serviceAccepted)
        case let .message(payload):
            route(payload)
            // Report this message's connection events now, before any later transport event (a
            // DISCONNECT in the same read would otherwise overtake the last channel data).
            for event in connection.takeEvents() { events.append(.connection(event)) }
        case let .debugMessage(text): events.append(.debugMessage(text))
        case .peerUnimplemented: break
        case let .closed(error):
            guard !isClosed else { return }
            isClosed = true
            events.append(.closed(.transport(error)))
        }
    }

    private mutating func handleAuthEvent(_ event: UserAuthEvent) {
        switch event {
        case .authenticated:
            isAuthenticated = true
            transport.rekeyingAllowed = true
        case let .failed(report):
            events.append(.authentication(event))
            transport.disconnect(reasonCode: 14, description: "no more authentication methods available")
            _ = transport.takeEvents()
            if !isClosed {
                isClosed = true
                events.append(.closed(.authentication(report)))
            }
            return
        default: break
        }
        events.append(.authentication(event))
    }

    /// RFC 4250 §4.1.2: 50–79 user authentication, 80–127 connection protocol; the rest is unknown.
    private mutating func route(_ payload: ByteBuffer) {
        let number = payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0
        do {
            switch number {
            case 50...79:
                guard var auth = authentication else { throw SSHProtocolError.unexpectedMessage(number: number, phase: "transport (authentication has not started)") }
                try auth.receive(payload)
                // Handle the outcome before the next message: the server may send connection-layer
                // messages (e.g. hostkeys-00@openssh.com) right behind USERAUTH_SUCCESS.
                for payload in auth.takeOutbound() { transport.send(payload: payload) }
                let authEvents = auth.takeEvents()
                authentication = auth
                for event in authEvents { handleAuthEvent(event) }
            case 80...127:
                guard isAuthenticated else { throw SSHProtocolError.unexpectedMessage(number: number, phase: "user authentication") }
                try connection.receive(payload)
            default:
                transport.sendUnimplemented()
            }
        } catch let error as SSHProtocolError {
            transport.close(error, notifyPeer: true)
        } catch {
            transport.close(.malformedMessage("\(error)"), notifyPeer: true)
        }
    }
}
