/// SSH message numbers, named after the RFCs' `SSH_MSG_*` constants (RFC 4250 §4.1).
///
/// Numbers in 30–49 and 60–79 are reused by different methods, so several names share a value.
package enum SSHMessageNumber {
    /// SSH_MSG_DISCONNECT (RFC 4253 §11.1).
    package static let disconnect: UInt8 = 1
    /// SSH_MSG_IGNORE (RFC 4253 §11.2).
    package static let ignore: UInt8 = 2
    /// SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4).
    package static let unimplemented: UInt8 = 3
    /// SSH_MSG_DEBUG (RFC 4253 §11.3).
    package static let debug: UInt8 = 4
    /// SSH_MSG_SERVICE_REQUEST (RFC 4253 §10).
    package static let serviceRequest: UInt8 = 5
    /// SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10).
    package static let serviceAccept: UInt8 = 6
    /// SSH_MSG_EXT_INFO (RFC 8308 §2.3).
    package static let extInfo: UInt8 = 7
    /// SSH_MSG_KEXINIT (RFC 4253 §7.1).
    package static let kexInit: UInt8 = 20
    /// SSH_MSG_NEWKEYS (RFC 4253 §7.3).
    package static let newKeys: UInt8 = 21
    /// SSH_MSG_KEX_ECDH_INIT (RFC 5656 §7.1; also curve25519, RFC 8731 §3).
    package static let kexECDHInit: UInt8 = 30
    /// SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §7.1; also curve25519, RFC 8731 §3).
    package static let kexECDHReply: UInt8 = 31
    /// SSH_MSG_KEXDH_INIT (RFC 4253 §8).
    package static let kexDHInit: UInt8 = 30
    /// SSH_MSG_KEXDH_REPLY (RFC 4253 §8).
    package static let kexDHReply: UInt8 = 31
    /// SSH_MSG_USERAUTH_REQUEST (RFC 4252 §5).
    package static let userAuthRequest: UInt8 = 50
    /// SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1).
    package static let userAuthFailure: UInt8 = 51
    /// SSH_MSG_USERAUTH_SUCCESS (RFC 4252 §5.1).
    package static let userAuthSuccess: UInt8 = 52
    /// SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4).
    package static let userAuthBanner: UInt8 = 53
    /// SSH_MSG_USERAUTH_PK_OK (RFC 4252 §7), in the "publickey" method.
    package static let userAuthPKOK: UInt8 = 60
    /// SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252 §8), in the "password" method.
    package static let userAuthPasswdChangeReq: UInt8 = 60
    /// SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2), in the "keyboard-interactive" method.
    package static let userAuthInfoRequest: UInt8 = 60
    /// SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 §3.4), in the "keyboard-interactive" method.
    package static let userAuthInfoResponse: UInt8 = 61
    /// SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4).
    package static let globalRequest: UInt8 = 80
    /// SSH_MSG_REQUEST_SUCCESS (RFC 4254 §4).
    package static let requestSuccess: UInt8 = 81
    /// SSH_MSG_REQUEST_FAILURE (RFC 4254 §4).
    package static let requestFailure: UInt8 = 82
    /// SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1).
    package static let channelOpen: UInt8 = 90
    /// SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1).
    package static let channelOpenConfirmation: UInt8 = 91
    /// SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).
    package static let channelOpenFailure: UInt8 = 92
    /// SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).
    package static let channelWindowAdjust: UInt8 = 93
    /// SSH_MSG_CHANNEL_DATA (RFC 4254 §5.2).
    package static let channelData: UInt8 = 94
    /// SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2).
    package static let channelExtendedData: UInt8 = 95
    /// SSH_MSG_CHANNEL_EOF (RFC 4254 §5.3).
    package static let channelEOF: UInt8 = 96
    /// SSH_MSG_CHANNEL_CLOSE (RFC 4254 §5.3).
    package static let channelClose: UInt8 = 97
    /// SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4).
    package static let channelRequest: UInt8 = 98
    /// SSH_MSG_CHANNEL_SUCCESS (RFC 4254 §5.4).
    package static let channelSuccess: UInt8 = 99
    /// SSH_MSG_CHANNEL_FAILURE (RFC 4254 §5.4).
    package static let channelFailure: UInt8 = 100
}

/// The ranges of message numbers and what they are for (RFC 4250 §4.1.2).
package enum SSHMessageRange: Equatable, Sendable {
    /// 1–19: transport layer generic (disconnect, ignore, debug, …).
    case transportGeneric
    /// 20–29: algorithm negotiation.
    case algorithmNegotiation
    /// 30–49: key exchange method specific (numbers reused by different methods).
    case keyExchangeMethodSpecific
    /// 50–59: user authentication generic.
    case userAuthGeneric
    /// 60–79: user authentication method specific (numbers reused by different methods).
    case userAuthMethodSpecific
    /// 80–89: connection protocol generic.
    case connectionGeneric
    /// 90–127: channel related messages.
    case channelRelated
    /// 128–191: reserved for client protocols.
    case reservedForClientProtocols
    /// 192–255: local extensions.
    case localExtensions

    /// The range that `messageNumber` belongs to, or nil for 0, which is not a message number.
    package init?(messageNumber: UInt8) {
        switch messageNumber {
        case 0: return nil
        case 1...19: self = .transportGeneric
        case 20...29: self = .algorithmNegotiation
        case 30...49: self = .keyExchangeMethodSpecific
        case 50...59: self = .userAuthGeneric
        case 60...79: self = .userAuthMethodSpecific
        case 80...89: self = .connectionGeneric
        case 90...127: self = .channelRelated
        case 128...191: self = .reservedForClientProtocols
        default: self = .localExtensions
        }
    }
}
