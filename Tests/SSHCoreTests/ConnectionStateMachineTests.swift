import NIOCore
import SSHCore
import Testing

/// In-memory tests of the connection protocol state machine (RFC 4254): the server's side is written
/// with our own message codecs and fed to the machine; what the machine sends is parsed back.
@Suite("Connection protocol state machine (RFC 4254)")
struct ConnectionStateMachineTests {
    // MARK: - Helpers

    private static func encode(_ write: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(&buffer)
        return buffer
    }

    /// Parses everything the machine wants to send.
    private static func sent(_ machine: inout ConnectionStateMachine) throws -> [SSHMessage] {
        try machine.takeOutbound().map { message in
            var payload = message.head
            if var body = message.body { payload.writeBuffer(&body) }
            return try SSHMessage.parse(&payload)
        }
    }

    private static func confirm(_ machine: inout ConnectionStateMachine, channel: UInt32, serverChannel: UInt32,
                                window: UInt32 = 1 << 20, packet: UInt32 = 32 * 1024) throws {
        try machine.receive(encode {
            ChannelOpenConfirmation(recipientChannel: channel, senderChannel: serverChannel, initialWindowSize: window,
                                    maximumPacketSize: packet).write(to: &$0)
        })
    }

    private static func data(_ channel: UInt32, _ bytes: [UInt8]) -> ByteBuffer {
        encode { ChannelData(recipientChannel: channel, data: ByteBuffer(bytes: bytes)).write(to: &$0) }
    }

    /// Opens a channel and confirms it; returns our channel id.
    private static func openChannel(_ machine: inout ConnectionStateMachine, serverChannel: UInt32,
                                    window: UInt32 = 1 << 20, packet: UInt32 = 32 * 1024) throws -> UInt32 {
        let opened = machine.openDirectTCPIP(host: "db.internal", port: 5432, originatorAddress: "127.0.0.1",
                                                      originatorPort: 40000)
        let id = try #require(opened)
        _ = machine.takeOutbound()
        try confirm(&machine, channel: id, serverChannel: serverChannel, window: window, packet: packet)
        #expect(machine.takeEvents() == [.channelOpened(channel: id)])
        return id
    }

    private static func expectProtocolError(_ payload: ByteBuffer, on machine: inout ConnectionStateMachine,
                                            mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try machine.receive(payload)
            Issue.record("no error for a message that must be refused", sourceLocation: sourceLocation)
        } catch {
            guard case let .malformedMessage(why) = error else {
                Issue.record("expected malformedMessage, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(why.contains(text), "\(why)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Opening

    @Test("CHANNEL_OPEN direct-tcpip carries our window and packet size; confirmation opens the channel")
    func openAndConfirm() throws {
        var flow = ChannelFlowConfiguration()
        flow.initialWindowSize = 64 * 1024
        flow.maximumPacketSize = 16 * 1024
        var machine = ConnectionStateMachine(flow: flow)
        let opened = machine.openDirectTCPIP(host: "db.internal", port: 5432, originatorAddress: "10.0.0.1",
                                                      originatorPort: 4242)
        let id = try #require(opened)
        let messages = try Self.sent(&machine)
        guard case let .channelOpen(open) = messages.first, messages.count == 1 else {
            Issue.record("expected one CHANNEL_OPEN, got \(messages)")
            return
        }
        #expect(open.senderChannel == id)
        #expect(open.initialWindowSize == 64 * 1024)
        #expect(open.maximumPacketSize == 16 * 1024)
        #expect(open.channelType == .directTCPIP(.init(hostToConnect: "db.internal", portToConnect: 5432,
                                                        originatorAddress: "10.0.0.1", originatorPort: 4242)))
        #expect(machine.takeEvents().isEmpty)
        try Self.confirm(&machine, channel: id, serverChannel: 900)
        #expect(machine.takeEvents() == [.channelOpened(channel: id)])
        #expect(machine.sendWindow(of: id) == 1 << 20)
    }

    @Test("The defaults are a 2 MiB window and 32 KiB packets")
    func defaults() {
        let flow = ChannelFlowConfiguration()
        #expect(flow.initialWindowSize == 2 * 1024 * 1024)
        #expect(flow.maximumPacketSize == 32 * 1024)
    }

    @Test("Every open-failure reason code reaches the caller with the cleaned text (RFC 4254 §5.1)",
          arguments: ChannelOpenFailureReason.allCases.map(\.rawValue) + [77])
    func openFailure(code: UInt32) throws {
        var machine = ConnectionStateMachine()
        let opened = machine.openDirectTCPIP(host: "h", port: 1, originatorAddress: "127.0.0.1", originatorPort: 0)
        let id = try #require(opened)
        _ = machine.takeOutbound()
        try machine.receive(Self.encode {
            ChannelOpenFailure(recipientChannel: id, reasonCode: code, description: "no\u{1B}[31m way").write(to: &$0)
        })
        let events = machine.takeEvents()
        guard case let .channelOpenFailed(channel, reason, description) = events.first, events.count == 1 else {
            Issue.record("expected channelOpenFailed, got \(events)")
            return
        }
        #expect(channel == id)
        #expect(reason == code)
        #expect(description.hasPrefix("no"))
        #expect(!description.contains("\u{1B}"))
        #expect(machine.channelCount == 0)
        // The id is gone: a late confirmation for it is a protocol error.
        Self.expectProtocolError(Self.encode {
            ChannelOpenConfirmation(recipientChannel: id, senderChannel: 1, initialWindowSize: 1, maximumPacketSize: 1).write(to: &$0)
        }, on: &machine, mentioning: "which we are not opening")
    }

    @Test("Many channels at once get distinct ids and keep their data apart")
    func manyChannels() throws {
        var machine = ConnectionStateMachine()
        var ids: [UInt32] = []
        for index in 0..<50 {
            ids.append(try Self.openChannel(&machine, serverChannel: UInt32(1000 + index)))
        }
        #expect(Set(ids).count == 50)
        for (index, id) in ids.enumerated().reversed() {
            try machine.receive(Self.data(id, [UInt8(index)]))
        }
        let events = machine.takeEvents()
        #expect(events.count == 50)
        for case let .data(channel, bytes) in events {
            let index = try #require(ids.firstIndex(of: channel))
            #expect(Array(bytes.readableBytesView) == [UInt8(index)])
        }
        // What we send goes to the server's number for each channel.
        for (index, id) in ids.enumerated() {
            var payload = ByteBuffer(bytes: [1, 2, 3])
            machine.send(&payload, on: id)
            guard case let .channelData(data) = try Self.sent(&machine).first else {
                Issue.record("no CHANNEL_DATA")
                continue
            }
            #expect(data.recipientChannel == UInt32(1000 + index))
        }
    }

    // MARK: - Sending: window and packet size

    @Test("Sending respects the peer's maximum packet size and window, and resumes on WINDOW_ADJUST")
    func sendWindowAndPacketSize() throws {
        var machine = ConnectionStateMachine()
        let id = try Self.openChannel(&machine, serverChannel: 7, window: 10_000, packet: 3000)
        var payload = ByteBuffer(bytes: [UInt8](repeating: 0xAB, count: 25_000))
        machine.send(&payload, on: id)
        let first = try Self.sent(&machine)
        let sizes = first.compactMap { message -> Int? in
            if case let .channelData(data) = message { return data.data.readableBytes } else { return nil }
        }
        #expect(sizes == [3000, 3000, 3000, 1000])
        #expect(payload.readableBytes == 15_000)
        #expect(machine.sendWindow(of: id) == 0)
        // Nothing more leaves while the window is closed.
        machine.send(&payload, on: id)
        #expect(machine.takeOutbound().isEmpty)
        try machine.receive(Self.encode { ChannelWindowAdjust(recipientChannel: id, bytesToAdd: 20_000).write(to: &$0) })
        #expect(machine.takeEvents() == [.sendWindowOpened(channel: id)])
        machine.send(&payload, on: id)
        let second = try Self.sent(&machine)
        #expect(second.count == 5)
        #expect(payload.readableBytes == 0)
        #expect(machine.sendWindow(of: id) == 5000)
    }

    @Test("A WINDOW_ADJUST past 2^32 - 1 is refused (RFC 4254 §5.2)")
    func windowOverflow() throws {
        var machine = ConnectionStateMachine()
        let id = try Self.openChannel(&machine, serverChannel: 7, window: UInt32.max - 10)
        try machine.receive(Self.encode { ChannelWindowAdjust(recipientChannel: id, bytesToAdd: 10).write(to: &$0) })
        #expect(machine.sendWindow(of: id) == UInt64(UInt32.max))
        Self.expectProtocolError(Self.encode { ChannelWindowAdjust(recipientChannel: id, bytesToAdd: 1).write(to: &$0) },
                                 on: &machine, mentioning: "overflows the window")
    }

    // MARK: - Receiving: window accounting

    @Test("Receive credit returns only as the application consumes, per channel; a stalled channel stops no other")
    func receiveWindowAccounting() throws {
        var flow = ChannelFlowConfiguration()
        flow.initialWindowSize = 8192
        flow.maximumPacketSize = 4096
        var machine = ConnectionStateMachine(flow: flow)
        let stalled = try Self.openChannel(&machine, serverChannel: 1)
        let moving = try Self.openChannel(&machine, serverChannel: 2)
        let block = [UInt8](repeating: 0x5A, count: 4096)

        // The stalled channel's reader consumes nothing: its whole window is used and no credit goes back.
        try machine.receive(Self.data(stalled, block))
        try machine.receive(Self.data(stalled, block))
        #expect(machine.takeOutbound().isEmpty)
        #expect(machine.takeEvents().count == 2)

        // The other channel keeps moving: each consumed half-window goes back to it as WINDOW_ADJUST.
        for _ in 0..<20 {
            try machine.receive(Self.data(moving, block))
            machine.consumed(4096, on: moving)
        }
        let delivered = machine.takeEvents().reduce(0) { total, event in
            if case let .data(channel, bytes) = event, channel == moving { return total + bytes.readableBytes } else { return total }
        }
        #expect(delivered == 20 * 4096)
        let adjustments = try Self.sent(&machine).compactMap { message -> ChannelWindowAdjust? in
            if case let .channelWindowAdjust(adjust) = message { return adjust } else { return nil }
        }
        #expect(adjustments.count == 20)
        #expect(adjustments.allSatisfy { $0.recipientChannel == 2 && $0.bytesToAdd == 4096 })

        // The stalled channel is still out of window: one more byte is more than we granted.
        Self.expectProtocolError(Self.data(stalled, [1]), on: &machine, mentioning: "exceed the 0 bytes of window left")
        // Once its reader catches up, its credit goes back too, and data flows again.
        machine.consumed(8192, on: stalled)
        let late = try Self.sent(&machine)
        guard case let .channelWindowAdjust(adjust) = late.first, late.count == 1 else {
            Issue.record("expected one WINDOW_ADJUST, got \(late)")
            return
        }
        #expect(adjust.recipientChannel == 1)
        #expect(adjust.bytesToAdd == 8192)
        try machine.receive(Self.data(stalled, block))
        #expect(machine.takeEvents().count == 1)
    }

    @Test("Data larger than our maximum packet size is refused")
    func oversizedData() throws {
        var flow = ChannelFlowConfiguration()
        flow.maximumPacketSize = 1024
        var machine = ConnectionStateMachine(flow: flow)
        let id = try Self.openChannel(&machine, serverChannel: 3)
        Self.expectProtocolError(Self.data(id, [UInt8](repeating: 0, count: 1025)), on: &machine, mentioning: "maximum packet size")
    }

    // MARK: - EOF and CLOSE

    @Test("The server's EOF ends only the receiving half: we can still send")
    func serverEOFOnly() throws {
        var machine = ConnectionStateMachine()
        let id = try Self.openChannel(&machine, serverChannel: 5)
        try machine.receive(Self.encode { ChannelEOF(recipientChannel: id).write(to: &$0) })
        #expect(machine.takeEvents() == [.endOfFile(channel: id)])
        var payload = ByteBuffer(string: "still sending")
        machine.send(&payload, on: id)
        guard case let .channelData(data) = try Self.sent(&machine).first else {
            Issue.record("no CHANNEL_DATA after the server's EOF")
            return
        }
        #expect(data.data == ByteBuffer(string: "still sending"))
        // Data after the server's own EOF is a protocol error.
        Self.expectProtocolError(Self.data(id, [1]), on: &machine, mentioning: "after its EOF")
    }

    @Test("Our EOF ends only the sending half: data still arrives")
    func clientEOFOnly() throws {
        var machine = ConnectionStateMachine()
        let id = try Self.openChannel(&machine, serverChannel: 5)
        machine.sendEOF(on: id)
        #expect(try Self.sent(&machine) == [.channelEOF(ChannelEOF(recipientChannel: 5))])
        var payload = ByteBuffer(string: "too late")
        machine.send(&payload, on: id)
        #expect(machine.takeOutbound().isEmpty)
        #expect(payload.readableBytes == 8)
        try machine.receive(Self.data(id, Array("reply".utf8)))
        #expect(machine.takeEvents() == [.data(channel: id, ByteBuffer(string: "reply"))])
        try machine.receive(Self.encode { ChannelEOF(recipientChannel: id).write(to: &$0) })
        Self.expectProtocolError(Self.encode { ChannelEOF(recipientChannel: id).write(to: &$0) }, on: &machine,
                                 mentioning: "a second CHANNEL_EOF")
    }

    @Test("CLOSE from either side: both CLOSEs free the id; messages after it are refused")
    func closeHandshake() throws {
        var machine = ConnectionStateMachine()
        let ours = try Self.openChannel(&machine, serverChannel: 10)
        machine.close(ours)
        #expect(try Self.sent(&machine) == [.channelClose(ChannelClose(recipientChannel: 10))])
        #expect(machine.channelCount == 1)
        try machine.receive(Self.encode { ChannelClose(recipientChannel: ours).write(to: &$0) })
        #expect(machine.takeEvents() == [.channelClosed(channel: ours)])
        #expect(machine.channelCount == 0)

        let theirs = try Self.openChannel(&machine, serverChannel: 11)
        try machine.receive(Self.encode { ChannelClose(recipientChannel: theirs).write(to: &$0) })
        #expect(try Self.sent(&machine) == [.channelClose(ChannelClose(recipientChannel: 11))])
        #expect(machine.takeEvents() == [.channelClosed(channel: theirs)])
        Self.expectProtocolError(Self.data(theirs, [1]), on: &machine, mentioning: "unknown channel")
    }

    // MARK: - Unknown channels and global requests

    @Test("A message for an unknown channel id is a protocol error, never a crash", arguments: [UInt32(0), 1, 99, .max])
    func unknownChannel(id: UInt32) {
        var machine = ConnectionStateMachine()
        let payloads = [
            Self.data(id, [1, 2, 3]),
            Self.encode { ChannelExtendedData(recipientChannel: id, dataTypeCode: 1, data: ByteBuffer(string: "e")).write(to: &$0) },
            Self.encode { ChannelWindowAdjust(recipientChannel: id, bytesToAdd: 5).write(to: &$0) },
            Self.encode { ChannelEOF(recipientChannel: id).write(to: &$0) },
            Self.encode { ChannelClose(recipientChannel: id).write(to: &$0) },
            Self.encode { ChannelRequest(recipientChannel: id, requestType: "exit-status", wantReply: false).write(to: &$0) },
            Self.encode { ChannelSuccess(recipientChannel: id).write(to: &$0) },
            Self.encode { ChannelFailure(recipientChannel: id).write(to: &$0) },
        ]
        for payload in payloads {
            Self.expectProtocolError(payload, on: &machine, mentioning: "unknown channel \(id)")
        }
        Self.expectProtocolError(Self.encode {
            ChannelOpenConfirmation(recipientChannel: id, senderChannel: 1, initialWindowSize: 1, maximumPacketSize: 1).write(to: &$0)
        }, on: &machine, mentioning: "which we are not opening")
        Self.expectProtocolError(Self.encode {
            ChannelOpenFailure(recipientChannel: id, reasonCode: 2, description: "").write(to: &$0)
        }, on: &machine, mentioning: "which we are not opening")
    }

    @Test("Unknown global requests with want_reply get REQUEST_FAILURE; hostkeys-00 without reply is accepted silently")
    func globalRequests() throws {
        var machine = ConnectionStateMachine()
        try machine.receive(Self.encode { GlobalRequest(requestName: "keepalive@openssh.com", wantReply: true).write(to: &$0) })
        #expect(try Self.sent(&machine) == [.requestFailure(RequestFailure())])
        try machine.receive(Self.encode {
            GlobalRequest(requestName: "hostkeys-00@openssh.com", wantReply: false,
                          requestSpecificData: Self.encode { $0.writeSSHString([UInt8](repeating: 1, count: 51)) }).write(to: &$0)
        })
        #expect(machine.takeOutbound().isEmpty)
        #expect(machine.takeEvents().isEmpty)
        // Our keepalive: want_reply set, and the reply (success or failure) is reported.
        machine.sendKeepalive()
        guard case let .globalRequest(request) = try Self.sent(&machine).first else {
            Issue.record("no keepalive sent")
            return
        }
        #expect(request.requestName == "keepalive@openssh.com")
        #expect(request.wantReply)
        try machine.receive(Self.encode { RequestFailure().write(to: &$0) })
        #expect(machine.takeEvents() == [.globalRequestReply(success: false)])
        // A reply nobody asked for is a protocol error.
        #expect(throws: SSHProtocolError.self) { try machine.receive(Self.encode { RequestSuccess().write(to: &$0) }) }
    }

    @Test("A channel the server tries to open is refused with ADMINISTRATIVELY_PROHIBITED")
    func serverOpenedChannelIsRefused() throws {
        var machine = ConnectionStateMachine()
        try machine.receive(Self.encode {
            ChannelOpen(channelType: .directTCPIP(.init(hostToConnect: "x", portToConnect: 1, originatorAddress: "y", originatorPort: 2)),
                        senderChannel: 44, initialWindowSize: 1000, maximumPacketSize: 1000).write(to: &$0)
        })
        guard case let .channelOpenFailure(failure) = try Self.sent(&machine).first else {
            Issue.record("no CHANNEL_OPEN_FAILURE")
            return
        }
        #expect(failure.recipientChannel == 44)
        #expect(failure.reasonCode == ChannelOpenFailureReason.administrativelyProhibited.rawValue)
        #expect(machine.channelCount == 0)
    }
}
