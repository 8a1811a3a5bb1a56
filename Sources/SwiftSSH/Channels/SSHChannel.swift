import NIOCore
import SSHCore
import Synchronization

/// A `direct-tcpip` channel as an async byte stream (RFC 4254 §7.2).
///
/// Reading is an `AsyncSequence` of `ByteBuffer` with backpressure: window credit goes back to the
/// server only as you consume, so a slow reader slows only this channel. `write` suspends while the
/// server's window is closed. `finish()` half-closes (EOF) and reading goes on; `close()` ends both
/// directions.
public final class SSHChannel: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    private let client: SSHClient
    private let inbound: ChannelInbound
    private let id: UInt32
    /// The host and port the server connected this channel to.
    public let target: (host: String, port: Int)

    private init(client: SSHClient, inbound: ChannelInbound, id: UInt32, target: (host: String, port: Int)) {
        self.client = client
        self.inbound = inbound
        self.id = id
        self.target = target
    }

    static func open(on client: SSHClient, host: String, port: Int, originatorAddress: String, originatorPort: Int) async throws -> SSHChannel {
        let handler = client.handler
        let eventLoop = client.channel.eventLoop
        let idBox = ChannelIDBox()
        let inbound = ChannelInbound { count in
            guard let id = idBox.id else { return }
            eventLoop.execute { handler.value.consumed(count, channel: id) }
        }
        let opening = try await eventLoop.submit {
            handler.value.openDirectTCPIP(host: host, port: port, originatorAddress: originatorAddress,
                                          originatorPort: originatorPort, inbound: inbound)
        }.get()
        let id = try await opening.get()
        idBox.id = id
        return SSHChannel(client: client, inbound: inbound, id: id, target: (host, port))
    }

    /// Sends `data`, suspending while the server's window is closed. Cancelling the calling task
    /// while it waits ends the wait with `CancellationError` and closes the channel, because part of
    /// `data` may already have been sent.
    public func write(_ data: ByteBuffer) async throws {
        let handler = client.handler
        let id = self.id
        let eventLoop = client.channel.eventLoop
        let future = try await eventLoop.submit { handler.value.write(data, channel: id) }.get()
        try await withTaskCancellationHandler {
            try await future.get()
        } onCancel: {
            eventLoop.execute { handler.value.cancelWrite(future, channel: id) }
        }
    }

    /// Sends `bytes`, suspending while the server's window is closed.
    public func write(_ bytes: some Sequence<UInt8>) async throws {
        try await write(ByteBuffer(bytes: bytes))
    }

    /// Half-closes: sends EOF after what was written; reading goes on (RFC 4254 §5.3).
    public func finish() async throws {
        let handler = client.handler
        let id = self.id
        try await client.channel.eventLoop.submit { handler.value.finish(channel: id) }.get()
    }

    /// Closes both directions (RFC 4254 §5.3).
    public func close() async {
        let handler = client.handler
        let id = self.id
        try? await client.channel.eventLoop.submit { handler.value.closeChannel(id) }.get()
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inbound: inbound) }

    /// Reads the channel's data in the order the server sent it; ends at EOF or close.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let inbound: ChannelInbound

        public mutating func next() async throws -> ByteBuffer? { try await inbound.next() }
    }
}

/// Holds the channel id once the open completes, for the consumption callback created before it.
private final class ChannelIDBox: Sendable {
    private let value = Mutex<UInt32?>(nil)
    var id: UInt32? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
