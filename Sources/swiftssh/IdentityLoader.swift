import Logging
import SwiftSSH
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads identity files for public-key authentication, asking for passphrases as ssh does.
struct IdentityLoader {
    /// Wrong passphrases tolerated per key (ssh's NumberOfPasswordPrompts default).
    static let attempts = 3

    let console: Console
    let logger: Logger
    let passphrases: PassphraseSource

    /// The authentication methods for `files` in order. A missing explicit file gets ssh's warning; an
    /// encrypted key whose passphrase is not given (or wrong three times) is skipped with a note.
    func load(_ files: [(path: String, explicit: Bool)]) -> [SSHAuthenticationMethod] {
        var methods: [SSHAuthenticationMethod] = []
        for file in files {
            guard access(file.path, F_OK) == 0 else {
                if file.explicit { console.note("Warning: Identity file \(file.path) not accessible: No such file or directory.") }
                continue
            }
            if let key = loadKey(file.path) { methods.append(.privateKey(key, label: file.path)) }
        }
        return methods
    }

    private func loadKey(_ path: String) -> SSHPrivateKey? {
        do {
            return try SSHPrivateKey(contentsOf: path, passphrase: nil, logger: logger)
        } catch let error as SSHError where error.code == .passphraseRequired {
            for _ in 0..<Self.attempts {
                guard let passphrase = passphrases.ask("Enter passphrase for key '\(path)': "), !passphrase.isEmpty else {
                    logger.info("no passphrase for \(path); skipping it")
                    return nil
                }
                do {
                    return try SSHPrivateKey(contentsOf: path, passphrase: passphrase, logger: logger)
                } catch let error as SSHError where error.code == .wrongPassphrase {
                    console.note("Bad passphrase for \(path).")
                } catch {
                    console.note("cannot load identity \(path): \(error)")
                    return nil
                }
            }
            return nil
        } catch let error as SSHError {
            console.note("cannot load identity \(path): \(error.message)")
            return nil
        } catch {
            console.note("cannot load identity \(path): \(error)")
            return nil
        }
    }
}
