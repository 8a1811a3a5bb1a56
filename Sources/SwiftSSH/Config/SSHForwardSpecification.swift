/// One local forward, as `ssh -L [bind_address:]port:host:hostport` or ssh_config's
/// `LocalForward [bind_address:]port host:hostport` write it. IPv6 addresses go in brackets.
public struct SSHForwardSpecification: Sendable, Hashable, CustomStringConvertible {
    /// The local address to listen on; nil means the loopback default (127.0.0.1).
    public var bindAddress: String?
    /// The local port; 0 lets the system choose.
    public var bindPort: Int
    /// The target host, as the SSH server resolves it.
    public var host: String
    /// The target port.
    public var hostPort: Int

    /// A forward from its parts.
    public init(bindAddress: String? = nil, bindPort: Int, host: String, hostPort: Int) {
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.host = host
        self.hostPort = hostPort
    }

    /// Parses the `-L` argument `[bind_address:]port:host:hostport` (`/` may replace `:`, as in ssh).
    public init(commandLine argument: String) throws(SSHError) {
        let fields = try Self.fields(argument)
        switch fields.count {
        case 3: try self.init(bind: nil, port: fields[0], host: fields[1], hostPort: fields[2], text: argument)
        case 4: try self.init(bind: fields[0], port: fields[1], host: fields[2], hostPort: fields[3], text: argument)
        default: throw Self.bad(argument)
        }
    }

    /// Parses ssh_config's two arguments: `[bind_address:]port` and `host:hostport`.
    public init(listen: String, target: String) throws(SSHError) {
        let listenFields = try Self.fields(listen)
        let targetFields = try Self.fields(target)
        let text = "\(listen) \(target)"
        guard targetFields.count == 2 else { throw Self.bad(text) }
        switch listenFields.count {
        case 1: try self.init(bind: nil, port: listenFields[0], host: targetFields[0], hostPort: targetFields[1], text: text)
        case 2: try self.init(bind: listenFields[0], port: listenFields[1], host: targetFields[0], hostPort: targetFields[1], text: text)
        default: throw Self.bad(text)
        }
    }

    private init(bind: String?, port: String, host: String, hostPort: String, text: String) throws(SSHError) {
        guard let bindPort = Int(port), (0...65535).contains(bindPort),
              let hostPort = Int(hostPort), (1...65535).contains(hostPort), !host.isEmpty else { throw Self.bad(text) }
        self.init(bindAddress: bind, bindPort: bindPort, host: host, hostPort: hostPort)
    }

    /// The address to bind: `bindAddress`, with ssh's spellings mapped (`localhost` and none to
    /// 127.0.0.1, empty or `*` to every IPv4 interface).
    public var effectiveBindAddress: String {
        switch bindAddress {
        case nil, "localhost": return "127.0.0.1"
        case "", "*": return "0.0.0.0"
        case let address?: return address
        }
    }

    /// `[bind:]port:host:hostport`, with IPv6 addresses in brackets.
    public var description: String {
        let target = "\(Self.bracketed(host)):\(hostPort)"
        guard let bindAddress else { return "\(bindPort):\(target)" }
        return "\(Self.bracketed(bindAddress)):\(bindPort):\(target)"
    }

    /// An address in brackets when it holds a colon (IPv6).
    public static func bracketed(_ address: String) -> String {
        address.contains(":") ? "[\(address)]" : address
    }

    private static func bad(_ text: String) -> SSHError {
        SSHError(code: .invalidConfiguration, message: "bad forwarding specification \"\(text)\"")
    }

    /// Splits on `:` (or `/`) outside brackets; `[...]` loses its brackets. Bounded by the input length.
    private static func fields(_ text: String) throws(SSHError) -> [String] {
        guard text.utf8.count <= 1024 else { throw bad(String(text.prefix(64))) }
        var fields: [String] = []
        var current = ""
        var inBrackets = false
        var wasBracketed = false
        for character in text {
            switch character {
            case "[" where current.isEmpty && !inBrackets && !wasBracketed:
                inBrackets = true
            case "]" where inBrackets:
                inBrackets = false
                wasBracketed = true
            case ":" where !inBrackets, "/" where !inBrackets:
                fields.append(current)
                current = ""
                wasBracketed = false
            default:
                guard !wasBracketed else { throw bad(text) }
                current.append(character)
            }
        }
        guard !inBrackets else { throw bad(text) }
        fields.append(current)
        return fields
    }
}
