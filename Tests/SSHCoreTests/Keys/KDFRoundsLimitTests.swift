import NIOCore
@testable import SSHCore
import SSHCrypto
import Testing

/// The bcrypt_pbkdf round count of an encrypted openssh-key-v1 file comes from the file; above
/// `OpenSSHPrivateKeyFile.maximumKDFRounds` the file is refused at once with its own error, before
/// any passphrase is asked for or used (a crafted file could otherwise ask for 2^32 − 1 rounds).
@Suite struct KDFRoundsLimitTests {
    static let passphrase = SecureBytes(Array("correct horse battery staple".utf8))

    /// An encrypted file written with 1 round, then with its rounds field rewritten to `rounds`.
    static func file(rounds: UInt32) throws -> [UInt8] {
        let key = SigningKey.ed25519(try Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: 9, count: 32))))
        let text = try OpenSSHPrivateKeyFile.encode(key, comment: "rounds", passphrase: passphrase, rounds: 1,
                                                    randomSource: DeterministicRandomSource(seed: [2]))
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        var binary = try #require(Base64.decode(body))
        // magic ‖ string cipher ‖ string kdf ‖ string kdfoptions(string salt ‖ uint32 rounds)
        var buffer = ByteBuffer(bytes: binary)
        _ = buffer.readBytes(length: OpenSSHPrivateKeyFile.magic.count)
        let cipherName = try buffer.readSSHUTF8String()
        let kdfName = try buffer.readSSHUTF8String()
        #expect(cipherName == OpenSSHKeyCipher.aes256CTR.rawValue && kdfName == "bcrypt")
        _ = buffer.readSSHUInt32()
        let salt = buffer.readSSHStringBytes()
        #expect(salt?.count == 16)
        let roundsOffset = buffer.readerIndex
        let writtenRounds = buffer.readSSHUInt32()
        #expect(writtenRounds == 1)
        for shift in 0..<4 {
            binary[roundsOffset + shift] = UInt8(truncatingIfNeeded: rounds >> (24 - 8 * UInt32(shift)))
        }
        return Array((OpenSSHPrivateKeyFile.beginMarker + "\n" + Base64.encode(binary) + "\n"
            + OpenSSHPrivateKeyFile.endMarker + "\n").utf8)
    }

    /// The error decoding `bytes` throws, or nil if it succeeds.
    static func decodeError(_ bytes: [UInt8], passphrase: SecureBytes?) -> KeyFileError? {
        switch Result(catching: { () throws(KeyFileError) in try PrivateKeyFile.decode(bytes, passphrase: passphrase) }) {
        case .success: return nil
        case let .failure(error): return error
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [UInt32(1025), 100_000, UInt32.max])
    func tooManyRoundsAreRefusedAtOnce(rounds: UInt32) throws {
        let bytes = try Self.file(rounds: rounds)
        let limit = OpenSSHPrivateKeyFile.maximumKDFRounds
        let clock = ContinuousClock()
        let started = clock.now
        // Without a passphrase first: if the bound were missing this fails at once ("passphrase
        // required") instead of the next line deriving a key for hours.
        try #require(Self.decodeError(bytes, passphrase: nil) == .kdfRoundsTooHigh(rounds: rounds, maximum: limit))
        #expect(Self.decodeError(bytes, passphrase: Self.passphrase) == .kdfRoundsTooHigh(rounds: rounds, maximum: limit))
        #expect(clock.now - started < .seconds(1), "refused without deriving a key")
        let message = KeyFileError.kdfRoundsTooHigh(rounds: rounds, maximum: limit).description
        #expect(message.contains("\(rounds) bcrypt_pbkdf rounds") && message.contains("\(limit)"))
    }

    @Test func theLimitItselfIsAccepted() throws {
        let limit = OpenSSHPrivateKeyFile.maximumKDFRounds
        #expect(limit >= 16 * 64, "well above ssh-keygen's default of 16")
        // Without a passphrase the file gets as far as asking for one: the round count passed.
        #expect(Self.decodeError(try Self.file(rounds: UInt32(limit)), passphrase: nil) == .passphraseRequired)
        // With the original count it decrypts (the rewrite itself is sound).
        #expect(Self.decodeError(try Self.file(rounds: 1), passphrase: Self.passphrase) == nil)
        // Another count derives another key: a wrong-passphrase error, not a format error.
        #expect(Self.decodeError(try Self.file(rounds: 2), passphrase: Self.passphrase) == .wrongPassphrase)
    }
}
