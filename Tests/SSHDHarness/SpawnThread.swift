import Foundation

/// A dedicated, never-exiting thread from which every child process is spawned.
///
/// Children are launched through `setpriv --pdeathsig KILL`, and Linux delivers that signal when
/// the *thread* that forked the child exits, not the process. Swift concurrency and Dispatch retire
/// idle worker threads after a few seconds, which would kill a perfectly healthy sshd in the middle
/// of a test. Spawning from this one long-lived thread ties the child's lifetime to the test process.
final class SpawnThread: @unchecked Sendable {
    /// The single spawning thread of the process.
    static let shared = SpawnThread()

    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []  // guarded by `condition`

    private init() {
        let thread = Thread { [self] in self.serviceLoop() }
        thread.name = "SSHDHarness.spawn"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Runs `body` on the spawning thread and returns its result, waiting at most `timeout`.
    /// Returns nil if the thread did not get to the job in time (it never should: jobs are short).
    func perform<T: Sendable>(timeout: Duration = .seconds(30), _ body: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        pending.append {
            box.set(body())
            done.signal()
        }
        condition.signal()
        condition.unlock()
        let milliseconds = Int(timeout.components.seconds * 1000)
        guard done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return box.get()
    }

    /// Waits for jobs and runs them. This loop is the thread's whole life: it must never return
    /// (see the type's documentation), and each iteration blocks until there is work.
    private func serviceLoop() {
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            let jobs = pending
            pending.removeAll()
            condition.unlock()
            for job in jobs { job() }
        }
    }
}

/// A lock-protected slot for handing one value from the spawning thread back to the caller.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?

    func set(_ newValue: T) { lock.withLock { value = newValue } }
    func get() -> T? { lock.withLock { value } }
}
