import CLibcrypto
import Synchronization

/// Where random bytes come from. The protocol core takes one of these instead of calling a global
/// generator, so a test can replay a handshake byte for byte with `DeterministicRandomSource`.
public protocol RandomSource: Sendable {
    /// Fills `buffer` completely with random bytes.
    func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

extension RandomSource {
    /// Returns `count` random bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { fill($0) }
        return result
    }
}

/// The operating system's cryptographically secure generator, through libcrypto's `RAND_bytes`.
public struct SystemRandomSource: RandomSource {
    /// Creates the system source; it holds no state.
    public init() {}

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        // A failing system RNG leaves nothing safe to do: continuing would produce predictable keys.
        precondition(RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1,
                     "RAND_bytes failed: the system random generator is unavailable")
    }
}

/// A reproducible stream for tests: SHA-256(seed ‖ counter) blocks. Never use it for real keys.
public final class DeterministicRandomSource: RandomSource {
    private struct State {
        var counter: UInt64 = 0
        var pending: [UInt8] = []
    }
    private let seed: [UInt8]
    private let state = Mutex(State())

    /// Creates a stream fully determined by `seed`.
    public init(seed: [UInt8]) { self.seed = seed }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        state.withLock { state in
            var offset = 0
            while offset < buffer.count {
                if state.pending.isEmpty {
                    state.pending = nextBlock(counter: state.counter)
                    state.counter &+= 1
                }
                let take = min(state.pending.count, buffer.count - offset)
                for index in 0..<take { buffer[offset + index] = state.pending[index] }
                state.pending.removeFirst(take)
                offset += take
            }
        }
    }

    private func nextBlock(counter: UInt64) -> [UInt8] {
        var input = seed
        withUnsafeBytes(of: counter.bigEndian) { input.append(contentsOf: $0) }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { inputBytes in
            EVP_Digest(inputBytes.baseAddress, inputBytes.count, &output, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1, "EVP_Digest(SHA-256) failed")
        return Array(output.prefix(Int(length)))
    }
}
