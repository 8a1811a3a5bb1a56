import Foundation

/// Short (CI) or long (`Scripts/soak`) form of the soak and fault tests, read from the environment:
/// `SWIFTSSH_SOAK=long` selects the long sizes, and `SWIFTSSH_SOAK_HOURS=N` makes each long test
/// repeat its rounds until its share of N hours is used up.
enum SoakSettings {
    /// True when `SWIFTSSH_SOAK=long`.
    static var isLong: Bool { ProcessInfo.processInfo.environment["SWIFTSSH_SOAK"]?.lowercased() == "long" }

    /// Hours requested for the whole long run (0 = one round per test).
    static var hours: Double {
        guard isLong, let text = ProcessInfo.processInfo.environment["SWIFTSSH_SOAK_HOURS"], let value = Double(text),
              value > 0, value <= 24 * 7 else { return 0 }
        return value
    }

    /// The soak suite's four tests share the requested time equally.
    static let testsSharingTheTime = 4.0

    /// When a test that started now must start no further round (at least one round always runs).
    static func roundsDeadline(from start: ContinuousClock.Instant = .now) -> ContinuousClock.Instant {
        start + .seconds(hours * 3600 / testsSharingTheTime)
    }

    /// A hard cap on rounds, so even a wrong clock cannot loop forever.
    static let maximumRounds = 100_000

    /// `short` in CI's form, `long` in the long form.
    static func pick<T>(short: T, long: T) -> T { isLong ? long : short }

    /// Runs `round` once, then (long form with hours) again until the deadline or the round cap.
    static func repeatRounds(_ round: (Int) async throws -> Void) async rethrows {
        let deadline = roundsDeadline()
        var index = 0
        repeat {
            try await round(index)
            index += 1
        } while index < maximumRounds && ContinuousClock.now < deadline
    }
}

/// One line of figures per test, in a fixed format that Docs/Testing.md records.
func printSoakFigures(_ test: String, _ figures: KeyValuePairs<String, String>) {
    let text = figures.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    print("SOAK \(test) [\(SoakSettings.isLong ? "long" : "short")]: \(text)")
}

/// Mebibytes with one decimal, for the figures line.
func mebibytes(_ bytes: Int) -> String { String(format: "%.1fMiB", Double(bytes) / 1_048_576) }
