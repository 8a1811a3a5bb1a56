import Foundation
import NIOCore
import SSHCore

/// The committed fixture made by Fixtures/make-known-hosts.sh, and its public keys.
enum KnownHostsFixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/known-hosts")

    static let label = "Fixtures/known-hosts/known_hosts"

    static func text() throws -> String {
        try String(contentsOf: directory.appendingPathComponent("known_hosts"), encoding: .utf8)
    }

    static func document() throws -> KnownHostsDocument {
        KnownHostsDocument(text: try text(), source: label)
    }

    /// The key in `keys/NAME.pub`, parsed from its `type base64 comment` line.
    static func key(_ name: String) throws -> PublicKey {
        let line = try String(contentsOf: directory.appendingPathComponent("keys/\(name).pub"), encoding: .utf8)
        let fields = line.split(separator: " ")
        guard fields.count >= 2, let blob = Base64.decode(fields[1]) else { throw FixtureError.badKeyFile(name) }
        return try PublicKey(blob: ByteBuffer(bytes: blob))
    }

    enum FixtureError: Error { case badKeyFile(String) }
}
