import NIOCore

// Key exchange method specific messages (numbers 30–49). `SSHMessage.parse` leaves them as
// `.keyExchangeMethodSpecific(number:payload:)`; the key exchange code, which knows the negotiated
// method, parses the payload with one of these types.

/// SSH_MSG_KEX_ECDH_INIT (RFC 5656 §4; also curve25519-sha256, RFC 8731 §3).
package struct KexECDHInit: Equatable, Sendable {
    /// Q_C, the client's ephemeral public key octet string.
    package var clientPublicKey: ByteBuffer

    /// Creates a message from its field.
    package init(clientPublicKey: ByteBuffer) { self.clientPublicKey = clientPublicKey }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        clientPublicKey = try cursor.readStringField("SSH_MSG_KEX_ECDH_INIT Q_C")
        try cursor.requireFullyConsumed("SSH_MSG_KEX_ECDH_INIT")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.kexECDHInit)
        buffer.writeSSHString(clientPublicKey)
    }
}

/// SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §4; also curve25519-sha256, RFC 8731 §3).
package struct KexECDHReply: Equatable, Sendable {
    /// K_S, the server's public host key blob.
    package var hostKey: ByteBuffer
    /// Q_S, the server's ephemeral public key octet string.
    package var serverPublicKey: ByteBuffer
    /// The signature on the exchange hash H.
    package var signature: ByteBuffer

    /// Creates a message from its fields.
    package init(hostKey: ByteBuffer, serverPublicKey: ByteBuffer, signature: ByteBuffer) {
        self.hostKey = hostKey
        self.serverPublicKey = serverPublicKey
        self.signature = signature
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        hostKey = try cursor.readStringField("SSH_MSG_KEX_ECDH_REPLY K_S")
        serverPublicKey = try cursor.readStringField("SSH_MSG_KEX_ECDH_REPLY Q_S")
        signature = try cursor.readStringField("SSH_MSG_KEX_ECDH_REPLY signature")
        try cursor.requireFullyConsumed("SSH_MSG_KEX_ECDH_REPLY")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.kexECDHReply)
        buffer.writeSSHString(hostKey)
        buffer.writeSSHString(serverPublicKey)
        buffer.writeSSHString(signature)
    }
}

/// SSH_MSG_KEXDH_INIT (RFC 4253 §8).
package struct KexDHInit: Equatable, Sendable {
    /// e = g^x mod p, as a big-endian magnitude without leading zeros.
    package var e: [UInt8]

    /// Creates a message from its field.
    package init(e: [UInt8]) { self.e = e }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    /// A negative or non-minimal mpint is refused.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        e = try cursor.readPositiveMPIntField("SSH_MSG_KEXDH_INIT e")
        try cursor.requireFullyConsumed("SSH_MSG_KEXDH_INIT")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.kexDHInit)
        buffer.writeSSHPositiveMPInt(magnitude: e)
    }
}

/// SSH_MSG_KEXDH_REPLY (RFC 4253 §8).
package struct KexDHReply: Equatable, Sendable {
    /// K_S, the server's public host key blob.
    package var hostKey: ByteBuffer
    /// f = g^y mod p, as a big-endian magnitude without leading zeros.
    package var f: [UInt8]
    /// The signature on the exchange hash H.
    package var signature: ByteBuffer

    /// Creates a message from its fields.
    package init(hostKey: ByteBuffer, f: [UInt8], signature: ByteBuffer) {
        self.hostKey = hostKey
        self.f = f
        self.signature = signature
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    /// A negative or non-minimal mpint is refused.
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        hostKey = try cursor.readStringField("SSH_MSG_KEXDH_REPLY K_S")
        f = try cursor.readPositiveMPIntField("SSH_MSG_KEXDH_REPLY f")
        signature = try cursor.readStringField("SSH_MSG_KEXDH_REPLY signature of H")
        try cursor.requireFullyConsumed("SSH_MSG_KEXDH_REPLY")
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.kexDHReply)
        buffer.writeSSHString(hostKey)
        buffer.writeSSHPositiveMPInt(magnitude: f)
        buffer.writeSSHString(signature)
    }
}
