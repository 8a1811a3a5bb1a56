import HostileServer
import NIOCore
import SSHCore
import SSHCrypto

/// The bodies of the libFuzzer targets in Fuzz/, one per parser. Each takes arbitrary bytes and must
/// return without trapping; the fuzz executables call them, and `swift test` replays the seed corpus
/// and every regression input through them (FuzzCorpusReplayTests).
public enum FuzzBodies {
    /// Every body, by fuzz-target name (the directory names under Fixtures/fuzz).
    public static let all: [(target: String, body: @Sendable ([UInt8]) -> Void)] = [
        ("FuzzWire", wire),
        ("FuzzVersionLine", versionLine),
        ("FuzzPacketDecoder", packetDecoder),
        ("FuzzMessages", messages),
        ("FuzzKeyBlobs", keyBlobs),
        ("FuzzKeyFiles", keyFiles),
        ("FuzzKnownHosts", knownHosts),
        ("FuzzSSHConfig", sshConfig),
        ("FuzzClientCore", clientCore),
    ]

    /// Fuzzes the wire readers (RFC 4251 §5): uint32/64, boolean, string, UTF-8 string, mpint,
    /// name-list, and the raw name-list of EXT_INFO. The first byte picks the reader sequence.
    public static func wire(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        var buffer = ByteBuffer(bytes: bytes.dropFirst())
        for step in 0..<64 {
            guard buffer.readableBytes > 0 else { break }
            switch (Int(selector) + step) % 8 {
            case 0: _ = buffer.readSSHUInt32()
            case 1: _ = buffer.readSSHUInt64()
            case 2: _ = buffer.readSSHBoolean()
            case 3: _ = buffer.readSSHString()
            case 4: _ = try? buffer.readSSHUTF8String()
            case 5: _ = try? buffer.readSSHMPInt()
            case 6: _ = try? buffer.readSSHPositiveMPInt()
            default: _ = try? buffer.readSSHNameList()
            }
        }
        return
    }

    /// Fuzzes the identification-string reader (RFC 4253 §4.2): the input arrives in pieces whose
    /// sizes come from the first byte, as a server's bytes would.
    public static func versionLine(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        var limits = VersionExchangeReader.Limits()
        if first & 0x80 != 0 { // small limits reach the limit paths quickly
            limits.maximumPreambleLines = 4
            limits.maximumPreambleLineLength = 64
            limits.maximumVersionLineLength = 64
        }
        var reader = VersionExchangeReader(limits: limits)
        let piece = Int(first & 0x3F) + 1
        var offset = 1
        while offset < bytes.count {
            let end = min(offset + piece, bytes.count)
            var buffer = ByteBuffer(bytes: bytes[offset..<end])
            offset = end
            do {
                if case .version = try reader.read(&buffer) { return }
            } catch {
                return
            }
        }
        return
    }

    /// Fuzzes the binary-packet decoder (RFC 4253 §6) under each protection with fixed keys: cleartext,
    /// AES-GCM, chacha20-poly1305, AES-CTR + HMAC and AES-CTR + HMAC-EtM. The first byte picks the
    /// protection and the chunk size; the rest is what the server sent.
    public static func packetDecoder(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        var decoder = PacketDecoder()
        do {
            switch first % 5 {
            case 0: break
            case 1: decoder.protection = try AESGCMProtection(key: SecureBytes([UInt8](repeating: 1, count: 16)), iv: SecureBytes([UInt8](repeating: 2, count: 12)))
            case 2: decoder.protection = try ChaChaPolyProtection(key: SecureBytes([UInt8](repeating: 3, count: 64)))
            case 3:
                decoder.protection = try CipherMACProtection(cipherKey: SecureBytes([UInt8](repeating: 4, count: 16)), iv: SecureBytes([UInt8](repeating: 5, count: 16)),
                                                             macAlgorithm: .sha256, macKey: SecureBytes([UInt8](repeating: 6, count: 32)), encryptThenMAC: false)
            default:
                decoder.protection = try CipherMACProtection(cipherKey: SecureBytes([UInt8](repeating: 4, count: 32)), iv: SecureBytes([UInt8](repeating: 5, count: 16)),
                                                             macAlgorithm: .sha512, macKey: SecureBytes([UInt8](repeating: 6, count: 64)), encryptThenMAC: true)
            }
        } catch {
            fatalError("fixed keys must be accepted: \(error)")
        }
        let chunk = Int(first / 5) % 32 + 1
        var offset = 1
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            var piece = ByteBuffer(bytes: bytes[offset..<end])
            offset = end
            decoder.append(&piece)
            do {
                while let payload = try decoder.nextPayload() { _ = payload.readableBytes }
            } catch {
                return
            }
        }
        return
    }

    /// Fuzzes every message parser: the generic SSHMessage.parse (all message numbers), and the
    /// method-specific messages that share numbers 30–31 and 60 (RFC 4253 §8, RFC 5656 §4, RFC 4252 §7,
    /// RFC 4256 §3.2). The whole input is a payload, message number first.
    public static func messages(_ bytes: [UInt8]) {
        var whole = ByteBuffer(bytes: bytes)
        _ = try? SSHMessage.parse(&whole)
        guard bytes.count > 1 else { return }
        let body = ByteBuffer(bytes: bytes.dropFirst())
        var copy = body
        switch bytes[0] % 7 {
        case 0: _ = try? KexECDHInit(parsing: &copy)
        case 1: _ = try? KexECDHReply(parsing: &copy)
        case 2: _ = try? KexDHInit(parsing: &copy)
        case 3: _ = try? KexDHReply(parsing: &copy)
        case 4: _ = try? UserAuthPKOK(parsing: &copy)
        case 5: _ = try? UserAuthPasswdChangeReq(parsing: &copy)
        default: _ = try? UserAuthInfoRequest(parsing: &copy)
        }
        return
    }

    /// Fuzzes the public-key blob parser (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4) and the signature
    /// blob check against each parsed key: the input is a key blob, and its tail doubles as a signature blob.
    public static func keyBlobs(_ bytes: [UInt8]) {
        var blob = ByteBuffer(bytes: bytes)
        let key: PublicKey
        if let blobString = blob.readSSHString(), let parsed = try? PublicKey(blob: blobString) {
            key = parsed
            _ = key.blob
            _ = key.keyType
        } else {
            guard let parsed = try? PublicKey(blob: ByteBuffer(bytes: bytes)) else { return }
            key = parsed
        }
        // Whatever follows the first string is tried as a signature blob for each algorithm name.
        for algorithm in ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"] {
            _ = try? key.isValidSignature(blob, for: Array("exchange hash".utf8), algorithm: algorithm)
        }
        return
    }

    /// Fuzzes the private-key file decoders (openssh-key-v1, PEM PKCS#1/PKCS#8/SEC1) and the
    /// authorized_keys-style public-key line parser. No passphrase is given, so an encrypted file stops
    /// before its key derivation (which would make the fuzzer spend its time in bcrypt_pbkdf).
    public static func keyFiles(_ bytes: [UInt8]) {
        _ = try? PrivateKeyFile.decode(bytes, passphrase: nil)
        _ = try? OpenSSHPrivateKeyFile.publicKey(of: bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(8) {
            _ = try? OpenSSHPublicKeyLine(parsing: line)
        }
        return
    }

    /// Fuzzes known_hosts parsing (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): markers, patterns, negations,
    /// hashed names, and lookups of a fixed key under a few host names.
    public static func knownHosts(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let document = KnownHostsDocument(text: text, source: "fuzz")
        for name in ["db.internal", "[127.0.0.1]:2222", "bastion", "10.0.0.1"] {
            _ = document.entries(matching: name)
            _ = document.findReport(name: name)
            _ = KnownHosts.lookup(name: name, key: FixedKey.key, in: [document])
            _ = KnownHosts.knownKeyTypes(name: name, in: [document])
        }
        if let line = text.split(separator: "\n").first {
            _ = HostPatternMatcher.match("db.internal", patternList: line, lowercasePatterns: true)
            _ = HostPatternMatcher.matchesGlob("db.internal", pattern: line)
        }
        return
    }

    /// Fuzzes the ssh_config parser and resolver (ssh_config(5)): the input is a configuration file;
    /// it is resolved for a few host names, with `Include self` reading the same document again (so
    /// nesting reaches the depth limit) and `Include half` reading its second half; every HostName
    /// obtained is `%`-expanded.
    public static func sshConfig(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let document = SSHConfigDocument(text: text, source: "fuzz")
        let half = SSHConfigDocument(text: String(decoding: bytes.suffix(bytes.count / 2), as: UTF8.self), source: "fuzz-half")
        let keywords: Set<String> = ["hostname", "user", "port", "identityfile", "proxyjump", "localforward", "ciphers"]
        for host in ["db.internal", "bastion", "127.0.0.1", ""] {
            let resolver = SSHConfigResolver(host: host, knownKeywords: keywords) { path in
                switch path {
                case "self": [document]
                case "half": [half]
                default: []
                }
            }
            let resolution = resolver.resolve([document])
            for value in resolution.values["hostname"] ?? [] {
                for argument in value.prefix(4) { _ = SSHConfigResolver.expandHostName(argument, host: host) }
            }
        }
        return
    }

    /// Fuzzes the whole client state machine (ClientConnectionCore) with server traffic:
    /// - even first byte: the input is the server's raw byte stream from the first byte on (version
    ///   line, cleartext packets, KEXINIT and kex replies);
    /// - odd first byte: a real handshake with the hostile server (curve25519, Ed25519, AES-GCM, strict
    ///   kex), authentication and an open channel, then the input split into payloads (2-byte length
    ///   each) that the server sends as encrypted packets: every transport, auth and connection message.
    public static func clientCore(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
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
            return
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
        return
    }
}

enum FixedKey {
    static let key: PublicKey = {
        guard let privateKey = try? Ed25519PrivateKey(seed: SecureBytes([UInt8](repeating: 7, count: 32))) else {
            fatalError("a fixed Ed25519 seed must be accepted")
        }
        return .ed25519(privateKey.publicKey)
    }()
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
