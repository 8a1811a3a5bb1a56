import NIOCore
@testable import SSHCore
import SSHCrypto
import Testing

/// Public key lines and fingerprints against what ssh-keygen wrote and printed (Fixtures/make-keys.sh).
@Suite struct OpenSSHPublicKeyLineTests {
    @Test(arguments: KeyFixtures.names)
    func parsesPubFileAndMatchesSSHKeygenFingerprints(name: String) throws {
        let pubLine = try KeyFixtures.text("\(name).pub")
        let line = try OpenSSHPublicKeyLine(parsing: pubLine)
        #expect(line.comment == "fixture-\(name)@swiftssh")
        #expect(line.options == nil)
        #expect(line.text == pubLine)
        #expect(KeyFingerprint.listing(line.key, comment: line.comment) == (try KeyFixtures.text("\(name).fp-sha256")))
        #expect(KeyFingerprint.listing(line.key, comment: line.comment, md5: true) == (try KeyFixtures.text("\(name).fp-md5")))
    }

    @Test func skipsAuthorizedKeysOptionsWithQuotedSpaces() throws {
        let pubLine = try KeyFixtures.text("ed25519.pub")
        let withOptions = #"command="echo \"hi there\"",no-pty,from="10.0.0.1" "# + pubLine + "  \r\n"
        let line = try OpenSSHPublicKeyLine(parsing: withOptions)
        #expect(line.options == #"command="echo \"hi there\"",no-pty,from="10.0.0.1""#)
        #expect(line.text == pubLine)
    }

    @Test func keyWithoutCommentHasEmptyComment() throws {
        let parts = try KeyFixtures.text("ecdsa256.pub").split(separator: " ")
        let line = try OpenSSHPublicKeyLine(parsing: "\(parts[0])\t\(parts[1])")
        #expect(line.comment == "")
        #expect(KeyFingerprint.listing(line.key, comment: "").hasSuffix(" no comment (ECDSA)"))
    }

    @Test func refusesUnsupportedTypesAndCorruptLines() throws {
        let parts = try KeyFixtures.text("rsa.pub").split(separator: " ")
        #expect(throws: KeyFileError.unsupportedKeyType("ssh-dss")) { try OpenSSHPublicKeyLine(parsing: "ssh-dss AAAAB3NzaC1kc3M= x") }
        #expect(throws: KeyFileError.self) { try OpenSSHPublicKeyLine(parsing: "ssh-rsa !!notbase64") }
        #expect(throws: KeyFileError.self) { try OpenSSHPublicKeyLine(parsing: "ssh-ed25519 \(parts[1])") }  // type mismatch
        #expect(throws: KeyFileError.self) { try OpenSSHPublicKeyLine(parsing: "   ") }
        #expect(throws: KeyFileError.self) { try OpenSSHPublicKeyLine(parsing: "# a comment") }
        #expect(throws: KeyFileError.self) { try OpenSSHPublicKeyLine(parsing: #"command="unterminated ssh-rsa \#(parts[1])"#) }
        // Every truncation of the base64 is refused, never a crash.
        let encoded = String(parts[1])
        for length in stride(from: 0, to: encoded.count, by: 7) {
            #expect(throws: KeyFileError.self) { try OpenSSHPublicKeyLine(parsing: "ssh-rsa " + encoded.prefix(length)) }
        }
    }

    /// RFC 4648 §10 test vectors, without the padding, as `SHA256:` fingerprints print them.
    @Test func unpaddedBase64FollowsRFC4648() {
        #expect(Base64.encode(Array("f".utf8), padded: false) == "Zg")
        #expect(Base64.encode(Array("fo".utf8), padded: false) == "Zm8")
        #expect(Base64.encode(Array("foo".utf8), padded: false) == "Zm9v")
        #expect(Base64.encode(Array("foob".utf8), padded: false) == "Zm9vYg")
    }
}
