import Logging
import SwiftSSH
import Synchronization

/// Makes the tunnel's SSH connection: through each jump host in turn (each hop with its own host-key
/// check), then to the target. Used for the first connection and for every reconnect.
final class TunnelConnector: Sendable {
    private let settings: TunnelSettings
    private let console: Console
    private let verbose: Bool
    private let logger: Logger
    private let authentication: [TunnelHop: [SSHAuthenticationMethod]]
    /// Jump clients of the current chain, closed when the target connection ends or on stop.
    private let openJumps = Mutex<[SSHClient]>([])

    /// Loads every hop's identities once (so reconnects never ask for a passphrase again).
    init(settings: TunnelSettings, console: Console, verbose: Bool, logger: Logger) {
        self.settings = settings
        self.console = console
        self.verbose = verbose
        self.logger = logger
        let loader = IdentityLoader(console: console, logger: logger, passphrases: .current)
        var cache: [String: [SSHAuthenticationMethod]] = [:]
        var authentication: [TunnelHop: [SSHAuthenticationMethod]] = [:]
        for hop in settings.jumps + [settings.target] {
            var methods: [SSHAuthenticationMethod] = []
            for file in hop.identityFiles {
                if let cached = cache[file.path] { methods += cached; continue }
                let loaded = loader.load([file])
                cache[file.path] = loaded
                methods += loaded
            }
            authentication[hop] = methods
        }
        self.authentication = authentication
    }

    /// Connects the whole chain and returns the target's client; on failure closes what it opened and
    /// throws an `SSHError` naming the hop that failed.
    func connect() async throws -> SSHClient {
        var jumps: [SSHClient] = []
        do {
            var previous: SSHClient?
            for hop in settings.jumps {
                let client = try await connect(hop, via: previous, role: "jump host \(hop.alias)")
                jumps.append(client)
                previous = client
            }
            let target = try await connect(settings.target, via: previous, role: nil)
            openJumps.withLock { $0 = jumps }
            if !jumps.isEmpty {
                Task { [jumps] in
                    _ = await target.waitUntilClosed()
                    for jump in jumps.reversed() { await jump.close() }
                }
            }
            return target
        } catch {
            for jump in jumps.reversed() { await jump.close() }
            throw error
        }
    }

    /// Closes the jump hosts of the current chain (after the target was closed).
    func closeJumps() async {
        let jumps = openJumps.withLock { jumps in
            defer { jumps = [] }
            return jumps
        }
        for jump in jumps.reversed() { await jump.close() }
    }

    private func connect(_ hop: TunnelHop, via previous: SSHClient?, role: String?) async throws -> SSHClient {
        if verbose {
            console.debug("Connecting to \(hop.host) port \(hop.port)\(previous == nil ? "" : " through the previous jump host") as \(hop.user).")
        }
        let methods = authentication[hop] ?? []
        do {
            let client = try await SSHClient.connect(
                host: hop.host, port: hop.port, user: hop.user, authentication: methods,
                hostKeyValidator: hostKeyValidator(), algorithms: settings.algorithms, timeouts: settings.timeouts,
                keepalive: settings.keepalive, refuseNoneAuthentication: true, via: previous, logger: logger)
            if verbose { describe(client, hop: hop) }
            return client
        } catch let error as SSHError {
            let prefix = role.map { "\($0): " } ?? ""
            if error.code == .authenticationFailed {
                let tried = methods.isEmpty ? " (no usable identity: give one with -i)" : ""
                throw SSHError(code: error.code, message: "\(prefix)\(hop.user)@\(hop.host): Permission denied\(tried). \(error.message)")
            }
            throw SSHError(code: error.code, message: prefix + error.message)
        }
    }

    /// The host-key policy StrictHostKeyChecking asks for.
    private func hostKeyValidator() -> HostKeyValidator {
        switch settings.strictHostKeyChecking {
        case .acceptNew: return .acceptNew(settings.knownHostsFiles)
        case .no: return .insecurelyAcceptAnyHostKey()
        case .yes, .ask: return .knownHosts(settings.knownHostsFiles)
        }
    }

    /// The -v report, in ssh's words: versions, algorithms, host key, auth method.
    private func describe(_ client: SSHClient, hop: TunnelHop) {
        let algorithms = client.negotiatedAlgorithms
        console.debug("Remote software version \(client.serverVersion)")
        console.debug("kex: algorithm: \(algorithms.keyExchange)")
        console.debug("kex: host key algorithm: \(algorithms.hostKey)")
        console.debug("kex: server->client cipher: \(algorithms.cipherServerToClient) MAC: \(algorithms.macServerToClient ?? "<implicit>") compression: none")
        console.debug("kex: client->server cipher: \(algorithms.cipherClientToServer) MAC: \(algorithms.macClientToServer ?? "<implicit>") compression: none")
        console.debug("Server host key: \(client.hostKey.keyType) \(client.hostKey.fingerprintSHA256)")
        console.debug("Authenticated to \(hop.host) ([\(hop.host)]:\(hop.port)) using \"\(client.authenticationMethod ?? "none")\".")
    }
}

extension TunnelHop: Hashable {
    func hash(into hasher: inout Hasher) {
        hasher.combine(alias)
        hasher.combine(host)
        hasher.combine(port)
        hasher.combine(user)
    }
}
