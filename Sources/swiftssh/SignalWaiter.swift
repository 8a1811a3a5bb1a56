import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Turns SIGINT and SIGTERM into an awaitable event: the default handlers (which would kill the
/// process at once) are ignored and Dispatch signal sources report the signal instead, so the tunnel
/// can stop its forwarders and close its connection before exiting with status 0.
final class SignalWaiter: Sendable {
    private struct State {
        var received: Int32?
        var waiter: CheckedContinuation<Int32, Never>?
    }

    /// The process-wide waiter; `install()` must run before any signal is expected.
    static let shared = SignalWaiter()

    private let state = Mutex(State())
    private let sources = Mutex<[any DispatchSourceSignal]>([])

    /// Ignores the default SIGINT and SIGTERM actions (and SIGPIPE) and starts listening for the first two (idempotent).
    func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            // A reader that closed our stdout pipe must not kill the tunnel: writes then fail with EPIPE instead.
            signal(SIGPIPE, SIG_IGN)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in self.deliver(number) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Whether SIGINT or SIGTERM has arrived.
    var hasReceivedSignal: Bool { state.withLock { $0.received != nil } }

    /// Waits for SIGINT or SIGTERM (returns at once if one already came) and returns its number.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let ready: Int32? = state.withLock { state in
                if let received = state.received { return received }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func deliver(_ number: Int32) {
        let waiter = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            if state.received == nil { state.received = number }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: number)
    }
}
