import NIOCore
import NIOPosix
import Synchronization

/// A minimal HTTP/1.0 server on 127.0.0.1 (kernel-chosen port) for the README example: it reads one
/// request head per connection, records its request line, answers `200 OK` with a fixed body and
/// closes. Requests over 16 KiB are cut off. Stop it with `stop()`.
final class LoopbackHTTPServer: Sendable {
    /// The listening port on 127.0.0.1.
    let port: Int
    /// The body every response carries.
    let body: String
    private let listener: any Channel
    private let requests: RequestLog

    /// Starts listening.
    init(body: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let requests = RequestLog()
        self.requests = requests
        self.body = body
        listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTPResponder(body: body, requests: requests))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = listener.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        self.port = port
    }

    /// The request lines received so far (e.g. `GET /status HTTP/1.0`).
    var requestLines: [String] { requests.lines.withLock { $0 } }

    /// Closes the listener; connections already accepted finish on their own.
    func stop() async {
        try? await listener.close()
    }
}

/// The request lines seen by all connections.
private final class RequestLog: Sendable {
    let lines = Mutex<[String]>([])
}

/// Reads a request head and answers it once.
private final class HTTPResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let body: String
    private let requests: RequestLog
    private var head = ""
    private var answered = false

    init(body: String, requests: RequestLog) {
        self.body = body
        self.requests = requests
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        head += buffer.readString(length: buffer.readableBytes) ?? ""
        guard head.contains("\r\n\r\n") || head.utf8.count > 16 * 1024 else { return }
        answered = true
        let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        requests.lines.withLock { $0.append(requestLine) }
        let response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).whenComplete { _ in
            boundContext.value.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
