import NIOCore
import SSHCrypto
import Testing

@testable import SSHCore

/// The "take" calls of the sans-IO layers: they hand out what is queued, in order, exactly once, and
/// the transport's batch reservation does not change the bytes of the packets.
@Suite("Taking queued events and messages")
struct QueueTakingTests {
    @Test("takeAll hands out every element in order and leaves the array empty")
    func takeAllMovesEverything() {
        var queue = [3, 1, 2]
        #expect(queue.takeAll() == [3, 1, 2])
        #expect(queue.isEmpty)
        #expect(queue.takeAll().isEmpty)
        queue.append(7)
        #expect(queue.takeAll() == [7])
        #expect(queue.isEmpty)
    }

    @Test("takeAll on an empty array returns an array with no storage of its own")
    func takeAllOfNothingAllocatesNothing() {
        var queue: [Int] = []
        queue.reserveCapacity(16)
        queue.append(1)
        _ = queue.takeAll()
        let taken = queue.takeAll()
        #expect(taken.isEmpty)
        #expect(taken.capacity == 0)
    }

    @Test("Reserving room for a batch leaves the encoded packets byte-identical")
    func reservationKeepsTheBytes() throws {
        func encodeBatch(reserving: Bool) -> ByteBuffer {
            var transport = ClientTransport(configuration: ClientTransportConfiguration(),
                                            randomSource: DeterministicRandomSource(seed: [7]))
            let messages = (0..<8).map { index in
                OutboundMessage(head: ByteBuffer(bytes: [94, 0, 0, 0, 0]), body: ByteBuffer(repeating: UInt8(index), count: 32 * 1024))
            }
            if reserving {
                transport.reserveOutbound(payloadBytes: messages.reduce(0) { $0 + $1.byteCount }, packets: messages.count)
            }
            for message in messages { transport.writePacket(message) }
            return transport.takeOutbound() ?? ByteBuffer()
        }
        let plain = encodeBatch(reserving: false)
        #expect(plain.readableBytes > 8 * 32 * 1024)
        #expect(encodeBatch(reserving: true) == plain)
    }
}
