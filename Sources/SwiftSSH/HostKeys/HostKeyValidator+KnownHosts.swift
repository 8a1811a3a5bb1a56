import SSHCore
import Synchronization

/// Serialises accept-new's read-check-append within this process, so that two connections that
/// learn the same new host at once append it once.
private let acceptNewLock = Mutex(())

extension HostKeyValidator {
    /// OpenSSH's `StrictHostKeyChecking=yes`: accepts a key only if one of `files` (taken together,
    /// default `~/.ssh/known_hosts`) holds it for the host, and refuses unknown, changed and revoked
    /// keys with a message modelled on OpenSSH's. A file that exists but cannot be read refuses too.
    public static func knownHosts(_ files: [KnownHostsFile] = [.default]) -> HostKeyValidator {
        precondition(!files.isEmpty, "HostKeyValidator.knownHosts needs at least one known_hosts file")
        return HostKeyValidator(decide: { context in
            decide(context, files: files, learnInto: nil, hashNewEntries: false)
        }, knownKeyTypes: { host, port in
            knownKeyTypes(host: host, port: port, files: files)
        })
    }

    /// OpenSSH's `StrictHostKeyChecking=accept-new` (trust on first use): like `knownHosts`, but a
    /// host that no file names is trusted and its key appended to the first file (hashed when
    /// `hashNewEntries`, like `HashKnownHosts=yes`). A changed or revoked key is still refused. As in
    /// OpenSSH, a failure to append does not stop the connection.
    public static func acceptNew(_ files: [KnownHostsFile] = [.default], hashNewEntries: Bool = false) -> HostKeyValidator {
        precondition(!files.isEmpty, "HostKeyValidator.acceptNew needs at least one known_hosts file")
        return HostKeyValidator(decide: { context in
            decide(context, files: files, learnInto: files[0], hashNewEntries: hashNewEntries)
        }, knownKeyTypes: { host, port in
            knownKeyTypes(host: host, port: port, files: files)
        })
    }

    private static func decide(_ context: Context, files: [KnownHostsFile], learnInto learningFile: KnownHostsFile?,
                               hashNewEntries: Bool) -> HostKeyVerdict {
        acceptNewLock.withLock { _ in
            let verdict: KnownHostsVerdict
            do throws(SSHError) {
                verdict = try KnownHostsFile.coreLookup(host: context.host, port: context.port, key: context.hostKey.key, in: files)
            } catch {
                return .reject(reason: HostKeyRejectionMessages.unreadable(error))
            }
            switch verdict {
            case .trusted:
                return .accept
            case let .mismatch(expected):
                return .reject(reason: HostKeyRejectionMessages.mismatch(
                    host: context.host, port: context.port, received: context.hostKey, expected: expected))
            case let .revoked(entry):
                return .reject(reason: HostKeyRejectionMessages.revoked(
                    host: context.host, port: context.port, received: context.hostKey, entry: entry))
            case let .unknown(certificateAuthorities):
                guard let learningFile else {
                    return .reject(reason: HostKeyRejectionMessages.unknown(
                        host: context.host, port: context.port, received: context.hostKey, files: files,
                        certificateAuthorities: certificateAuthorities))
                }
                try? learningFile.append(host: context.host, port: context.port, key: context.hostKey, hashed: hashNewEntries)
                return .accept
            }
        }
    }

    private static func knownKeyTypes(host: String, port: Int, files: [KnownHostsFile]) -> [String] {
        var types: [String] = []
        for file in files {
            for type in (try? file.knownKeyTypes(host: host, port: port)) ?? [] where !types.contains(type) {
                types.append(type)
            }
        }
        return types
    }
}
