import Foundation
import Synchronization

/// This process's resident memory (VmRSS in /proc/self/status), in bytes; -1 if unreadable.
func residentMemoryBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return -1 }
        return kilobytes * 1024
    }
    return -1
}

/// Samples open file descriptors and resident memory every `interval` on its own thread, keeping
/// the peaks, until `stop()` (which waits for the thread, at most 2 s). The thread holds the sampler
/// until then, so always call `stop()`.
final class ResourceSampler: Sendable {
    /// Peaks seen so far.
    struct Peaks: Sendable {
        var fileDescriptors = 0
        var residentBytes = 0
        var samples = 0
    }

    private let state = Mutex((peaks: Peaks(), stopping: false, running: true))

    /// Starts sampling at once.
    init(interval: Duration = .milliseconds(20)) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            while !state.withLock({ $0.stopping }) {
                let fds = openFileDescriptorCount()
                let rss = residentMemoryBytes()
                state.withLock {
                    $0.peaks.fileDescriptors = max($0.peaks.fileDescriptors, fds)
                    $0.peaks.residentBytes = max($0.peaks.residentBytes, rss)
                    $0.peaks.samples += 1
                }
                Thread.sleep(forTimeInterval: seconds)
            }
            state.withLock { $0.running = false }
        }
        thread.name = "ResourceSampler"
        thread.start()
    }

    /// The peaks so far.
    var peaks: Peaks { state.withLock { $0.peaks } }

    /// Stops the thread and returns the peaks.
    @discardableResult
    func stop() -> Peaks {
        state.withLock { $0.stopping = true }
        let deadline = ContinuousClock.now + .seconds(2)
        while state.withLock({ $0.running }) && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        return peaks
    }

}
