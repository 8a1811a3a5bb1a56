import NIOCore
import Synchronization

/// The receive side of one channel, shared between the event loop (which delivers) and the task that
/// reads. It holds at most the channel's receive window of bytes: the server cannot send more than
/// the window, and window credit goes back only after `next()` hands bytes to the reader.
final class ChannelInbound: Sendable {
    private struct State {
        var chunks: [ByteBuffer] = []
        var head = 0
        var finished = false
        var error: SSHError?
        var waiter: CheckedContinuation<ByteBuffer?, any Error>?
    }

    private let state = Mutex(State())
    /// Called (off the event loop) with the byte count each time the reader takes a buffered chunk.
    private let onConsumed: @Sendable (Int) -> Void

    init(onConsumed: @escaping @Sendable (Int) -> Void) {
        self.onConsumed = onConsumed
    }

    /// Hands `data` to a waiting reader, or buffers it. Returns true when a reader took it at once (the
    /// caller then counts it as consumed itself).
    func deliver(_ data: ByteBuffer) -> Bool {
        let waiter: CheckedContinuation<ByteBuffer?, any Error>? = state.withLock { state in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.chunks.append(data)
            return nil
        }
        waiter?.resume(returning: data)
        return waiter != nil
    }

    /// Ends the stream: after buffered data, `next()` returns nil, or throws `error`.
    func finish(error: SSHError? = nil) {
        let waiter: CheckedContinuation<ByteBuffer?, any Error>? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            state.error = error
            defer { state.waiter = nil }
            return state.waiter
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// The next chunk, nil at end of stream; suspends while nothing is buffered.
    func next() async throws -> ByteBuffer? {
        enum Immediate { case chunk(ByteBuffer), end, failure(SSHError), wait }
        let immediate: Immediate = state.withLock { state in
            if state.head < state.chunks.count {
                let chunk = state.chunks[state.head]
                state.head += 1
                if state.head == state.chunks.count {
                    state.chunks.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return .chunk(chunk)
            }
            if state.finished { return state.error.map { .failure($0) } ?? .end }
            return .wait
        }
        switch immediate {
        case let .chunk(chunk):
            onConsumed(chunk.readableBytes)
            return chunk
        case .end: return nil
        case let .failure(error): throw error
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                let resumeNow: Result<ByteBuffer?, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.head < state.chunks.count || state.finished { return .success(nil) }
                    state.waiter = continuation
                    return nil
                }
                guard let resumeNow else { return }
                switch resumeNow {
                case let .failure(error): continuation.resume(throwing: error)
                case .success:
                    // Data or the end arrived between the two locks: read it now.
                    Task { continuation.resume(with: await Result(catching: { try await self.next() })) }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<ByteBuffer?, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
