import NIOCore
import SSHCore
import SSHCrypto
import Testing

/// Transport messages other than the key exchange itself, and the kex rules around them, against the
/// in-memory scripted server (RFC 4253 §7.1, §9, §11; OpenSSH PROTOCOL §1.10).
@Suite("Client transport: IGNORE, DEBUG, UNIMPLEMENTED, DISCONNECT and kex rules")
struct TransportMessagesTests {
    private static func payload(_ write: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(&buffer)
        return buffer
    }

    @Test("IGNORE is skipped, DEBUG becomes a cleaned event, UNIMPLEMENTED is reported; the connection lives on")
    func ignoreDebugUnimplemented() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        #expect(pair.serviceAccepted)
        pair.server.send(Self.payload { Ignore(data: ByteBuffer(string: "noise")).write(to: &$0) })
        pair.server.send(Self.payload {
            Debug(alwaysDisplay: true, message: "hello\u{1B}[2Jworld", languageTag: "").write(to: &$0)
        })
        pair.server.send(Self.payload { Unimplemented(sequenceNumber: 3).write(to: &$0) })
        pair.run()
        #expect(pair.closeReason == nil)
        let debug = pair.events.compactMap { event -> String? in
            if case let .debugMessage(text) = event { return text } else { return nil }
        }
        #expect(debug.count == 1)
        #expect(debug.first?.contains("\u{1B}") == false)
        #expect(debug.first?.hasPrefix("hello") == true)
        #expect(debug.first?.hasSuffix("world") == true)
        #expect(pair.events.contains { if case .peerUnimplemented(3) = $0 { return true } else { return false } })
        // Still usable afterwards.
        var message = ByteBuffer()
        message.writeInteger(UInt8(200))
        pair.client.send(payload: message)
        pair.run()
        #expect(pair.server.receivedPayloads.last == message)
    }

    @Test("DISCONNECT becomes a typed error with the reason code and the text cleaned and capped")
    func disconnectIsTyped() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        let text = "bye\u{1B}]0;owned\u{07}" + String(repeating: "x", count: 5000)
        pair.server.send(Self.payload { Disconnect(reasonCode: 2, description: text, languageTag: "").write(to: &$0) })
        pair.run()
        guard case let .disconnectedByPeer(code, description) = pair.closeReason else {
            Issue.record("expected disconnectedByPeer, got \(String(describing: pair.closeReason))")
            return
        }
        #expect(code == 2)
        #expect(description.hasPrefix("bye"))
        #expect(!description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(description.count <= 520, "\(description.count) characters")
        #expect(description.count < text.count)
        // Nothing is processed after the connection closed.
        pair.server.send(Self.payload { Ignore(data: ByteBuffer()).write(to: &$0) })
        pair.run()
        #expect(pair.events.filter { if case .closed = $0 { return true } else { return false } }.count == 1)
    }

    @Test("While a rekey runs, a message numbered 50 or above is a protocol error (RFC 4253 §7.1)")
    func connectionMessageDuringRekeyIsFatal() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        #expect(pair.serviceAccepted)
        pair.server.initiateRekey()
        var message = ByteBuffer()
        message.writeInteger(UInt8(94)) // SSH_MSG_CHANNEL_DATA
        message.writeInteger(UInt32(0))
        message.writeSSHString("data")
        pair.server.send(message)
        pair.run()
        #expect(pair.closeReason == .unexpectedMessage(number: 94, phase: "key exchange"))
    }

    @Test("The same message outside a rekey is passed up to the connection layer")
    func connectionMessageOutsideRekeyIsPassedUp() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        var message = ByteBuffer()
        message.writeInteger(UInt8(94))
        message.writeInteger(UInt32(0))
        message.writeSSHString("data")
        pair.server.send(message)
        pair.run()
        #expect(pair.closeReason == nil)
        #expect(pair.events.contains { if case let .message(payload) = $0 { return payload == message } else { return false } })
    }

    @Test("The session identifier is the first exchange hash and survives rekeys (RFC 4253 §7.2)")
    func sessionIdentifierSurvivesRekeys() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        let first = try #require(pair.client.sessionID)
        #expect(first.count == 32) // SHA-256 exchange hash of curve25519-sha256
        for round in 1...3 {
            pair.server.initiateRekey()
            pair.run()
            #expect(pair.client.completedKeyExchanges == round + 1)
            #expect(pair.client.sessionID == first)
        }
        #expect(pair.closeReason == nil)
    }

    @Test("A wrongly guessed kex packet announced by first_kex_packet_follows is ignored (RFC 4253 §7.1)")
    func wrongGuessIsIgnored() throws {
        var server = try ScriptedServer()
        server.faults.sendWrongGuessedKexPacket = true
        var pair = TransportPair(server: server)
        pair.start(chunkSize: 3)
        #expect(pair.closeReason == nil)
        #expect(pair.serviceAccepted)
        #expect(pair.negotiated.first?.keyExchange.name == "curve25519-sha256")
    }

    @Test("The same packet without first_kex_packet_follows fails the key exchange")
    func unannouncedPacketIsFatal() throws {
        var server = try ScriptedServer()
        server.faults.sendUnannouncedKexPacket = true
        var pair = TransportPair(server: server)
        pair.start()
        #expect(pair.closeReason != nil)
        #expect(!pair.serviceAccepted)
    }
    @Test("Our first KEXINIT offers no ssh-rsa (SHA-1), CBC, SHA-1 MAC or none, and carries ext-info-c and strict kex")
    func defaultOffer() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        let transcript = pair.clientToServerTranscript
        let newline = try #require(transcript.firstIndex(of: UInt8(ascii: "\n")))
        var decoder = PacketDecoder()
        var rest = ByteBuffer(bytes: transcript[(newline + 1)...])
        decoder.append(&rest)
        var payload = try #require(try decoder.nextPayload())
        guard case let .kexInit(offer) = try SSHMessage.parse(&payload) else {
            Issue.record("the first packet is not KEXINIT")
            return
        }
        #expect(!offer.serverHostKeyAlgorithms.contains("ssh-rsa"))
        #expect(offer.serverHostKeyAlgorithms.contains("rsa-sha2-512") && offer.serverHostKeyAlgorithms.contains("rsa-sha2-256"))
        for list in [offer.encryptionAlgorithmsClientToServer, offer.encryptionAlgorithmsServerToClient] {
            #expect(!list.contains { $0.hasSuffix("-cbc") || $0 == "none" || $0 == "3des-cbc" })
        }
        for list in [offer.macAlgorithmsClientToServer, offer.macAlgorithmsServerToClient] {
            #expect(!list.contains { $0.contains("sha1") || $0.contains("md5") || $0 == "none" })
        }
        #expect(offer.compressionAlgorithmsClientToServer == ["none"])
        #expect(offer.kexAlgorithms.contains("ext-info-c"))
        #expect(offer.kexAlgorithms.contains("kex-strict-c-v00@openssh.com"))
        #expect(!offer.kexAlgorithms.contains { $0.hasSuffix("-sha1") })
    }
}
