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

    /// Parses the arguments (after splitting ssh-style joined option values) and runs the subcommand.
    static func main() async {
        let arguments = JoinedOptionSplitter.split(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
