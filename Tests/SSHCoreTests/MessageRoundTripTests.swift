import NIOCore
import Testing

@testable import SSHCore

@Suite("Messages: round trips, trailing bytes, truncation")
struct MessageRoundTripTests {
    @Test("write then parse gives the same message and consumes every byte", arguments: messageSamples)
    func roundTrip(sample: MessageSample) throws {
        var payload = offsetBuffer(encoded(sample.message))
        let parsed = try SSHMessage.parse(&payload)
        #expect(parsed == sample.message)
        #expect(payload.readableBytes == 0)
    }

    @Test("a trailing byte is refused unless the message ends in a rest-of-message field", arguments: messageSamples)
    func trailingByte(sample: MessageSample) throws {
        var payload = offsetBuffer(encoded(sample.message) + [0x00])
        let before = payload.readerIndex
        if sample.endsInRestField {
            let parsed = try SSHMessage.parse(&payload)
            #expect(parsed != sample.message)
            #expect(payload.readableBytes == 0)
        } else {
            expectWireError(.malformed) { _ = try SSHMessage.parse(&payload) }
            #expect(payload.readerIndex == before)
        }
    }

    @Test("every truncation throws with the reader index unchanged (or, in a rest field, parses to less)",
          arguments: messageSamples)
    func everyTruncation(sample: MessageSample) throws {
        let full = encoded(sample.message)
        for length in 0..<full.count {
            var payload = offsetBuffer(Array(full.prefix(length)))
            let before = payload.readerIndex
            do {
                let parsed = try SSHMessage.parse(&payload)
                #expect(sample.endsInRestField, "prefix of \(length) bytes parsed as \(parsed)")
                #expect(parsed != sample.message, "prefix of \(length) bytes")
            } catch let error as SSHWireError {
                guard case .malformed = error else {
                    Issue.record("prefix of \(length) bytes: \(error)")
                    continue
                }
                #expect(payload.readerIndex == before, "prefix of \(length) bytes")
            }
        }
    }

    @Test("method-specific messages: number, round trip via SSHMessage, trailing byte, truncation",
          arguments: methodSpecificSamples)
    func methodSpecific(sample: MethodSpecificSample) throws {
        try checkMethodSpecific(sample.message, number: sample.number)
    }

    private func checkMethodSpecific<Message: WireMessage>(_ message: Message, number: UInt8) throws {
        let full = encoded(message)
        #expect(full.first == number)

        var whole = buffer(full)
        var payload: ByteBuffer
        switch try SSHMessage.parse(&whole) {
        case let .keyExchangeMethodSpecific(parsedNumber, body) where (30...49).contains(number):
            #expect(parsedNumber == number)
            payload = body
        case let .userAuthMethodSpecific(parsedNumber, body) where (60...79).contains(number):
            #expect(parsedNumber == number)
            payload = body
        case let other:
            Issue.record("message \(number) parsed as \(other)")
            return
        }
        #expect(try Message(parsing: &payload) == message)
        #expect(payload.readableBytes == 0)

        var trailing = offsetBuffer(Array(full.dropFirst()) + [0x00])
        let trailingBefore = trailing.readerIndex
        expectWireError(.malformed) { _ = try Message(parsing: &trailing) }
        #expect(trailing.readerIndex == trailingBefore)

        for length in 0..<(full.count - 1) {
            var truncated = offsetBuffer(Array(full.dropFirst().prefix(length)))
            let before = truncated.readerIndex
            expectWireError(.malformed) { _ = try Message(parsing: &truncated) }
            #expect(truncated.readerIndex == before, "prefix of \(length) bytes")
        }
    }

    @Test("the samples cover every SSHMessage case")
    func coverage() {
        var names = Set<String>()
        for sample in messageSamples {
            names.insert(String(describing: sample.message).prefix(while: { $0 != "(" }).description)
        }
        let expected: Set<String> = [
            "disconnect", "ignore", "unimplemented", "debug", "serviceRequest", "serviceAccept", "extInfo", "kexInit",
            "newKeys", "userAuthRequest", "userAuthFailure", "userAuthSuccess", "userAuthBanner", "globalRequest",
            "requestSuccess", "requestFailure", "channelOpen", "channelOpenConfirmation", "channelOpenFailure",
            "channelWindowAdjust", "channelData", "channelExtendedData", "channelEOF", "channelClose", "channelRequest",
            "channelSuccess", "channelFailure", "keyExchangeMethodSpecific", "userAuthMethodSpecific", "unknown",
        ]
        #expect(names == expected)
    }
}
