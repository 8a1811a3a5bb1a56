import Logging
import SSHCore

/// An OpenSSH client configuration (ssh_config(5)), as read from `~/.ssh/config` or any file, for
/// library users who want their service to honour the same host aliases, users, ports, keys and jump
/// hosts as `ssh` does.
///
/// ```swift
/// let config = try SSHConfig.load()                 // ~/.ssh/config; empty if it does not exist
/// let db = try config.resolve(host: "db-bastion")
/// let port = db.port ?? 22
/// ```
///
/// Rules, as in OpenSSH: for each option the first value obtained wins (except `IdentityFile` and
/// `LocalForward`, whose values accumulate); `Host` lines take several patterns with `*`, `?` and
/// `!` negation; `Include` reads files (glob patterns, relative paths taken from `~/.ssh` for a user
/// configuration) up to 16 levels deep; `Match all`, `Match host` and `Match originalhost` are
/// evaluated and blocks with other criteria are skipped. Unsupported keywords are ignored with a
/// debug log. Keywords are case-insensitive; `Key Value` and `Key=Value` both work; values may be quoted.
public struct SSHConfig: Sendable {
    /// The per-user file, `~/.ssh/config`.
    public static let defaultPath = "~/.ssh/config"

    /// The keywords SwiftSSH understands (lowercase).
    public static let supportedKeywords: Set<String> = [
        "hostname", "user", "port", "identityfile", "identitiesonly", "proxyjump", "userknownhostsfile",
        "stricthostkeychecking", "connecttimeout", "serveraliveinterval", "serveralivecountmax",
        "kexalgorithms", "ciphers", "macs", "hostkeyalgorithms", "localforward",
    ]

    private let documents: [SSHConfigDocument]
    private let isUserConfiguration: Bool
    private let homeDirectory: String

    /// An empty configuration: every host resolves to no values.
    public init() {
        documents = []
        isUserConfiguration = true
        homeDirectory = SSHConfigFileIO.homeDirectory()
    }

    private init(documents: [SSHConfigDocument], isUserConfiguration: Bool, homeDirectory: String) {
        self.documents = documents
        self.isUserConfiguration = isUserConfiguration
        self.homeDirectory = homeDirectory
    }

    /// Reads a configuration file (`~` expanded). A user configuration (the default) takes relative
    /// `Include` paths from `~/.ssh`, a system one (`/etc/ssh/ssh_config`) from `/etc/ssh`.
    ///
    /// - Parameters:
    ///   - path: The file; `~/.ssh/config` by default.
    ///   - missingIsEmpty: When true (the default for `~/.ssh/config`), a missing file is an empty
    ///     configuration, as for ssh; when false it is an error, as for `ssh -F file`.
    ///   - isUserConfiguration: Whether relative includes are taken from `~/.ssh` (else `/etc/ssh`).
    ///   - homeDirectory: The directory `~` means; `$HOME` by default.
    /// - Throws: `SSHError` (`invalidConfiguration`) when the file cannot be read or has a bad line.
    public static func load(path: String = defaultPath, missingIsEmpty: Bool? = nil, isUserConfiguration: Bool = true,
                            homeDirectory: String? = nil) throws(SSHError) -> SSHConfig {
        let home = homeDirectory ?? SSHConfigFileIO.homeDirectory()
        let expanded = SSHConfigFileIO.expandTilde(path, home: home)
        guard let text = try SSHConfigFileIO.readText(atPath: expanded) else {
            if missingIsEmpty ?? (path == defaultPath) {
                return SSHConfig(documents: [], isUserConfiguration: isUserConfiguration, homeDirectory: home)
            }
            throw SSHError(code: .invalidConfiguration, message: "ssh config file \(expanded) does not exist")
        }
        return try parse(text: text, source: expanded, isUserConfiguration: isUserConfiguration, homeDirectory: home)
    }

    /// Parses configuration text. `Include` lines are read from files when a host is resolved.
    ///
    /// - Throws: `SSHError` (`invalidConfiguration`) naming the first line that cannot be read.
    public static func parse(text: String, source: String = "config", isUserConfiguration: Bool = true,
                             homeDirectory: String? = nil) throws(SSHError) -> SSHConfig {
        let document = SSHConfigDocument(text: text, source: source)
        if let issue = document.issues.first {
            throw SSHError(code: .invalidConfiguration, message: "bad ssh config: \(issue)")
        }
        return SSHConfig(documents: [document], isUserConfiguration: isUserConfiguration,
                         homeDirectory: homeDirectory ?? SSHConfigFileIO.homeDirectory())
    }

    /// The settings for `host` (the name as typed, e.g. an alias). `commandLineOptions` are
    /// `Key=Value` or `Key Value` strings, as given to `ssh -o`: they are read before the file, so
    /// they win, as in ssh.
    ///
    /// - Throws: `SSHError` (`invalidConfiguration`) for a bad option value, a bad line in an
    ///   included file, or includes nested too deeply.
    public func resolve(host: String, commandLineOptions: [String] = [],
                        logger: Logger = Logger(label: "SwiftSSH.config")) throws(SSHError) -> SSHHostConfiguration {
        let overrides = SSHConfigDocument(text: commandLineOptions.joined(separator: "\n"), source: "command line")
        if let issue = overrides.issues.first {
            throw SSHError(code: .invalidConfiguration, message: "bad -o option: \(issue)")
        }
        for entry in overrides.entries {
            if case .option = entry.directive { continue }
            throw SSHError(code: .invalidConfiguration, message: "Host, Match and Include are not allowed as command-line options")
        }
        let home = homeDirectory
        let userConfiguration = isUserConfiguration
        let resolver = SSHConfigResolver(host: host, knownKeywords: Self.supportedKeywords) { path in
            Self.includedDocuments(path, home: home, isUserConfiguration: userConfiguration)
        }
        let resolution = resolver.resolve([overrides] + documents)
        for note in resolution.notes { logger.debug("\(note)") }
        if let issue = resolution.issues.first {
            throw SSHError(code: .invalidConfiguration, message: "bad ssh config: \(issue)")
        }
        return try SSHHostConfiguration(host: host, resolution: resolution, homeDirectory: home)
    }

    /// The documents one `Include` argument names: `~` expanded, relative paths under `~/.ssh` (user
    /// configuration) or `/etc/ssh`, glob expanded in sorted order. A file that cannot be read becomes
    /// a document with an issue, so resolution fails as ssh does.
    private static func includedDocuments(_ argument: String, home: String, isUserConfiguration: Bool) -> [SSHConfigDocument] {
        var pattern = SSHConfigFileIO.expandTilde(argument, home: home)
        if !pattern.hasPrefix("/") {
            pattern = (isUserConfiguration ? home + "/.ssh/" : "/etc/ssh/") + pattern
        }
        return SSHConfigFileIO.glob(pattern).map { path in
            do throws(SSHError) {
                let text = try SSHConfigFileIO.readText(atPath: path) ?? ""
                return SSHConfigDocument(text: text, source: path)
            } catch {
                var document = SSHConfigDocument(text: "", source: path)
                document.issues.append(SSHConfigSyntaxIssue(source: path, line: 0, reason: error.message))
                return document
            }
        }
    }
}
