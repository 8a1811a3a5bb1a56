import NIOCore
import SSHCore
import SSHCrypto
import Testing

@Suite("Client transport against an in-memory scripted server")
struct TransportHandshakeTests {
    @Test("A full handshake fed one byte at a time reaches SERVICE_ACCEPT with strict kex")
    func handshakeByteByByte() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start(chunkSize: 1)
        #expect(pair.closeReason == nil)
        #expect(pair.serviceAccepted)
        let algorithms = try #require(pair.negotiated.first)
        #expect(algorithms.keyExchange.name == "curve25519-sha256")
        #expect(algorithms.cipherClientToServer.name == "aes128-gcm@openssh.com")
        #expect(algorithms.strictKex)
        let extensions = pair.events.compactMap { event -> [String]? in
            if case let .serverExtensions(algorithms) = event { return algorithms } else { return nil }
        }
        #expect(extensions == [["ssh-ed25519", "rsa-sha2-512"]])
    }

    @Test("Replaying with the same seeds gives the same client bytes")
    func deterministicReplay() throws {
        var first = TransportPair(server: try ScriptedServer())
        first.start()
        var second = TransportPair(server: try ScriptedServer())
        second.start()
        #expect(first.serviceAccepted && second.serviceAccepted)
        #expect(first.clientToServerTranscript == second.clientToServerTranscript)
        var third = TransportPair(server: try ScriptedServer(), clientSeed: 8)
        third.start()
        #expect(third.clientToServerTranscript != first.clientToServerTranscript)
    }

    @Test("Every cipher and MAC in the registry carries messages both ways", arguments: cipherMACCombinations())
    func everyCipherAndMAC(cipher: String, mac: String) throws {
        var server = try ScriptedServer()
        server.ciphers = [cipher]
        server.macs = [mac]
        var pair = TransportPair(server: server)
        pair.start(chunkSize: 7)
        #expect(pair.closeReason == nil)
        #expect(pair.serviceAccepted)
        var message = ByteBuffer()
        message.writeInteger(UInt8(200))
        message.writeString("hello over \(cipher)")
        pair.client.send(payload: message)
        pair.run(chunkSize: 3)
        #expect(pair.server.receivedPayloads.last == message)
        pair.client.sendIgnore(ByteBuffer(repeating: 1, count: 40_000))
        pair.run()
        #expect(pair.closeReason == nil)
    }

    @Test("A wrong host-key signature fails the key exchange")
    func wrongSignature() throws {
        var server = try ScriptedServer()
        server.faults.corruptSignature = true
        var pair = TransportPair(server: server)
        pair.start()
        guard case let .keyExchangeFailed(why) = pair.closeReason else {
            Issue.record("expected keyExchangeFailed, got \(String(describing: pair.closeReason))")
            return
        }
        #expect(why.contains("does not verify"))
        #expect(!pair.serviceAccepted)
    }

    @Test("An exchange hash computed over different inputs fails the key exchange")
    func changedExchangeHash() throws {
        var server = try ScriptedServer()
        server.faults.hashWrongServerVersion = true
        var pair = TransportPair(server: server)
        pair.start()
        guard case .keyExchangeFailed = pair.closeReason else {
            Issue.record("expected keyExchangeFailed, got \(String(describing: pair.closeReason))")
            return
        }
    }

    @Test("A tampered packet after NEWKEYS fails with a MAC error")
    func tamperedPacket() throws {
        var server = try ScriptedServer()
        server.faults.flipBitAfterNewKeys = true
        var pair = TransportPair(server: server)
        pair.start()
        guard case .macMismatch = pair.closeReason else {
            Issue.record("expected macMismatch, got \(String(describing: pair.closeReason))")
            return
        }
        #expect(pair.closeReason?.disconnectReasonCode == 5)
    }

    @Test("A rejected host key disconnects with HOST_KEY_NOT_VERIFIABLE")
    func rejectedHostKey() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.acceptHostKey = false
        pair.start()
        #expect(pair.closeReason == .hostKeyRejected("test policy refused the key"))
        #expect(pair.closeReason?.disconnectReasonCode == 9)
        #expect(!pair.serviceAccepted)
    }

    @Test("No common cipher names the category and both lists")
    func noCommonCipher() throws {
        var server = try ScriptedServer()
        server.ciphers = ["aes256-cbc", "3des-cbc"]
        var pair = TransportPair(server: server)
        pair.start()
        guard case let .noCommonAlgorithm(category, client, serverList) = pair.closeReason else {
            Issue.record("expected noCommonAlgorithm, got \(String(describing: pair.closeReason))")
            return
        }
        #expect(category == "cipher (client to server)")
        #expect(client == AlgorithmPreferences().ciphers)
        #expect(serverList == ["aes256-cbc", "3des-cbc"])
        #expect(pair.closeReason?.description.contains("aes256-cbc,3des-cbc") == true)
    }

    @Test("Strict kex: an IGNORE before KEXINIT is fatal")
    func strictKexIgnoreBeforeKexInit() throws {
        var server = try ScriptedServer()
        server.faults.injectIgnoreBeforeKexInit = true
        var pair = TransportPair(server: server)
        pair.start()
        guard case .strictKexViolation = pair.closeReason else {
            Issue.record("expected strictKexViolation, got \(String(describing: pair.closeReason))")
            return
        }
    }

    @Test("Strict kex: an IGNORE in the middle of the first kex is fatal")
    func strictKexIgnoreDuringKex() throws {
        var server = try ScriptedServer()
        server.faults.injectIgnoreBeforeReply = true
        var pair = TransportPair(server: server)
        pair.start()
        guard case .strictKexViolation = pair.closeReason else {
            Issue.record("expected strictKexViolation, got \(String(describing: pair.closeReason))")
            return
        }
    }

    @Test("Without strict kex, IGNOREs around the first kex are tolerated")
    func ignoreToleratedWithoutStrictKex() throws {
        var server = try ScriptedServer()
        server.faults.offerStrictKex = false
        server.faults.injectIgnoreBeforeKexInit = true
        server.faults.injectIgnoreBeforeReply = true
        var pair = TransportPair(server: server)
        pair.start()
        #expect(pair.closeReason == nil)
        #expect(pair.serviceAccepted)
        #expect(pair.negotiated.first?.strictKex == false)
    }

    @Test("A server-initiated rekey completes and queued messages arrive in order")
    func serverInitiatedRekey() throws {
        var pair = TransportPair(server: try ScriptedServer())
        pair.start()
        #expect(pair.serviceAccepted)
        for round in 1...5 {
            pair.server.initiateRekey()
            // Messages sent while the rekey runs are queued and must arrive in order.
            pair.run(chunkSize: 5)
            for index in 0..<3 {
                var message = ByteBuffer()
                message.writeInteger(UInt8(200))
                message.writeInteger(UInt32(round * 10 + index))
                pair.client.send(payload: message)
            }
            pair.run(chunkSize: 5)
            #expect(pair.closeReason == nil)
            #expect(pair.client.completedKeyExchanges == round + 1)
        }
        let order = pair.server.receivedPayloads.compactMap { $0.getInteger(at: $0.readerIndex + 1, as: UInt32.self) }
        #expect(order == (1...5).flatMap { round in (0..<3).map { UInt32(round * 10 + $0) } })
    }

    @Test("A client-initiated rekey starts after the configured data volume")
    func clientInitiatedRekeyByVolume() throws {
        var configuration = ClientTransportConfiguration()
        configuration.rekeyDataLimit = 8 * 1024
        var pair = TransportPair(configuration: configuration, server: try ScriptedServer())
        pair.start()
        for _ in 0..<10 {
            pair.client.sendIgnore(ByteBuffer(repeating: 2, count: 4 * 1024))
            pair.run()
        }
        #expect(pair.closeReason == nil)
        #expect(pair.client.completedKeyExchanges >= 4)
        #expect(pair.server.completedKeyExchanges == pair.client.completedKeyExchanges)
    }

    @Test("A time-based rekey starts after the configured interval")
    func clientInitiatedRekeyByTime() throws {
        var configuration = ClientTransportConfiguration()
        configuration.rekeyTimeLimit = .seconds(60)
        var pair = TransportPair(configuration: configuration, server: try ScriptedServer())
        pair.client.tick(now: .seconds(1))
        pair.start()
        pair.client.tick(now: .seconds(30))
        pair.run()
        #expect(pair.client.completedKeyExchanges == 1)
        pair.client.tick(now: .seconds(62))
        pair.run()
        #expect(pair.client.completedKeyExchanges == 2)
    }
}

func cipherMACCombinations() -> [(String, String)] {
    AlgorithmRegistry.ciphers.flatMap { cipher -> [(String, String)] in
        cipher.isAEAD ? [(cipher.name, "hmac-sha2-256")] : AlgorithmRegistry.macs.map { (cipher.name, $0.name) }
    }
}
