import Foundation
import Glibc

/// Read-only queries over Linux's `/proc`, used to find every process an sshd instance left behind
/// (sshd's per-connection children call `setsid()`, so they escape the listener's process group).
public enum HarnessProcessTable {
    /// One live process: its id, parent id and one-letter state from `/proc/<pid>/stat`.
    struct Entry {
        let pid: Int32
        let parent: Int32
        let state: Character
    }

    /// All process ids currently listed in `/proc` (bounded by the directory listing itself).
    static func allProcessIDs() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }
    }

    /// Parses `/proc/<pid>/stat`: "pid (comm) state ppid ..."; comm may contain spaces and parentheses.
    static func entry(for pid: Int32) -> Entry? {
        let text = readText(atPath: "/proc/\(pid)/stat")
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return Entry(pid: pid, parent: parent, state: state)
    }

    /// True if `pid` no longer exists or has exited and awaits reaping.
    static func isGoneOrZombie(_ pid: Int32) -> Bool {
        guard let entry = entry(for: pid) else { return true }
        return entry.state == "Z" || entry.state == "X"
    }

    /// True if the process exists and is stopped (state `T`), e.g. after SIGSTOP.
    public static func isStopped(_ pid: Int32) -> Bool {
        entry(for: pid)?.state == "T"
    }

    /// Every live (non-zombie) descendant of `root`, excluding `root` itself.
    public static func liveDescendants(of root: Int32) -> [Int32] {
        let entries = allProcessIDs().compactMap(entry(for:)).filter { $0.state != "Z" && $0.state != "X" }
        var children: [Int32: [Int32]] = [:]
        for entry in entries { children[entry.parent, default: []].append(entry.pid) }
        var found: [Int32] = []
        var frontier = children[root] ?? []
        var visited: Set<Int32> = [root]
        while let next = frontier.popLast(), visited.count <= entries.count {
            guard visited.insert(next).inserted else { continue }
            found.append(next)
            frontier.append(contentsOf: children[next] ?? [])
        }
        return found
    }

    /// Live processes (other than this one) whose command line contains `path`, or that hold an
    /// open file descriptor under `path` (sshd's children keep the log file in the temp dir open as
    /// stderr even after `setproctitle` has overwritten their command line).
    public static func processIDs(referencing path: String) -> [Int32] {
        let me = getpid()
        return allProcessIDs().filter { pid in
            guard pid != me, !isGoneOrZombie(pid) else { return false }
            if commandLine(of: pid).contains(path) { return true }
            return openFilePaths(of: pid).contains { $0.hasPrefix(path) }
        }
    }

    /// The NUL-separated `/proc/<pid>/cmdline`, joined with spaces ("" if unreadable).
    public static func commandLine(of pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    /// The targets of `/proc/<pid>/fd/*` links (empty if unreadable).
    static func openFilePaths(of pid: Int32) -> [String] {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)") }
    }
}
