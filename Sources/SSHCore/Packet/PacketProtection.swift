import SSHCrypto

/// One direction's protection of binary packets (RFC 4253 §6): cleartext, cipher + MAC,
/// encrypt-then-MAC, or an AEAD.
///
/// Invariant: `open` authenticates before it returns, and on failure leaves no plaintext a caller could
/// use; the only unauthenticated bytes that ever leave a protection are the packet length, which the
/// decoder needs for framing and bounds before it waits for the rest.
///
/// Layout handed in and out (both directions): `uint32 packet_length ‖ byte padding_length ‖ payload ‖
/// padding` followed by `tagLength` bytes for the MAC or AEAD tag.
package protocol PacketProtection: AnyObject {
    /// The cipher block size that `4 + packet_length` (or `packet_length`, see below) must be a multiple of.
    var blockSize: Int { get }
    /// Bytes of MAC or AEAD tag after each packet.
    var tagLength: Int { get }
    /// How many leading bytes `packetLength(of:sequenceNumber:)` needs (4, or one cipher block).
    var lengthPrefixLength: Int { get }
    /// True when the 4-byte length is not part of the block alignment: encrypt-then-MAC and AEAD modes
    /// (RFC 5647 §7.2, OpenSSH PROTOCOL §1.5, PROTOCOL.chacha20poly1305).
    var excludesLengthFromAlignment: Bool { get }

    /// Reads `packet_length` from the first `lengthPrefixLength` bytes. A cipher + MAC mode decrypts that
    /// first block in place; the decoder calls this once per packet and never again for the same bytes.
    func packetLength(of prefix: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws -> UInt32

    /// Authenticates and decrypts a whole packet in place: `4 + packet_length` bytes then the tag.
    /// Throws `CryptoError.authenticationFailed` when the MAC or tag does not verify.
    func open(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws

    /// Encrypts `4 + packet_length` plaintext bytes in place and writes the tag into the `tagLength`
    /// bytes that follow them.
    func seal(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws
}

/// A protection that can also open a packet out of place: it authenticates `packet` (`4 +
/// packet_length` bytes then the tag) and decrypts the `packet_length` bytes after the length into
/// `plaintext`, leaving `packet` untouched. The decoder then hands out the payload without copying it.
package protocol OutOfPlaceOpening: PacketProtection {
    /// Authenticates `packet` and writes `padding_length ‖ payload ‖ padding` into `plaintext`.
    /// Throws `CryptoError.authenticationFailed` when the tag does not verify; `plaintext` then holds
    /// nothing usable.
    func open(_ packet: UnsafeRawBufferPointer, into plaintext: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws
}

/// A protection that can also seal with the payload read from elsewhere: `packet` holds the length,
/// the padding length, room for the payload, the padding and room for the tag; the payload is
/// `head` followed by `body`, encrypted straight into its place, so the encoder never copies it first.
package protocol OutOfPlaceSealing: PacketProtection {
    /// Seals `packet` (layout as in `seal`), taking the payload bytes at offset 5 from `head` then `body`.
    func seal(_ packet: UnsafeMutableRawBufferPointer, payloadHead head: UnsafeRawBufferPointer,
              body: UnsafeRawBufferPointer, sequenceNumber: UInt32) throws
}

/// No protection, for the first key exchange only (RFC 4253 §6: the "none" state before NEWKEYS).
package final class CleartextProtection: PacketProtection {
    package let blockSize = 8
    package let tagLength = 0
    package let lengthPrefixLength = 4
    package let excludesLengthFromAlignment = false

    /// Creates the initial cleartext state.
    package init() {}

    package func packetLength(of prefix: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws -> UInt32 {
        prefix.loadBigEndianUInt32(at: 0)
    }

    package func open(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {}

    package func seal(_ packet: UnsafeMutableRawBufferPointer, sequenceNumber: UInt32) throws {}
}

extension UnsafeMutableRawBufferPointer {
    /// Reads a big-endian `UInt32` at `offset`; the caller has checked that 4 bytes are there.
    package func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset + 4 <= count, "loadBigEndianUInt32 out of range")
        return UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// A sub-range as a mutable buffer; the caller has checked the bounds.
    package func slice(_ range: Range<Int>) -> UnsafeMutableRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice out of range")
        return UnsafeMutableRawBufferPointer(rebasing: self[range])
    }
}
