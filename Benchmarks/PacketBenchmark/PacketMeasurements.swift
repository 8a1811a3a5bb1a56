import NIOCore
import SSHCore
import SSHCrypto

/// Seal and open rates for one cipher, in payload megabytes (10^6 bytes, as `openssl speed`) per
/// second of CPU time (as `openssl speed` divides by CPU time unless given -elapsed), so that other
/// processes sharing the cores do not lower the figures.
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

    /// Packets sealed, then opened, per timed batch; timing a batch keeps the clock reads negligible.
    private let batch = 64

    /// The protection alone, in place on preallocated packets: the crypto's cost.
    func protectionOnly() throws -> PacketRates {
        let (sealer, opener) = try cipher.makePair()
        let unaligned = (sealer.excludesLengthFromAlignment ? 0 : 4) + 1 + payloadSize
        var padding = sealer.blockSize - unaligned % sealer.blockSize
        if padding < 4 { padding += sealer.blockSize }
        let packetLength = 1 + payloadSize + padding
        let total = 4 + packetLength + sealer.tagLength
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: total * batch, alignment: 16)
        defer { storage.deallocate() }
        let packets = (0..<batch).map { storage.slice(($0 * total)..<(($0 + 1) * total)) }
        let header = [UInt8(truncatingIfNeeded: packetLength >> 24), UInt8(truncatingIfNeeded: packetLength >> 16),
                      UInt8(truncatingIfNeeded: packetLength >> 8), UInt8(truncatingIfNeeded: packetLength), UInt8(padding)]
        storage.initializeMemory(as: UInt8.self, repeating: 0x41)
        var sealNanos: Int64 = 0, openNanos: Int64 = 0, count = 0
        let deadline = monotonicNanos() + Int64(seconds * 1e9)
        var sealSequence: UInt32 = 0, openSequence: UInt32 = 0
        while monotonicNanos() < deadline, count < 50_000_000 {
            for packet in packets {
                for (index, byte) in header.enumerated() { packet[index] = byte }
            }
            let start = cpuNanos()
            for packet in packets {
                try sealer.seal(packet, sequenceNumber: sealSequence)
                sealSequence &+= 1
            }
            let sealed = cpuNanos()
            for packet in packets {
                let length = try opener.packetLength(of: packet.slice(0..<opener.lengthPrefixLength), sequenceNumber: openSequence)
                guard length == UInt32(packetLength) else { throw BenchmarkError.mismatch("length \(length), sealed \(packetLength)") }
                try opener.open(packet, sequenceNumber: openSequence)
                openSequence &+= 1
            }
            let opened = cpuNanos()
            sealNanos += sealed - start
            openNanos += opened - sealed
            count += batch
        }
        guard storage[5] == 0x41, storage[4 + packetLength - 1] == 0x41 else { throw BenchmarkError.mismatch("opened bytes differ") }
        return rates(packets: count, sealNanos: sealNanos, openNanos: openNanos)
    }

    /// The whole packet path: `PacketEncoder` pads and seals payloads into an output buffer, as the
    /// transport does, and `PacketDecoder` frames, opens and returns them.
    func encoderDecoder() throws -> PacketRates {
        let (sealer, opener) = try cipher.makePair()
        var encoder = PacketEncoder(randomSource: SystemRandomSource())
        encoder.protection = sealer
        var decoder = PacketDecoder()
        decoder.protection = opener
        let payload = ByteBuffer(repeating: 0x5E, count: payloadSize)
        var sealNanos: Int64 = 0, openNanos: Int64 = 0, count = 0
        let deadline = monotonicNanos() + Int64(seconds * 1e9)
        var wire = ByteBuffer()
        while monotonicNanos() < deadline, count < 50_000_000 {
            wire.clear()
            let start = cpuNanos()
            for _ in 0..<batch { try encoder.encode(payload: payload, into: &wire) }
            let sealed = cpuNanos()
            decoder.append(&wire)
            for _ in 0..<batch {
                guard let opened = try decoder.nextPayload(), opened.readableBytes == payloadSize else {
                    throw BenchmarkError.mismatch("a packet did not decode to its payload")
                }
            }
            let end = cpuNanos()
            sealNanos += sealed - start
            openNanos += end - sealed
            count += batch
        }
        return rates(packets: count, sealNanos: sealNanos, openNanos: openNanos)
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
    /// A socket call of the floor relay failed.
    case io(String)

    var description: String {
        switch self {
        case let .mismatch(what): return "round trip failed: \(what)"
        case let .usage(what): return what
        case let .io(what): return "relay: \(what)"
        }
    }
}
