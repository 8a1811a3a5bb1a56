import Logging
import SSHCrypto
import Synchronization

/// Hands the forwarder an SSH client: a fixed one, or one it keeps alive by reconnecting with backoff.
package final class ClientSupervisor: Sendable {
    private struct State {
        var client: SSHClient?
        var waiters: [Int: CheckedContinuation<SSHClient?, Never>] = [:]
        var nextWaiter = 0
        var stopped = false
        var gaveUp = false
    }

    private let state = Mutex(State())
    private let connect: (@Sendable () async throws -> SSHClient)?
    private let policy: ReconnectPolicy
    private let logger: Logger
    private let events: AsyncStream<ForwarderEvent>.Continuation
    private let supervisor = Mutex<Task<Void, Never>?>(nil)

    /// A supervisor for a client the caller owns: no reconnect.
    package init(fixed client: SSHClient, logger: Logger, events: AsyncStream<ForwarderEvent>.Continuation) {
        connect = nil
        policy = ReconnectPolicy()
        self.logger = logger
        self.events = events
        state.withLock { $0.client = client }
    }

    /// A supervisor that connects with `connect` and reconnects by `policy` whenever the client dies.
    package init(connect: @escaping @Sendable () async throws -> SSHClient, initial: SSHClient, policy: ReconnectPolicy,
         logger: Logger, events: AsyncStream<ForwarderEvent>.Continuation) {
        self.connect = connect
        self.policy = policy
        self.logger = logger
        self.events = events
        state.withLock { $0.client = initial }
        events.yield(.connected(serverVersion: initial.serverVersion))
        let task = Task { [self] in await self.superviseLoop(initial) }
        supervisor.withLock { $0 = task }
    }

    /// The client in use right now, if it is connected; never waits.
    var activeClient: SSHClient? {
        guard let client = state.withLock({ $0.client }), client.isActive else { return nil }
        return client
    }

    /// The current client, waiting up to the policy's connection wait time while reconnecting; nil when
    /// none comes in time.
    func currentClient() async -> SSHClient? {
        if let client = state.withLock({ $0.client }), client.isActive { return client }
        guard connect != nil else { return nil }
        let timeout = policy.connectionWaitTimeout
        return await withTaskGroup(of: SSHClient?.self) { group in
            group.addTask { await self.waitForClient() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            self.releaseWaiters()
            return first
        }
    }

    /// Stops reconnecting and closes a client this supervisor opened.
    package func stop(closeClient: Bool) async {
        let (client, task) = state.withLock { state -> (SSHClient?, Task<Void, Never>?) in
            state.stopped = true
            return (state.client, supervisor.withLock { $0 })
        }
        task?.cancel()
        releaseWaiters()
        if closeClient, let client { await client.close() }
        events.finish()
    }

    private func waitForClient() async -> SSHClient? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SSHClient?, Never>) in
                let immediate: SSHClient?? = state.withLock { state in
                    if let client = state.client, client.isActive { return .some(client) }
                    if state.stopped || state.gaveUp || Task.isCancelled { return .some(nil) }
                    let id = state.nextWaiter
                    state.nextWaiter += 1
                    state.waiters[id] = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.releaseWaiters()
        }
    }

    /// Resumes every waiter with the current client (or nil).
    private func releaseWaiters() {
        let (waiters, client) = state.withLock { state -> ([CheckedContinuation<SSHClient?, Never>], SSHClient?) in
            defer { state.waiters.removeAll() }
            return (Array(state.waiters.values), state.client.flatMap { $0.isActive ? $0 : nil })
        }
        for waiter in waiters { waiter.resume(returning: client) }
    }

    private func superviseLoop(_ initial: SSHClient) async {
        guard let connect else { return }
        var client = initial
        while !Task.isCancelled {
            let reason = await client.waitUntilClosed()
            if state.withLock({ $0.stopped }) { return }
            let why = reason?.description ?? "the connection closed"
            logger.warning("SSH connection lost; reconnecting", metadata: ["reason": "\(why)"])
            events.yield(.disconnected(reason: why))
            state.withLock { $0.client = nil }
            guard let next = await reconnect(connect) else { return }
            client = next
            state.withLock { $0.client = next }
            events.yield(.connected(serverVersion: next.serverVersion))
            releaseWaiters()
        }
    }

    private func reconnect(_ connect: @Sendable () async throws -> SSHClient) async -> SSHClient? {
        var attempt = 1
        while !Task.isCancelled {
            attempt += 1
            let fraction = Double(SystemRandomSource().bytes(1)[0]) / 256
            let delay = policy.delay(beforeAttempt: attempt, randomFraction: fraction)
            events.yield(.reconnecting(attempt: attempt - 1, delay: delay))
            logger.info("reconnecting", metadata: ["attempt": "\(attempt - 1)", "delay": "\(delay)"])
            do {
                try await Task.sleep(for: delay)
                return try await connect()
            } catch is CancellationError {
                return nil
            } catch {
                logger.warning("reconnect attempt failed", metadata: ["attempt": "\(attempt - 1)", "reason": "\(error)"])
                events.yield(.reconnectFailed(attempt: attempt - 1, reason: "\(error)"))
                if let maximum = policy.maximumAttempts, attempt - 1 >= maximum {
                    events.yield(.gaveUp(reason: "\(maximum) reconnect attempts failed; the last: \(error)"))
                    state.withLock { $0.gaveUp = true }
                    releaseWaiters()
                    return nil
                }
            }
        }
        return nil
    }
}
