import Logging
import SwiftSSH
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SSH server to connect to: the target, or a jump host on the way.
struct TunnelHop: Sendable, Equatable {
    /// The name as typed (an alias in the config, perhaps).
    var alias: String
    /// The host name or address connected to (HostName, else the alias).
    var host: String
    /// The TCP port.
    var port: Int
    /// The user to log in as.
    var user: String
    /// Identity files to try, in order, `~` and `%` tokens expanded; `explicit` ones warn when missing.
    var identityFiles: [(path: String, explicit: Bool)]

    static func == (lhs: TunnelHop, rhs: TunnelHop) -> Bool {
        lhs.alias == rhs.alias && lhs.host == rhs.host && lhs.port == rhs.port && lhs.user == rhs.user
            && lhs.identityFiles.map(\.path) == rhs.identityFiles.map(\.path)
    }
}

/// Everything `swiftssh tunnel` needs, from its flags, `-o` options and the config file, with ssh's
/// precedence: flags, then `-o`, then the file, then ssh's defaults.
struct TunnelSettings: Sendable {
    /// The server whose connection carries the forwards.
    var target: TunnelHop
    /// Jump hosts, first to last (`-J` / ProxyJump).
    var jumps: [TunnelHop]
    /// The forwards (`-L` first, then LocalForward lines).
    var forwards: [SSHForwardSpecification]
    /// known_hosts files: the user files (the first learns new keys under accept-new), then the global ones.
    var knownHostsFiles: [KnownHostsFile]
    /// StrictHostKeyChecking; unset and `ask` mean `yes` here (there is no prompt).
    var strictHostKeyChecking: SSHHostConfiguration.StrictHostKeyChecking
    /// Offered algorithms.
    var algorithms: SSHAlgorithms
    /// Timeouts (ConnectTimeout).
    var timeouts: SSHTimeouts
    /// Keepalive (ServerAliveInterval, ServerAliveCountMax).
    var keepalive: SSHKeepalive

    /// ssh's default identities that SwiftSSH can use, tried when none is configured.
    static let defaultIdentities = ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"]
    /// OpenSSH's GlobalKnownHostsFile default.
    static let globalKnownHostsFiles = ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"]

    /// Resolves the command's flags against the configuration.
    init(command: TunnelCommand, logger: Logger) throws {
        let config: SSHConfig
        switch command.configFile {
        case "none"?: config = SSHConfig()
        case let path?: config = try SSHConfig.load(path: path, missingIsEmpty: false)
        case nil: config = try SSHConfig.load()
        }
        let (destinationUser, alias) = Self.splitUser(command.destination)
        guard !alias.isEmpty else { throw SSHError(code: .invalidConfiguration, message: "no host name given") }
        let resolved = try config.resolve(host: alias, commandLineOptions: command.options, logger: logger)
        let localUser = Self.localUser()
        let user = command.loginName ?? destinationUser ?? resolved.user ?? localUser
        let port = try command.port.map { port throws(SSHError) -> Int in
            guard (1...65535).contains(port) else { throw SSHError(code: .invalidConfiguration, message: "bad port \(port)") }
            return port
        } ?? resolved.port ?? 22
        let host = resolved.hostName ?? alias
        let flagIdentities = command.identityFiles.map { (path: $0, explicit: true) }
        target = TunnelHop(alias: alias, host: host, port: port, user: user,
                           identityFiles: Self.identities(flagIdentities + resolved.identityFiles.map { (path: $0, explicit: true) },
                                                          user: user, host: host, localUser: localUser))
        jumps = []
        let jumpSpec = command.jumpHosts ?? resolved.proxyJump
        if let jumpSpec, jumpSpec.lowercased() != "none" {
            for hop in jumpSpec.split(separator: ",", omittingEmptySubsequences: false) {
                jumps.append(try Self.jumpHop(String(hop), config: config, flagIdentities: flagIdentities,
                                              localUser: localUser, logger: logger))
            }
        }
        forwards = try command.localForwards.map { argument throws(SSHError) in
            try SSHForwardSpecification(commandLine: argument)
        } + resolved.localForwards
        // `none` names no file (ssh's spelling); with only `none`, nothing is known and nothing is learnt.
        var userFiles = (resolved.userKnownHostsFiles ?? [KnownHostsFile.defaultPath]).filter { $0.lowercased() != "none" }
        if userFiles.isEmpty { userFiles = ["/dev/null"] }
        knownHostsFiles = (userFiles + Self.globalKnownHostsFiles).map { KnownHostsFile(path: $0) }
        switch resolved.strictHostKeyChecking {
        case nil, .ask?, .yes?: strictHostKeyChecking = .yes
        case let other?: strictHostKeyChecking = other
        }
        var algorithms = SSHAlgorithms()
        algorithms.keyExchange = try Self.apply(resolved.kexAlgorithms, to: algorithms.keyExchange, keyword: "KexAlgorithms")
        algorithms.ciphers = try Self.apply(resolved.ciphers, to: algorithms.ciphers, keyword: "Ciphers")
        algorithms.macs = try Self.apply(resolved.macs, to: algorithms.macs, keyword: "MACs")
        algorithms.hostKey = try Self.apply(resolved.hostKeyAlgorithms, to: algorithms.hostKey, keyword: "HostKeyAlgorithms")
        self.algorithms = algorithms
        timeouts = SSHTimeouts()
        if let connect = resolved.connectTimeout, connect > .zero { timeouts.connect = connect }
        keepalive = SSHKeepalive()
        if let interval = resolved.serverAliveInterval, interval > .zero { keepalive.interval = interval }
        if let count = resolved.serverAliveCountMax { keepalive.countMax = count }
    }

    /// `user@host` split at the last `@`.
    static func splitUser(_ text: String) -> (user: String?, host: String) {
        guard let at = text.lastIndex(of: "@") else { return (nil, text) }
        return (String(text[..<at]), String(text[text.index(after: at)...]))
    }

    /// One `-J` hop, `[user@]host[:port]` (IPv6 in brackets), with its own config lookup.
    private static func jumpHop(_ text: String, config: SSHConfig, flagIdentities: [(path: String, explicit: Bool)],
                                localUser: String, logger: Logger) throws -> TunnelHop {
        let (explicitUser, hostPort) = splitUser(text)
        var alias = hostPort
        var explicitPort: Int?
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            alias = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let rest = hostPort[hostPort.index(after: close)...]
            if rest.hasPrefix(":") { explicitPort = Int(rest.dropFirst()) ?? -1 } else if !rest.isEmpty { explicitPort = -1 }
        } else if let colon = hostPort.lastIndex(of: ":"), hostPort.firstIndex(of: ":") == colon {
            alias = String(hostPort[..<colon])
            explicitPort = Int(hostPort[hostPort.index(after: colon)...]) ?? -1
        }
        if let explicitPort, !(1...65535).contains(explicitPort) {
            throw SSHError(code: .invalidConfiguration, message: "bad jump host \"\(text)\": invalid port")
        }
        guard !alias.isEmpty else { throw SSHError(code: .invalidConfiguration, message: "bad jump host \"\(text)\"") }
        let resolved = try config.resolve(host: alias, logger: logger)
        let user = explicitUser ?? resolved.user ?? localUser
        let host = resolved.hostName ?? alias
        let files = resolved.identityFiles.map { (path: $0, explicit: true) } + flagIdentities
        return TunnelHop(alias: alias, host: host, port: explicitPort ?? resolved.port ?? 22, user: user,
                         identityFiles: identities(files, user: user, host: host, localUser: localUser))
    }

    /// The identity files with `~`, `%d`, `%u`, `%r`, `%h` and `%%` expanded, duplicates dropped;
    /// ssh's defaults when none is given.
    private static func identities(_ files: [(path: String, explicit: Bool)], user: String, host: String,
                                   localUser: String) -> [(path: String, explicit: Bool)] {
        let chosen = files.isEmpty ? defaultIdentities.map { (path: $0, explicit: false) } : files
        let home = homeDirectory()
        var seen: Set<String> = []
        var result: [(path: String, explicit: Bool)] = []
        for file in chosen {
            var path = file.path
            if path == "~" || path.hasPrefix("~/") { path = home + path.dropFirst() }
            path = expandTokens(path, tokens: ["d": home, "u": localUser, "r": user, "h": host])
            if seen.insert(path).inserted { result.append((path: path, explicit: file.explicit)) }
        }
        return result
    }

    /// Expands `%x` tokens from `tokens` and `%%`; unknown tokens stay as written.
    static func expandTokens(_ text: String, tokens: [Character: String]) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else { result.append(character); continue }
            guard let token = iterator.next() else { result.append("%"); break }
            if token == "%" { result.append("%") } else if let value = tokens[token] { result += value } else { result += "%\(token)" }
        }
        return result
    }

    /// An algorithm list option applied to the defaults as ssh does: `+` appends, `-` removes, `^`
    /// puts first, anything else replaces.
    static func apply(_ option: String?, to defaults: [String], keyword: String) throws -> [String] {
        guard let option, let first = option.first else { return defaults }
        let names = { (text: Substring) in text.split(separator: ",").map(String.init) }
        let result: [String]
        switch first {
        case "+": result = defaults + names(option.dropFirst()).filter { !defaults.contains($0) }
        case "-":
            let removed = Set(names(option.dropFirst()))
            result = defaults.filter { !removed.contains($0) }
        case "^":
            let front = names(option.dropFirst())
            result = front + defaults.filter { !front.contains($0) }
        default: result = names(Substring(option))
        }
        guard !result.isEmpty else { throw SSHError(code: .invalidConfiguration, message: "\(keyword) leaves no algorithm") }
        return result
    }

    /// `$USER`, else the password database's name for this uid.
    static func localUser() -> String {
        if let user = getenv("USER"), user.pointee != 0 { return String(cString: user) }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "root"
    }

    /// `$HOME`, else the password database's home for this uid.
    static func homeDirectory() -> String {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }
}
