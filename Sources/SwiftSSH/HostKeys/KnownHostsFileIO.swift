#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access for known_hosts: whole-file reads, and appends that never rewrite
/// existing bytes (`O_APPEND`).
enum KnownHostsFileIO {
    /// Files larger than this are refused (a known_hosts file of a million hosts is about 100 MiB).
    static let maximumFileSize = 256 << 20

    /// The file's text, or nil when it does not exist (OpenSSH treats a missing file as empty).
    static func readText(atPath path: String) throws(SSHError) -> String? {
        try TextFileReader.readText(atPath: path, what: "known_hosts file", maximumSize: maximumFileSize)
    }

    /// Appends `text` to the file, creating it (mode 0600) and its directory (mode 0700) if needed.
    /// If the file does not end with a newline, one is written first so that no existing line is
    /// changed.
    static func append(_ text: String, toPath path: String) throws(SSHError) {
        try createParentDirectory(of: path)
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TextFileReader.failure("cannot open known_hosts file \(path) for appending", errno: errno) }
        defer { close(descriptor) }
        var output = Array(text.utf8)
        if try !endsWithNewlineOrIsEmpty(descriptor: descriptor, path: path) {
            output.insert(UInt8(ascii: "\n"), at: 0)
        }
        var written = 0
        while written < output.count {
            let count = output[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TextFileReader.failure("cannot append to known_hosts file \(path)", errno: errno)
            }
            written += count
        }
    }

    /// Expands a leading `~` or `~/` to the home directory (`$HOME`, else the password database).
    static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return homeDirectory() + path.dropFirst()
    }

    private static func homeDirectory() -> String {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }

    private static func endsWithNewlineOrIsEmpty(descriptor: Int32, path: String) throws(SSHError) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw TextFileReader.failure("cannot stat known_hosts file \(path)", errno: errno) }
        guard status.st_size > 0 else { return true }
        var last: UInt8 = 0
        let count = pread(descriptor, &last, 1, status.st_size - 1)
        guard count == 1 else { throw TextFileReader.failure("cannot read the end of known_hosts file \(path)", errno: errno) }
        return last == UInt8(ascii: "\n")
    }

    private static func createParentDirectory(of path: String) throws(SSHError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        var status = stat()
        if stat(directory, &status) == 0 { return }
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw TextFileReader.failure("cannot create directory \(directory) for known_hosts", errno: errno)
        }
    }
}
