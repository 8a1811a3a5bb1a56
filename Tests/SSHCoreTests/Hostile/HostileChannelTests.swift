import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4254 §5: channel ids, windows, and the close handshake, against a server that breaks them.
@Suite("Hostile server: channels")
struct HostileChannelTests {
    /// An authenticated connection with the client's channel 0 confirmed as the server's 100.
    private static func openChannel(window: UInt32 = 1 << 20, maximumPacket: UInt32 = 32 * 1024,
                                    configuration: ClientConnectionConfiguration = HostileHarness.defaultConfiguration()) throws -> HostileHarness {
        var harness = try HostileHarness(HostileScript.channelOpen(window: window, maximumPacket: maximumPacket), configuration: configuration)
        harness.run()
        harness.openChannel()
        #expect(harness.connectionEvents.contains(.channelOpened(channel: 0)))
        return harness
    }

    private static func hostile(_ steps: [HostileStep], on harness: inout HostileHarness) {
        harness.server.append(steps)
        harness.run()
    }

    @Test("Data for an unknown channel id is refused")
    func dataForUnknownChannel() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelData(recipient: 7, [1, 2]))], on: &harness)
        harness.expectClosed(with: .malformedMessage("CHANNEL_DATA for unknown channel 7"))
    }

    @Test("Data beyond the window we granted is refused")
    func dataBeyondWindow() throws {
        var configuration = HostileHarness.defaultConfiguration()
        configuration.flow.initialWindowSize = 8192
        var harness = try Self.openChannel(configuration: configuration)
        let chunk = [UInt8](repeating: 0x44, count: 5000)
        Self.hostile([.packet(HostileMessage.channelData(recipient: 0, chunk)), .packet(HostileMessage.channelData(recipient: 0, chunk))],
                     on: &harness)
        harness.expectClosed(with: .malformedMessage("5000 bytes of data on channel 0 exceed the 3192 bytes of window left"))
    }

    @Test("Data larger than our maximum packet size is refused")
    func dataAboveMaximumPacket() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelData(recipient: 0, [UInt8](repeating: 1, count: 40_000)))], on: &harness)
        harness.expectClosed(with: .malformedMessage("40000 bytes of data on channel 0 exceed our maximum packet size of 32768"))
    }

    @Test("WINDOW_ADJUST that overflows the window past 2^32 - 1 is refused")
    func windowOverflow() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.windowAdjust(recipient: 0, bytes: UInt32.max))], on: &harness)
        harness.expectClosed(with: .malformedMessage("CHANNEL_WINDOW_ADJUST for channel 0 overflows the window past 2^32 - 1"))
    }

    @Test("WINDOW_ADJUST up to exactly 2^32 - 1 is accepted and the channel keeps working")
    func windowAtMaximum() throws {
        var harness = try Self.openChannel(window: 0)
        Self.hostile([.packet(HostileMessage.windowAdjust(recipient: 0, bytes: UInt32.max))], on: &harness)
        harness.expectAlive()
        #expect(harness.connectionEvents.contains(.sendWindowOpened(channel: 0)))
        #expect(harness.client.connection.sendWindow(of: 0) == UInt64(UInt32.max))
        harness.expectChannelEcho()
    }

    @Test("Confirmation of a channel that was never opened is refused")
    func confirmationOfUnknownChannel() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + [.packet(HostileMessage.openConfirmation(recipient: 5, sender: 1, window: 1000, maximumPacket: 1000))])
        harness.run()
        harness.expectClosed(with: .malformedMessage("CHANNEL_OPEN_CONFIRMATION for channel 5, which we are not opening"))
    }

    @Test("A second confirmation of an open channel is refused")
    func duplicateConfirmation() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.openConfirmation(recipient: 0, sender: 101, window: 1000, maximumPacket: 1000))], on: &harness)
        harness.expectClosed(with: .malformedMessage("CHANNEL_OPEN_CONFIRMATION for channel 0, which we are not opening"))
    }

    @Test("OPEN_FAILURE for a channel that was never opened is refused")
    func failureOfUnknownChannel() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + [.packet(HostileMessage.openFailure(recipient: 3, reason: 2, description: Array("no".utf8)))])
        harness.run()
        harness.expectClosed(with: .malformedMessage("CHANNEL_OPEN_FAILURE for channel 3, which we are not opening"))
    }

    @Test("A maximum packet size of 0 in the confirmation is refused")
    func zeroMaximumPacket() throws {
        var harness = try HostileHarness(HostileScript.channelOpen(maximumPacket: 0))
        harness.run()
        harness.openChannel()
        harness.expectClosed(with: .malformedMessage("CHANNEL_OPEN_CONFIRMATION for channel 0 with a maximum packet size of 0"))
    }

    @Test("Data for a channel that is still opening is refused")
    func dataBeforeConfirmation() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [.awaitMessage(HostileMessage.channelOpen),
                                                                            .packet(HostileMessage.channelData(recipient: 0, [1]))])
        harness.run()
        harness.openChannel()
        harness.expectClosed(with: .malformedMessage("CHANNEL_DATA for channel 0, which is not open"))
    }

    @Test("A CLOSE frees the channel; a second CLOSE is refused")
    func secondClose() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelClose(recipient: 0)), .awaitMessage(HostileMessage.channelClose)], on: &harness)
        harness.expectAlive()
        #expect(harness.connectionEvents.contains(.channelClosed(channel: 0)))
        #expect(harness.client.connection.channelCount == 0)
        Self.hostile([.packet(HostileMessage.channelClose(recipient: 0))], on: &harness)
        harness.expectClosed(with: .malformedMessage("CHANNEL_CLOSE for unknown channel 0"))
    }

    @Test("EOF after CLOSE is refused")
    func eofAfterClose() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelClose(recipient: 0)), .packet(HostileMessage.channelEOF(recipient: 0))], on: &harness)
        harness.expectClosed(with: .malformedMessage("CHANNEL_EOF for unknown channel 0"))
        #expect(harness.client.connection.channelCount == 0)
    }

    @Test("A second EOF is refused")
    func secondEOF() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelEOF(recipient: 0)), .packet(HostileMessage.channelEOF(recipient: 0))], on: &harness)
        harness.expectClosed(with: .malformedMessage("a second CHANNEL_EOF on channel 0"))
    }

    @Test("Data after EOF is refused")
    func dataAfterEOF() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelEOF(recipient: 0)), .packet(HostileMessage.channelData(recipient: 0, [1]))], on: &harness)
        harness.expectClosed(with: .malformedMessage("data on channel 0 after its EOF"))
    }

    @Test("Extended data on a forwarding channel is dropped, its window returned, and the channel keeps working")
    func extendedDataDropped() throws {
        var configuration = HostileHarness.defaultConfiguration()
        configuration.flow.initialWindowSize = 64 * 1024
        var harness = try Self.openChannel(configuration: configuration)
        let stderr = [UInt8](repeating: 0x45, count: 30_000)
        Self.hostile([.packet(HostileMessage.extendedData(recipient: 0, stderr)), .packet(HostileMessage.extendedData(recipient: 0, stderr)),
                      .packet(HostileMessage.extendedData(recipient: 0, stderr))], on: &harness)
        harness.expectAlive()
        #expect(!harness.connectionEvents.contains { if case .data = $0 { return true } else { return false } })
        #expect(harness.server.received.contains { $0.first == HostileMessage.channelWindowAdjust })
        harness.expectChannelEcho()
    }

    @Test("A channel the server tries to open is refused with OPEN_FAILURE and the connection survives")
    func serverOpensChannel() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + [.packet(HostileMessage.channelOpen(type: "forwarded-tcpip", sender: 44, window: 1000, maximumPacket: 1000,
                                                     data: HostileWire.string("127.0.0.1") + HostileWire.uint32(80) + HostileWire.string("127.0.0.1") + HostileWire.uint32(9)))])
        harness.run()
        harness.expectAlive()
        let failure = harness.server.received.last { $0.first == HostileMessage.channelOpenFailure }
        #expect(failure.map { HostileWire.readUInt32($0, at: 1) } == 44)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("A channel request with want_reply gets CHANNEL_FAILURE and the channel keeps working")
    func channelRequestRefused() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet(HostileMessage.channelRequest(recipient: 0, type: "exec", wantReply: true, data: HostileWire.string("id")))],
                     on: &harness)
        harness.expectAlive()
        #expect(harness.server.received.last?.first == HostileMessage.channelFailure)
        harness.expectChannelEcho()
    }

    @Test("CHANNEL_SUCCESS for an unknown channel is refused")
    func successForUnknownChannel() throws {
        var harness = try Self.openChannel()
        Self.hostile([.packet([HostileMessage.channelSuccess] + HostileWire.uint32(9))], on: &harness)
        harness.expectClosed(with: .malformedMessage("CHANNEL_SUCCESS for unknown channel 9"))
    }

    @Test("An OPEN_FAILURE description with escape sequences is reported escaped and frees the channel")
    func openFailureEscaped() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + [
            .awaitMessage(HostileMessage.channelOpen),
            .packet(HostileMessage.openFailure(recipient: 0, reason: 2, description: Array("denied\u{1b}[31m\r\n".utf8))),
        ])
        harness.run()
        harness.openChannel()
        harness.expectAlive()
        #expect(harness.connectionEvents.contains(.channelOpenFailed(channel: 0, reasonCode: 2, description: "denied\\x1b[31m\\x0d\\x0a")))
        #expect(harness.client.connection.channelCount == 0)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("The client closing while the server keeps sending: data is absorbed, then the CLOSE frees the channel")
    func clientCloseRace() throws {
        var harness = try Self.openChannel()
        harness.server.append([.awaitMessage(HostileMessage.channelClose), .packet(HostileMessage.channelData(recipient: 0, [1, 2, 3])),
                               .packet(HostileMessage.channelClose(recipient: 0))])
        harness.client.withConnection { $0.close(0) }
        harness.run()
        harness.expectAlive()
        #expect(harness.connectionEvents.contains(.channelClosed(channel: 0)))
        #expect(harness.client.connection.channelCount == 0)
        harness.expectKeepaliveRoundTrip()
    }
}

/// Regression tests for client bugs the hostile server found.
@Suite("Hostile server: regressions")
struct HostileRegressionTests {
    /// Bug: ClientConnectionCore reported connection-layer events (channel data) after a transport
    /// close that arrived in the same read, so the NIO layer, which drops its channels on close,
    /// lost the last bytes the server sent before DISCONNECT.
    @Test("Regression: channel data arriving right before DISCONNECT is reported before the close")
    func dataBeforeDisconnectIsNotReorderedBehindClose() throws {
        var harness = try HostileHarness(HostileScript.channelOpen())
        harness.run()
        harness.openChannel()
        harness.server.append([.packet(HostileMessage.channelData(recipient: 0, Array("last words".utf8))),
                               .packet(HostileMessage.channelEOF(recipient: 0)),
                               .packet(HostileMessage.disconnect(reason: 11, description: Array("bye".utf8)))])
        harness.run()
        harness.expectClosed(with: .disconnectedByPeer(reasonCode: 11, description: "bye"), notifiesPeer: false)
        let dataIndex = harness.events.firstIndex { if case .connection(.data(0, _)) = $0 { return true } else { return false } }
        let eofIndex = harness.events.firstIndex { if case .connection(.endOfFile(0)) = $0 { return true } else { return false } }
        let closeIndex = harness.events.firstIndex { if case .closed = $0 { return true } else { return false } }
        let data = try #require(dataIndex), eof = try #require(eofIndex), close = try #require(closeIndex)
        #expect(data < eof && eof < close, "events out of order: data \(data), EOF \(eof), close \(close)")
    }

    /// The same bug seen through user authentication: the events of a message must come out in the
    /// order the messages arrived, also when a close follows in the same read.
    @Test("Regression: a banner arriving right before DISCONNECT is reported before the close")
    func bannerBeforeDisconnect() throws {
        var harness = try HostileHarness(HostileScript.handshake() + [
            .awaitMessage(HostileMessage.userAuthRequest), .packet(HostileMessage.banner(Array("hello".utf8))),
            .packet(HostileMessage.disconnect(reason: 11, description: Array("bye".utf8))),
        ])
        harness.run()
        harness.expectClosed(with: .disconnectedByPeer(reasonCode: 11, description: "bye"), notifiesPeer: false)
        let bannerIndex = try #require(harness.events.firstIndex { if case .authentication(.banner) = $0 { return true } else { return false } })
        let closeIndex = try #require(harness.events.firstIndex { if case .closed = $0 { return true } else { return false } })
        #expect(bannerIndex < closeIndex)
    }
}

/// Regression: a server that starts a key exchange and never finishes it held our outbound direction
/// while the layers above kept sending, and everything they sent was queued without bound (up to the
/// 4 GiB window such a server grants). The core now fails closed past a limit, and SSHClient stops
/// flushing channel writes while a key exchange holds the outbound direction.
@Suite("Hostile server: stalled key exchange")
struct HostileStalledKexTests {
    private static func stalledRekey() throws -> HostileHarness {
        var harness = try HostileHarness(HostileScript.channelOpen(window: UInt32.max))
        harness.run()
        harness.openChannel()
        harness.server.append([.kexInit, .awaitMessage(HostileMessage.kexInitMessage)])
        harness.run()
        #expect(harness.client.transport.isOutboundPaused)
        return harness
    }

    @Test("Regression: data sent during a stalled server rekey is capped, and the connection fails closed")
    func queuedDataIsBounded() throws {
        var harness = try Self.stalledRekey()
        let chunk = ByteBuffer(repeating: 0x51, count: 64 * 1024)
        var rounds = 0
        while !harness.client.isClosed, rounds < 1024 { // 64 MiB at most
            rounds += 1
            harness.client.withConnection { connection in
                var data = chunk
                connection.send(&data, on: 0)
            }
            harness.run()
        }
        harness.expectClosed(with: .bufferLimitExceeded("more than 16777216 bytes waited for the server to finish a key exchange"))
        #expect(rounds <= 257, "closed only after \(rounds) chunks of 64 KiB")
    }

    @Test("Data queued during a rekey that completes is sent afterwards, in order")
    func queuedDataFlowsAfterRekey() throws {
        var harness = try Self.stalledRekey()
        for index in 0..<16 {
            harness.client.withConnection { connection in
                var data = ByteBuffer(repeating: UInt8(index), count: 1000)
                connection.send(&data, on: 0)
            }
        }
        harness.run()
        #expect(harness.client.transport.queuedPayloadBytes > 16_000)
        harness.server.append([.kexReply(.none), .newKeys])
        harness.run()
        harness.expectAlive()
        #expect(harness.client.transport.queuedPayloadBytes == 0)
        let firstBytes = harness.server.received.filter { $0.first == HostileMessage.channelData }.compactMap { $0.count > 9 ? $0[9] : nil }
        #expect(firstBytes == (0..<16).map { UInt8($0) })
        harness.expectChannelEcho()
    }
}
