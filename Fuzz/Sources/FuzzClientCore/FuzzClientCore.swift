import HostileServer
import NIOCore
import SSHCore
import SSHCrypto

/// Fuzzes the whole client state machine (ClientConnectionCore) with server traffic:
/// - even first byte: the input is the server's raw byte stream from the first byte on (version
///   line, cleartext packets, KEXINIT and kex replies);
/// - odd first byte: a real handshake with the hostile server (curve25519, Ed25519, AES-GCM, strict
///   kex), authentication and an open channel, then the input split into payloads (2-byte length
///   each) that the server sends as encrypted packets: every transport, auth and connection message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientCore(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    var configuration = ClientConnectionConfiguration(authentication: UserAuthConfiguration(user: "fuzz", credentials: [.keyboardInteractive]))
    configuration.flow.initialWindowSize = 64 * 1024
    var client = ClientConnectionCore(configuration: configuration, randomSource: DeterministicRandomSource(seed: [first]))
    client.start()
    if first & 1 == 0 {
        var offset = 1
        let chunk = Int(first >> 1) % 64 + 1
        while offset < bytes.count, !client.isClosed {
            let end = min(offset + chunk, bytes.count)
            var piece = ByteBuffer(bytes: bytes[offset..<end])
            offset = end
            client.receive(&piece)
            answer(&client)
            _ = client.takeOutbound()
        }
        return 0
    }
    var payloads: [[UInt8]] = []
    var offset = 1
    while offset + 2 <= bytes.count, payloads.count < 64 {
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        offset += 2
        let end = min(offset + length, bytes.count)
        payloads.append(Array(bytes[offset..<end]))
        offset = end
    }
    guard var server = try? HostileServer(script: HostileScript.channelOpen()) else { fatalError("hostile server") }
    var opened = false
    for _ in 0..<10_000 {
        var moved = false
        if let out = client.takeOutbound() {
            moved = true
            server.receive(Array(out.readableBytesView))
        }
        server.pump()
        let toClient = server.takeOutbound()
        if !toClient.isEmpty {
            moved = true
            var buffer = ByteBuffer(bytes: toClient)
            client.receive(&buffer)
            answer(&client)
        }
        if client.isAuthenticated && !opened {
            opened = true
            _ = client.withConnection { $0.openDirectTCPIP(host: "db", port: 5432, originatorAddress: "127.0.0.1", originatorPort: 1) }
            moved = true
        }
        if server.isFinished && opened && !payloads.isEmpty {
            server.append(payloads.map { .packet($0) })
            payloads.removeAll()
            moved = true
        }
        if !moved || client.isClosed { break }
    }
    return 0
}

/// Plays the application: accepts the host key, answers prompts, consumes channel data.
private func answer(_ client: inout ClientConnectionCore) {
    for _ in 0..<16 {
        let events = client.takeEvents()
        if events.isEmpty { return }
        for event in events {
            switch event {
            case .hostKeyVerificationRequired: client.hostKeyDecision(accepted: true, reason: "")
            case let .authentication(.challenge(challenge)): client.provideResponses(Array(repeating: "x", count: challenge.prompts.count))
            case let .connection(.data(channel, data)): client.withConnection { $0.consumed(data.readableBytes, on: channel) }
            default: break
            }
        }
    }
}
