/// The reason codes of SSH_MSG_DISCONNECT (RFC 4253 §11.1), named after `SSH_DISCONNECT_*`.
///
/// A peer may send a code outside this list; `Disconnect` keeps the raw value for that case.
package enum DisconnectReason: UInt32, Sendable, CaseIterable {
    /// SSH_DISCONNECT_HOST_NOT_ALLOWED_TO_CONNECT.
    case hostNotAllowedToConnect = 1
    /// SSH_DISCONNECT_PROTOCOL_ERROR.
    case protocolError = 2
    /// SSH_DISCONNECT_KEY_EXCHANGE_FAILED.
    case keyExchangeFailed = 3
    /// SSH_DISCONNECT_RESERVED.
    case reserved = 4
    /// SSH_DISCONNECT_MAC_ERROR.
    case macError = 5
    /// SSH_DISCONNECT_COMPRESSION_ERROR.
    case compressionError = 6
    /// SSH_DISCONNECT_SERVICE_NOT_AVAILABLE.
    case serviceNotAvailable = 7
    /// SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED.
    case protocolVersionNotSupported = 8
    /// SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE.
    case hostKeyNotVerifiable = 9
    /// SSH_DISCONNECT_CONNECTION_LOST.
    case connectionLost = 10
    /// SSH_DISCONNECT_BY_APPLICATION.
    case byApplication = 11
    /// SSH_DISCONNECT_TOO_MANY_CONNECTIONS.
    case tooManyConnections = 12
    /// SSH_DISCONNECT_AUTH_CANCELLED_BY_USER.
    case authCancelledByUser = 13
    /// SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE.
    case noMoreAuthMethodsAvailable = 14
    /// SSH_DISCONNECT_ILLEGAL_USER_NAME.
    case illegalUserName = 15
}

/// The reason codes of SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1), named after `SSH_OPEN_*`.
///
/// A peer may send a code outside this list; `ChannelOpenFailure` keeps the raw value for that case.
package enum ChannelOpenFailureReason: UInt32, Sendable, CaseIterable {
    /// SSH_OPEN_ADMINISTRATIVELY_PROHIBITED.
    case administrativelyProhibited = 1
    /// SSH_OPEN_CONNECT_FAILED.
    case connectFailed = 2
    /// SSH_OPEN_UNKNOWN_CHANNEL_TYPE.
    case unknownChannelType = 3
    /// SSH_OPEN_RESOURCE_SHORTAGE.
    case resourceShortage = 4
}
