import NIOCore
import SSHCore
import SSHCrypto

/// Seal and open rates for one cipher, in payload megabytes (10^6 bytes, as `openssl speed`) per second.
struct PacketRates {
    var sealMBps: Double
    var openMBps: Double
    /// Payload bytes over the time of sealing and then opening them: the rate one core moves data
    /// through both ends of the packet path.
    var sealOpenMBps: Double
    var packets: Int
}

/// Runs the two measurements for one cipher, each for about `seconds`.
struct PacketMeasurements {
    let cipher: BenchmarkCipher
    let payloadSize: Int
    let seconds: Double

    /// The protection alone, in place on one preallocated packet: the crypto's cost.
    func protectionOnly() throws -> PacketRates {
        let (sealer, opener) = try cipher.makePair()
        let unaligned = (sealer.excludesLengthFromAlignment ? 0 : 4) + 1 + payloadSize
        var padding = sealer.blockSize - unaligned % sealer.blockSize
        if padding < 4 { padding += sealer.blockSize }
        let packetLength = 1 + payloadSize + padding
        let total = 4 + packetLength + sealer.tagLength
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 16)
        defer { packet.deallocate() }
        packet.initializeMemory(as: UInt8.self, repeating: 0x41)
        let header = [UInt8(truncatingIfNeeded: packetLength >> 24), UInt8(truncatingIfNeeded: packetLength >> 16),
                      UInt8(truncatingIfNeeded: packetLength >> 8), UInt8(truncatingIfNeeded: packetLength), UInt8(padding)]
        var sealNanos: Int64 = 0, openNanos: Int64 = 0, packets = 0
        let deadline = monotonicNanos() + Int64(seconds * 1e9)
        var sequence: UInt32 = 0
        while monotonicNanos() < deadline, packets < 50_000_000 {
            for (index, byte) in header.enumerated() { packet[index] = byte }
            let start = monotonicNanos()
            try sealer.seal(packet, sequenceNumber: sequence)
            let sealed = monotonicNanos()
            let length = try opener.packetLength(of: packet.slice(0..<opener.lengthPrefixLength), sequenceNumber: sequence)
            guard length == UInt32(packetLength) else { throw BenchmarkError.mismatch("length \(length), sealed \(packetLength)") }
            try opener.open(packet, sequenceNumber: sequence)
            let opened = monotonicNanos()
            sealNanos += sealed - start
            openNanos += opened - sealed
            packets += 1
            sequence &+= 1
        }
        guard packet[5] == 0x41, packet[4 + packetLength - 1] == 0x41 else { throw BenchmarkError.mismatch("opened bytes differ") }
        return rates(packets: packets, sealNanos: sealNanos, openNanos: openNanos)
    }

    /// The whole packet path: `PacketEncoder` pads and seals a payload into an output buffer, as the
    /// transport does, and `PacketDecoder` frames, opens and returns it.
    func encoderDecoder() throws -> PacketRates {
        let (sealer, opener) = try cipher.makePair()
        var encoder = PacketEncoder(randomSource: SystemRandomSource())
        encoder.protection = sealer
        var decoder = PacketDecoder()
        decoder.protection = opener
        let payload = ByteBuffer(repeating: 0x5E, count: payloadSize)
        var sealNanos: Int64 = 0, openNanos: Int64 = 0, packets = 0
        let deadline = monotonicNanos() + Int64(seconds * 1e9)
        var wire = ByteBuffer()
        while monotonicNanos() < deadline, packets < 50_000_000 {
            wire.clear()
            let start = monotonicNanos()
            try encoder.encode(payload: payload, into: &wire)
            let sealed = monotonicNanos()
            decoder.append(&wire)
            guard let opened = try decoder.nextPayload() else { throw BenchmarkError.mismatch("no packet decoded") }
            let end = monotonicNanos()
            guard opened.readableBytes == payloadSize else { throw BenchmarkError.mismatch("payload of \(opened.readableBytes) bytes") }
            sealNanos += sealed - start
            openNanos += end - sealed
            packets += 1
        }
        return rates(packets: packets, sealNanos: sealNanos, openNanos: openNanos)
    }

    private func rates(packets: Int, sealNanos: Int64, openNanos: Int64) -> PacketRates {
        let bytes = Double(packets) * Double(payloadSize)
        func mbps(_ nanos: Int64) -> Double { nanos > 0 ? bytes / (Double(nanos) / 1e9) / 1e6 : 0 }
        return PacketRates(sealMBps: mbps(sealNanos), openMBps: mbps(openNanos), sealOpenMBps: mbps(sealNanos + openNanos),
                           packets: packets)
    }
}

/// A benchmark that produced wrong bytes: its figures would mean nothing.
enum BenchmarkError: Error, CustomStringConvertible {
    case mismatch(String)
    case usage(String)

    var description: String {
        switch self {
        case let .mismatch(what): return "round trip failed: \(what)"
        case let .usage(what): return what
        }
    }
}
