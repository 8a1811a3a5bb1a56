import ArgumentParser
import SwiftSSH

/// The `swiftssh` command: an SSH client whose flags mirror OpenSSH's.
@main
struct SwiftSSHCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftssh",
        abstract: "An SSH client for port forwarding through a bastion, with OpenSSH-style flags.",
        version: "swiftssh \(SwiftSSHLibrary.version)",
        subcommands: [TunnelCommand.self, KeygenCommand.self]
    )
}
