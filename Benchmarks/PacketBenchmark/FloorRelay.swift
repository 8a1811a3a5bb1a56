#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SSHCore
import SSHCrypto

/// `swiftssh-bench relay`: the least work any SSH client must do to forward a byte stream upstream,
/// so that Scripts/bench can show how far below OpenSSH's CPU per GiB a client can go on this machine.
///
/// It accepts connections on 127.0.0.1 and relays each to a target port with blocking I/O on one
/// thread: read up to 256 KiB (the forwarder's largest read), frame it as SSH_MSG_CHANNEL_DATA packets
/// of at most 32 KiB (RFC 4254 §5.2, sshd's maximum packet) and seal them with `PacketEncoder` and the
/// chosen cipher (RFC 4253 §6), then write them. There is no key exchange, no channel state, no window
/// and no event loop: only the socket copies and the packet protection, the two costs every client
/// pays per byte. With `--cipher none` it copies bytes unchanged, which leaves the kernel's share.
/// The target's replies (the sink's byte count) are copied back unchanged after the upload ends.
struct FloorRelay {
    /// Largest read from the local connection by default, as `LocalForwarder`'s receive allocator allows.
    static let defaultReadSize = 256 * 1024
    /// Channel data per packet: sshd's default maximum packet size for forwarded channels.
    static let maximumPayload = 32 * 1024
    /// Seconds a blocked read or write may wait before the relay gives the connection up.
    static let ioTimeoutSeconds = 300

    let listenPort: UInt16
    let targetPort: UInt16
    /// Nil relays the bytes unchanged (the kernel's share alone).
    let cipher: BenchmarkCipher?
    /// Connections to serve before exiting; Scripts/bench also stops the process when it is done.
    let connections: Int
    /// Bytes asked of each read(2) of the local connection.
    let readSize: Int

    /// Parses `relay --listen PORT --to PORT --cipher NAME[+MAC]|none [--connections N] [--read-size BYTES]`.
    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        var listen: UInt16?, target: UInt16?, cipherLabel: String?, count = 100, readSize = Self.defaultReadSize
        while let argument = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchmarkError.usage("\(argument) needs a value") }
            switch argument {
            case "--listen": listen = UInt16(value)
            case "--to": target = UInt16(value)
            case "--cipher": cipherLabel = value
            case "--connections":
                guard let parsed = Int(value), (1...10_000).contains(parsed) else { throw BenchmarkError.usage("--connections takes 1...10000") }
                count = parsed
            case "--read-size":
                guard let parsed = Int(value), (1024...(16 << 20)).contains(parsed) else { throw BenchmarkError.usage("--read-size takes 1024...16777216") }
                readSize = parsed
            default: throw BenchmarkError.usage("unknown relay argument \(argument)")
            }
        }
        guard let listen, let target, let cipherLabel else {
            throw BenchmarkError.usage("usage: swiftssh-bench relay --listen PORT --to PORT --cipher NAME[+MAC]|none [--connections N] [--read-size BYTES]")
        }
        if cipherLabel == "none" {
            cipher = nil
        } else {
            guard let named = BenchmarkCipher(label: cipherLabel) else { throw BenchmarkError.usage("unknown cipher \(cipherLabel)") }
            cipher = named
        }
        listenPort = listen
        targetPort = target
        self.connections = count
        self.readSize = readSize
    }

    /// Listens, then serves `connections` connections one after the other.
    func run() throws {
        let listener = try Self.socketOrThrow()
        defer { close(listener) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: listenPort)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw BenchmarkError.io("cannot listen on 127.0.0.1:\(listenPort): errno \(errno)") }
        for _ in 0..<connections {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { throw BenchmarkError.io("accept failed: errno \(errno)") }
            defer { close(client) }
            try relay(client)
        }
    }

    private func relay(_ client: Int32) throws {
        let target = try Self.socketOrThrow()
        defer { close(target) }
        var address = Self.loopback(port: targetPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(target, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchmarkError.io("cannot connect to 127.0.0.1:\(targetPort): errno \(errno)") }
        for socket in [client, target] {
            var one: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var limit = timeval(tv_sec: Self.ioTimeoutSeconds, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        var encoder = PacketEncoder(randomSource: SystemRandomSource())
        if let cipher { encoder.protection = try cipher.makePair().sealer }
        var input = ByteBuffer()
        input.reserveCapacity(readSize)
        var output = ByteBuffer()
        output.reserveCapacity(readSize + readSize / 8)
        var header = ByteBuffer()
        while true {
            input.clear()
            let count = try input.writeWithUnsafeMutableBytes(minimumWritableBytes: readSize) { bytes in
                try Self.readSome(client, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<readSize]))
            }
            if count == 0 { break }
            if cipher == nil {
                try Self.writeAll(target, input)
                continue
            }
            output.clear()
            while input.readableBytes > 0 {
                let body = input.readSlice(length: min(input.readableBytes, Self.maximumPayload)) ?? ByteBuffer()
                header.clear()
                header.writeInteger(UInt8(94))  // SSH_MSG_CHANNEL_DATA
                header.writeInteger(UInt32(0))  // recipient channel
                header.writeInteger(UInt32(body.readableBytes))
                do {
                    try encoder.encode(payload: header, body: body, into: &output)
                } catch {
                    throw BenchmarkError.io("sealing failed: \(error)")
                }
            }
            try Self.writeAll(target, output)
        }
        shutdown(target, Int32(SHUT_WR))
        // The sink answers with its byte count once it saw EOF: pass it back unchanged.
        var reply = ByteBuffer()
        while true {
            reply.clear()
            let count = try reply.writeWithUnsafeMutableBytes(minimumWritableBytes: 4096) { bytes in
                try Self.readSome(target, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<4096]))
            }
            if count == 0 { break }
            try Self.writeAll(client, reply)
        }
    }

    private static func socketOrThrow() throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw BenchmarkError.io("socket failed: errno \(errno)") }
        return descriptor
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// One read(2), retried on EINTR; 0 at EOF.
    private static func readSome(_ descriptor: Int32, into bytes: UnsafeMutableRawBufferPointer) throws -> Int {
        for _ in 0..<1000 {
            let count = read(descriptor, bytes.baseAddress, bytes.count)
            if count >= 0 { return count }
            if errno != EINTR { throw BenchmarkError.io("read failed: errno \(errno)") }
        }
        throw BenchmarkError.io("read interrupted 1000 times")
    }

    /// Writes every readable byte of `buffer`, however many write(2) calls that takes.
    private static func writeAll(_ descriptor: Int32, _ buffer: ByteBuffer) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            var interruptions = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress?.advanced(by: offset), bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR && interruptions < 1000 {
                    interruptions += 1
                } else {
                    throw BenchmarkError.io("write failed: errno \(errno)")
                }
            }
        }
    }
}
