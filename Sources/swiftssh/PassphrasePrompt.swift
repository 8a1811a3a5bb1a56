#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads passphrases from the terminal with echo turned off, like OpenSSH's `readpassphrase(3)`.
enum PassphrasePrompt {
    /// Whether standard input is a terminal, so that prompting makes sense.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Prints `prompt` to standard error and reads one line from the terminal without echo.
    /// Returns nil at end of input.
    static func read(_ prompt: String) -> String? {
        writeToStandardError(prompt)
        var saved = termios()
        let canSilence = tcgetattr(STDIN_FILENO, &saved) == 0
        if canSilence {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if canSilence { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            writeToStandardError("\n")
        }
        return readLine(strippingNewline: true)
    }

    /// Writes `text` to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
    private static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
