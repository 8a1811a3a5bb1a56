import NIOCore
import Testing

@testable import SSHCore

@Suite("Messages: limits, field names in errors, redaction")
struct MessageLimitsAndRedactionTests {
    /// An EXT_INFO payload (after the number) declaring `count` entries and holding them.
    private func extInfoBody(count: Int) -> [UInt8] {
        var bytes = length32(count)
        for index in 0..<count {
            bytes += sshString("e\(index)") + sshString("v")
        }
        return bytes
    }

    @Test("EXT_INFO with 1024 entries is accepted, 1025 refused (RFC 8308 §2.3 and our limit)")
    func extInfoLimit() throws {
        var accepted = buffer(extInfoBody(count: 1024))
        #expect(try ExtInfo(parsing: &accepted).extensions.count == 1024)

        var refused = offsetBuffer(extInfoBody(count: 1025))
        let before = refused.readerIndex
        expectWireError(.limitExceeded) { _ = try ExtInfo(parsing: &refused) }
        #expect(refused.readerIndex == before)

        var hugeCount = buffer([7] + hexBytes("ff ff ff ff"))
        expectWireError(.limitExceeded) { _ = try SSHMessage.parse(&hugeCount) }
    }

    @Test("USERAUTH_INFO_REQUEST with 257 prompts and INFO_RESPONSE with 257 responses are refused")
    func keyboardInteractiveLimits() throws {
        func request(prompts: Int) -> [UInt8] {
            var bytes = sshString("n") + sshString("i") + sshString("") + length32(prompts)
            for _ in 0..<prompts { bytes += sshString("p") + [0] }
            return bytes
        }
        var accepted = buffer(request(prompts: 256))
        #expect(try UserAuthInfoRequest(parsing: &accepted).prompts.count == 256)
        var refused = buffer(request(prompts: 257))
        expectWireError(.limitExceeded) { _ = try UserAuthInfoRequest(parsing: &refused) }

        var responses = buffer(length32(257) + Array(repeating: sshString("r"), count: 257).flatMap { $0 })
        expectWireError(.limitExceeded) { _ = try UserAuthInfoResponse(parsing: &responses) }
    }

    @Test("errors name the message and field")
    func errorNamesField() throws {
        var payload = buffer([20] + Array(repeating: 0, count: 16) + sshString("a,,b"))
        do {
            _ = try SSHMessage.parse(&payload)
            Issue.record("expected an error")
        } catch let error as SSHWireError {
            #expect(error.description.contains("SSH_MSG_KEXINIT kex_algorithms"))
            #expect(error.description.contains("empty name"))
        }
        var truncated = buffer([97, 0, 0])
        do {
            _ = try SSHMessage.parse(&truncated)
            Issue.record("expected an error")
        } catch let error as SSHWireError {
            #expect(error == .malformed("SSH_MSG_CHANNEL_CLOSE recipient channel: message ends before this field"))
        }
    }

    @Test("a password never appears in descriptions, debug descriptions or dumps")
    func passwordRedaction() {
        let secret = "hunter2-Secret"
        let newSecret = "n3w-Secret"
        let request = UserAuthRequest(
            userName: "alice", serviceName: "ssh-connection", method: .password(password: secret, newPassword: newSecret))
        let message = SSHMessage.userAuthRequest(request)
        var dumped = ""
        dump(message, to: &dumped)
        var dumpedMethod = ""
        dump(request.method, to: &dumpedMethod)
        let renderings = [
            String(describing: request.method), String(reflecting: request.method), String(describing: request),
            String(reflecting: request), String(describing: message), String(reflecting: message), "\(message)",
            dumped, dumpedMethod,
        ]
        for text in renderings {
            #expect(!text.contains(secret), "\(text)")
            #expect(!text.contains(newSecret), "\(text)")
        }
        #expect(String(describing: request.method).contains("password"))
    }

    @Test("keyboard-interactive responses never appear in descriptions or dumps")
    func responseRedaction() {
        let response = UserAuthInfoResponse(responses: ["t0psecret"])
        var dumped = ""
        dump(response, to: &dumped)
        for text in [String(describing: response), String(reflecting: response), dumped] {
            #expect(!text.contains("t0psecret"), "\(text)")
        }
    }
}
