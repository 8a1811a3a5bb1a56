import ArgumentParser
import Logging
import SwiftSSH
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swiftssh tunnel`: `ssh -N -L` with OpenSSH's flags, one SSH connection shared by every forward,
/// reconnecting like autossh when the connection dies.
struct TunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "Forward local ports through an SSH server (like ssh -N -L), reconnecting when the connection drops.",
        discussion: """
        Prints "Forwarding <bind>:<port> -> <host>:<hostport>" for each forward once all listen (the real \
        port when 0 was asked for), then runs until SIGINT or SIGTERM, which stop it with exit status 0. \
        A failure to connect or authenticate exits with status 255 and one line "swiftssh: <reason>" on \
        standard error.

        Host keys: StrictHostKeyChecking=yes (also what an unset value or "ask" mean here, as there is no \
        prompt) accepts only keys in the known_hosts files; accept-new adds keys of unknown hosts to the \
        first UserKnownHostsFile; no accepts any key (insecure).

        -o accepts: HostName, User, Port, IdentityFile, IdentitiesOnly, ProxyJump, UserKnownHostsFile, \
        StrictHostKeyChecking, ConnectTimeout, ServerAliveInterval, ServerAliveCountMax, KexAlgorithms, \
        Ciphers, MACs, HostKeyAlgorithms, LocalForward. They win over the config file, as in ssh.

        Passphrases for encrypted identities are read from the terminal, or from the program named by \
        SSH_ASKPASS as ssh does (SSH_ASKPASS_REQUIRE=never|prefer|force; DISPLAY is needed unless forced).
        """
    )

    @Option(name: .customShort("F"), help: ArgumentHelp("Configuration file (default ~/.ssh/config; \"none\" reads none).", valueName: "configfile"))
    var configFile: String?

    @Option(name: .customShort("p"), help: ArgumentHelp("Port to connect to on the remote host.", valueName: "port"))
    var port: Int?

    @Option(name: .customShort("l"), help: ArgumentHelp("User to log in as.", valueName: "login_name"))
    var loginName: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Identity (private key) file; may be repeated.", valueName: "identity_file"))
    var identityFiles: [String] = []

    @Option(name: .customShort("J"), help: ArgumentHelp("Jump hosts, comma-separated (ProxyJump).", valueName: "[user@]host[:port][,...]"))
    var jumpHosts: String?

    @Option(name: .customShort("o"), help: ArgumentHelp("An ssh_config option, Key=Value; may be repeated.", valueName: "option"))
    var options: [String] = []

    @Option(name: .customShort("L"), help: ArgumentHelp("Forward a local port to host:hostport as the server sees it; may be repeated.",
                                                        valueName: "[bind_address:]port:host:hostport"))
    var localForwards: [String] = []

    @Flag(name: .customShort("v"), help: "Verbose: negotiated algorithms, host-key fingerprint, auth method (stderr). Repeat for library debug logs.")
    var verbosity: Int

    @Flag(name: .customShort("N"), help: ArgumentHelp("Accepted for ssh compatibility (tunnel never runs a command).", visibility: .hidden))
    var noCommand = false

    @Argument(help: ArgumentHelp("The SSH server (bastion).", valueName: "[user@]host"))
    var destination: String

    func run() async throws {
        let console = Console()
        SignalWaiter.shared.install()
        let logger = makeLogger()
        let settings: TunnelSettings
        do {
            settings = try TunnelSettings(command: self, logger: logger)
        } catch let error as SSHError {
            console.fail(error.message)
        } catch {
            console.fail("\(error)")
        }
        guard !settings.forwards.isEmpty else {
            console.fail("no forwards: give at least one -L [bind_address:]port:host:hostport (or LocalForward in the config)")
        }
        let connector = TunnelConnector(settings: settings, console: console, verbose: verbosity > 0, logger: logger)
        // A signal while connecting cancels the connection attempt: the command still ends with 0.
        let signal = Task { await SignalWaiter.shared.wait() }
        let starting = Task { try await RunningTunnel.start(connector: connector, settings: settings, console: console, logger: logger) }
        let canceller = Task {
            _ = await signal.value
            starting.cancel()
        }
        let tunnel: RunningTunnel
        switch await starting.result {
        case let .success(running):
            tunnel = running
        case .failure where SignalWaiter.shared.hasReceivedSignal:
            if verbosity > 0 { console.debug("stopped by a signal while connecting") }
            return
        case let .failure(error as SSHError):
            console.fail(error.message)
        case let .failure(error):
            console.fail("\(error)")
        }
        for line in tunnel.forwardingLines { console.printLine(line) }
        let number = await signal.value
        canceller.cancel()
        if verbosity > 0 { console.debug("received signal \(number); stopping") }
        await tunnel.stop()
    }

    /// Library logs go to stderr: warnings by default, info with -v, debug with -vv.
    private func makeLogger() -> Logger {
        var logger = Logger(label: "swiftssh") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbosity >= 2 ? .debug : (verbosity == 1 ? .info : .warning)
        return logger
    }
}
