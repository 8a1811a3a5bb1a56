import Foundation
import Logging
import SwiftSSH
import Testing

/// Loading every fixture from disk through the public API and comparing with what ssh-keygen printed.
@Suite struct SSHPrivateKeyTests {
    static let allFiles: [(String, String)] = KeyFixtures.names.flatMap { name in KeyFixtures.variants(name).map { (name, $0) } }

    @Test(arguments: allFiles)
    func loadsFixtureWithSSHKeygensFingerprint(name: String, variant: String) throws {
        let key = try SSHPrivateKey(contentsOf: KeyFixtures.path("\(name)-\(variant)"),
                                    passphrase: KeyFixtures.isEncrypted(variant) ? KeyFixtures.passphrase : nil)
        let pub = try SSHPublicKey(openSSHLine: try KeyFixtures.text("\(name).pub"))
        #expect(key.publicKey == pub)
        #expect(key.publicKey.openSSHRepresentation + " fixture-\(name)@swiftssh" == (try KeyFixtures.text("\(name).pub")))
        var labelled = key.publicKey
        labelled.comment = "fixture-\(name)@swiftssh"
        #expect(labelled.fingerprintListing() == (try KeyFixtures.text("\(name).fp-sha256")))
        #expect(labelled.fingerprintListing(md5: true) == (try KeyFixtures.text("\(name).fp-md5")))
        if variant.hasPrefix("openssh") {
            #expect(key.publicKey.openSSHLine == (try KeyFixtures.text("\(name).pub-from-\(variant)")))
        }
    }

    @Test(arguments: KeyFixtures.names)
    func publicKeyFileMatchesSSHKeygenListing(name: String) throws {
        let key = try SSHPublicKey(openSSHLine: try KeyFixtures.text("\(name).pub"))
        let listing = try KeyFixtures.text("\(name).fp-sha256")
        #expect(key.fingerprintListing() == listing)
        #expect(listing.contains(" \(key.fingerprintSHA256) "))
        #expect((try KeyFixtures.text("\(name).fp-md5")).contains(" \(key.fingerprintMD5) "))
        #expect(listing.hasPrefix("\(key.bits) "))
        let hostKey: SSHHostKey = key
        #expect(hostKey.openSSHRepresentation == key.openSSHLine.split(separator: " ").prefix(2).joined(separator: " "))
    }

    @Test func wrongPassphraseTruncatedAndRandomFilesHaveTheirOwnErrors() throws {
        let path = KeyFixtures.path("ed25519-openssh-aes256-ctr")
        #expect(throws: SSHError.self) { try SSHPrivateKey(contentsOf: path, passphrase: "wrong") }
        func code(_ body: () throws -> Void) -> SSHError.Code? {
            do { try body() } catch let error as SSHError { return error.code } catch { return nil }
            return nil
        }
        #expect(code { _ = try SSHPrivateKey(contentsOf: path, passphrase: "wrong") } == .wrongPassphrase)
        #expect(code { _ = try SSHPrivateKey(contentsOf: path) } == .passphraseRequired)
        let text = try KeyFixtures.text("ed25519-openssh")
        #expect(code { _ = try SSHPrivateKey(fileContents: String(text.prefix(text.count / 2))) } == .invalidKeyFile)
        let random = (0..<512).map { _ in UInt8.random(in: 0...255) }
        #expect(code { _ = try SSHPrivateKey(fileContents: random) } == .invalidKeyFile)
        #expect(code { _ = try SSHPrivateKey(contentsOf: "/nonexistent/key") } == .fileAccessFailed)
        #expect(code { _ = try SSHPublicKey(openSSHLine: "ssh-dss AAAAB3NzaC1kc3M=") } == .unsupportedKeyType)
        // No message carries the passphrase.
        do {
            _ = try SSHPrivateKey(contentsOf: path, passphrase: "hunter2-secret")
        } catch let error as SSHError {
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func bcryptRoundsAreBoundedWhenWritingAndLoading() throws {
        let key = try SSHPrivateKey.generate(.ed25519)
        func code(_ body: () throws -> Void) -> SSHError.Code? {
            do { try body() } catch let error as SSHError { return error.code } catch { return nil }
            return nil
        }
        #expect(code { _ = try key.openSSHFormat(passphrase: "pw", comment: "c", rounds: 1025) } == .invalidKeyParameters)
        #expect(code { _ = try key.openSSHFormat(passphrase: "pw", comment: "c", rounds: 0) } == .invalidKeyParameters)
        // A file written with 1 round, its round count then rewritten to 2^32 − 1: refused at once,
        // with or without the passphrase, instead of deriving a key for years.
        let text = try key.openSSHFormat(passphrase: "pw", comment: "c", rounds: 1)
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        var binary = try #require(Data(base64Encoded: String(body)))
        // "openssh-key-v1\0" (15) ‖ string "aes256-ctr" (14) ‖ string "bcrypt" (10) ‖ uint32 (4) ‖ string salt (20) ‖ uint32 rounds
        let roundsOffset = 15 + 14 + 10 + 4 + 20
        #expect(Array(binary[roundsOffset..<roundsOffset + 4]) == [0, 0, 0, 1])
        binary.replaceSubrange(roundsOffset..<roundsOffset + 4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let crafted = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + binary.base64EncodedString() + "\n-----END OPENSSH PRIVATE KEY-----\n"
        let clock = ContinuousClock()
        let start = clock.now
        try #require(code { _ = try SSHPrivateKey(fileContents: crafted) } == .keyDerivationTooExpensive)
        #expect(code { _ = try SSHPrivateKey(fileContents: crafted, passphrase: "pw") } == .keyDerivationTooExpensive)
        #expect(clock.now - start < .seconds(1))
        #expect(try SSHPrivateKey(fileContents: text, passphrase: "pw").publicKey == key.publicKey)
    }

    @Test func warnsAboutFilesOthersCanRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("id_ed25519")
        try FileManager.default.copyItem(atPath: KeyFixtures.path("ed25519-openssh"), toPath: path)
        for (mode, warns) in [(0o600, false), (0o644, true), (0o640, true)] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            let handler = CapturingLogHandler()
            _ = try SSHPrivateKey(contentsOf: path, logger: Logger(label: "test") { _ in handler })
            let warnings = handler.messages.withLock { $0 }.filter { $0.contains("UNPROTECTED PRIVATE KEY FILE") }
            #expect(warnings.count == (warns ? 1 : 0))
            if warns { #expect(warnings.first?.contains("Permissions 0\(String(mode, radix: 8)) for '\(path)'") == true) }
        }
    }

    @Test func generationSizes() throws {
        #expect(try SSHPrivateKey.generate(.rsa).publicKey.bits == 3072)
        #expect(try SSHPrivateKey.generate(.ecdsa).publicKey.bits == 256)
        #expect(try SSHPrivateKey.generate(.ecdsa, bits: 521).publicKey.keyType == "ecdsa-sha2-nistp521")
        #expect(try SSHPrivateKey.generate(.ed25519, bits: 1234).publicKey.keyType == "ssh-ed25519")
        for (type, bits) in [(SSHKeyType.rsa, 1024), (.rsa, 16385), (.ecdsa, 255)] {
            #expect {
                _ = try SSHPrivateKey.generate(type, bits: bits)
            } throws: { ($0 as? SSHError)?.code == .invalidKeyParameters }
        }
    }
}
