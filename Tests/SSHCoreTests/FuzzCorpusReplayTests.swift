import Foundation
import FuzzBodies
import Testing

/// Replays the libFuzzer seed corpus (Fixtures/fuzz/<Target>/) and every regression input
/// (Fixtures/fuzz/regressions/<Target>/, one file per crash Scripts/fuzz found) through the fuzz
/// bodies, so `swift test` catches a parser that traps again on an input it once trapped on.
@Suite("Fuzz corpus and regressions replay")
struct FuzzCorpusReplayTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    static func inputs(in directory: URL) -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { !$0.hasDirectoryPath }.sorted { $0.path < $1.path }
    }

    @Test("Every fuzz target's seed corpus and regression inputs run without trapping", arguments: FuzzBodies.all.map(\.target))
    func replay(target: String) throws {
        let body = try #require(FuzzBodies.all.first { $0.target == target }?.body)
        let seeds = Self.inputs(in: Self.fixtures.appendingPathComponent(target))
        #expect(!seeds.isEmpty, "no seed corpus for \(target) in \(Self.fixtures.path)")
        let regressions = Self.inputs(in: Self.fixtures.appendingPathComponent("regressions/\(target)"))
        for file in seeds + regressions {
            body(Array(try Data(contentsOf: file)))
        }
    }
}
