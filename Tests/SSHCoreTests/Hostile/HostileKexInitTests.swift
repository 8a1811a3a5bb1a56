import HostileServer
import NIOCore
import SSHCore
import Testing

/// RFC 4253 §7.1: KEXINIT negotiation and the ordering of the key exchange.
@Suite("Hostile server: KEXINIT and kex ordering")
struct HostileKexInitTests {
    private static let clientDefaults = AlgorithmPreferences()

    @Test("No common cipher names the category and both lists")
    func noCommonCipher() throws {
        var offer = HostileOffer()
        offer.ciphers = ["des-cbc", "rc4"]
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        harness.expectClosed(with: .noCommonAlgorithm(category: "cipher (client to server)", client: Self.clientDefaults.ciphers,
                                                      server: ["des-cbc", "rc4"]))
    }

    @Test("An empty key-exchange list has nothing in common")
    func emptyKexList() throws {
        var offer = HostileOffer()
        offer.kex = []
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        harness.expectClosed(with: .noCommonAlgorithm(category: "key exchange algorithm", client: Self.clientDefaults.keyExchange, server: []))
    }

    @Test("Only pseudo-algorithms (ext-info-s, strict kex) in the kex list have nothing in common")
    func onlyMarkers() throws {
        var offer = HostileOffer()
        offer.kex = ["ext-info-s", "kex-strict-s-v00@openssh.com"]
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        harness.expectClosed(with: .noCommonAlgorithm(category: "key exchange algorithm", client: Self.clientDefaults.keyExchange, server: []))
    }

    @Test("No common compression method")
    func noCommonCompression() throws {
        var offer = HostileOffer()
        offer.compression = ["zlib"]
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        harness.expectClosed(with: .noCommonAlgorithm(category: "compression (client to server)", client: ["none"], server: ["zlib"]))
    }

    @Test("A name-list of 2,000 names is refused at the 1,024-name limit")
    func hugeNameCount() throws {
        var offer = HostileOffer()
        offer.macs = (0..<2000).map { "mac\($0)@hostile" }
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        harness.expectClosed(with: .malformedMessage("KEXINIT: SSH limit exceeded: SSH_MSG_KEXINIT mac_algorithms_client_to_server: name-list has more than our limit of 1024 names"))
    }

    @Test("A name-list over 64 KiB is refused")
    func hugeNameListBytes() throws {
        var offer = HostileOffer()
        offer.ciphers = (0..<1023).map { String(format: "%064d", $0) }
        var harness = try HostileHarness(HostileScript.handshake(), offer: offer)
        harness.run()
        let size = 1023 * 64 + 1022
        harness.expectClosed(with: .malformedMessage("KEXINIT: SSH limit exceeded: SSH_MSG_KEXINIT encryption_algorithms_client_to_server: name-list of \(size) bytes is over our limit of 65536 bytes"))
    }

    @Test("A truncated KEXINIT is malformed")
    func truncatedKexInit() throws {
        let payload = [HostileMessage.kexInit] + [UInt8](repeating: 0xAB, count: 16) + HostileWire.nameList(["curve25519-sha256"])
        var harness = try HostileHarness([.version("SSH-2.0-Truncated"), .kexInitPayload(payload)])
        harness.run()
        guard case let .malformedMessage(why) = harness.transportError else {
            Issue.record("expected malformedMessage, got \(String(describing: harness.transportError))")
            return
        }
        #expect(why.hasPrefix("KEXINIT"))
        harness.expectHealthy()
    }

    @Test("first_kex_packet_follows with a wrong guess: the guessed packet is ignored and the handshake completes")
    func wrongGuessIgnored() throws {
        var offer = HostileOffer()
        offer.kex = ["ecdh-sha2-nistp256", "curve25519-sha256", "kex-strict-s-v00@openssh.com"]
        offer.firstKexPacketFollows = true
        let guess = [HostileMessage.kexReply] + HostileWire.string([UInt8](repeating: 0x55, count: 40))
        let script: [HostileStep] = [.version("SSH-2.0-Guesser"), .kexInit, .packet(guess)] + Array(HostileScript.authenticated().dropFirst(2))
        var harness = try HostileHarness(script, offer: offer)
        harness.run()
        harness.expectAlive()
        #expect(harness.isAuthenticated)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("A second KEXINIT during the key exchange is refused")
    func secondKexInit() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Twice"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage), .kexInit])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 20, phase: "a key exchange already in progress"))
    }

    @Test("NEWKEYS before the kex reply is refused (reordered)")
    func newKeysBeforeReply() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Reorder"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage), .newKeys])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 21, phase: "transport (no key exchange awaiting NEWKEYS)"))
    }

    @Test("A duplicated kex reply is refused")
    func duplicatedReply() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Dup"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage),
                                          .kexReply(.none), .replayLast])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 31, phase: "transport (no key exchange reply expected)"))
    }

    @Test("A kex reply before any KEXINIT is refused")
    func replyBeforeKexInit() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Early"), .packet([HostileMessage.kexReply, 0, 0, 0, 0])])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 31, phase: "transport (no key exchange reply expected)"))
    }

    @Test("SERVICE_ACCEPT in the middle of the key exchange is refused")
    func serviceAcceptDuringKex() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Early"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage),
                                          .packet(HostileMessage.serviceAccept())])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 6, phase: "key exchange"))
    }
}

/// RFC 4253 §9: key re-exchange started by a hostile server.
@Suite("Hostile server: rekey")
struct HostileRekeyTests {
    private static let rekey: [HostileStep] = [.kexInit, .awaitMessage(HostileMessage.kexInitMessage), .kexReply(.none), .newKeys]

    @Test("A server-initiated rekey completes and the connection keeps working")
    func serverRekey() throws {
        var harness = try HostileHarness(HostileScript.authenticated() + Self.rekey)
        harness.run()
        harness.expectAlive()
        #expect(harness.client.transport.completedKeyExchanges == 2)
        harness.expectKeepaliveRoundTrip()
    }

    @Test("A rekey that presents another (validly signed) host key is refused")
    func rekeyChangesHostKey() throws {
        var harness = try HostileHarness(HostileScript.authenticated()
            + [.kexInit, .awaitMessage(HostileMessage.kexInitMessage), .kexReply(.otherHostKey(seed: 0x66)), .newKeys])
        harness.run()
        harness.expectClosed(with: .hostKeyRejected("the server presented a different host key during a rekey"))
    }

    @Test("Channel data in the middle of a rekey is refused")
    func channelDataDuringRekey() throws {
        var harness = try HostileHarness(HostileScript.channelOpen())
        harness.run()
        harness.openChannel()
        harness.server.append([.kexInit, .packet(HostileMessage.channelData(recipient: 0, [1, 2, 3]))])
        harness.run()
        harness.expectClosed(with: .unexpectedMessage(number: 94, phase: "key exchange"))
    }

    @Test("Bytes that pile up while the host key is being verified are capped at 1 MiB")
    func floodWhileHostKeyPending() throws {
        var harness = try HostileHarness([.version("SSH-2.0-Impatient"), .kexInit, .awaitMessage(HostileMessage.kexInitMessage),
                                          .kexReply(.none), .newKeys]
            + Array(repeating: .packet(HostileMessage.ignore([UInt8](repeating: 0x42, count: 32 * 1024))), count: 64))
        harness.defersHostKeyDecision = true
        // While paused the limit is ClientTransportConfiguration.maximumBufferedBytesWhilePaused (1 MiB)
        // plus the chunk that crossed it; ByteBuffer doubles its storage, so capacity stays ≤ 2 MiB.
        harness.bufferedLimit = (1 << 20) + harness.chunkSize
        harness.capacityLimit = 2 << 20
        harness.run()
        harness.expectClosed(with: .bufferLimitExceeded("more than 1048576 bytes arrived while waiting for the host-key decision"))
    }
}
