import SSHCore

/// What an ssh_config says about one host. A nil (or empty) field means the configuration does not
/// set it, so the caller's default applies (ssh's defaults are noted on each field).
public struct SSHHostConfiguration: Sendable, Hashable {
    /// `StrictHostKeyChecking` values (ssh_config(5)).
    public enum StrictHostKeyChecking: String, Sendable, Hashable {
        /// `yes`: only keys already in a known_hosts file are accepted.
        case yes
        /// `accept-new`: unknown hosts are learnt; changed keys are refused.
        case acceptNew = "accept-new"
        /// `no`: any key is accepted (insecure).
        case no
        /// `ask` (ssh's default): ask the user about unknown hosts.
        case ask
    }

    /// The name that was resolved, as given.
    public var host: String
    /// `HostName`, with `%h` expanded; nil means connect to `host`.
    public var hostName: String?
    /// `User`; nil means the local user.
    public var user: String?
    /// `Port`; nil means 22.
    public var port: Int?
    /// Every `IdentityFile`, in the order obtained, as written (`~` and `%` tokens not expanded).
    public var identityFiles: [String]
    /// `IdentitiesOnly`.
    public var identitiesOnly: Bool?
    /// `ProxyJump`: `[user@]host[:port]` hops separated by commas; `none` turns it off.
    public var proxyJump: String?
    /// `UserKnownHostsFile`, the files in order, `~` expanded; nil means `~/.ssh/known_hosts`.
    public var userKnownHostsFiles: [String]?
    /// `StrictHostKeyChecking`.
    public var strictHostKeyChecking: StrictHostKeyChecking?
    /// `ConnectTimeout`; nil means the system's TCP timeout (`none`).
    public var connectTimeout: Duration?
    /// `ServerAliveInterval`; zero turns keepalive off (ssh's default).
    public var serverAliveInterval: Duration?
    /// `ServerAliveCountMax` (ssh's default is 3).
    public var serverAliveCountMax: Int?
    /// `KexAlgorithms` as written: a comma-separated list, possibly starting with `+`, `-` or `^`.
    public var kexAlgorithms: String?
    /// `Ciphers` as written.
    public var ciphers: String?
    /// `MACs` as written.
    public var macs: String?
    /// `HostKeyAlgorithms` as written.
    public var hostKeyAlgorithms: String?
    /// Every `LocalForward`, in the order obtained.
    public var localForwards: [SSHForwardSpecification]

    /// A configuration that sets nothing for `host`.
    public init(host: String) {
        self.host = host
        identityFiles = []
        localForwards = []
    }

    /// Types the raw values; throws `invalidConfiguration` for a value ssh would refuse.
    init(host: String, resolution: SSHConfigResolution, homeDirectory: String) throws(SSHError) {
        self.init(host: host)
        func single(_ keyword: String) -> String? { resolution.first(keyword)?.first }
        hostName = single("hostname").map { SSHConfigResolver.expandHostName($0, host: host) }
        user = single("user")
        if let value = single("port") { port = try Self.port(value) }
        identityFiles = (resolution.values["identityfile"] ?? []).compactMap(\.first)
        if let value = single("identitiesonly") { identitiesOnly = try Self.flag(value, keyword: "IdentitiesOnly") }
        proxyJump = single("proxyjump")
        userKnownHostsFiles = resolution.first("userknownhostsfile").map { files in
            files.map { SSHConfigFileIO.expandTilde($0, home: homeDirectory) }
        }
        if let value = single("stricthostkeychecking") { strictHostKeyChecking = try Self.strictness(value) }
        if let value = single("connecttimeout") {
            connectTimeout = value.lowercased() == "none" ? nil : try Self.time(value, keyword: "ConnectTimeout")
        }
        if let value = single("serveraliveinterval") { serverAliveInterval = try Self.time(value, keyword: "ServerAliveInterval") }
        if let value = single("serveralivecountmax") {
            guard let count = Int(value), count >= 0, count <= 1_000_000 else { throw Self.bad("ServerAliveCountMax", value) }
            serverAliveCountMax = count
        }
        kexAlgorithms = single("kexalgorithms")
        ciphers = single("ciphers")
        macs = single("macs")
        hostKeyAlgorithms = single("hostkeyalgorithms")
        for arguments in resolution.values["localforward"] ?? [] {
            guard arguments.count == 2 else { throw Self.bad("LocalForward", arguments.joined(separator: " ")) }
            localForwards.append(try SSHForwardSpecification(listen: arguments[0], target: arguments[1]))
        }
    }

    static func bad(_ keyword: String, _ value: String) -> SSHError {
        SSHError(code: .invalidConfiguration, message: "bad \(keyword) value \"\(value)\"")
    }

    /// A TCP port, 1 to 65535.
    static func port(_ value: String) throws(SSHError) -> Int {
        guard let port = Int(value), (1...65535).contains(port) else { throw bad("Port", value) }
        return port
    }

    /// `yes`/`true` or `no`/`false`, case-insensitively.
    static func flag(_ value: String, keyword: String) throws(SSHError) -> Bool {
        switch value.lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw bad(keyword, value)
        }
    }

    /// `StrictHostKeyChecking`: yes/true, no/false/off, accept-new, ask.
    static func strictness(_ value: String) throws(SSHError) -> StrictHostKeyChecking {
        switch value.lowercased() {
        case "yes", "true": return .yes
        case "no", "false", "off": return .no
        case "accept-new": return .acceptNew
        case "ask": return .ask
        default: throw bad("StrictHostKeyChecking", value)
        }
    }

    /// OpenSSH's time format (sshd_config(5) TIME FORMATS): a number of seconds, or a sequence of
    /// numbers each followed by s, m, h, d or w (case-insensitive), summed.
    static func time(_ value: String, keyword: String) throws(SSHError) -> Duration {
        var total = 0
        var number: Int? = nil
        for character in value.lowercased() {
            if let digit = character.wholeNumberValue, character.isASCII {
                let next = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !next.overflow, next.partialValue <= Int(Int32.max) else { throw bad(keyword, value) }
                number = next.partialValue + digit
                continue
            }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604800
            default: throw bad(keyword, value)
            }
            guard let count = number else { throw bad(keyword, value) }
            total += count * unit
            number = nil
            guard total <= Int(Int32.max) else { throw bad(keyword, value) }
        }
        total += number ?? 0
        guard !value.isEmpty, total <= Int(Int32.max) else { throw bad(keyword, value) }
        return .seconds(total)
    }
}
