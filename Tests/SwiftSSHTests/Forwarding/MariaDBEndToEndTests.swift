import Foundation
import SSHCrypto
import SSHDHarness
import Testing
@testable import SwiftSSH

/// One `mariadb` client session's work: its own table, 10,000 rows of random data, and what reading
/// them back must give.
private struct DatabaseSession {
    let table: String
    let scriptPath: String
    /// `id<TAB>payload<TAB>n` per row, ordered by id, joined by newlines: what we generated.
    let expectedRows: String
    let expectedCount: Int
    let expectedSum: Int64

    /// Random rows and the SQL that creates the table, inserts them, then reads back the server's
    /// aggregate (count, sum, MD5 over the rows) and every row.
    static func make(index: Int, rows: Int, in directory: URL) throws -> DatabaseSession {
        let table = "session_\(index)"
        var lines: [String] = []
        var values: [String] = []
        var sum: Int64 = 0
        lines.reserveCapacity(rows)
        values.reserveCapacity(rows)
        let payloadBytes = randomBytes(16 * rows)
        let numberBytes = randomBytes(5 * rows)
        for row in 0..<rows {
            let id = row + 1
            let payload = hex(payloadBytes[(16 * row)..<(16 * row + 16)])
            // A signed 40-bit value: sums of 10,000 of them stay far inside BIGINT.
            let raw = numberBytes[(5 * row)..<(5 * row + 5)].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            let number = raw - (Int64(1) << 39)
            sum += number
            lines.append("\(id)\t\(payload)\t\(number)")
            values.append("(\(id),'\(payload)',\(number))")
        }
        var sql = [
            "DROP TABLE IF EXISTS \(table);",
            "CREATE TABLE \(table) (id INT PRIMARY KEY, payload CHAR(32) NOT NULL, n BIGINT NOT NULL) ENGINE=InnoDB;",
        ]
        for start in stride(from: 0, to: values.count, by: 500) {
            let batch = values[start..<min(start + 500, values.count)].joined(separator: ",")
            sql.append("INSERT INTO \(table) (id, payload, n) VALUES \(batch);")
        }
        sql += [
            "SET SESSION group_concat_max_len = 67108864;",
            "SELECT COUNT(*), SUM(n), MD5(GROUP_CONCAT(CONCAT_WS('\\t', id, payload, n) ORDER BY id SEPARATOR '\\n')) FROM \(table);",
            "SELECT id, payload, n FROM \(table) ORDER BY id;",
        ]
        let script = directory.appendingPathComponent("\(table).sql")
        try (sql.joined(separator: "\n") + "\n").write(to: script, atomically: true, encoding: .utf8)
        return DatabaseSession(table: table, scriptPath: script.path, expectedRows: lines.joined(separator: "\n"),
                               expectedCount: rows, expectedSum: sum)
    }

    /// The MD5 of the generated rows, as the server's `MD5(GROUP_CONCAT(...))` spells it.
    var expectedChecksum: String { hex(Digest.hash(.md5, Array(expectedRows.utf8))) }

    /// Runs the script with the real `mariadb` client against `port`; returns nil when everything
    /// read back matches, else what differed.
    func run(server: MariaDBServer, port: Int, timeout: Duration) throws -> String? {
        let result = try HarnessProcess.run(executable: MariaDBServer.clientPath,
                                            arguments: server.clientArguments(port: port) + ["--execute=source \(scriptPath)"],
                                            timeout: timeout)
        guard result.succeeded else { return "\(table): mariadb \(result.exit): \(result.standardError.prefix(500))" }
        var output = result.standardOutput[...]
        guard let firstNewline = output.firstIndex(of: "\n") else { return "\(table): no output" }
        let aggregate = output[..<firstNewline].split(separator: "\t").map(String.init)
        output = output[output.index(after: firstNewline)...]
        let expectedAggregate = [String(expectedCount), String(expectedSum), expectedChecksum]
        guard aggregate == expectedAggregate else {
            return "\(table): server aggregate \(aggregate) != client-side \(expectedAggregate)"
        }
        let readBack = String(output)
        guard readBack == expectedRows + "\n" else {
            let readChecksum = hex(Digest.hash(.md5, Array(readBack.utf8)))
            return "\(table): rows read back differ (\(readBack.count) characters, MD5 \(readChecksum))"
        }
        return nil
    }
}

/// Lower-case hexadecimal, as MariaDB's MD5() prints it.
private func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
}

@Suite("End to end: the mariadb client through LocalForwarder and OpenSSH sshd to a real MariaDB",
       .tags(.interop), .serialized,
       .enabled(if: MariaDBServer.isAvailable && HarnessTestGate.localOpenSSHAvailable))
struct MariaDBEndToEndTests {
    private static let rowsPerSession = 10_000

    /// Starts MariaDB and sshd (both local, stopped by the caller in every path), connects a client,
    /// and forwards a port-0 listener to the database.
    private static func withTunnel(_ body: (MariaDBServer, LocalForwarder, URL) async throws -> Void) async throws {
        let database = try await onThread { try MariaDBServer.start() }
        defer { database.stop() }
        let identity = try TestIdentity.ed25519()
        var configuration = SSHDConfiguration()
        configuration.authorizedKeys = [identity.authorizedKeysLine]
        configuration.logLevel = "INFO"
        let sshdConfiguration = configuration
        let sshd = try await onThread { try SSHDServer.start(sshdConfiguration, environment: HarnessTestGate.localEnvironment) }
        defer { sshd.stop() }
        let scratch = try ClientScratch()
        let client = try await connectAuthenticated(sshd, identity: identity)
        let forwarder = try await LocalForwarder.start(client: client, bindPort: 0, targetHost: database.host, targetPort: database.port)
        do {
            #expect(forwarder.localPort > 0 && forwarder.localPort != database.port)
            try await body(database, forwarder, scratch.url)
        } catch {
            await forwarder.stop(gracePeriod: .seconds(1))
            await client.close()
            throw error
        }
        await forwarder.stop(gracePeriod: .seconds(1))
        await client.close()
    }

    @Test("One session: create a table, insert 10,000 random rows, read them back; checksums match")
    func oneSession() async throws {
        try await Self.withTunnel { database, forwarder, scratch in
            // Generated on its own thread: the cooperative pool (2 threads here) is shared with every other test.
            let session = try await onThread { try DatabaseSession.make(index: 0, rows: Self.rowsPerSession, in: scratch) }
            let start = ContinuousClock.now
            let mismatch = try await onThread { try session.run(server: database, port: forwarder.localPort, timeout: .seconds(120)) }
            #expect(mismatch == nil, "\(mismatch ?? "")")
            #expect(ContinuousClock.now - start < .seconds(120))
            let statistics = forwarder.statistics
            #expect(statistics.totalConnections == 1)
            // The inserts went up the tunnel and the rows came back down it.
            #expect(statistics.bytesToTarget > UInt64(Self.rowsPerSession * 40))
            #expect(statistics.bytesFromTarget > UInt64(session.expectedRows.utf8.count))
        }
    }

    @Test("50 sessions at once, each with its own table of 10,000 rows; every checksum matches")
    func fiftySessions() async throws {
        try await Self.withTunnel { database, forwarder, scratch in
            let sessions = try await onThread {
                try (0..<50).map { try DatabaseSession.make(index: $0 + 1, rows: Self.rowsPerSession, in: scratch) }
            }
            let start = ContinuousClock.now
            let mismatches = try await withThrowingTaskGroup(of: String?.self) { group in
                for session in sessions {
                    group.addTask {
                        try await onThread { try session.run(server: database, port: forwarder.localPort, timeout: .seconds(300)) }
                    }
                }
                var found: [String] = []
                for try await mismatch in group { if let mismatch { found.append(mismatch) } }
                return found
            }
            let elapsed = ContinuousClock.now - start
            #expect(mismatches.isEmpty, "\(mismatches.count) sessions differed: \(mismatches.prefix(3))")
            #expect(elapsed < .seconds(300), "50 sessions took \(elapsed)")
            #expect(forwarder.statistics.totalConnections == 50)
            #expect(await eventually { forwarder.statistics.activeConnections == 0 })
            print("MariaDB end to end: 50 sessions x \(Self.rowsPerSession) rows in \(elapsed); forwarded \(forwarder.statistics.bytesToTarget) bytes up, \(forwarder.statistics.bytesFromTarget) down")
        }
    }
}
