#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SSHCrypto

/// Reading and writing key files with POSIX calls, so the mode is checked and set on the very file
/// descriptor that is read or written.
enum KeyFileIO {
    /// Key files are small; anything bigger than this is not a key.
    static let maximumByteCount = 1 << 20

    /// Whether `path` exists (as anything).
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Reads the whole file and its permission bits.
    static func read(_ path: String) throws -> (bytes: [UInt8], mode: UInt32) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open", path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("cannot stat", path) }
        guard Int(status.st_size) <= maximumByteCount else {
            throw SSHError(code: .invalidKeyFile, message: "\(path) is too large to be a key file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { posixRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read", path) }
            if count == 0 { break }
            bytes += chunk.prefix(count)
            guard bytes.count <= maximumByteCount else {
                throw SSHError(code: .invalidKeyFile, message: "\(path) is too large to be a key file")
            }
        }
        wipe(&chunk)
        return (bytes, UInt32(status.st_mode) & 0o7777)
    }

    /// OpenSSH's warning (sshkey.c `sshkey_perm_ok`) when group or others have any access to a
    /// private key file, or nil when the mode is private.
    static func permissionWarning(mode: UInt32, path: String) -> String? {
        guard mode & 0o077 != 0 else { return nil }
        let octal = String(mode & 0o7777, radix: 8)
        let padded = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
        return "WARNING: UNPROTECTED PRIVATE KEY FILE! Permissions \(padded) for '\(path)' are too open. "
            + "It is required that your private key files are NOT accessible by others."
    }

    /// Writes `bytes` to `path` with `mode`, creating the file exclusively unless `overwrite`; an
    /// overwritten file gets `mode` too.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, overwrite: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, mode)
        guard descriptor >= 0 else { throw failure(errno == EEXIST ? "refusing to overwrite" : "cannot create", path) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw failure("cannot set the mode of", path) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                posixWrite(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write", path) }
            written += count
        }
    }

    /// An `SSHError` naming the operation, the path and `strerror(errno)`.
    private static func failure(_ what: String, _ path: String) -> SSHError {
        let reason = String(cString: strerror(errno))
        return SSHError(code: .fileAccessFailed, message: "\(what) \(path): \(reason)")
    }
}

/// `read(2)`, callable from inside `KeyFileIO`, whose own `read` would shadow it.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// `write(2)`, callable from inside `KeyFileIO`, whose own `write` would shadow it.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
