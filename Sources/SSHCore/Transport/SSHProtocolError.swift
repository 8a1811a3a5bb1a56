/// A failure of the SSH protocol caused by the peer or by a negotiation that cannot succeed. Each case
/// says what failed and why, never carries secret material, and maps to the DISCONNECT reason we send
/// (RFC 4253 §11.1).
package enum SSHProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The identification-string exchange failed (RFC 4253 §4.2).
    case versionExchange(VersionExchangeError)
    /// A packet declared a length above our limit (RFC 4253 §6.1).
    case packetTooLarge(length: UInt32, limit: UInt32)
    /// A packet length that is too small or not block-aligned (RFC 4253 §6).
    case invalidPacketLength(UInt32)
    /// Padding under four bytes or not leaving room for a payload (RFC 4253 §6).
    case invalidPadding(paddingLength: Int, packetLength: UInt32)
    /// The MAC or AEAD tag of an inbound packet did not verify (RFC 4253 §6.4).
    case macMismatch(sequenceNumber: UInt32)
    /// libcrypto failed on valid input, or rejected a key or peer value.
    case cryptoFailure(String)
    /// A message that could not be parsed.
    case malformedMessage(String)
    /// No algorithm in `category` is on both lists (RFC 4253 §7.1).
    case noCommonAlgorithm(category: String, client: [String], server: [String])
    /// A message that is not allowed in the current phase.
    case unexpectedMessage(number: UInt8, phase: String)
    /// Strict kex (OpenSSH PROTOCOL §1.10): a message other than the kex sequence during the first kex,
    /// or KEXINIT not being the first packet.
    case strictKexViolation(String)
    /// The key exchange failed: a bad peer value or a signature that does not verify.
    case keyExchangeFailed(String)
    /// The server's host key is of a type other than the negotiated one, or malformed.
    case hostKeyMismatchedAlgorithm(negotiated: String, received: String)
    /// The host-key policy refused the server's key.
    case hostKeyRejected(String)
    /// The server sent DISCONNECT (RFC 4253 §11.1); the description is cleaned of control characters.
    case disconnectedByPeer(reasonCode: UInt32, description: String)
    /// Incoming bytes exceeded a buffering limit while processing was paused.
    case bufferLimitExceeded(String)

    /// The DISCONNECT reason code we send for this error (RFC 4253 §11.1).
    package var disconnectReasonCode: UInt32 {
        switch self {
        case .versionExchange: return 8 // SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED
        case .macMismatch: return 5 // SSH_DISCONNECT_MAC_ERROR
        case .noCommonAlgorithm, .keyExchangeFailed, .cryptoFailure, .hostKeyMismatchedAlgorithm:
            return 3 // SSH_DISCONNECT_KEY_EXCHANGE_FAILED
        case .hostKeyRejected: return 9 // SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE
        case .disconnectedByPeer: return 11 // SSH_DISCONNECT_BY_APPLICATION (never sent: peer already left)
        default: return 2 // SSH_DISCONNECT_PROTOCOL_ERROR
        }
    }

    package var description: String {
        switch self {
        case let .versionExchange(error): return error.description
        case let .packetTooLarge(length, limit): return "the server sent a packet of \(length) bytes; the limit is \(limit)"
        case let .invalidPacketLength(length): return "the server sent a packet with an invalid length (\(length))"
        case let .invalidPadding(padding, length): return "the server sent a packet with invalid padding (\(padding) bytes of padding in a packet of \(length))"
        case let .macMismatch(sequence): return "message authentication failed on packet \(sequence) from the server (corrupted or tampered)"
        case let .cryptoFailure(why): return "cryptographic operation failed: \(why)"
        case let .malformedMessage(why): return "malformed message from the server: \(why)"
        case let .noCommonAlgorithm(category, client, server):
            return "no matching \(category) found. Our offer: \(client.joined(separator: ",")). The server's offer: \(server.joined(separator: ","))"
        case let .unexpectedMessage(number, phase): return "unexpected message \(number) from the server during \(phase)"
        case let .strictKexViolation(why): return "strict key exchange violated by the server: \(why)"
        case let .keyExchangeFailed(why): return "key exchange failed: \(why)"
        case let .hostKeyMismatchedAlgorithm(negotiated, received):
            return "the server's host key is of type \(received), but \(negotiated) was negotiated"
        case let .hostKeyRejected(why): return "host key verification failed: \(why)"
        case let .disconnectedByPeer(code, description): return "disconnected by the server (reason \(code)): \(description)"
        case let .bufferLimitExceeded(why): return "buffer limit exceeded: \(why)"
        }
    }
}
