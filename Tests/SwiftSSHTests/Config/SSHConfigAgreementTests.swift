import Foundation
import SSHDHarness
import SwiftSSH
import Testing

/// Whether `/usr/bin/ssh` can be run (always true in CI, so that a missing install fails).
enum OpenSSHClientGate {
    static var available: Bool {
        OpenSSHClient.isInstalled || SSHDServer.isContinuousIntegration(ProcessInfo.processInfo.environment)
    }
}

/// `SSHConfig.resolve(host:)` gives the same values as OpenSSH's own `ssh -G -F file host`, for a
/// config with multi-pattern and negated `Host` lines, `Include` (glob, nested, inside a `Host`
/// block), `Match host`, `Key=Value` and quoted forms, repeated IdentityFile and LocalForward, and ProxyJump.
@Suite("ssh_config agrees with ssh -G", .tags(.interop), .enabled(if: OpenSSHClientGate.available))
struct SSHConfigAgreementTests {
    static let hosts = [
        "web", "web2", "webfront", "alt", "db1", "dbspecial", "dbx.internal", "api.prod", "api.staging", "other",
        "deep", "10.1.2.3", "nothing.example",
    ]

    /// The keys compared, as `ssh -G` names them.
    static let keys = [
        "hostname", "user", "port", "identityfile", "identitiesonly", "proxyjump", "userknownhostsfile",
        "stricthostkeychecking", "connecttimeout", "serveraliveinterval", "serveralivecountmax", "kexalgorithms",
        "ciphers", "macs", "hostkeyalgorithms", "localforward",
    ]

    /// Writes the config tree into `directory` and returns the main file's path.
    static func writeConfig(in directory: URL) throws -> String {
        let dir = directory.path
        try FileManager.default.createDirectory(atPath: dir + "/conf.d", withIntermediateDirectories: true)
        let files: [String: String] = [
            "config": """
            # A test config touching every supported rule.
            Host web !web2 alt web*
              HostName %h.example.com
              Port 2201
              IdentityFile ~/.ssh/id_web
              LocalForward 8080 127.0.0.1:80
              LocalForward 127.0.0.1:9090 [::1]:90
              StrictHostKeyChecking accept-new
              ConnectTimeout 7
              ServerAliveInterval 1m
              KexAlgorithms curve25519-sha256

            Host db* !dbx.*
              Include \(dir)/conf.d/*.conf
              User=dbadmin

            Host "api.prod" api.staging
              ProxyJump jumpuser@bastion:2222,j2
              HostName 10.1.2.3
              Port = 2202
              ciphers aes128-ctr,aes256-gcm@openssh.com

            Match host 10.1.2.3
              User matched
              ServerAliveCountMax 9

            Include \(dir)/top.conf

            HOST *
              IdentityFile ~/.ssh/id_all
              UserKnownHostsFile ~/.ssh/kh1 /tmp/kh2
              MACs hmac-sha2-256-etm@openssh.com
              HostKeyAlgorithms ssh-ed25519,rsa-sha2-512
              IdentitiesOnly yes
              SendEnv LANG
              ServerAliveCountMax 4
              StrictHostKeyChecking no
            """,
            "conf.d/a.conf": """
            User dbuser
            IdentityFile ~/.ssh/inc_db
            Host dbspecial
              Port 2999
            """,
            "conf.d/b.conf": """
            Include \(dir)/deep.conf
            """,
            "deep.conf": """
            ProxyJump deepjump
            """,
            "top.conf": """
            Host other deep
              HostName other.internal
              Port 2300
              StrictHostKeyChecking yes
            Host deep
              Include \(dir)/conf.d/b.conf
            """,
        ]
        for (name, text) in files {
            try (text + "\n").write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        }
        return dir + "/config"
    }

    /// `ssh -G -F file host` as key → values (in order).
    static func sshG(file: String, host: String) throws -> [String: [String]] {
        let result = try HarnessProcess.runChecked(executable: OpenSSHClient.path, arguments: ["-G", "-F", file, host], timeout: .seconds(20))
        var values: [String: [String]] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            values[String(line[..<space]), default: []].append(String(line[line.index(after: space)...]))
        }
        return values
    }

    /// Our value for `key` rendered as `ssh -G` prints it; nil when we have no value (ssh's default applies).
    static func rendered(_ key: String, _ config: SSHHostConfiguration) -> [String]? {
        func seconds(_ duration: Duration?) -> [String]? { duration.map { ["\($0.components.seconds)"] } }
        switch key {
        case "hostname": return config.hostName.map { [$0.lowercased()] }
        case "user": return config.user.map { [$0] }
        case "port": return config.port.map { ["\($0)"] }
        case "identityfile": return config.identityFiles.isEmpty ? nil : config.identityFiles
        case "identitiesonly": return config.identitiesOnly.map { [$0 ? "yes" : "no"] }
        case "proxyjump": return config.proxyJump.map { [$0] }
        case "userknownhostsfile": return config.userKnownHostsFiles.map { [$0.joined(separator: " ")] }
        case "stricthostkeychecking":
            return config.strictHostKeyChecking.map { value in
                switch value {
                case .yes: return ["true"]
                case .no: return ["false"]
                case .acceptNew: return ["accept-new"]
                case .ask: return ["ask"]
                }
            }
        case "connecttimeout": return seconds(config.connectTimeout)
        case "serveraliveinterval": return seconds(config.serverAliveInterval)
        case "serveralivecountmax": return config.serverAliveCountMax.map { ["\($0)"] }
        case "kexalgorithms": return config.kexAlgorithms.map { [$0] }
        case "ciphers": return config.ciphers.map { [$0] }
        case "macs": return config.macs.map { [$0] }
        case "hostkeyalgorithms": return config.hostKeyAlgorithms.map { [$0] }
        case "localforward":
            guard !config.localForwards.isEmpty else { return nil }
            return config.localForwards.map { forward in
                let listen = forward.bindAddress.map { "[\($0)]:\(forward.bindPort)" } ?? "\(forward.bindPort)"
                return "\(listen) [\(forward.host)]:\(forward.hostPort)"
            }
        default: return nil
        }
    }

    /// The home directory ssh expands `~` with (the password database's).
    static var passwordHome: String {
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return NSHomeDirectory() }
        return String(cString: directory)
    }

    @Test("every compared key of every host matches ssh -G", arguments: hosts)
    func agreement(host: String) throws {
        let scratch = try ClientScratch()
        let file = try Self.writeConfig(in: scratch.url)
        let config = try SSHConfig.load(path: file, missingIsEmpty: false, homeDirectory: Self.passwordHome)
        let ours = try config.resolve(host: host)
        let theirs = try Self.sshG(file: file, host: host)
        let defaults = try Self.sshG(file: "/dev/null", host: host)
        var setByConfig = 0
        for key in Self.keys {
            let mine = Self.rendered(key, ours)
            if mine != nil { setByConfig += 1 }
            // No value from us means ssh must print its default, i.e. what it prints with an empty config.
            let expected = mine ?? defaults[key] ?? []
            #expect(theirs[key] ?? [] == expected, "\(host): \(key)")
        }
        // Not vacuous: the config sets several keys for every host (Host * sets six).
        #expect(setByConfig >= 6, "\(host): only \(setByConfig) keys set")
    }

    @Test("command-line options come before the file, as ssh -o does")
    func commandLineOptionsWin() throws {
        let scratch = try ClientScratch()
        let file = try Self.writeConfig(in: scratch.url)
        let config = try SSHConfig.load(path: file, missingIsEmpty: false, homeDirectory: Self.passwordHome)
        let options = ["Port=4444", "User cli", "IdentityFile=/tmp/cli_key", "StrictHostKeyChecking=accept-new"]
        let ours = try config.resolve(host: "web", commandLineOptions: options)
        let result = try HarnessProcess.runChecked(
            executable: OpenSSHClient.path, arguments: ["-G", "-F", file] + options.flatMap { ["-o", $0] } + ["web"], timeout: .seconds(20))
        let theirs = Set(result.standardOutput.split(separator: "\n").map(String.init))
        #expect(ours.port == 4444 && theirs.contains("port 4444"))
        #expect(ours.user == "cli" && theirs.contains("user cli"))
        #expect(ours.identityFiles == ["/tmp/cli_key", "~/.ssh/id_web", "~/.ssh/id_all"])
        #expect(theirs.contains("identityfile /tmp/cli_key"))
        #expect(ours.strictHostKeyChecking == .acceptNew && theirs.contains("stricthostkeychecking accept-new"))
    }
}
