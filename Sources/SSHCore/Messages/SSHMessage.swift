import NIOCore

/// A decoded SSH message payload (the bytes inside a binary packet, RFC 4253 §6).
///
/// Messages whose layout depends on the negotiated key exchange method (30–49) or authentication
/// method (60–79) stay raw: the code that knows the method parses them, e.g.
/// `KexECDHReply(parsing: &payload)` or `UserAuthPKOK(parsing: &payload)`.
package enum SSHMessage: Equatable, Sendable {
    /// SSH_MSG_DISCONNECT (RFC 4253 §11.1).
    case disconnect(Disconnect)
    /// SSH_MSG_IGNORE (RFC 4253 §11.2).
    case ignore(Ignore)
    /// SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4).
    case unimplemented(Unimplemented)
    /// SSH_MSG_DEBUG (RFC 4253 §11.3).
    case debug(Debug)
    /// SSH_MSG_SERVICE_REQUEST (RFC 4253 §10).
    case serviceRequest(ServiceRequest)
    /// SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10).
    case serviceAccept(ServiceAccept)
    /// SSH_MSG_EXT_INFO (RFC 8308 §2.3).
    case extInfo(ExtInfo)
    /// SSH_MSG_KEXINIT (RFC 4253 §7.1).
    case kexInit(KexInit)
    /// SSH_MSG_NEWKEYS (RFC 4253 §7.3).
    case newKeys(NewKeys)
    /// SSH_MSG_USERAUTH_REQUEST (RFC 4252 §5).
    case userAuthRequest(UserAuthRequest)
    /// SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1).
    case userAuthFailure(UserAuthFailure)
    /// SSH_MSG_USERAUTH_SUCCESS (RFC 4252 §5.1).
    case userAuthSuccess(UserAuthSuccess)
    /// SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4).
    case userAuthBanner(UserAuthBanner)
    /// SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4).
    case globalRequest(GlobalRequest)
    /// SSH_MSG_REQUEST_SUCCESS (RFC 4254 §4).
    case requestSuccess(RequestSuccess)
    /// SSH_MSG_REQUEST_FAILURE (RFC 4254 §4).
    case requestFailure(RequestFailure)
    /// SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1).
    case channelOpen(ChannelOpen)
    /// SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1).
    case channelOpenConfirmation(ChannelOpenConfirmation)
    /// SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).
    case channelOpenFailure(ChannelOpenFailure)
    /// SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).
    case channelWindowAdjust(ChannelWindowAdjust)
    /// SSH_MSG_CHANNEL_DATA (RFC 4254 §5.2).
    case channelData(ChannelData)
    /// SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2).
    case channelExtendedData(ChannelExtendedData)
    /// SSH_MSG_CHANNEL_EOF (RFC 4254 §5.3).
    case channelEOF(ChannelEOF)
    /// SSH_MSG_CHANNEL_CLOSE (RFC 4254 §5.3).
    case channelClose(ChannelClose)
    /// SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4).
    case channelRequest(ChannelRequest)
    /// SSH_MSG_CHANNEL_SUCCESS (RFC 4254 §5.4).
    case channelSuccess(ChannelSuccess)
    /// SSH_MSG_CHANNEL_FAILURE (RFC 4254 §5.4).
    case channelFailure(ChannelFailure)
    /// A message numbered 30–49 (RFC 4250 §4.1.2), whose layout depends on the key exchange
    /// method; `payload` holds the bytes after the number.
    case keyExchangeMethodSpecific(number: UInt8, payload: ByteBuffer)
    /// A message numbered 60–79 (RFC 4250 §4.1.2), whose layout depends on the authentication
    /// method; `payload` holds the bytes after the number.
    case userAuthMethodSpecific(number: UInt8, payload: ByteBuffer)
    /// A message number we do not implement; answer it with SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4).
    /// `payload` holds the bytes after the number.
    case unknown(number: UInt8, payload: ByteBuffer)

    /// Parses a whole payload that starts with the message number.
    ///
    /// A known message must be consumed to its last byte; trailing bytes are malformed, except in
    /// the fields the RFCs define as "the rest" (RequestSuccess, ChannelOpenConfirmation,
    /// GlobalRequest, ChannelRequest and the data of an unknown channel type or auth method).
    /// On success the whole payload has been read; when it throws, the reader index is unchanged.
    package static func parse(_ payload: inout ByteBuffer) throws -> SSHMessage {
        var cursor = payload
        guard let number = cursor.readInteger(as: UInt8.self) else {
            throw SSHWireError.malformed("message payload is empty: no message number (RFC 4253 §6)")
        }
        let message = try parseBody(number: number, &cursor)
        payload = cursor
        return message
    }

    /// Parses the bytes after the message number `number`.
    private static func parseBody(number: UInt8, _ body: inout ByteBuffer) throws -> SSHMessage {
        typealias N = SSHMessageNumber
        switch number {
        case N.disconnect: return .disconnect(try Disconnect(parsing: &body))
        case N.ignore: return .ignore(try Ignore(parsing: &body))
        case N.unimplemented: return .unimplemented(try Unimplemented(parsing: &body))
        case N.debug: return .debug(try Debug(parsing: &body))
        case N.serviceRequest: return .serviceRequest(try ServiceRequest(parsing: &body))
        case N.serviceAccept: return .serviceAccept(try ServiceAccept(parsing: &body))
        case N.extInfo: return .extInfo(try ExtInfo(parsing: &body))
        case N.kexInit: return .kexInit(try KexInit(parsing: &body))
        case N.newKeys: return .newKeys(try NewKeys(parsing: &body))
        case 30...49: return .keyExchangeMethodSpecific(number: number, payload: body.readRemainingBytes())
        case N.userAuthRequest: return .userAuthRequest(try UserAuthRequest(parsing: &body))
        case N.userAuthFailure: return .userAuthFailure(try UserAuthFailure(parsing: &body))
        case N.userAuthSuccess: return .userAuthSuccess(try UserAuthSuccess(parsing: &body))
        case N.userAuthBanner: return .userAuthBanner(try UserAuthBanner(parsing: &body))
        case 60...79: return .userAuthMethodSpecific(number: number, payload: body.readRemainingBytes())
        case N.globalRequest: return .globalRequest(try GlobalRequest(parsing: &body))
        case N.requestSuccess: return .requestSuccess(try RequestSuccess(parsing: &body))
        case N.requestFailure: return .requestFailure(try RequestFailure(parsing: &body))
        case N.channelOpen: return .channelOpen(try ChannelOpen(parsing: &body))
        case N.channelOpenConfirmation: return .channelOpenConfirmation(try ChannelOpenConfirmation(parsing: &body))
        case N.channelOpenFailure: return .channelOpenFailure(try ChannelOpenFailure(parsing: &body))
        case N.channelWindowAdjust: return .channelWindowAdjust(try ChannelWindowAdjust(parsing: &body))
        case N.channelData: return .channelData(try ChannelData(parsing: &body))
        case N.channelExtendedData: return .channelExtendedData(try ChannelExtendedData(parsing: &body))
        case N.channelEOF: return .channelEOF(try ChannelEOF(parsing: &body))
        case N.channelClose: return .channelClose(try ChannelClose(parsing: &body))
        case N.channelRequest: return .channelRequest(try ChannelRequest(parsing: &body))
        case N.channelSuccess: return .channelSuccess(try ChannelSuccess(parsing: &body))
        case N.channelFailure: return .channelFailure(try ChannelFailure(parsing: &body))
        default: return .unknown(number: number, payload: body.readRemainingBytes())
        }
    }

    /// Writes the message number and the fields (the payload of a binary packet, RFC 4253 §6).
    package func write(to buffer: inout ByteBuffer) {
        switch self {
        case let .disconnect(message): message.write(to: &buffer)
        case let .ignore(message): message.write(to: &buffer)
        case let .unimplemented(message): message.write(to: &buffer)
        case let .debug(message): message.write(to: &buffer)
        case let .serviceRequest(message): message.write(to: &buffer)
        case let .serviceAccept(message): message.write(to: &buffer)
        case let .extInfo(message): message.write(to: &buffer)
        case let .kexInit(message): message.write(to: &buffer)
        case let .newKeys(message): message.write(to: &buffer)
        case let .userAuthRequest(message): message.write(to: &buffer)
        case let .userAuthFailure(message): message.write(to: &buffer)
        case let .userAuthSuccess(message): message.write(to: &buffer)
        case let .userAuthBanner(message): message.write(to: &buffer)
        case let .globalRequest(message): message.write(to: &buffer)
        case let .requestSuccess(message): message.write(to: &buffer)
        case let .requestFailure(message): message.write(to: &buffer)
        case let .channelOpen(message): message.write(to: &buffer)
        case let .channelOpenConfirmation(message): message.write(to: &buffer)
        case let .channelOpenFailure(message): message.write(to: &buffer)
        case let .channelWindowAdjust(message): message.write(to: &buffer)
        case let .channelData(message): message.write(to: &buffer)
        case let .channelExtendedData(message): message.write(to: &buffer)
        case let .channelEOF(message): message.write(to: &buffer)
        case let .channelClose(message): message.write(to: &buffer)
        case let .channelRequest(message): message.write(to: &buffer)
        case let .channelSuccess(message): message.write(to: &buffer)
        case let .channelFailure(message): message.write(to: &buffer)
        case let .keyExchangeMethodSpecific(number, payload),
            let .userAuthMethodSpecific(number, payload),
            let .unknown(number, payload):
            buffer.writeInteger(number)
            buffer.writeBytes(payload.readableBytesView)
        }
    }
}
