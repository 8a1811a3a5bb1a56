import Foundation
import Glibc
import Synchronization

/// How a child process ended (decoded from `waitpid`'s status word).
public enum HarnessProcessExit: Equatable, Sendable, CustomStringConvertible {
    /// The process called `exit` with this code.
    case exited(Int32)
    /// The process was terminated by this signal.
    case signaled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// "exit status N" or "signal N".
    public var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let signal): return "signal \(signal)"
        }
    }
}

/// Where a child's standard stream is connected.
public enum HarnessRedirect: Sendable {
    /// `/dev/null`.
    case null
    /// A file, created if needed; `append` keeps its previous contents.
    case file(path: String, append: Bool)
    /// A descriptor the caller owns (duplicated into the child; the caller keeps and closes it).
    case descriptor(Int32)
}

/// A child process spawned with `posix_spawn` in its own process group, optionally bound to die
/// with the test process (`setpriv --pdeathsig KILL`). Reaping is explicit and happens once.
public final class HarnessProcess: Sendable {
    /// Where util-linux installs `setpriv`, used to make children die with the test process.
    public static let setprivPath = "/usr/bin/setpriv"

    /// The child's process id; it is also its process-group id (the child leads its own group).
    public let pid: Int32
    /// The program that was started (after the optional `setpriv` prefix).
    public let executable: String
    private let reapedStatus = Mutex<Int32?>(nil)

    private init(pid: Int32, executable: String) {
        self.pid = pid
        self.executable = executable
    }

    /// Starts `executable` with `arguments` in a new process group.
    /// - Parameter dieWithParent: prefix `setpriv --pdeathsig KILL --` (when installed) so the kernel
    ///   kills the child if the test process dies; only the direct child is covered.
    public static func launch(
        executable: String,
        arguments: [String],
        standardInput: HarnessRedirect = .null,
        standardOutput: HarnessRedirect = .null,
        standardError: HarnessRedirect = .null,
        dieWithParent: Bool = true
    ) throws -> HarnessProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw SSHDHarnessError.toolMissing(path: executable)
        }
        var argv = [executable] + arguments
        if dieWithParent, FileManager.default.isExecutableFile(atPath: setprivPath) {
            argv = [setprivPath, "--pdeathsig", "KILL", "--"] + argv
        }
        let streams = [standardInput, standardOutput, standardError]
        let command = argv
        let outcome = SpawnThread.shared.perform { spawn(argv: command, streams: streams) }
        switch outcome {
        case .none:
            throw SSHDHarnessError.spawnFailed(executable: executable, errno: ETIMEDOUT)
        case .some(.failure(let error)):
            throw error
        case .some(.success(let pid)):
            return HarnessProcess(pid: pid, executable: executable)
        }
    }

    /// The exit status if the process has ended and been reaped (reaps it if it just ended).
    public var exitStatus: HarnessProcessExit? {
        reapedStatus.withLock { stored in
            if let status = stored { return HarnessProcessExit(waitStatus: status) }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid else { return nil }
            stored = status
            return HarnessProcessExit(waitStatus: status)
        }
    }

    /// True once the process has been reaped (after which its pid may be reused by another process).
    public var isReaped: Bool { reapedStatus.withLock { $0 } != nil }

    /// True once the process has ended (it may still be an unreaped zombie until `exitStatus` is read).
    public var hasExited: Bool {
        if reapedStatus.withLock({ $0 }) != nil { return true }
        return HarnessProcessTable.isGoneOrZombie(pid)
    }

    /// Polls (every 10 ms) until the process ends or `timeout` passes; returns its exit, or nil on timeout.
    @discardableResult
    public func waitForExit(timeout: Duration) -> HarnessProcessExit? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exit = exitStatus { return exit }
            if ContinuousClock.now >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Sends `signal` to the process itself, unless it has already been reaped (its pid may be reused).
    public func send(_ signal: Int32) {
        reapedStatus.withLock { stored in
            if stored == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// Sends `signal` to the process group the child leads, unless the leader has been reaped.
    public func sendToGroup(_ signal: Int32) {
        reapedStatus.withLock { stored in
            if stored == nil { _ = Glibc.kill(-pid, signal) }
        }
    }

    /// SIGTERM to the group, wait up to `grace`, then SIGKILL and reap. Always returns the exit.
    @discardableResult
    public func terminate(grace: Duration = .seconds(5)) -> HarnessProcessExit? {
        if let exit = exitStatus { return exit }
        sendToGroup(SIGTERM)
        send(SIGCONT)
        if let exit = waitForExit(timeout: grace) { return exit }
        sendToGroup(SIGKILL)
        send(SIGKILL)
        return waitForExit(timeout: .seconds(5))
    }

    deinit {
        if reapedStatus.withLock({ $0 }) == nil {
            _ = Glibc.kill(-pid, SIGKILL)
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }
}

/// Performs the `posix_spawn` call; runs on `SpawnThread`.
private func spawn(argv: [String], streams: [HarnessRedirect]) -> Result<Int32, SSHDHarnessError> {
    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
    }
    for (target, redirect) in streams.enumerated() {
        let fd = Int32(target)
        switch redirect {
        case .null:
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        case .file(let path, let append):
            let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
            posix_spawn_file_actions_addopen(&actions, fd, path, flags, 0o600)
        case .descriptor(let source):
            posix_spawn_file_actions_adddup2(&actions, source, fd)
        }
    }
    // Reset what the test runner may have changed: blocked signals and ignored SIGPIPE/SIGCHLD.
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM] {
        sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setpgroup(&attributes, 0)
    let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    posix_spawnattr_setflags(&attributes, Int16(flags))

    var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
    cArguments.append(nil)
    defer { for pointer in cArguments { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
    guard result == 0 else { return .failure(.spawnFailed(executable: argv[0], errno: result)) }
    return .success(pid)
}
