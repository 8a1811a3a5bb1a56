import NIOCore
import Testing

@testable import SSHCore

/// Encodings built by hand from the RFC message layouts, byte by byte, and compared both ways.
@Suite("Messages: exact bytes from the RFC layouts")
struct MessageExactBytesTests {
    /// Checks that `message` writes exactly `bytes` and that `bytes` parse back to `message`.
    private func expectExact(_ message: SSHMessage, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(encoded(message) == bytes, sourceLocation: sourceLocation)
        var payload = buffer(bytes)
        #expect(try SSHMessage.parse(&payload) == message, sourceLocation: sourceLocation)
        #expect(payload.readableBytes == 0, sourceLocation: sourceLocation)
    }

    @Test("SSH_MSG_KEXINIT (RFC 4253 §7.1)")
    func kexInit() throws {
        var bytes: [UInt8] = [20]                                                    // SSH_MSG_KEXINIT
        bytes += hexBytes("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f")        // byte[16] cookie
        bytes += hexBytes("00 00 00 1c") + ascii("curve25519-sha256,ext-info-c")     // kex_algorithms
        bytes += hexBytes("00 00 00 18") + ascii("ssh-ed25519,rsa-sha2-256")         // server_host_key_algorithms
        bytes += hexBytes("00 00 00 16") + ascii("aes256-gcm@openssh.com")           // encryption c2s
        bytes += hexBytes("00 00 00 21") + ascii("aes256-gcm@openssh.com,aes128-ctr") // encryption s2c
        bytes += hexBytes("00 00 00 0d") + ascii("hmac-sha2-256")                    // mac c2s
        bytes += hexBytes("00 00 00 0d") + ascii("hmac-sha2-512")                    // mac s2c
        bytes += hexBytes("00 00 00 04") + ascii("none")                             // compression c2s
        bytes += hexBytes("00 00 00 09") + ascii("none,zlib")                        // compression s2c
        bytes += hexBytes("00 00 00 00")                                             // languages c2s
        bytes += hexBytes("00 00 00 02") + ascii("en")                               // languages s2c
        bytes += [0x01]                                                              // first_kex_packet_follows
        bytes += hexBytes("00 00 00 07")                                             // reserved
        try expectExact(.kexInit(sampleKexInit), bytes)
    }

    @Test("SSH_MSG_DISCONNECT (RFC 4253 §11.1)")
    func disconnect() throws {
        let bytes: [UInt8] = [1] + hexBytes("00 00 00 0b") + hexBytes("00 00 00 03") + ascii("bye") + hexBytes("00 00 00 02")
            + ascii("en")
        let message = Disconnect(reason: .byApplication, description: "bye", languageTag: "en")
        #expect(message.reasonCode == 11)
        try expectExact(.disconnect(message), bytes)
    }

    @Test("SSH_MSG_CHANNEL_OPEN \"direct-tcpip\" (RFC 4254 §5.1, §7.2)")
    func channelOpenDirectTCPIP() throws {
        var bytes: [UInt8] = [90]                                     // SSH_MSG_CHANNEL_OPEN
        bytes += hexBytes("00 00 00 0c") + ascii("direct-tcpip")      // channel type
        bytes += hexBytes("00 00 00 01")                              // sender channel
        bytes += hexBytes("00 01 00 00")                              // initial window size 65536
        bytes += hexBytes("00 00 40 00")                              // maximum packet size 16384
        bytes += hexBytes("00 00 00 0b") + ascii("db.internal")       // host to connect
        bytes += hexBytes("00 00 15 38")                              // port to connect 5432
        bytes += hexBytes("00 00 00 09") + ascii("127.0.0.1")         // originator IP address
        bytes += hexBytes("00 00 c3 50")                              // originator port 50000
        let message = ChannelOpen(
            channelType: .directTCPIP(DirectTCPIP(
                hostToConnect: "db.internal", portToConnect: 5432, originatorAddress: "127.0.0.1", originatorPort: 50_000)),
            senderChannel: 1, initialWindowSize: 65_536, maximumPacketSize: 16_384)
        try expectExact(.channelOpen(message), bytes)
    }

    @Test("SSH_MSG_USERAUTH_REQUEST \"publickey\" without signature (RFC 4252 §7)")
    func userAuthPublicKeyQuery() throws {
        var bytes: [UInt8] = [50]                                     // SSH_MSG_USERAUTH_REQUEST
        bytes += hexBytes("00 00 00 03") + ascii("bob")               // user name
        bytes += hexBytes("00 00 00 0e") + ascii("ssh-connection")    // service name
        bytes += hexBytes("00 00 00 09") + ascii("publickey")         // method name
        bytes += [0x00]                                               // FALSE
        bytes += hexBytes("00 00 00 0b") + ascii("ssh-ed25519")       // public key algorithm name
        bytes += hexBytes("00 00 00 03 01 02 03")                     // public key blob
        let message = UserAuthRequest(
            userName: "bob", serviceName: "ssh-connection",
            method: .publicKey(algorithm: "ssh-ed25519", publicKey: buffer([1, 2, 3]), signature: nil))
        try expectExact(.userAuthRequest(message), bytes)
    }

    @Test("SSH_MSG_USERAUTH_REQUEST \"publickey\" with signature (RFC 4252 §7)")
    func userAuthPublicKeySigned() throws {
        var bytes: [UInt8] = [50]
        bytes += hexBytes("00 00 00 03") + ascii("bob")
        bytes += hexBytes("00 00 00 0e") + ascii("ssh-connection")
        bytes += hexBytes("00 00 00 09") + ascii("publickey")
        bytes += [0x01]                                               // TRUE
        bytes += hexBytes("00 00 00 0b") + ascii("ssh-ed25519")
        bytes += hexBytes("00 00 00 03 01 02 03")
        bytes += hexBytes("00 00 00 02 09 09")                        // signature
        let message = UserAuthRequest(
            userName: "bob", serviceName: "ssh-connection",
            method: .publicKey(algorithm: "ssh-ed25519", publicKey: buffer([1, 2, 3]), signature: buffer([9, 9])))
        try expectExact(.userAuthRequest(message), bytes)
    }

    @Test("SSH_MSG_USERAUTH_REQUEST \"password\" and password change (RFC 4252 §8)")
    func userAuthPassword() throws {
        let head: [UInt8] = [50] + sshString("al") + sshString("ssh-connection") + sshString("password")
        try expectExact(
            .userAuthRequest(UserAuthRequest(userName: "al", serviceName: "ssh-connection", method: .password(password: "pw", newPassword: nil))),
            head + [0x00] + hexBytes("00 00 00 02 70 77"))
        try expectExact(
            .userAuthRequest(UserAuthRequest(userName: "al", serviceName: "ssh-connection", method: .password(password: "pw", newPassword: "nu"))),
            head + [0x01] + hexBytes("00 00 00 02 70 77") + hexBytes("00 00 00 02 6e 75"))
    }

    @Test("SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §4) parsed from the method-specific payload")
    func kexECDHReply() throws {
        let bytes: [UInt8] = [31] + hexBytes("00 00 00 01 aa") + hexBytes("00 00 00 02 bb bb") + hexBytes("00 00 00 03 cc cc cc")
        var whole = buffer(bytes)
        guard case .keyExchangeMethodSpecific(31, var payload) = try SSHMessage.parse(&whole) else {
            Issue.record("number 31 should stay key-exchange specific")
            return
        }
        let reply = try KexECDHReply(parsing: &payload)
        #expect(reply == KexECDHReply(hostKey: buffer([0xAA]), serverPublicKey: buffer([0xBB, 0xBB]), signature: buffer([0xCC, 0xCC, 0xCC])))
        #expect(encoded(reply) == bytes)
    }

    @Test("SSH_MSG_KEXDH_INIT e as an mpint (RFC 4253 §8): a 00 is added before a set top bit")
    func kexDHInit() throws {
        let bytes: [UInt8] = [30] + hexBytes("00 00 00 03 00 80 01")
        #expect(encoded(KexDHInit(e: [0x80, 0x01])) == bytes)
        var payload = buffer(Array(bytes.dropFirst()))
        #expect(try KexDHInit(parsing: &payload).e == [0x80, 0x01])
    }
}
