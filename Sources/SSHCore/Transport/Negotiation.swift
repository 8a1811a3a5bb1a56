/// The algorithms both sides agreed on in one key exchange (RFC 4253 §7.1).
package struct NegotiatedAlgorithms: Sendable, Hashable {
    /// The key-exchange method.
    package var keyExchange: KeyExchangeAlgorithm
    /// The server host-key algorithm.
    package var hostKey: HostKeyAlgorithm
    /// The cipher from client to server.
    package var cipherClientToServer: CipherAlgorithm
    /// The cipher from server to client.
    package var cipherServerToClient: CipherAlgorithm
    /// The MAC from client to server; nil with an AEAD cipher.
    package var macClientToServer: MACAlgorithm?
    /// The MAC from server to client; nil with an AEAD cipher.
    package var macServerToClient: MACAlgorithm?
    /// Both sides offered strict kex (OpenSSH PROTOCOL §1.10); only meaningful in the first kex.
    package var strictKex: Bool
    /// The server offered `ext-info-s` (RFC 8308 §2.1).
    package var serverSendsExtInfo: Bool
    /// The server's guessed first kex packet (if any) must be ignored (RFC 4253 §7).
    package var ignoreServerGuessedPacket: Bool
}

/// Pseudo-algorithms that signal extensions in the kex list and are never negotiated.
package enum KexExtensionMarker {
    /// The client supports EXT_INFO (RFC 8308 §2.1).
    package static let extInfoClient = "ext-info-c"
    /// The server supports EXT_INFO.
    package static let extInfoServer = "ext-info-s"
    /// Strict kex, client side (OpenSSH PROTOCOL §1.10).
    package static let strictKexClient = "kex-strict-c-v00@openssh.com"
    /// Strict kex, server side.
    package static let strictKexServer = "kex-strict-s-v00@openssh.com"
}

/// Picks each algorithm by RFC 4253 §7.1: the first algorithm on the client's list that is also on the
/// server's. Pseudo-algorithms are excluded from the kex lists before matching.
package func negotiateAlgorithms(client: KexInit, server: KexInit, isFirstKex: Bool) throws(SSHProtocolError) -> NegotiatedAlgorithms {
    let markers: Set<String> = [KexExtensionMarker.extInfoClient, KexExtensionMarker.extInfoServer,
                                KexExtensionMarker.strictKexClient, KexExtensionMarker.strictKexServer]
    let clientKex = client.kexAlgorithms.filter { !markers.contains($0) }
    let serverKex = server.kexAlgorithms.filter { !markers.contains($0) }
    let kexName = try pick("key exchange algorithm", clientKex, serverKex)
    let hostKeyName = try pick("host key algorithm", client.serverHostKeyAlgorithms, server.serverHostKeyAlgorithms)
    let cipherOut = try pick("cipher (client to server)", client.encryptionAlgorithmsClientToServer, server.encryptionAlgorithmsClientToServer)
    let cipherIn = try pick("cipher (server to client)", client.encryptionAlgorithmsServerToClient, server.encryptionAlgorithmsServerToClient)
    _ = try pick("compression (client to server)", client.compressionAlgorithmsClientToServer, server.compressionAlgorithmsClientToServer)
    _ = try pick("compression (server to client)", client.compressionAlgorithmsServerToClient, server.compressionAlgorithmsServerToClient)

    guard let kex = AlgorithmRegistry.keyExchange.first(where: { $0.name == kexName }),
          let hostKey = AlgorithmRegistry.hostKey.first(where: { $0.name == hostKeyName }),
          let outbound = AlgorithmRegistry.ciphers.first(where: { $0.name == cipherOut }),
          let inbound = AlgorithmRegistry.ciphers.first(where: { $0.name == cipherIn }) else {
        throw .keyExchangeFailed("negotiated an algorithm that is not in our registry")
    }
    let macOut = outbound.isAEAD ? nil : try pickMAC("MAC (client to server)", client.macAlgorithmsClientToServer, server.macAlgorithmsClientToServer)
    let macIn = inbound.isAEAD ? nil : try pickMAC("MAC (server to client)", client.macAlgorithmsServerToClient, server.macAlgorithmsServerToClient)

    // RFC 4253 §7: the guess is right when both the kex and host-key algorithms are each side's first choice.
    let guessIsRight = client.kexAlgorithms.first == server.kexAlgorithms.first
        && client.serverHostKeyAlgorithms.first == server.serverHostKeyAlgorithms.first
    return NegotiatedAlgorithms(
        keyExchange: kex, hostKey: hostKey,
        cipherClientToServer: outbound, cipherServerToClient: inbound,
        macClientToServer: macOut, macServerToClient: macIn,
        strictKex: isFirstKex && client.kexAlgorithms.contains(KexExtensionMarker.strictKexClient)
            && server.kexAlgorithms.contains(KexExtensionMarker.strictKexServer),
        serverSendsExtInfo: server.kexAlgorithms.contains(KexExtensionMarker.extInfoServer),
        ignoreServerGuessedPacket: server.firstKexPacketFollows && !guessIsRight)
}

private func pick(_ category: String, _ client: [String], _ server: [String]) throws(SSHProtocolError) -> String {
    guard let match = client.first(where: { server.contains($0) }) else {
        throw .noCommonAlgorithm(category: category, client: client, server: server)
    }
    return match
}

private func pickMAC(_ category: String, _ client: [String], _ server: [String]) throws(SSHProtocolError) -> MACAlgorithm {
    let name = try pick(category, client, server)
    guard let mac = AlgorithmRegistry.macs.first(where: { $0.name == name }) else {
        throw .keyExchangeFailed("negotiated MAC \(name) is not in our registry")
    }
    return mac
}
