import NIOCore
import Testing

@testable import SSHCore

@Suite("Message numbers, ranges and reason codes")
struct MessageCatalogTests {
    @Test("SSHMessageRange boundaries (RFC 4250 §4.1.2)")
    func rangeBoundaries() {
        let expectations: [(UInt8, SSHMessageRange)] = [
            (1, .transportGeneric), (19, .transportGeneric),
            (20, .algorithmNegotiation), (29, .algorithmNegotiation),
            (30, .keyExchangeMethodSpecific), (49, .keyExchangeMethodSpecific),
            (50, .userAuthGeneric), (59, .userAuthGeneric),
            (60, .userAuthMethodSpecific), (79, .userAuthMethodSpecific),
            (80, .connectionGeneric), (89, .connectionGeneric),
            (90, .channelRelated), (127, .channelRelated),
            (128, .reservedForClientProtocols), (191, .reservedForClientProtocols),
            (192, .localExtensions), (255, .localExtensions),
        ]
        for (number, range) in expectations {
            #expect(SSHMessageRange(messageNumber: number) == range, "message number \(number)")
        }
        #expect(SSHMessageRange(messageNumber: 0) == nil)
    }

    @Test("message numbers match RFC 4250 §4.1.2 / RFC 8308 §2.3")
    func messageNumbers() {
        typealias N = SSHMessageNumber
        let table: [(UInt8, UInt8)] = [
            (N.disconnect, 1), (N.ignore, 2), (N.unimplemented, 3), (N.debug, 4), (N.serviceRequest, 5),
            (N.serviceAccept, 6), (N.extInfo, 7), (N.kexInit, 20), (N.newKeys, 21), (N.kexECDHInit, 30),
            (N.kexDHInit, 30), (N.kexECDHReply, 31), (N.kexDHReply, 31), (N.userAuthRequest, 50),
            (N.userAuthFailure, 51), (N.userAuthSuccess, 52), (N.userAuthBanner, 53), (N.userAuthPKOK, 60),
            (N.userAuthPasswdChangeReq, 60), (N.userAuthInfoRequest, 60), (N.userAuthInfoResponse, 61),
            (N.globalRequest, 80), (N.requestSuccess, 81), (N.requestFailure, 82), (N.channelOpen, 90),
            (N.channelOpenConfirmation, 91), (N.channelOpenFailure, 92), (N.channelWindowAdjust, 93),
            (N.channelData, 94), (N.channelExtendedData, 95), (N.channelEOF, 96), (N.channelClose, 97),
            (N.channelRequest, 98), (N.channelSuccess, 99), (N.channelFailure, 100),
        ]
        for (constant, rfcValue) in table {
            #expect(constant == rfcValue)
        }
    }

    @Test("disconnect reason codes are RFC 4253 §11.1's 1 through 15")
    func disconnectReasons() {
        let codes: [(DisconnectReason, UInt32)] = [
            (.hostNotAllowedToConnect, 1), (.protocolError, 2), (.keyExchangeFailed, 3), (.reserved, 4),
            (.macError, 5), (.compressionError, 6), (.serviceNotAvailable, 7), (.protocolVersionNotSupported, 8),
            (.hostKeyNotVerifiable, 9), (.connectionLost, 10), (.byApplication, 11), (.tooManyConnections, 12),
            (.authCancelledByUser, 13), (.noMoreAuthMethodsAvailable, 14), (.illegalUserName, 15),
        ]
        #expect(DisconnectReason.allCases.count == 15)
        for (reason, code) in codes {
            #expect(reason.rawValue == code)
        }
    }

    @Test("an unknown disconnect code is kept raw; reason is nil")
    func unknownDisconnectCode() throws {
        var payload = buffer([1] + hexBytes("00 00 00 63") + sshString("x") + sshString(""))
        guard case let .disconnect(message) = try SSHMessage.parse(&payload) else {
            Issue.record("expected a disconnect")
            return
        }
        #expect(message.reasonCode == 99)
        #expect(message.reason == nil)
        #expect(Disconnect(reasonCode: 14, description: "").reason == .noMoreAuthMethodsAvailable)
    }

    @Test("channel open failure reason codes (RFC 4254 §5.1); unknown codes kept raw")
    func channelOpenFailureReasons() {
        #expect(ChannelOpenFailureReason.administrativelyProhibited.rawValue == 1)
        #expect(ChannelOpenFailureReason.connectFailed.rawValue == 2)
        #expect(ChannelOpenFailureReason.unknownChannelType.rawValue == 3)
        #expect(ChannelOpenFailureReason.resourceShortage.rawValue == 4)
        #expect(ChannelOpenFailure(recipientChannel: 0, reasonCode: 4, description: "").reason == .resourceShortage)
        let unknown = ChannelOpenFailure(recipientChannel: 0, reasonCode: 77, description: "")
        #expect(unknown.reason == nil)
        #expect(unknown.reasonCode == 77)
    }

    @Test("parse dispatches 30–49 and 60–79 to the method-specific cases, others to unknown")
    func dispatch() throws {
        for number: UInt8 in [30, 31, 49] {
            var payload = buffer([number, 0xAB])
            #expect(try SSHMessage.parse(&payload) == .keyExchangeMethodSpecific(number: number, payload: buffer([0xAB])))
        }
        for number: UInt8 in [60, 61, 79] {
            var payload = buffer([number, 0xAB])
            #expect(try SSHMessage.parse(&payload) == .userAuthMethodSpecific(number: number, payload: buffer([0xAB])))
        }
        for number: UInt8 in [0, 8, 19, 22, 29, 54, 59, 83, 89, 101, 127, 128, 192, 255] {
            var payload = buffer([number, 0xAB])
            #expect(try SSHMessage.parse(&payload) == .unknown(number: number, payload: buffer([0xAB])))
        }
        var empty = ByteBuffer()
        expectWireError(.malformed) { _ = try SSHMessage.parse(&empty) }
    }
}
