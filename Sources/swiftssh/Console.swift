#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CLI's output: whole lines written straight to file descriptors 1 and 2 with write(2), so a
/// line is out the moment it is printed even when stdout is a pipe or a file (no stdio buffering).
struct Console: Sendable {
    /// Writes `line` and a newline to standard output.
    func printLine(_ line: String) { Self.write(line + "\n", to: STDOUT_FILENO) }

    /// Writes `debug1: message` to standard error (the -v output, in ssh's style).
    func debug(_ message: String) { Self.write("debug1: \(message)\n", to: STDERR_FILENO) }

    /// Writes `swiftssh: message` (on one line) to standard error.
    func note(_ message: String) { Self.write("swiftssh: \(Self.oneLine(message))\n", to: STDERR_FILENO) }

    /// Writes `swiftssh: reason` on one line to standard error and exits with status 255, as ssh does
    /// when it cannot connect or authenticate.
    func fail(_ reason: String) -> Never {
        note(reason)
        exit(255)
    }

    /// `text` with its lines joined by spaces, so a multi-line library message stays one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Writes every byte, retrying after EINTR and short writes.
    static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.write(descriptor, raw.baseAddress, raw.count)
                #else
                Darwin.write(descriptor, raw.baseAddress, raw.count)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            written += count
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingCharacters() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
