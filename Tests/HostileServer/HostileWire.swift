/// The hostile server's own SSH wire encoder (RFC 4251 §5), written apart from SSHCore's codecs so a
/// bug in the client's encoder cannot hide the same bug in the server that tests it. Everything is
/// plain `[UInt8]`: a test can build any message, valid or not, byte by byte.
public enum HostileWire {
    /// `uint32`, big-endian (RFC 4251 §5).
    public static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// `boolean` (RFC 4251 §5).
    public static func bool(_ value: Bool) -> [UInt8] { [value ? 1 : 0] }

    /// `string`: a uint32 length and the bytes (RFC 4251 §5).
    public static func string(_ bytes: [UInt8]) -> [UInt8] { uint32(UInt32(truncatingIfNeeded: bytes.count)) + bytes }

    /// `string` holding UTF-8 text.
    public static func string(_ text: String) -> [UInt8] { string(Array(text.utf8)) }

    /// `name-list`: comma-separated names in a string (RFC 4251 §5).
    public static func nameList(_ names: [String]) -> [UInt8] { string(names.joined(separator: ",")) }

    /// `mpint` of a non-negative big-endian magnitude (RFC 4251 §5): leading zeros dropped, a zero
    /// byte prepended when the top bit is set.
    public static func mpint(magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return string(bytes)
    }

    /// Reads a big-endian `uint32` at `offset`, or nil when the bytes run out.
    public static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// Reads a `string` at `offset`, advancing it; nil when the bytes run out.
    public static func readString(_ bytes: [UInt8], at offset: inout Int) -> [UInt8]? {
        guard let length = readUInt32(bytes, at: offset), offset + 4 + Int(length) <= bytes.count else { return nil }
        let start = offset + 4
        offset = start + Int(length)
        return Array(bytes[start..<offset])
    }
}

/// Message numbers the hostile server sends or waits for (RFC 4250 §4.1).
public enum HostileMessage {
    /// SSH_MSG_DISCONNECT (1).
    public static let disconnect: UInt8 = 1
    /// SSH_MSG_IGNORE (2).
    public static let ignore: UInt8 = 2
    /// SSH_MSG_UNIMPLEMENTED (3).
    public static let unimplemented: UInt8 = 3
    /// SSH_MSG_DEBUG (4).
    public static let debug: UInt8 = 4
    /// SSH_MSG_SERVICE_REQUEST (5).
    public static let serviceRequest: UInt8 = 5
    /// SSH_MSG_SERVICE_ACCEPT (6).
    public static let serviceAccept: UInt8 = 6
    /// SSH_MSG_EXT_INFO (7).
    public static let extInfo: UInt8 = 7
    /// SSH_MSG_KEXINIT (20).
    public static let kexInit: UInt8 = 20
    /// SSH_MSG_NEWKEYS (21).
    public static let newKeys: UInt8 = 21
    /// SSH_MSG_KEX_ECDH_INIT / KEXDH_INIT (30).
    public static let kexInitMessage: UInt8 = 30
    /// SSH_MSG_KEX_ECDH_REPLY / KEXDH_REPLY (31).
    public static let kexReply: UInt8 = 31
    /// SSH_MSG_USERAUTH_REQUEST (50).
    public static let userAuthRequest: UInt8 = 50
    /// SSH_MSG_USERAUTH_FAILURE (51).
    public static let userAuthFailure: UInt8 = 51
    /// SSH_MSG_USERAUTH_SUCCESS (52).
    public static let userAuthSuccess: UInt8 = 52
    /// SSH_MSG_USERAUTH_BANNER (53).
    public static let userAuthBanner: UInt8 = 53
    /// SSH_MSG_USERAUTH_INFO_REQUEST, also PK_OK and PASSWD_CHANGEREQ (60).
    public static let userAuthInfoRequest: UInt8 = 60
    /// SSH_MSG_USERAUTH_INFO_RESPONSE (61).
    public static let userAuthInfoResponse: UInt8 = 61
    /// SSH_MSG_GLOBAL_REQUEST (80).
    public static let globalRequest: UInt8 = 80
    /// SSH_MSG_REQUEST_SUCCESS (81).
    public static let requestSuccess: UInt8 = 81
    /// SSH_MSG_REQUEST_FAILURE (82).
    public static let requestFailure: UInt8 = 82
    /// SSH_MSG_CHANNEL_OPEN (90).
    public static let channelOpen: UInt8 = 90
    /// SSH_MSG_CHANNEL_OPEN_CONFIRMATION (91).
    public static let channelOpenConfirmation: UInt8 = 91
    /// SSH_MSG_CHANNEL_OPEN_FAILURE (92).
    public static let channelOpenFailure: UInt8 = 92
    /// SSH_MSG_CHANNEL_WINDOW_ADJUST (93).
    public static let channelWindowAdjust: UInt8 = 93
    /// SSH_MSG_CHANNEL_DATA (94).
    public static let channelData: UInt8 = 94
    /// SSH_MSG_CHANNEL_EXTENDED_DATA (95).
    public static let channelExtendedData: UInt8 = 95
    /// SSH_MSG_CHANNEL_E_O_F (96).
    public static let channelEOF: UInt8 = 96
    /// SSH_MSG_CHANNEL_CLOSE (97).
    public static let channelClose: UInt8 = 97
    /// SSH_MSG_CHANNEL_REQUEST (98).
    public static let channelRequest: UInt8 = 98
    /// SSH_MSG_CHANNEL_SUCCESS (99).
    public static let channelSuccess: UInt8 = 99
    /// SSH_MSG_CHANNEL_FAILURE (100).
    public static let channelFailure: UInt8 = 100

    // MARK: - Payload builders (each a whole payload, message number first)

    /// DISCONNECT (RFC 4253 §11.1).
    public static func disconnect(reason: UInt32, description: [UInt8]) -> [UInt8] {
        [disconnect] + HostileWire.uint32(reason) + HostileWire.string(description) + HostileWire.string("")
    }
    /// IGNORE (RFC 4253 §11.2).
    public static func ignore(_ data: [UInt8]) -> [UInt8] { [ignore] + HostileWire.string(data) }
    /// DEBUG (RFC 4253 §11.3).
    public static func debug(_ text: [UInt8], display: Bool = true) -> [UInt8] {
        [debug] + HostileWire.bool(display) + HostileWire.string(text) + HostileWire.string("")
    }
    /// UNIMPLEMENTED (RFC 4253 §11.4).
    public static func unimplemented(_ sequenceNumber: UInt32) -> [UInt8] { [unimplemented] + HostileWire.uint32(sequenceNumber) }
    /// SERVICE_ACCEPT (RFC 4253 §10).
    public static func serviceAccept(_ name: String = "ssh-userauth") -> [UInt8] { [serviceAccept] + HostileWire.string(name) }
    /// NEWKEYS (RFC 4253 §7.3).
    public static let newKeysPayload: [UInt8] = [newKeys]
    /// USERAUTH_FAILURE (RFC 4252 §5.1).
    public static func userAuthFailure(_ methods: [String], partial: Bool = false) -> [UInt8] {
        [userAuthFailure] + HostileWire.nameList(methods) + HostileWire.bool(partial)
    }
    /// USERAUTH_SUCCESS (RFC 4252 §5.1).
    public static let userAuthSuccessPayload: [UInt8] = [userAuthSuccess]
    /// USERAUTH_BANNER (RFC 4252 §5.4).
    public static func banner(_ text: [UInt8]) -> [UInt8] { [userAuthBanner] + HostileWire.string(text) + HostileWire.string("") }
    /// USERAUTH_PK_OK (RFC 4252 §7).
    public static func pkOK(algorithm: String, blob: [UInt8]) -> [UInt8] {
        [userAuthInfoRequest] + HostileWire.string(algorithm) + HostileWire.string(blob)
    }
    /// USERAUTH_INFO_REQUEST (RFC 4256 §3.2).
    public static func infoRequest(name: [UInt8] = [], instruction: [UInt8] = [], prompts: [([UInt8], Bool)]) -> [UInt8] {
        var payload = [userAuthInfoRequest] + HostileWire.string(name) + HostileWire.string(instruction) + HostileWire.string("")
        payload += HostileWire.uint32(UInt32(prompts.count))
        for (prompt, echo) in prompts { payload += HostileWire.string(prompt) + HostileWire.bool(echo) }
        return payload
    }
    /// GLOBAL_REQUEST (RFC 4254 §4).
    public static func globalRequest(_ name: String, wantReply: Bool, data: [UInt8] = []) -> [UInt8] {
        [globalRequest] + HostileWire.string(name) + HostileWire.bool(wantReply) + data
    }
    /// CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1).
    public static func openConfirmation(recipient: UInt32, sender: UInt32, window: UInt32, maximumPacket: UInt32) -> [UInt8] {
        [channelOpenConfirmation] + HostileWire.uint32(recipient) + HostileWire.uint32(sender)
            + HostileWire.uint32(window) + HostileWire.uint32(maximumPacket)
    }
    /// CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).
    public static func openFailure(recipient: UInt32, reason: UInt32, description: [UInt8]) -> [UInt8] {
        [channelOpenFailure] + HostileWire.uint32(recipient) + HostileWire.uint32(reason) + HostileWire.string(description) + HostileWire.string("")
    }
    /// CHANNEL_OPEN for a channel the server opens (RFC 4254 §5.1).
    public static func channelOpen(type: String, sender: UInt32, window: UInt32, maximumPacket: UInt32, data: [UInt8] = []) -> [UInt8] {
        [channelOpen] + HostileWire.string(type) + HostileWire.uint32(sender) + HostileWire.uint32(window) + HostileWire.uint32(maximumPacket) + data
    }
    /// CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2).
    public static func windowAdjust(recipient: UInt32, bytes: UInt32) -> [UInt8] {
        [channelWindowAdjust] + HostileWire.uint32(recipient) + HostileWire.uint32(bytes)
    }
    /// CHANNEL_DATA (RFC 4254 §5.2).
    public static func channelData(recipient: UInt32, _ data: [UInt8]) -> [UInt8] {
        [channelData] + HostileWire.uint32(recipient) + HostileWire.string(data)
    }
    /// CHANNEL_EXTENDED_DATA (RFC 4254 §5.2), type 1 is stderr.
    public static func extendedData(recipient: UInt32, type: UInt32 = 1, _ data: [UInt8]) -> [UInt8] {
        [channelExtendedData] + HostileWire.uint32(recipient) + HostileWire.uint32(type) + HostileWire.string(data)
    }
    /// CHANNEL_EOF (RFC 4254 §5.3).
    public static func channelEOF(recipient: UInt32) -> [UInt8] { [channelEOF] + HostileWire.uint32(recipient) }
    /// CHANNEL_CLOSE (RFC 4254 §5.3).
    public static func channelClose(recipient: UInt32) -> [UInt8] { [channelClose] + HostileWire.uint32(recipient) }
    /// CHANNEL_REQUEST (RFC 4254 §5.4).
    public static func channelRequest(recipient: UInt32, type: String, wantReply: Bool, data: [UInt8] = []) -> [UInt8] {
        [channelRequest] + HostileWire.uint32(recipient) + HostileWire.string(type) + HostileWire.bool(wantReply) + data
    }
}
