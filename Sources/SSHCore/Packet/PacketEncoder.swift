import NIOCore
import SSHCrypto

/// Pads, encrypts and authenticates outbound binary packets (RFC 4253 §6), one direction's state.
package struct PacketEncoder {
    /// The protection in force; replaced when we send NEWKEYS (RFC 4253 §7.3).
    package var protection: any PacketProtection = CleartextProtection() {
        didSet { outOfPlaceProtection = protection as? any OutOfPlaceSealing }
    }
    /// `protection` when it can seal straight from the payload; the cast is made once per key
    /// change, not per packet (a dynamic cast costs more than sealing a small packet's header).
    private var outOfPlaceProtection: (any OutOfPlaceSealing)?
    /// The sequence number of the next packet; wraps at 2^32 (RFC 4253 §6.4).
    package private(set) var sequenceNumber: UInt32 = 0
    private let randomSource: any RandomSource
    private var randomPool: [UInt8] = []
    private var randomPoolOffset = 0

    /// Creates an encoder in the cleartext state that draws padding from `randomSource`.
    package init(randomSource: any RandomSource) {
        self.randomSource = randomSource
    }

    /// Sets the next outbound sequence number to 0, as strict kex requires after NEWKEYS
    /// (OpenSSH PROTOCOL §1.10).
    package mutating func resetSequenceNumber() { sequenceNumber = 0 }

    /// Appends one protected packet carrying `payload` followed by `body` to `output`. The body is
    /// a separate buffer so that channel data is copied once, straight into the packet.
    package mutating func encode(payload: ByteBuffer, body: ByteBuffer? = nil, into output: inout ByteBuffer) throws(SSHProtocolError) {
        let payloadLength = payload.readableBytes + (body?.readableBytes ?? 0)
        let blockSize = protection.blockSize
        let unaligned = (protection.excludesLengthFromAlignment ? 0 : 4) + 1 + payloadLength
        var paddingLength = blockSize - unaligned % blockSize
        if paddingLength < 4 { paddingLength += blockSize }
        let packetLength = 1 + payloadLength + paddingLength
        let total = 4 + packetLength + protection.tagLength

        output.reserveCapacity(minimumWritableBytes: total)
        let start = output.writerIndex - output.readerIndex
        output.writeInteger(UInt32(packetLength))
        output.writeInteger(UInt8(paddingLength))
        let outOfPlace = outOfPlaceProtection
        if outOfPlace != nil {
            // Room for the payload, which the protection encrypts straight from `payload` and `body`.
            output.moveWriterIndex(forwardBy: payloadLength)
        } else {
            var payloadCopy = payload
            output.writeBuffer(&payloadCopy)
            if var bodyCopy = body { output.writeBuffer(&bodyCopy) }
        }
        writeRandomPadding(count: paddingLength, into: &output)
        output.writeRepeatingByte(0, count: protection.tagLength)

        let protection = self.protection
        let sequenceNumber = self.sequenceNumber
        do {
            try output.withUnsafeMutableReadableBytes { bytes in
                let packet = bytes.slice(start..<(start + total))
                if let outOfPlace {
                    try payload.withUnsafeReadableBytes { head in
                        try (body ?? ByteBuffer()).withUnsafeReadableBytes { body in
                            try outOfPlace.seal(packet, payloadHead: head, body: body, sequenceNumber: sequenceNumber)
                        }
                    }
                } else {
                    try protection.seal(packet, sequenceNumber: sequenceNumber)
                }
            }
        } catch {
            throw .cryptoFailure(String(describing: error))
        }
        self.sequenceNumber = sequenceNumber &+ 1
    }

    /// Random padding (RFC 4253 §6), drawn from a pool refilled 4 KiB at a time so the random source
    /// is not called once per packet.
    private mutating func writeRandomPadding(count: Int, into output: inout ByteBuffer) {
        if randomPoolOffset + count > randomPool.count {
            randomPool = randomSource.bytes(4096)
            randomPoolOffset = 0
        }
        output.writeBytes(randomPool[randomPoolOffset..<(randomPoolOffset + count)])
        randomPoolOffset += count
    }
}
