import NIOCore
import SSHCrypto

/// Frames, authenticates and decrypts inbound binary packets (RFC 4253 §6), one direction's state:
/// its protection, its sequence number, and the bytes received but not yet framed.
package struct PacketDecoder {
    /// RFC 4253 §6.1 requires 35,000 bytes; like OpenSSH we accept up to 256 KiB and refuse more.
    package static let maximumPacketLength: UInt32 = 256 * 1024

    /// The protection in force; replaced when NEWKEYS is received (RFC 4253 §7.3).
    package var protection: any PacketProtection = CleartextProtection() {
        didSet { outOfPlaceProtection = protection as? any OutOfPlaceOpening }
    }
    /// `protection` when it can open into a separate buffer; cast once per key change.
    private var outOfPlaceProtection: (any OutOfPlaceOpening)?
    /// The sequence number of the next packet; wraps at 2^32 (RFC 4253 §6.4).
    package private(set) var sequenceNumber: UInt32 = 0
    private var buffer: ByteBuffer
    private var pendingPacketLength: UInt32?

    /// Creates a decoder in the cleartext state.
    package init(allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        buffer = allocator.buffer(capacity: 0)
    }

    /// Bytes received and not yet returned as packets.
    package var bufferedByteCount: Int { buffer.readableBytes }

    /// The receive buffer's allocated size (tests check that it stays bounded).
    package var bufferCapacity: Int { buffer.capacity }

    /// Appends bytes received from the peer. Consumed bytes are dropped first, so the buffer holds at
    /// most one partial packet plus what just arrived.
    package mutating func append(_ bytes: inout ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex >= 64 * 1024 {
            buffer.discardReadBytes()
        }
        buffer.writeBuffer(&bytes)
    }

    /// Moves bytes that arrived together with the identification string into the decoder.
    package mutating func append(remainder bytes: ByteBuffer) {
        var copy = bytes
        append(&copy)
    }

    /// Sets the next inbound sequence number to 0, as strict kex requires after NEWKEYS
    /// (OpenSSH PROTOCOL §1.10).
    package mutating func resetSequenceNumber() { sequenceNumber = 0 }

    /// Returns the payload of the next complete packet, or nil when more bytes are needed.
    package mutating func nextPayload() throws(SSHProtocolError) -> ByteBuffer? {
        let protection = self.protection
        let sequenceNumber = self.sequenceNumber
        let packetLength: UInt32
        if let pending = pendingPacketLength {
            packetLength = pending
        } else {
            let prefixLength = protection.lengthPrefixLength
            guard buffer.readableBytes >= prefixLength else { return nil }
            do {
                packetLength = try buffer.withUnsafeMutableReadableBytes { bytes in
                    try protection.packetLength(of: bytes.slice(0..<prefixLength), sequenceNumber: sequenceNumber)
                }
            } catch {
                throw .cryptoFailure(String(describing: error))
            }
            try validate(packetLength: packetLength, protection: protection)
            pendingPacketLength = packetLength
        }
        let total = 4 + Int(packetLength) + protection.tagLength
        guard buffer.readableBytes >= total else { return nil }
        if let outOfPlace = outOfPlaceProtection {
            let payload = try openOutOfPlace(outOfPlace, packetLength: packetLength, total: total, sequenceNumber: sequenceNumber)
            buffer.moveReaderIndex(forwardBy: total)
            pendingPacketLength = nil
            self.sequenceNumber = sequenceNumber &+ 1
            return payload
        }
        do {
            try buffer.withUnsafeMutableReadableBytes { bytes in
                try protection.open(bytes.slice(0..<total), sequenceNumber: sequenceNumber)
            }
        } catch CryptoError.authenticationFailed {
            throw .macMismatch(sequenceNumber: sequenceNumber)
        } catch {
            throw .cryptoFailure(String(describing: error))
        }
        guard let paddingLength = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self) else {
            throw .invalidPacketLength(packetLength)
        }
        let payloadLength = Int(packetLength) - Int(paddingLength) - 1
        // RFC 4253 §6: at least four bytes of padding, and a payload of at least the message number.
        guard paddingLength >= 4, payloadLength >= 1,
              let plaintext = buffer.viewBytes(at: buffer.readerIndex + 5, length: payloadLength) else {
            throw .invalidPadding(paddingLength: Int(paddingLength), packetLength: packetLength)
        }
        // The payload gets its own storage: a slice would share the receive buffer, and the next
        // in-place decryption would then copy the whole buffer while the slice is alive.
        var payload = ByteBuffer()
        payload.writeBytes(plaintext)
        buffer.moveReaderIndex(forwardBy: total)
        pendingPacketLength = nil
        self.sequenceNumber = sequenceNumber &+ 1
        return payload
    }

    /// Decrypts straight from the receive buffer into a new buffer that then belongs to the payload
    /// alone: one pass over the bytes instead of decrypting in place and copying the payload out.
    private func openOutOfPlace(_ protection: any OutOfPlaceOpening, packetLength: UInt32, total: Int,
                                sequenceNumber: UInt32) throws(SSHProtocolError) -> ByteBuffer {
        let length = Int(packetLength)
        var plaintext = ByteBuffer()
        do {
            try buffer.withUnsafeReadableBytes { bytes in
                _ = try plaintext.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
                    try protection.open(UnsafeRawBufferPointer(rebasing: bytes[0..<total]),
                                        into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<length]),
                                        sequenceNumber: sequenceNumber)
                    return length
                }
            }
        } catch CryptoError.authenticationFailed {
            throw .macMismatch(sequenceNumber: sequenceNumber)
        } catch {
            throw .cryptoFailure(String(describing: error))
        }
        guard let paddingLength = plaintext.getInteger(at: plaintext.readerIndex, as: UInt8.self) else {
            throw .invalidPacketLength(packetLength)
        }
        let payloadLength = length - Int(paddingLength) - 1
        // RFC 4253 §6: at least four bytes of padding, and a payload of at least the message number.
        guard paddingLength >= 4, payloadLength >= 1,
              let payload = plaintext.getSlice(at: plaintext.readerIndex + 1, length: payloadLength) else {
            throw .invalidPadding(paddingLength: Int(paddingLength), packetLength: packetLength)
        }
        return payload
    }

    /// RFC 4253 §6: bounded length, room for a padding-length byte and four bytes of padding, and the
    /// block alignment of the protection in force.
    private func validate(packetLength: UInt32, protection: any PacketProtection) throws(SSHProtocolError) {
        guard packetLength <= Self.maximumPacketLength else {
            throw .packetTooLarge(length: packetLength, limit: Self.maximumPacketLength)
        }
        let aligned = protection.excludesLengthFromAlignment ? Int(packetLength) : Int(packetLength) + 4
        guard packetLength >= 5, aligned % protection.blockSize == 0 else {
            throw .invalidPacketLength(packetLength)
        }
    }
}
