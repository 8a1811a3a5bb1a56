/// ssh accepts option values joined to their flag (`-oStrictHostKeyChecking=yes`, `-L8080:db:5432`,
/// `-p2222`). The argument parser splits `-oKey=Value` at the `=` instead, so the tunnel's arguments
/// are rewritten to the separate form (`-o`, `Key=Value`) before parsing.
enum JoinedOptionSplitter {
    /// The tunnel's flags that take a value.
    static let valueFlags: Set<Character> = ["F", "p", "l", "i", "J", "o", "L"]

    /// `arguments` (without the program name) with joined values of the `tunnel` subcommand split off.
    static func split(_ arguments: [String]) -> [String] {
        guard arguments.first == "tunnel" else { return arguments }
        var result = ["tunnel"]
        var expectsValue = false
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if expectsValue {
                result.append(argument)
                expectsValue = false
                continue
            }
            if argument == "--" {
                result += arguments[(index - 1)...]
                break
            }
            let characters = Array(argument)
            guard characters.count >= 2, characters[0] == "-", characters[1] != "-", valueFlags.contains(characters[1]) else {
                result.append(argument)
                continue
            }
            if characters.count == 2 {
                result.append(argument)
                expectsValue = true
            } else {
                result += ["-\(characters[1])", String(characters[2...])]
            }
        }
        return result
    }
}
