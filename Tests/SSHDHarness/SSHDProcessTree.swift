import Foundation
import Glibc

/// Signals an sshd instance together with everything it spawned. sshd's per-connection children
/// call `setsid()`, so the listener's process group alone does not reach them; they are found as
/// descendants (by parent id) and as processes still holding files in the instance's directory.
enum SSHDProcessTree {
    /// Bounds for the sweeps below (each sweep re-reads /proc).
    private static let maximumSweeps = 10

    /// The listener's live descendants plus any other process referencing `directory` (never us).
    static func members(of process: HarnessProcess, directory: String) -> Set<Int32> {
        var pids = Set(HarnessProcessTable.processIDs(referencing: directory))
        // Once reaped, the listener's pid may belong to an unrelated process: skip the tree walk.
        if !process.isReaped { pids.formUnion(HarnessProcessTable.liveDescendants(of: process.pid)) }
        pids.remove(process.pid)
        pids.remove(getpid())
        return pids
    }

    /// Sends `signal` to the listener (if not reaped) and to all its members.
    static func signalAll(_ signal: Int32, process: HarnessProcess, directory: String) {
        process.send(signal)
        for pid in members(of: process, directory: directory) { _ = Glibc.kill(pid, signal) }
    }

    /// Freezes the listener (no new connections are forked), then SIGTERMs (and SIGCONTs) every
    /// member and waits up to `grace` for them to exit, SIGKILLing the rest; then SIGTERMs the
    /// listener, waits up to `grace`, SIGKILLs it (and its group) if needed, and reaps it.
    /// Members get SIGTERM first so that user commands (e.g. shell startup files holding lock
    /// files) can clean up. Pids seen once are remembered, because a command whose sshd session
    /// process already died is re-parented to init and no longer shows up as a descendant. The
    /// group is signalled before reaping, while the leader's pid cannot yet be reused.
    static func terminate(_ process: HarnessProcess, directory: String, grace: Duration) {
        if process.hasExited {
            process.sendToGroup(SIGKILL)
            sweepMembers(of: process, directory: directory)
            process.waitForExit(timeout: .seconds(5))
            return
        }
        process.send(SIGSTOP)
        terminateMembers(of: process, directory: directory, grace: grace)
        process.send(SIGTERM)
        process.send(SIGCONT)
        if !waitUntilExited(process, timeout: grace) {
            process.sendToGroup(SIGKILL)
            process.send(SIGKILL)
            _ = waitUntilExited(process, timeout: .seconds(5))
        }
        process.sendToGroup(SIGKILL)
        sweepMembers(of: process, directory: directory)
        process.waitForExit(timeout: .seconds(5))
    }

    /// SIGTERM + SIGCONT to every member, re-scanning every 20 ms for new ones, until all are gone
    /// or `grace` passes; survivors are SIGKILLed.
    private static func terminateMembers(
        of process: HarnessProcess,
        directory: String,
        grace: Duration,
        alreadySignalled: Set<Int32> = []
    ) {
        var tracked = alreadySignalled  // signalled and still alive; dead pids are dropped (they may be reused)
        let deadline = ContinuousClock.now + grace
        while true {
            let fresh = members(of: process, directory: directory).subtracting(tracked)
            for pid in fresh {
                _ = Glibc.kill(pid, SIGTERM)
                _ = Glibc.kill(pid, SIGCONT)
            }
            tracked = tracked.union(fresh).filter { !HarnessProcessTable.isGoneOrZombie($0) }
            if tracked.isEmpty { return }
            if ContinuousClock.now >= deadline {
                for pid in tracked { _ = Glibc.kill(pid, SIGKILL) }
                sweepMembers(of: process, directory: directory)
                return
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Simulates a crash: SIGKILLs the listener and its group at once; its connection children and
    /// their commands get SIGTERM (SIGKILL after 2 s) so every connection drops promptly. Reaps.
    static func killNow(_ process: HarnessProcess, directory: String) {
        process.send(SIGSTOP)
        // Snapshot before the listener dies: its children are re-parented the moment it exits.
        let snapshot = members(of: process, directory: directory)
        process.sendToGroup(SIGKILL)
        process.send(SIGKILL)
        for pid in snapshot {
            _ = Glibc.kill(pid, SIGTERM)
            _ = Glibc.kill(pid, SIGCONT)
        }
        _ = waitUntilExited(process, timeout: .seconds(5))
        process.sendToGroup(SIGKILL)
        terminateMembers(of: process, directory: directory, grace: .seconds(2), alreadySignalled: snapshot)
        process.waitForExit(timeout: .seconds(5))
    }

    /// SIGKILLs members until a sweep finds none (at most `maximumSweeps` sweeps, 20 ms apart).
    private static func sweepMembers(of process: HarnessProcess, directory: String) {
        for _ in 0..<maximumSweeps {
            let pids = members(of: process, directory: directory)
            if pids.isEmpty { return }
            for pid in pids { _ = Glibc.kill(pid, SIGKILL) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Polls (10 ms) until the process has exited (zombie or reaped), without reaping it.
    private static func waitUntilExited(_ process: HarnessProcess, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if process.hasExited { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return process.hasExited
    }
}
