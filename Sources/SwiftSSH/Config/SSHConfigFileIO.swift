#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SSHCore

/// File access for ssh_config: bounded whole-file reads, `~` expansion and `Include` globbing.
enum SSHConfigFileIO {
    /// Files larger than this are refused (no real config comes near it).
    static let maximumFileSize = 4 << 20

    /// The file's text, or nil when it does not exist.
    static func readText(atPath path: String) throws(SSHError) -> String? {
        try TextFileReader.readText(atPath: path, what: "ssh config file", maximumSize: maximumFileSize)
    }

    /// Expands a leading `~` or `~/` to `home`.
    static func expandTilde(_ path: String, home: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    /// The home directory: `$HOME`, else the password database.
    static func homeDirectory() -> String {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }

    /// The paths matching a glob pattern, sorted; empty when none match.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        #if canImport(Glibc)
        let status = Glibc.glob(pattern, 0, nil, &result)
        #else
        let status = Darwin.glob(pattern, 0, nil, &result)
        #endif
        guard status == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}
