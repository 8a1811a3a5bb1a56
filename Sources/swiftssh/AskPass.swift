#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a passphrase comes from, decided as OpenSSH's `read_passphrase` does (readpass.c):
/// `SSH_ASKPASS_REQUIRE=force` always runs the askpass program; `prefer` runs it when `DISPLAY` is
/// set; `never` never does; otherwise the terminal is used when standard input is one, and the
/// askpass program when it is not and `DISPLAY` is set.
enum PassphraseSource: Equatable {
    /// Prompt on the terminal without echo.
    case terminal
    /// Run this program with the prompt as its argument and read the passphrase from its output.
    case askpass(program: String)
    /// No way to ask.
    case unavailable

    /// ssh's default askpass program when `SSH_ASKPASS` is unset.
    static let defaultAskpassProgram = "/usr/bin/ssh-askpass"

    /// The source for the given environment and terminal state.
    static func choose(environment: [String: String], standardInputIsTerminal: Bool) -> PassphraseSource {
        var allowAskpass = !(environment["DISPLAY"] ?? "").isEmpty
        var useAskpass = false
        switch environment["SSH_ASKPASS_REQUIRE"]?.lowercased() {
        case "force"?: useAskpass = true; allowAskpass = true
        case "prefer"?: useAskpass = allowAskpass
        case "never"?: allowAskpass = false
        default: break
        }
        let program = environment["SSH_ASKPASS"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultAskpassProgram
        if useAskpass { return .askpass(program: program) }
        if standardInputIsTerminal { return .terminal }
        if allowAskpass { return .askpass(program: program) }
        return .unavailable
    }

    /// The source for this process.
    static var current: PassphraseSource {
        choose(environment: ProcessEnvironment.variables(["DISPLAY", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE"]),
               standardInputIsTerminal: PassphrasePrompt.isInteractive)
    }

    /// Asks for a passphrase with `prompt`; nil when there is no way to ask or the user gave none.
    func ask(_ prompt: String) -> String? {
        switch self {
        case .terminal: return PassphrasePrompt.read(prompt)
        case let .askpass(program): return AskPass.run(program: program, prompt: prompt)
        case .unavailable: return nil
        }
    }
}

/// Reads a few environment variables.
enum ProcessEnvironment {
    /// The values of `names` that are set.
    static func variables(_ names: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in names {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }
}

/// Runs an askpass program as ssh does: the prompt is its only argument, the passphrase is the first
/// line of its standard output, and a non-zero exit means the user cancelled.
enum AskPass {
    /// The longest answer read.
    static let maximumOutput = 8192
    /// How long the program may take (a person typing into a dialog).
    static let timeout: Duration = .seconds(300)

    /// The passphrase, or nil when the program could not run, failed, or timed out (it is then killed).
    static func run(program: String, prompt: String) -> String? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        let readEnd = pipeEnds[0], writeEnd = pipeEnds[1]
        defer { close(readEnd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(program), strdup(prompt), nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        close(writeEnd)
        guard status == 0 else { return nil }
        let output = readAll(readEnd, deadline: ContinuousClock.now + timeout)
        let exited = waitForExit(pid, deadline: ContinuousClock.now + .seconds(5))
        guard let output, exited == 0 else { return nil }
        let line = output.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return String(decoding: line, as: UTF8.self)
    }

    /// Reads until EOF, `maximumOutput` bytes, or the deadline (nil then).
    private static func readAll(_ descriptor: Int32, deadline: ContinuousClock.Instant) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while bytes.count < maximumOutput {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(remaining.components.seconds * 1000 + 1, 60_000))
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 { if errno == EINTR { continue }; return nil }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { if errno == EINTR { continue }; return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Reaps the child: its exit status, or nil if it had to be killed.
    private static func waitForExit(_ pid: pid_t, deadline: ContinuousClock.Instant) -> Int32? {
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil }
            if result < 0 && errno != EINTR { return nil }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return nil
            }
            usleep(10_000)
        }
    }
}
