import NIOCore

/// SSH_MSG_KEXINIT (RFC 4253 §7.1): each side's algorithm lists, in order of preference.
package struct KexInit: Equatable, Sendable {
    /// The length of the random cookie (RFC 4253 §7.1: byte[16]).
    package static let cookieLength = 16

    /// 16 random bytes.
    package var cookie: [UInt8]
    /// kex_algorithms.
    package var kexAlgorithms: [String]
    /// server_host_key_algorithms.
    package var serverHostKeyAlgorithms: [String]
    /// encryption_algorithms_client_to_server.
    package var encryptionAlgorithmsClientToServer: [String]
    /// encryption_algorithms_server_to_client.
    package var encryptionAlgorithmsServerToClient: [String]
    /// mac_algorithms_client_to_server.
    package var macAlgorithmsClientToServer: [String]
    /// mac_algorithms_server_to_client.
    package var macAlgorithmsServerToClient: [String]
    /// compression_algorithms_client_to_server.
    package var compressionAlgorithmsClientToServer: [String]
    /// compression_algorithms_server_to_client.
    package var compressionAlgorithmsServerToClient: [String]
    /// languages_client_to_server.
    package var languagesClientToServer: [String]
    /// languages_server_to_client.
    package var languagesServerToClient: [String]
    /// first_kex_packet_follows: whether a guessed key exchange packet follows (RFC 4253 §7.1).
    package var firstKexPacketFollows: Bool
    /// Reserved for future extension; 0.
    package var reserved: UInt32

    /// Creates a message from its fields. `cookie` must be 16 bytes (a programming error otherwise).
    package init(
        cookie: [UInt8],
        kexAlgorithms: [String],
        serverHostKeyAlgorithms: [String],
        encryptionAlgorithmsClientToServer: [String],
        encryptionAlgorithmsServerToClient: [String],
        macAlgorithmsClientToServer: [String],
        macAlgorithmsServerToClient: [String],
        compressionAlgorithmsClientToServer: [String],
        compressionAlgorithmsServerToClient: [String],
        languagesClientToServer: [String] = [],
        languagesServerToClient: [String] = [],
        firstKexPacketFollows: Bool = false,
        reserved: UInt32 = 0
    ) {
        precondition(cookie.count == Self.cookieLength, "the KEXINIT cookie is 16 bytes (RFC 4253 §7.1)")
        self.cookie = cookie
        self.kexAlgorithms = kexAlgorithms
        self.serverHostKeyAlgorithms = serverHostKeyAlgorithms
        self.encryptionAlgorithmsClientToServer = encryptionAlgorithmsClientToServer
        self.encryptionAlgorithmsServerToClient = encryptionAlgorithmsServerToClient
        self.macAlgorithmsClientToServer = macAlgorithmsClientToServer
        self.macAlgorithmsServerToClient = macAlgorithmsServerToClient
        self.compressionAlgorithmsClientToServer = compressionAlgorithmsClientToServer
        self.compressionAlgorithmsServerToClient = compressionAlgorithmsServerToClient
        self.languagesClientToServer = languagesClientToServer
        self.languagesServerToClient = languagesServerToClient
        self.firstKexPacketFollows = firstKexPacketFollows
        self.reserved = reserved
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        cookie = try cursor.readField("SSH_MSG_KEXINIT cookie") { $0.readBytes(length: Self.cookieLength) }
        kexAlgorithms = try cursor.readNameListField("SSH_MSG_KEXINIT kex_algorithms")
        serverHostKeyAlgorithms = try cursor.readNameListField("SSH_MSG_KEXINIT server_host_key_algorithms")
        encryptionAlgorithmsClientToServer = try cursor.readNameListField(
            "SSH_MSG_KEXINIT encryption_algorithms_client_to_server")
        encryptionAlgorithmsServerToClient = try cursor.readNameListField(
            "SSH_MSG_KEXINIT encryption_algorithms_server_to_client")
        macAlgorithmsClientToServer = try cursor.readNameListField("SSH_MSG_KEXINIT mac_algorithms_client_to_server")
        macAlgorithmsServerToClient = try cursor.readNameListField("SSH_MSG_KEXINIT mac_algorithms_server_to_client")
        compressionAlgorithmsClientToServer = try cursor.readNameListField(
            "SSH_MSG_KEXINIT compression_algorithms_client_to_server")
        compressionAlgorithmsServerToClient = try cursor.readNameListField(
            "SSH_MSG_KEXINIT compression_algorithms_server_to_client")
        languagesClientToServer = try cursor.readNameListField("SSH_MSG_KEXINIT languages_client_to_server")
        languagesServerToClient = try cursor.readNameListField("SSH_MSG_KEXINIT languages_server_to_client")
        firstKexPacketFollows = try cursor.readBooleanField("SSH_MSG_KEXINIT first_kex_packet_follows")
        reserved = try cursor.readUInt32Field("SSH_MSG_KEXINIT reserved")
        try cursor.requireFullyConsumed("SSH_MSG_KEXINIT")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        precondition(cookie.count == Self.cookieLength, "the KEXINIT cookie is 16 bytes (RFC 4253 §7.1)")
        buffer.writeInteger(SSHMessageNumber.kexInit)
        buffer.writeBytes(cookie)
        buffer.writeSSHNameList(kexAlgorithms)
        buffer.writeSSHNameList(serverHostKeyAlgorithms)
        buffer.writeSSHNameList(encryptionAlgorithmsClientToServer)
        buffer.writeSSHNameList(encryptionAlgorithmsServerToClient)
        buffer.writeSSHNameList(macAlgorithmsClientToServer)
        buffer.writeSSHNameList(macAlgorithmsServerToClient)
        buffer.writeSSHNameList(compressionAlgorithmsClientToServer)
        buffer.writeSSHNameList(compressionAlgorithmsServerToClient)
        buffer.writeSSHNameList(languagesClientToServer)
        buffer.writeSSHNameList(languagesServerToClient)
        buffer.writeSSHBoolean(firstKexPacketFollows)
        buffer.writeSSHUInt32(reserved)
    }
}
