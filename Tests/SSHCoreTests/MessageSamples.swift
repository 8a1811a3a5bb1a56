import NIOCore
import Testing

@testable import SSHCore

/// The shape every message struct has; lets tests treat them alike.
protocol WireMessage: Equatable, Sendable {
    init(parsing buffer: inout ByteBuffer) throws
    func write(to buffer: inout ByteBuffer)
}

extension Disconnect: WireMessage {}
extension Ignore: WireMessage {}
extension Unimplemented: WireMessage {}
extension Debug: WireMessage {}
extension ServiceRequest: WireMessage {}
extension ServiceAccept: WireMessage {}
extension ExtInfo: WireMessage {}
extension KexInit: WireMessage {}
extension NewKeys: WireMessage {}
extension KexECDHInit: WireMessage {}
extension KexECDHReply: WireMessage {}
extension KexDHInit: WireMessage {}
extension KexDHReply: WireMessage {}
extension UserAuthRequest: WireMessage {}
extension UserAuthFailure: WireMessage {}
extension UserAuthSuccess: WireMessage {}
extension UserAuthBanner: WireMessage {}
extension UserAuthPKOK: WireMessage {}
extension UserAuthPasswdChangeReq: WireMessage {}
extension UserAuthInfoRequest: WireMessage {}
extension UserAuthInfoResponse: WireMessage {}
extension GlobalRequest: WireMessage {}
extension RequestSuccess: WireMessage {}
extension RequestFailure: WireMessage {}
extension ChannelOpen: WireMessage {}
extension ChannelOpenConfirmation: WireMessage {}
extension ChannelOpenFailure: WireMessage {}
extension ChannelWindowAdjust: WireMessage {}
extension ChannelData: WireMessage {}
extension ChannelExtendedData: WireMessage {}
extension ChannelEOF: WireMessage {}
extension ChannelClose: WireMessage {}
extension ChannelRequest: WireMessage {}
extension ChannelSuccess: WireMessage {}
extension ChannelFailure: WireMessage {}

/// A sample of a context-free message, as `SSHMessage`.
struct MessageSample: Sendable, CustomTestStringConvertible {
    let name: String
    let message: SSHMessage
    /// Whether the message ends in a "rest of the message" field, so extra bytes are legal.
    let endsInRestField: Bool

    var testDescription: String { name }

    init(_ name: String, _ message: SSHMessage, endsInRestField: Bool = false) {
        self.name = name
        self.message = message
        self.endsInRestField = endsInRestField
    }
}

/// A sample of a method-specific message (numbers 30–49, 60–79).
struct MethodSpecificSample: Sendable, CustomTestStringConvertible {
    let name: String
    let number: UInt8
    let message: any WireMessage

    var testDescription: String { name }
}

let sampleKexInit = KexInit(
    cookie: Array(0..<16),
    kexAlgorithms: ["curve25519-sha256", "ext-info-c"],
    serverHostKeyAlgorithms: ["ssh-ed25519", "rsa-sha2-256"],
    encryptionAlgorithmsClientToServer: ["aes256-gcm@openssh.com"],
    encryptionAlgorithmsServerToClient: ["aes256-gcm@openssh.com", "aes128-ctr"],
    macAlgorithmsClientToServer: ["hmac-sha2-256"],
    macAlgorithmsServerToClient: ["hmac-sha2-512"],
    compressionAlgorithmsClientToServer: ["none"],
    compressionAlgorithmsServerToClient: ["none", "zlib"],
    languagesClientToServer: [],
    languagesServerToClient: ["en"],
    firstKexPacketFollows: true,
    reserved: 7)

let messageSamples: [MessageSample] = [
    .init("disconnect", .disconnect(Disconnect(reasonCode: 11, description: "bye \u{E9}", languageTag: "en"))),
    .init("disconnect unknown code", .disconnect(Disconnect(reasonCode: 0xDEAD_BEEF, description: "", languageTag: ""))),
    .init("ignore", .ignore(Ignore(data: ByteBuffer(bytes: [0, 1, 2, 0xFF])))),
    .init("unimplemented", .unimplemented(Unimplemented(sequenceNumber: 0xFFFF_FFFE))),
    .init("debug", .debug(Debug(alwaysDisplay: true, message: "hello", languageTag: "en-US"))),
    .init("service request", .serviceRequest(ServiceRequest(serviceName: "ssh-userauth"))),
    .init("service accept", .serviceAccept(ServiceAccept(serviceName: "ssh-userauth"))),
    .init("ext info", .extInfo(ExtInfo(extensions: [
        .init(name: "server-sig-algs", value: ByteBuffer(string: "ssh-ed25519,rsa-sha2-512")),
        .init(name: "ping@openssh.com", value: ByteBuffer(string: "0")),
    ]))),
    .init("ext info empty", .extInfo(ExtInfo(extensions: []))),
    .init("kexinit", .kexInit(sampleKexInit)),
    .init("newkeys", .newKeys(NewKeys())),
    .init("userauth none", .userAuthRequest(UserAuthRequest(userName: "alice", serviceName: "ssh-connection", method: .none))),
    .init("userauth password", .userAuthRequest(UserAuthRequest(
        userName: "alice", serviceName: "ssh-connection", method: .password(password: "hunter2", newPassword: nil)))),
    .init("userauth password change", .userAuthRequest(UserAuthRequest(
        userName: "alice", serviceName: "ssh-connection", method: .password(password: "old", newPassword: "new")))),
    .init("userauth publickey query", .userAuthRequest(UserAuthRequest(
        userName: "bob", serviceName: "ssh-connection",
        method: .publicKey(algorithm: "ssh-ed25519", publicKey: ByteBuffer(bytes: [1, 2, 3]), signature: nil)))),
    .init("userauth publickey signed", .userAuthRequest(UserAuthRequest(
        userName: "bob", serviceName: "ssh-connection",
        method: .publicKey(algorithm: "ssh-ed25519", publicKey: ByteBuffer(bytes: [1, 2, 3]), signature: ByteBuffer(bytes: [9, 9]))))),
    .init("userauth keyboard-interactive", .userAuthRequest(UserAuthRequest(
        userName: "carol", serviceName: "ssh-connection", method: .keyboardInteractive(languageTag: "", submethods: "pam")))),
    .init("userauth other", .userAuthRequest(UserAuthRequest(
        userName: "dave", serviceName: "ssh-connection", method: .other(name: "hostbased", data: ByteBuffer(bytes: [0, 0, 0, 1, 0x41])))),
        endsInRestField: true),
    .init("userauth failure", .userAuthFailure(UserAuthFailure(authenticationsThatCanContinue: ["publickey", "password"], partialSuccess: true))),
    .init("userauth failure empty", .userAuthFailure(UserAuthFailure(authenticationsThatCanContinue: [], partialSuccess: false))),
    .init("userauth success", .userAuthSuccess(UserAuthSuccess())),
    .init("userauth banner", .userAuthBanner(UserAuthBanner(message: "Welcome\nhere", languageTag: ""))),
    .init("global request", .globalRequest(GlobalRequest(
        requestName: "tcpip-forward", wantReply: true, requestSpecificData: ByteBuffer(bytes: sshString("0.0.0.0") + [0, 0, 0, 22]))),
        endsInRestField: true),
    .init("request success", .requestSuccess(RequestSuccess(responseSpecificData: ByteBuffer(bytes: [0, 0, 0x1F, 0x90]))),
        endsInRestField: true),
    .init("request failure", .requestFailure(RequestFailure())),
    .init("channel open session", .channelOpen(ChannelOpen(
        channelType: .session, senderChannel: 0, initialWindowSize: 2_097_152, maximumPacketSize: 32_768))),
    .init("channel open direct-tcpip", .channelOpen(ChannelOpen(
        channelType: .directTCPIP(DirectTCPIP(hostToConnect: "db.internal", portToConnect: 5432, originatorAddress: "127.0.0.1", originatorPort: 50_000)),
        senderChannel: 1, initialWindowSize: 65_536, maximumPacketSize: 16_384))),
    .init("channel open forwarded-tcpip", .channelOpen(ChannelOpen(
        channelType: .forwardedTCPIP(ForwardedTCPIP(addressThatWasConnected: "0.0.0.0", portThatWasConnected: 8080, originatorAddress: "10.0.0.9", originatorPort: 40_000)),
        senderChannel: 2, initialWindowSize: 1, maximumPacketSize: 2))),
    .init("channel open other", .channelOpen(ChannelOpen(
        channelType: .other(name: "x11", data: ByteBuffer(bytes: sshString("::1") + [0, 0, 0x17, 0x70])),
        senderChannel: 3, initialWindowSize: 4, maximumPacketSize: 5)), endsInRestField: true),
    .init("channel open confirmation", .channelOpenConfirmation(ChannelOpenConfirmation(
        recipientChannel: 1, senderChannel: 2, initialWindowSize: 3, maximumPacketSize: 4, channelSpecificData: ByteBuffer(bytes: [7]))),
        endsInRestField: true),
    .init("channel open failure", .channelOpenFailure(ChannelOpenFailure(recipientChannel: 9, reasonCode: 2, description: "refused", languageTag: ""))),
    .init("channel window adjust", .channelWindowAdjust(ChannelWindowAdjust(recipientChannel: 1, bytesToAdd: 0x8000_0000))),
    .init("channel data", .channelData(ChannelData(recipientChannel: 4, data: ByteBuffer(string: "ls -l\n")))),
    .init("channel extended data", .channelExtendedData(ChannelExtendedData(recipientChannel: 4, dataTypeCode: 1, data: ByteBuffer(string: "oops")))),
    .init("channel eof", .channelEOF(ChannelEOF(recipientChannel: 5))),
    .init("channel close", .channelClose(ChannelClose(recipientChannel: 6))),
    .init("channel request", .channelRequest(ChannelRequest(
        recipientChannel: 7, requestType: "exec", wantReply: true, typeSpecificData: ByteBuffer(bytes: sshString("uname -a")))),
        endsInRestField: true),
    .init("channel success", .channelSuccess(ChannelSuccess(recipientChannel: 8))),
    .init("channel failure", .channelFailure(ChannelFailure(recipientChannel: 9))),
    .init("kex method specific", .keyExchangeMethodSpecific(number: 31, payload: ByteBuffer(bytes: [1, 2, 3])), endsInRestField: true),
    .init("userauth method specific", .userAuthMethodSpecific(number: 60, payload: ByteBuffer(bytes: [4, 5])), endsInRestField: true),
    .init("unknown", .unknown(number: 200, payload: ByteBuffer(bytes: [6])), endsInRestField: true),
]

let methodSpecificSamples: [MethodSpecificSample] = [
    .init(name: "kex ecdh init", number: 30, message: KexECDHInit(clientPublicKey: ByteBuffer(bytes: Array(repeating: 0x42, count: 32)))),
    .init(name: "kex ecdh reply", number: 31, message: KexECDHReply(
        hostKey: ByteBuffer(bytes: sshString("ssh-ed25519") + sshString([UInt8](repeating: 1, count: 32))),
        serverPublicKey: ByteBuffer(bytes: [UInt8](repeating: 2, count: 32)),
        signature: ByteBuffer(bytes: [UInt8](repeating: 3, count: 8)))),
    .init(name: "kexdh init", number: 30, message: KexDHInit(e: hexBytes("80 01 02"))),
    .init(name: "kexdh reply", number: 31, message: KexDHReply(
        hostKey: ByteBuffer(bytes: [1]), f: hexBytes("7f ff"), signature: ByteBuffer(bytes: [2]))),
    .init(name: "userauth pk ok", number: 60, message: UserAuthPKOK(algorithm: "ssh-ed25519", publicKey: ByteBuffer(bytes: [1, 2]))),
    .init(name: "userauth passwd changereq", number: 60, message: UserAuthPasswdChangeReq(prompt: "Change it", languageTag: "en")),
    .init(name: "userauth info request", number: 60, message: UserAuthInfoRequest(
        name: "PAM", instruction: "Answer", languageTag: "",
        prompts: [.init(prompt: "Password: ", echo: false), .init(prompt: "Token: ", echo: true)])),
    .init(name: "userauth info request no prompts", number: 60, message: UserAuthInfoRequest(
        name: "", instruction: "", languageTag: "", prompts: [])),
    .init(name: "userauth info response", number: 61, message: UserAuthInfoResponse(responses: ["secret", "123456"])),
]

/// The encoding of a message sample.
func encoded(_ message: SSHMessage) -> [UInt8] {
    written { message.write(to: &$0) }
}

/// The encoding of a struct message.
func encoded(_ message: some WireMessage) -> [UInt8] {
    written { message.write(to: &$0) }
}
