import Foundation
import NIOCore
import NIOPosix
import SSHDHarness
import SwiftSSH
import Synchronization
import Testing

/// The public client's failure modes, timeouts, cancellation and banners (issue 5: "every wait ends
/// with data, an error or a timeout"; "cancelling a task cancels what it waits for"), through the
/// public API only, on loopback.
@Suite("SSHClient errors, timeouts, cancellation and banners", .tags(.interop), .serialized)
struct ClientLifecycleInteropTests {
    /// sshd authorizing a fresh key, optionally configured further.
    /// sshd is started on its own thread: blocking the cooperative pool (2 threads here) would stall
    /// other tests' host-key validation, which runs in a Task.
    static func start(_ configure: (inout SSHDConfiguration) -> Void = { _ in }) async throws -> (SSHDServer, SSHPrivateKey) {
        let key = try SSHPrivateKey.generate(.ed25519)
        var configuration = SSHDConfiguration()
        configuration.authorizedKeys = [key.publicKey.openSSHLine]
        configure(&configuration)
        let ready = configuration
        return (try await onThread { try SSHDServer.start(ready) }, key)
    }

    static func connect(_ server: SSHDServer, _ authentication: [SSHAuthenticationMethod], timeouts: SSHTimeouts = SSHTimeouts(),
                        user: String? = nil) async throws -> SSHClient {
        try await SSHClient.connect(host: server.host, port: server.port, user: user ?? server.user, authentication: authentication,
                                    hostKeyValidator: harnessHostKeys(server), timeouts: timeouts)
    }

    @Test("A closed TCP port gives connectionFailed naming the host and port")
    func tcpFailure() async throws {
        let port = try LoopbackPorts.pickFree()
        do {
            let client = try await SSHClient.connect(host: "127.0.0.1", port: port, user: "nobody", authentication: [],
                                                     hostKeyValidator: .insecurelyAcceptAnyHostKey())
            await client.close()
            Issue.record("connected to a closed port")
        } catch let error as SSHError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("127.0.0.1 port \(port)"), "\(error.message)")
        }
    }

    @Test("A server that accepts TCP but never speaks SSH hits the handshake timeout")
    func handshakeTimeout() async throws {
        let silent = try LoopbackSinkServer()
        defer { silent.stop() }
        var timeouts = SSHTimeouts()
        timeouts.handshake = .seconds(1)
        let start = ContinuousClock.now
        do {
            let client = try await SSHClient.connect(host: "127.0.0.1", port: silent.port, user: "nobody", authentication: [],
                                                     hostKeyValidator: .insecurelyAcceptAnyHostKey(), timeouts: timeouts)
            await client.close()
            Issue.record("a silent server completed a handshake")
        } catch let error as SSHError {
            #expect(error.code == .timeout)
            #expect(error.message.contains("handshake"), "\(error.message)")
        }
        let elapsed = ContinuousClock.now - start
        // Well under the default 30 s: the configured 1 s applied (bounds loose for a loaded machine).
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(20), "took \(elapsed)")
    }

    @Test("Cancelling the task that connects ends the wait at once")
    func cancelConnect() async throws {
        let silent = try LoopbackSinkServer()
        defer { silent.stop() }
        let attempt = Task {
            try await SSHClient.connect(host: "127.0.0.1", port: silent.port, user: "nobody", authentication: [],
                                        hostKeyValidator: .insecurelyAcceptAnyHostKey())
        }
        // The TCP connection is up once the silent server has accepted it.
        #expect(await eventually(timeout: .seconds(20)) { silent.acceptedConnectionCount == 1 })
        let start = ContinuousClock.now
        attempt.cancel()
        let result = await attempt.result
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(20), "cancellation took \(elapsed); the handshake timeout is 30 s")
        if case let .success(client) = result {
            await client.close()
            Issue.record("connected to a silent server")
        }
    }

    @Test("Cancelling a reader that waits for data ends its wait; the connection stays usable")
    func cancelRead() async throws {
        let (server, key) = try await Self.start()
        defer { server.stop() }
        let silent = try LoopbackSinkServer()
        defer { silent.stop() }
        let client = try await Self.connect(server, [.privateKey(key)])
        let channel = try await client.openDirectTCPIP(host: "127.0.0.1", port: silent.port)
        let reader = Task {
            var count = 0
            for try await buffer in channel { count += buffer.readableBytes }
            return count
        }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        reader.cancel()
        let result = await reader.result
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(throws: CancellationError.self) { try result.get() }
        await channel.close()
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        let second = try await client.openDirectTCPIP(host: "127.0.0.1", port: echo.port)
        #expect(try await echoRoundTrip(second, payload: Array("after cancel".utf8)) == Array("after cancel".utf8))
        #expect(await client.closeReason() == nil)
        await client.close()
    }

    @Test("Cancelling a writer that waits for window credit ends its wait")
    func cancelWrite() async throws {
        let (server, key) = try await Self.start()
        defer { server.stop() }
        let stalled = try await NonReadingServer()
        let client = try await Self.connect(server, [.privateKey(key)])
        let channel = try await client.openDirectTCPIP(host: "127.0.0.1", port: stalled.port)
        let progress = WriteProgress()
        let writer = Task {
            let block = ByteBuffer(repeating: 0x61, count: 64 * 1024)
            // The target never reads: sshd's window (2 MiB) and the socket buffers fill, then writes
            // must wait for credit that never comes. Bounded at 256 MiB.
            for _ in 0..<4096 {
                try await channel.write(block)
                await progress.add(block.readableBytes)
            }
        }
        // Wait until writing has stalled: no progress for a second.
        var last = -1
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(1))
            let now = await progress.bytes
            if now == last { break }
            last = now
        }
        #expect(last > 0 && last < 256 * 1024 * 1024, "wrote \(last) bytes")
        let watcher = Task {
            let result = await writer.result
            await progress.finish()
            return result
        }
        writer.cancel()
        // Bounded: if the write ignores cancellation, closing the client below ends it instead.
        let ended = await eventually(timeout: .seconds(20)) { await progress.isFinished }
        #expect(ended, "a cancelled write was still waiting after 20 s")
        if ended {
            let result = await watcher.value
            #expect(throws: CancellationError.self) { try result.get() }
            // The channel was closed: the stream cannot go on after a partly sent write.
            await #expect(throws: SSHError.self) { try await channel.write(ByteBuffer(string: "more")) }
        }
        await channel.close()
        await client.close()
        await stalled.stop()
    }

    @Test("A write after finish() or close() fails at once instead of waiting for ever")
    func writeAfterEnd() async throws {
        let (server, key) = try await Self.start()
        defer { server.stop() }
        let stalled = try await NonReadingServer()
        let client = try await Self.connect(server, [.privateKey(key)])
        let finished = try await client.openDirectTCPIP(host: "127.0.0.1", port: stalled.port)
        try await finished.finish()
        await #expect(throws: SSHError.self) { try await finished.write(ByteBuffer(string: "after EOF")) }
        let closed = try await client.openDirectTCPIP(host: "127.0.0.1", port: stalled.port)
        await closed.close()
        await #expect(throws: SSHError.self) { try await closed.write(ByteBuffer(string: "after CLOSE")) }
        #expect(await client.closeReason() == nil)
        await client.close()
        await stalled.stop()
    }

    @Test("The server's banner reaches the caller, cleaned of control characters")
    func banner() async throws {
        let scratch = try ClientScratch()
        let bannerPath = scratch.url.appendingPathComponent("banner").path
        try "Authorized use only\n\u{1B}[2Jcleared?\n".write(toFile: bannerPath, atomically: true, encoding: .utf8)
        let (server, key) = try await Self.start { $0.extraOptions = [("Banner", bannerPath)] }
        defer { server.stop() }
        guard !server.isExternal else { return }
        let client = try await Self.connect(server, [.privateKey(key)])
        let banner = client.banners.joined()
        #expect(banner.contains("Authorized use only"), "\(client.banners)")
        #expect(banner.contains("cleared?"))
        #expect(!banner.unicodeScalars.contains { $0.value == 0x1B })
        await client.close()
    }

    @Test("Authentication that does not finish in time fails with a timeout and ends the responder's wait",
          .enabled(if: getuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"))
    func authenticationTimeout() async throws {
        #expect(try TestUser.ensure())
        let (server, _) = try await Self.start { configuration in
            configuration.kbdInteractiveAuthentication = true
            configuration.extraOptions = [("UsePAM", "yes")]
        }
        defer { server.stop() }
        var timeouts = SSHTimeouts()
        timeouts.authentication = .seconds(2)
        let start = ContinuousClock.now
        do {
            let client = try await Self.connect(server, [.keyboardInteractive { _ in
                try await Task.sleep(for: .seconds(120)) // a user who never answers
                return []
            }], timeouts: timeouts, user: TestUser.name)
            await client.close()
            Issue.record("authenticated without answering")
        } catch let error as SSHError {
            #expect(error.code == .timeout, "\(error)")
            #expect(error.message.contains("authentication"), "\(error.message)")
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(25), "took \(elapsed)") // the default authentication timeout is 60 s
    }
}

/// Bytes written so far.
actor WriteProgress {
    private(set) var bytes = 0
    private(set) var isFinished = false
    func add(_ count: Int) { bytes += count }
    func finish() { isFinished = true }
}

/// A TCP server on 127.0.0.1 that accepts connections and never reads from them, so a sender's
/// buffers and windows fill up. `stop()` closes the listener and every accepted connection.
final class NonReadingServer: Sendable {
    let port: Int
    private let listener: any Channel
    private let accepted: NIOLockedChannels

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let accepted = NIOLockedChannels()
        self.accepted = accepted
        listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { channel in
                accepted.add(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = listener.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        self.port = port
    }

    func stop() async {
        try? await listener.close()
        for channel in accepted.all { try? await channel.close() }
    }
}

/// The channels a `NonReadingServer` accepted.
final class NIOLockedChannels: Sendable {
    private let channels = Mutex<[any Channel]>([])
    func add(_ channel: any Channel) { channels.withLock { $0.append(channel) } }
    var all: [any Channel] { channels.withLock { $0 } }
}
