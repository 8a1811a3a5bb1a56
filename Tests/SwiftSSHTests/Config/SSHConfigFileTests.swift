import Foundation
import SwiftSSH
import Testing

/// File loading around the pure parser: relative and `~` includes, missing files, bad values, and
/// the forward specifications of `-L` and `LocalForward`.
@Suite("ssh_config files and forward specifications")
struct SSHConfigFileTests {
    @Test("relative Include paths are taken from ~/.ssh of a user config, `~` is the given home, globs sort")
    func relativeIncludes() throws {
        let home = try ClientScratch()
        let sshDirectory = home.url.appendingPathComponent(".ssh")
        try FileManager.default.createDirectory(at: sshDirectory.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
        try "Host *\n  User from-b\n".write(to: sshDirectory.appendingPathComponent("conf.d/b.conf"), atomically: false, encoding: .utf8)
        try "Host *\n  User from-a\n  Port 2022\n".write(to: sshDirectory.appendingPathComponent("conf.d/a.conf"), atomically: false, encoding: .utf8)
        try "IdentityFile ~/key\n".write(to: sshDirectory.appendingPathComponent("tilde.conf"), atomically: false, encoding: .utf8)
        try "Include conf.d/*.conf\nInclude ~/.ssh/tilde.conf\nInclude nothing-matches-*\nUserKnownHostsFile ~/kh\n"
            .write(to: sshDirectory.appendingPathComponent("config"), atomically: false, encoding: .utf8)
        let config = try SSHConfig.load(path: "~/.ssh/config", homeDirectory: home.url.path)
        let resolved = try config.resolve(host: "any")
        #expect(resolved.user == "from-a")
        #expect(resolved.port == 2022)
        #expect(resolved.identityFiles == ["~/key"])
        #expect(resolved.userKnownHostsFiles == [home.url.path + "/kh"])
    }

    @Test("a missing default file is empty; a missing named file, a bad value or a bad line is an error")
    func errors() throws {
        let home = try ClientScratch()
        #expect(try SSHConfig.load(homeDirectory: home.url.path).resolve(host: "x") == SSHHostConfiguration(host: "x"))
        #expect(throws: SSHError.self) { try SSHConfig.load(path: home.url.path + "/absent") }
        #expect(throws: SSHError.self) { try SSHConfig.parse(text: "Port \"22").resolve(host: "x") }
        for bad in ["Port 0", "Port 70000", "StrictHostKeyChecking maybe", "ConnectTimeout 5x", "IdentitiesOnly perhaps",
                    "ServerAliveCountMax -1", "LocalForward 8080"] {
            #expect(throws: SSHError.self, "\(bad)") { try SSHConfig.parse(text: bad).resolve(host: "x") }
        }
        #expect(throws: SSHError.self) { try SSHConfig().resolve(host: "x", commandLineOptions: ["Host y"]) }
    }

    @Test("time values use OpenSSH's format; %h expands in HostName")
    func values() throws {
        let resolved = try SSHConfig.parse(text: "HostName %h.corp\nConnectTimeout 1m30s\nServerAliveInterval 15\nServerAliveCountMax 2\n")
            .resolve(host: "db")
        #expect(resolved.hostName == "db.corp")
        #expect(resolved.connectTimeout == .seconds(90))
        #expect(resolved.serverAliveInterval == .seconds(15))
        #expect(resolved.serverAliveCountMax == 2)
    }

    @Test("-L forms: port:host:hostport, bind:port:host:hostport, brackets for IPv6, slashes", arguments: [
        ("8080:db:5432", SSHForwardSpecification(bindPort: 8080, host: "db", hostPort: 5432)),
        ("0:127.0.0.1:3306", SSHForwardSpecification(bindPort: 0, host: "127.0.0.1", hostPort: 3306)),
        ("127.0.0.2:80:web:8080", SSHForwardSpecification(bindAddress: "127.0.0.2", bindPort: 80, host: "web", hostPort: 8080)),
        ("[::1]:80:[fd00::5]:22", SSHForwardSpecification(bindAddress: "::1", bindPort: 80, host: "fd00::5", hostPort: 22)),
        ("*:80:web:8080", SSHForwardSpecification(bindAddress: "*", bindPort: 80, host: "web", hostPort: 8080)),
        ("80/web/8080", SSHForwardSpecification(bindPort: 80, host: "web", hostPort: 8080)),
    ])
    func forwardForms(text: String, expected: SSHForwardSpecification) throws {
        #expect(try SSHForwardSpecification(commandLine: text) == expected)
    }

    @Test("bad -L values are refused", arguments: ["", "8080", "8080:db", "x:db:1", "1:db:0", "70000:db:1", "1:db:x", "[::1:1:db:2", "[a]b:1:db:2", "1::2"])
    func badForwards(text: String) {
        #expect(throws: SSHError.self) { try SSHForwardSpecification(commandLine: text) }
    }

    @Test("bind address spellings map as ssh's do")
    func bindAddresses() throws {
        #expect(try SSHForwardSpecification(commandLine: "1:h:2").effectiveBindAddress == "127.0.0.1")
        #expect(try SSHForwardSpecification(commandLine: "localhost:1:h:2").effectiveBindAddress == "127.0.0.1")
        #expect(try SSHForwardSpecification(commandLine: ":1:h:2").effectiveBindAddress == "0.0.0.0")
        #expect(try SSHForwardSpecification(commandLine: "[::1]:1:h:2").description == "[::1]:1:h:2")
    }
}
