import Foundation
import Glibc
import SSHCrypto
import SSHDHarness
import Synchronization

/// A stream of checkable bytes for soak tests, without holding the whole stream in memory: block k of
/// stream s is a shared random block whose first 16 bytes are replaced by (s, k). Every received
/// block is compared byte for byte with the one expected at that position (so loss, duplication,
/// reordering and cross-talk between connections all show), and both ends keep a SHA-256 of every byte.
struct CheckedStreamPattern: Sendable {
    /// The random block every stream block is derived from.
    let base: [UInt8]

    /// A fresh random pattern of `blockSize` bytes (at least 16).
    init(blockSize: Int) {
        precondition(blockSize >= 16, "blocks carry a 16-byte header")
        base = randomBytes(blockSize)
    }

    var blockSize: Int { base.count }

    /// Block `index` of stream `stream`.
    func block(stream: Int, index: Int) -> [UInt8] {
        var block = base
        withUnsafeBytes(of: UInt64(stream).littleEndian) { header in
            for offset in 0..<8 { block[offset] = header[offset] }
        }
        withUnsafeBytes(of: UInt64(index).littleEndian) { header in
            for offset in 0..<8 { block[8 + offset] = header[offset] }
        }
        return block
    }
}

/// What one checked stream saw.
struct CheckedStreamResult: Sendable {
    var sentBytes = 0
    var receivedBytes = 0
    var mismatchedBlocks = 0
    var sawEOF = false
    /// The receiver stopped because the connection ended (EOF or error), not because time ran out.
    var ended = false
    var sentDigest: [UInt8] = []
    var receivedDigest: [UInt8] = []
    var sendError: String?
    var elapsed: Duration = .zero

    /// Every byte came back, in order, with the same checksum, and the stream ended cleanly.
    var isIntact: Bool {
        sendError == nil && sawEOF && mismatchedBlocks == 0 && sentBytes == receivedBytes && sentDigest == receivedDigest
    }

    /// Throughput of the round trip (bytes one way per second).
    var bytesPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(receivedBytes) / seconds : 0
    }
}

/// Runs one checked stream through an echo path on 127.0.0.1:`port`: a sender thread writes `blocks`
/// blocks then half-closes; a receiver thread verifies what comes back until EOF. `afterFirstBlock`
/// runs on the sender thread once the first block is out (a barrier for concurrent tests). Bounded by `timeout`.
func runCheckedStream(port: Int, pattern: CheckedStreamPattern, stream: Int, blocks: Int, timeout: Duration,
                      afterFirstBlock: (@Sendable () -> Void)? = nil) async throws -> CheckedStreamResult {
    let client = try await onThread { try LoopbackTCPClient(connectingTo: port, timeout: .seconds(20)) }
    defer { client.close() }
    let start = ContinuousClock.now
    let deadline = start + timeout
    async let received = onThread { receiveChecked(client.fileDescriptor, pattern: pattern, stream: stream, blocks: blocks, deadline: deadline) }
    let sent = try await onThread { () -> (Int, [UInt8], String?) in
        let digest = DigestContext(.sha256)
        var bytes = 0
        do {
            for index in 0..<blocks {
                let block = pattern.block(stream: stream, index: index)
                try client.send(block, timeout: max(.milliseconds(1), deadline - .now))
                digest.update(block)
                bytes += block.count
                if index == 0 { afterFirstBlock?() }
            }
            client.shutdownWrite()
            return (bytes, digest.finalize(), nil)
        } catch {
            if blocks > 0 && bytes == 0 { afterFirstBlock?() }
            return (bytes, digest.finalize(), "\(error)")
        }
    }
    var result = try await received
    result.sentBytes = sent.0
    result.sentDigest = sent.1
    result.sendError = sent.2
    result.elapsed = ContinuousClock.now - start
    return result
}

/// Reads into one block-sized buffer, compares each full block with the expected one, until EOF or `deadline`.
private func receiveChecked(_ fd: Int32, pattern: CheckedStreamPattern, stream: Int, blocks: Int,
                            deadline: ContinuousClock.Instant) -> CheckedStreamResult {
    var result = CheckedStreamResult()
    let digest = DigestContext(.sha256)
    var pending = [UInt8](repeating: 0, count: pattern.blockSize)
    var filled = 0
    var index = 0
    while ContinuousClock.now < deadline {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 100) > 0 else { continue }
        let count = pending.withUnsafeMutableBytes { buffer in
            recv(fd, buffer.baseAddress.map { $0 + filled }, buffer.count - filled, Int32(MSG_DONTWAIT))
        }
        if count < 0, errno == EINTR || errno == EAGAIN { continue }
        if count <= 0 {
            result.sawEOF = count == 0
            result.ended = true
            if filled > 0 { result.mismatchedBlocks += 1 }  // a torn last block
            result.receivedDigest = digest.finalize()
            return result
        }
        pending.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[filled..<(filled + count)])) }
        filled += count
        result.receivedBytes += count
        guard filled == pending.count else { continue }
        let expected = index < blocks ? pattern.block(stream: stream, index: index) : []
        let same = expected.count == pending.count && expected.withUnsafeBytes { lhs in
            pending.withUnsafeBytes { rhs in
                guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return lhs.count == 0 }
                return memcmp(left, right, lhs.count) == 0
            }
        }
        if !same { result.mismatchedBlocks += 1 }
        index += 1
        filled = 0
    }
    result.receivedDigest = digest.finalize()
    return result
}

/// Blocks until `count` parties arrived or `timeout`; returns whether all did. Used to hold K
/// connections open at the same moment.
final class ArrivalBarrier: Sendable {
    private let arrived = Mutex(0)
    private let count: Int

    init(count: Int) { self.count = count }

    /// Counts one arrival and waits (bounded) for the rest.
    @discardableResult
    func arriveAndWait(timeout: Duration) -> Bool {
        arrived.withLock { $0 += 1 }
        let deadline = ContinuousClock.now + timeout
        while arrived.withLock({ $0 }) < count && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        return arrived.withLock { $0 } >= count
    }
}
