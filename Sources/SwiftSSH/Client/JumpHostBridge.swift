import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The in-process transport of a connection through a jump host (OpenSSH's ProxyJump).
///
/// The next hop's TCP stream is a `direct-tcpip` channel of the jump client (RFC 4254 §7.2). The SSH
/// connection to the next hop runs its ordinary NIO pipeline on one end of a socket pair that this
/// type creates and owns on both ends; the other end is copied to and from the jump client's channel.
/// Nothing listens: no other process can reach either end.
///
/// Lifetime: the copy ends when either side ends. When the outer connection closes its end, the
/// bridge sees EOF, passes on what was written before it, and closes the channel; when the channel
/// ends (the jump host or the next hop went away), the bridge closes its end and the outer
/// connection sees the TCP-like close.
final class JumpHostBridge: Sendable {
    private typealias Stream = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// The end for the outer connection's pipeline. Whoever takes it owns it (NIO closes it with the
    /// channel built on it).
    let connectionDescriptor: CInt
    private let bridgeChannel: any Channel
    private let sshChannel: SSHChannel
    private let task: Task<Void, Never>

    private init(connectionDescriptor: CInt, bridgeChannel: any Channel, sshChannel: SSHChannel, task: Task<Void, Never>) {
        self.connectionDescriptor = connectionDescriptor
        self.bridgeChannel = bridgeChannel
        self.sshChannel = sshChannel
        self.task = task
    }

    /// Opens a `direct-tcpip` channel on `jumpHost` to `host`:`port` (as the jump host resolves them)
    /// and starts copying between it and a new socket pair.
    static func open(through jumpHost: SSHClient, host: String, port: Int, group: any EventLoopGroup,
                     logger: Logger) async throws -> JumpHostBridge {
        let channel: SSHChannel
        do {
            channel = try await jumpHost.openDirectTCPIP(host: host, port: port, originatorAddress: "127.0.0.1", originatorPort: 0)
        } catch let error as SSHError {
            throw SSHError(code: error.code, message: "through the jump host: \(error.message)",
                           channelOpenFailureReason: error.channelOpenFailureReason)
        }
        let descriptors: (CInt, CInt)
        do {
            descriptors = try makeSocketPair()
        } catch {
            await channel.close()
            throw error
        }
        let stream: Stream
        do {
            stream = try await ClientBootstrap(group: group).withConnectedSocket(descriptors.1) { nioChannel in
                nioChannel.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: nioChannel) }
            }
        } catch {
            _ = closeDescriptor(descriptors.0)
            await channel.close()
            throw SSHError(code: .connectionFailed, message: "could not set up the jump-host bridge to \(host) port \(port): \(error)")
        }
        let task = Task { await copy(stream, channel, logger: logger) }
        return JumpHostBridge(connectionDescriptor: descriptors.0, bridgeChannel: stream.channel, sshChannel: channel, task: task)
    }

    /// Waits until the copy ended (after the outer connection closed its end), at most `limit`;
    /// then ends it with `shutdown()` (a hop that stopped reading must not hold up `close()`).
    func finish(within limit: Duration) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.task.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let endedByItself = await group.next() ?? false
            if !endedByItself { await shutdown() }
            group.cancelAll()
        }
    }

    /// Ends the bridge now: closes the channel and the bridge's socket end, then waits for the copy.
    func shutdown() async {
        await sshChannel.close()
        try? await bridgeChannel.close()
        await task.value
    }

    /// Copies both ways until either direction ends, then closes the channel; `executeThenClose`
    /// closes the bridge's socket end.
    private static func copy(_ stream: Stream, _ channel: SSHChannel, logger: Logger) async {
        do {
            try await stream.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await buffer in inbound { try await channel.write(buffer) }
                    }
                    group.addTask {
                        for try await buffer in channel { try await outbound.write(buffer) }
                    }
                    // SSH has no use for a half-open transport: whichever side ends first ends both.
                    defer { group.cancelAll() }
                    _ = try await group.next()
                    await channel.close()
                }
            }
        } catch {
            logger.debug("jump-host bridge ended", metadata: ["reason": "\(error)"])
        }
        await channel.close()
    }

    /// A connected pair of stream sockets (AF_UNIX), close-on-exec.
    private static func makeSocketPair() throws -> (CInt, CInt) {
        var descriptors: [CInt] = [-1, -1]
        #if canImport(Glibc)
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        let result = descriptors.withUnsafeMutableBufferPointer { buffer -> CInt in
            guard let base = buffer.baseAddress else { return -1 }
            return socketpair(AF_UNIX, type, 0, base)
        }
        guard result == 0, descriptors[0] >= 0, descriptors[1] >= 0 else {
            throw SSHError(code: .connectionFailed, message: "could not create the jump-host bridge's socket pair (errno \(errno))")
        }
        return (descriptors[0], descriptors[1])
    }

    private static func closeDescriptor(_ descriptor: CInt) -> CInt {
        #if canImport(Glibc)
        Glibc.close(descriptor)
        #else
        Darwin.close(descriptor)
        #endif
    }
}
