import Logging
import SwiftSSH

/// The tunnel once it runs: one supervised SSH connection (reconnecting with backoff) and a
/// `LocalForwarder` per forward sharing it.
final class RunningTunnel: Sendable {
    private let connector: TunnelConnector
    private let supervisor: ClientSupervisor
    private let forwarders: [LocalForwarder]
    private let eventTask: Task<Void, Never>

    /// One `Forwarding <bind>:<port> -> <host>:<hostport>` line per forward, with the real ports.
    let forwardingLines: [String]

    private init(connector: TunnelConnector, supervisor: ClientSupervisor, forwarders: [LocalForwarder], eventTask: Task<Void, Never>) {
        self.connector = connector
        self.supervisor = supervisor
        self.forwarders = forwarders
        self.eventTask = eventTask
        forwardingLines = forwarders.map { forwarder in
            let bind = SSHForwardSpecification.bracketed(forwarder.localAddress.ipAddress ?? "?")
            return "Forwarding \(bind):\(forwarder.localPort) -> \(SSHForwardSpecification.bracketed(forwarder.target.host)):\(forwarder.target.port)"
        }
    }

    /// Connects, then listens on every forward; throws (having closed everything) if either fails.
    static func start(connector: TunnelConnector, settings: TunnelSettings, console: Console, logger: Logger) async throws -> RunningTunnel {
        let first = try await connector.connect()
        let (events, continuation) = AsyncStream<ForwarderEvent>.makeStream()
        let supervisor = ClientSupervisor(connect: { try await connector.connect() }, initial: first, policy: ReconnectPolicy(),
                                          logger: logger, events: continuation)
        var forwarders: [LocalForwarder] = []
        do {
            for forward in settings.forwards {
                forwarders.append(try await LocalForwarder.start(
                    supervisor: supervisor, ownsClient: false, events: events, bindHost: forward.effectiveBindAddress,
                    bindPort: forward.bindPort, targetHost: forward.host, targetPort: forward.hostPort, logger: logger))
            }
        } catch {
            for forwarder in forwarders { await forwarder.stop(gracePeriod: .zero) }
            await supervisor.stop(closeClient: true)
            await connector.closeJumps()
            throw error
        }
        let eventTask = Task {
            for await event in events {
                switch event {
                case .connected: break
                case let .disconnected(reason): console.note("connection lost (\(reason)); reconnecting")
                case let .reconnecting(attempt, delay): logger.info("reconnect attempt \(attempt) in \(delay)")
                case let .reconnectFailed(attempt, reason): console.note("reconnect attempt \(attempt) failed: \(reason)")
                case let .gaveUp(reason): console.note("gave up reconnecting: \(reason)")
                }
            }
        }
        return RunningTunnel(connector: connector, supervisor: supervisor, forwarders: forwarders, eventTask: eventTask)
    }

    /// Stops accepting, gives open connections a moment to finish, closes the SSH connection(s).
    func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for forwarder in forwarders { group.addTask { await forwarder.stop(gracePeriod: .seconds(2)) } }
        }
        await supervisor.stop(closeClient: true)
        await connector.closeJumps()
        eventTask.cancel()
    }
}
