import NIOCore
import SSHCrypto

/// The client's ephemeral half of one key exchange (RFC 4253 §8, RFC 5656 §4, RFC 8731 §3).
package struct ClientKeyExchange {
    private enum EphemeralKey {
        case curve25519(X25519PrivateKey)
        case ecdh(ECDHPrivateKey)
        case finiteField(DHPrivateKey)
    }

    /// The method in use.
    package let algorithm: KeyExchangeAlgorithm
    private let ephemeral: EphemeralKey

    /// Draws a fresh ephemeral key for `algorithm` from `randomSource`.
    package init(algorithm: KeyExchangeAlgorithm, randomSource: any RandomSource) throws(SSHProtocolError) {
        self.algorithm = algorithm
        do {
            switch algorithm.kind {
            case .curve25519: ephemeral = .curve25519(try X25519PrivateKey(randomSource: randomSource))
            case let .ecdh(curve): ephemeral = .ecdh(try ECDHPrivateKey(curve: curve, randomSource: randomSource))
            case let .finiteField(group): ephemeral = .finiteField(try DHPrivateKey(group: group, randomSource: randomSource))
            }
        } catch {
            throw .cryptoFailure("generating the \(algorithm.name) ephemeral key: \(error)")
        }
    }

    /// The KEX_ECDH_INIT / KEXDH_INIT payload carrying our public value (message 30).
    package func initMessage() -> ByteBuffer {
        var buffer = ByteBuffer()
        switch ephemeral {
        case let .curve25519(key): KexECDHInit(clientPublicKey: ByteBuffer(bytes: key.publicKeyBytes)).write(to: &buffer)
        case let .ecdh(key): KexECDHInit(clientPublicKey: ByteBuffer(bytes: key.publicPoint)).write(to: &buffer)
        case let .finiteField(key): KexDHInit(e: key.publicValue).write(to: &buffer)
        }
        return buffer
    }

    /// What the server's reply (message 31) gives us.
    package struct Reply {
        /// The server's host-key blob K_S.
        package var hostKeyBlob: ByteBuffer
        /// The signature blob over the exchange hash.
        package var signature: ByteBuffer
        /// The shared secret K as an unsigned big-endian magnitude.
        package var sharedSecret: SecureBytes
        /// The exchange hash H.
        package var exchangeHash: [UInt8]
    }

    /// Parses the server's reply, computes K and the exchange hash H over `prefix` (the V_C, V_S, I_C,
    /// I_S part) and the method's values.
    package func processReply(_ payload: ByteBuffer, transcript: ExchangeHashTranscript) throws(SSHProtocolError) -> Reply {
        var body = payload
        guard body.readInteger(as: UInt8.self) == SSHMessageNumber.kexECDHReply else {
            throw .unexpectedMessage(number: payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0, phase: "key exchange")
        }
        do {
            let hash = DigestContext(algorithm.digest)
            transcript.feed(hash)
            var hashInput = ByteBuffer()
            let hostKey: ByteBuffer, signature: ByteBuffer, secret: SecureBytes
            switch ephemeral {
            case let .curve25519(key):
                let reply = try KexECDHReply(parsing: &body)
                secret = try key.sharedSecret(peerPublicKey: Array(reply.serverPublicKey.readableBytesView))
                (hostKey, signature) = (reply.hostKey, reply.signature)
                hashInput.writeSSHString(reply.hostKey)
                hashInput.writeSSHString(key.publicKeyBytes)
                hashInput.writeSSHString(reply.serverPublicKey)
            case let .ecdh(key):
                let reply = try KexECDHReply(parsing: &body)
                secret = try key.sharedSecret(peerPoint: Array(reply.serverPublicKey.readableBytesView))
                (hostKey, signature) = (reply.hostKey, reply.signature)
                hashInput.writeSSHString(reply.hostKey)
                hashInput.writeSSHString(key.publicPoint)
                hashInput.writeSSHString(reply.serverPublicKey)
            case let .finiteField(key):
                let reply = try KexDHReply(parsing: &body)
                secret = try key.sharedSecret(peerPublicValue: reply.f)
                (hostKey, signature) = (reply.hostKey, reply.signature)
                hashInput.writeSSHString(reply.hostKey)
                hashInput.writeSSHPositiveMPInt(magnitude: key.publicValue)
                hashInput.writeSSHPositiveMPInt(magnitude: reply.f)
            }
            guard body.readableBytes == 0 else { throw SSHProtocolError.malformedMessage("trailing bytes in the kex reply") }
            hashInput.writeSSHPositiveMPInt(secret: secret)
            hashInput.withUnsafeReadableBytes { hash.update($0) }
            _ = hashInput.withUnsafeMutableReadableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
            return Reply(hostKeyBlob: hostKey, signature: signature, sharedSecret: secret, exchangeHash: hash.finalize())
        } catch let error as SSHProtocolError {
            throw error
        } catch let error as CryptoError {
            throw .keyExchangeFailed("\(algorithm.name): \(error)")
        } catch {
            throw .malformedMessage("\(algorithm.name) reply: \(error)")
        }
    }
}

/// The part of the exchange hash common to every method (RFC 4253 §8, RFC 5656 §4):
/// `string V_C ‖ string V_S ‖ string I_C ‖ string I_S`.
package struct ExchangeHashTranscript {
    /// Our identification string, without CR LF.
    package var clientVersion: String
    /// The server's identification string, without CR LF.
    package var serverVersion: String
    /// Our KEXINIT payload, message number included.
    package var clientKexInit: ByteBuffer
    /// The server's KEXINIT payload, message number included.
    package var serverKexInit: ByteBuffer

    /// Creates the transcript of one key exchange.
    package init(clientVersion: String, serverVersion: String, clientKexInit: ByteBuffer, serverKexInit: ByteBuffer) {
        self.clientVersion = clientVersion
        self.serverVersion = serverVersion
        self.clientKexInit = clientKexInit
        self.serverKexInit = serverKexInit
    }

    /// Feeds the four strings into `hash`.
    package func feed(_ hash: DigestContext) {
        var buffer = ByteBuffer()
        buffer.writeSSHString(clientVersion)
        buffer.writeSSHString(serverVersion)
        buffer.writeSSHString(clientKexInit)
        buffer.writeSSHString(serverKexInit)
        buffer.withUnsafeReadableBytes { hash.update($0) }
    }
}
