#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounded whole-file reads for the text files SwiftSSH loads (known_hosts, ssh_config).
enum TextFileReader {
    /// The file's text (invalid UTF-8 replaced), or nil when it does not exist. `what` names the file
    /// in errors ("known_hosts file"); a file larger than `maximumSize` bytes is refused.
    static func readText(atPath path: String, what: String, maximumSize: Int) throws(SSHError) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw failure("cannot read \(what) \(path)", errno: code)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read \(what) \(path)", errno: errno)
            }
            bytes += chunk[0..<count]
            guard bytes.count <= maximumSize else {
                throw SSHError(code: .invalidConfiguration, message: "\(what) \(path) is larger than \(maximumSize) bytes")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An error naming what failed and the system's reason.
    static func failure(_ what: String, errno code: Int32) -> SSHError {
        SSHError(code: .invalidConfiguration, message: "\(what): \(describe(code))")
    }

    /// The system's text for an errno value.
    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
