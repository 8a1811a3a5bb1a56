import NIOCore
import SSHCrypto

/// The keys one direction of a connection uses after NEWKEYS.
package struct DirectionalKeys {
    /// Initial IV (RFC 4253 §7.2 letters A/B).
    package var iv: SecureBytes
    /// Encryption key (letters C/D).
    package var encryptionKey: SecureBytes
    /// Integrity key (letters E/F); empty for AEAD ciphers.
    package var integrityKey: SecureBytes

    /// Creates a key set.
    package init(iv: SecureBytes, encryptionKey: SecureBytes, integrityKey: SecureBytes) {
        self.iv = iv
        self.encryptionKey = encryptionKey
        self.integrityKey = integrityKey
    }
}

/// RFC 4253 §7.2: `K1 = HASH(K ‖ H ‖ letter ‖ session_id)`, `Kn = HASH(K ‖ H ‖ K1 ‖ … ‖ Kn-1)`, with
/// K encoded as an mpint, truncated to `length` bytes.
package func deriveKey(digest: DigestAlgorithm, sharedSecret: SecureBytes, exchangeHash: [UInt8],
                       sessionID: [UInt8], letter: UInt8, length: Int) -> SecureBytes {
    var encodedSecret = ByteBuffer()
    encodedSecret.writeSSHPositiveMPInt(secret: sharedSecret)
    defer { _ = encodedSecret.withUnsafeMutableReadableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }

    func hash(_ tail: (DigestContext) -> Void) -> [UInt8] {
        let context = DigestContext(digest)
        encodedSecret.withUnsafeReadableBytes { context.update($0) }
        context.update(exchangeHash)
        tail(context)
        return context.finalize()
    }

    var output = hash { context in
        context.update([letter])
        context.update(sessionID)
    }
    while output.count < length {
        let soFar = output
        output += hash { $0.update(soFar) }
    }
    defer { wipe(&output) }
    return SecureBytes(output.prefix(max(length, 0)))
}

/// Derives both directions' keys for `algorithms` (RFC 4253 §7.2).
package func deriveSessionKeys(algorithms: NegotiatedAlgorithms, sharedSecret: SecureBytes, exchangeHash: [UInt8],
                               sessionID: [UInt8]) -> (clientToServer: DirectionalKeys, serverToClient: DirectionalKeys) {
    func key(_ letter: Character, _ length: Int) -> SecureBytes {
        deriveKey(digest: algorithms.keyExchange.digest, sharedSecret: sharedSecret, exchangeHash: exchangeHash,
                  sessionID: sessionID, letter: UInt8(ascii: letter.unicodeScalars.first ?? "A"), length: length)
    }
    let outCipher = algorithms.cipherClientToServer, inCipher = algorithms.cipherServerToClient
    let outbound = DirectionalKeys(iv: key("A", outCipher.ivLength), encryptionKey: key("C", outCipher.keyLength),
                                   integrityKey: key("E", algorithms.macClientToServer?.keyLength ?? 0))
    let inbound = DirectionalKeys(iv: key("B", inCipher.ivLength), encryptionKey: key("D", inCipher.keyLength),
                                  integrityKey: key("F", algorithms.macServerToClient?.keyLength ?? 0))
    return (outbound, inbound)
}

/// Builds the packet protection for one direction from its negotiated cipher, MAC and keys.
package func makePacketProtection(cipher: CipherAlgorithm, mac: MACAlgorithm?, keys: DirectionalKeys) throws(SSHProtocolError) -> any PacketProtection {
    do {
        switch cipher.kind {
        case .chaCha20Poly1305:
            return try ChaChaPolyProtection(key: keys.encryptionKey)
        case .aesGCM:
            return try AESGCMProtection(key: keys.encryptionKey, iv: keys.iv)
        case .aesCTR:
            guard let mac else { throw SSHProtocolError.keyExchangeFailed("\(cipher.name) needs a MAC") }
            return try CipherMACProtection(cipherKey: keys.encryptionKey, iv: keys.iv, macAlgorithm: mac.digest,
                                           macKey: keys.integrityKey, encryptThenMAC: mac.encryptThenMAC)
        }
    } catch let error as SSHProtocolError {
        throw error
    } catch {
        throw .cryptoFailure("keying \(cipher.name): \(error)")
    }
}
