import NIOCore

/// SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2). Number 60 in the "keyboard-interactive" method;
/// parse it from `SSHMessage.userAuthMethodSpecific`. All texts are peer text: sanitize before display.
package struct UserAuthInfoRequest: Equatable, Sendable {
    /// One prompt and whether the user's answer may be echoed.
    package struct Prompt: Equatable, Sendable {
        /// The prompt text (ISO-10646 UTF-8).
        package var prompt: String
        /// Whether the answer may be shown as typed (false for passwords).
        package var echo: Bool

        /// Creates a prompt.
        package init(prompt: String, echo: Bool) {
            self.prompt = prompt
            self.echo = echo
        }
    }

    /// Our limit on the number of prompts here and of responses in `UserAuthInfoResponse`
    /// (RFC 4256 §3.2 and §3.4 set none), to bound memory use.
    package static let maximumPromptCount = 256

    /// The name of the request, e.g. "Password change".
    package var name: String
    /// Instructions to show to the user.
    package var instruction: String
    /// The language tag (RFC 3066; deprecated, usually empty).
    package var languageTag: String
    /// The prompts; at most 256 are accepted from a peer.
    package var prompts: [Prompt]

    /// Creates a message from its fields.
    package init(name: String, instruction: String, languageTag: String = "", prompts: [Prompt]) {
        self.name = name
        self.instruction = instruction
        self.languageTag = languageTag
        self.prompts = prompts
    }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    ///
    /// - Throws: `SSHWireError.limitExceeded` for more than 256 prompts (checked before any is read).
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        name = try cursor.readUTF8Field("SSH_MSG_USERAUTH_INFO_REQUEST name")
        instruction = try cursor.readUTF8Field("SSH_MSG_USERAUTH_INFO_REQUEST instruction")
        languageTag = try cursor.readUTF8Field("SSH_MSG_USERAUTH_INFO_REQUEST language tag")
        let count = try cursor.readCountField(
            "SSH_MSG_USERAUTH_INFO_REQUEST num-prompts", limit: UserAuthInfoRequest.maximumPromptCount)
        var prompts: [Prompt] = []
        prompts.reserveCapacity(count)
        for _ in 0..<count {
            let prompt = try cursor.readUTF8Field("SSH_MSG_USERAUTH_INFO_REQUEST prompt")
            let echo = try cursor.readBooleanField("SSH_MSG_USERAUTH_INFO_REQUEST echo")
            prompts.append(Prompt(prompt: prompt, echo: echo))
        }
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_INFO_REQUEST")
        self.prompts = prompts
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthInfoRequest)
        buffer.writeSSHString(name)
        buffer.writeSSHString(instruction)
        buffer.writeSSHString(languageTag)
        buffer.writeSSHUInt32(ByteBuffer.sshLength(prompts.count))
        for prompt in prompts {
            buffer.writeSSHString(prompt.prompt)
            buffer.writeSSHBoolean(prompt.echo)
        }
    }
}

/// SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 §3.4). The responses are often passwords, so the
/// description and reflection never show them.
package struct UserAuthInfoResponse: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The user's answers, one per prompt, in order (ISO-10646 UTF-8); at most 256 are accepted.
    package var responses: [String]

    /// Creates a message from its field.
    package init(responses: [String]) { self.responses = responses }

    /// A summary that never includes a response.
    package var description: String { "UserAuthInfoResponse(\(responses.count) responses, redacted)" }

    /// The same as `description`.
    package var debugDescription: String { description }

    /// A mirror without children, so `dump` and reflection cannot show a response.
    package var customMirror: Mirror { Mirror(self, children: [:]) }

    /// Parses the fields after the message number; the buffer must hold nothing else.
    ///
    /// - Throws: `SSHWireError.limitExceeded` for more than 256 responses (checked before any is read).
    package init(parsing buffer: inout ByteBuffer) throws {
        var cursor = buffer
        let count = try cursor.readCountField(
            "SSH_MSG_USERAUTH_INFO_RESPONSE num-responses", limit: UserAuthInfoRequest.maximumPromptCount)
        var responses: [String] = []
        responses.reserveCapacity(count)
        for _ in 0..<count {
            responses.append(try cursor.readUTF8Field("SSH_MSG_USERAUTH_INFO_RESPONSE response"))
        }
        try cursor.requireFullyConsumed("SSH_MSG_USERAUTH_INFO_RESPONSE")
        self.responses = responses
        buffer = cursor
    }

    /// Writes the message number and the fields.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(SSHMessageNumber.userAuthInfoResponse)
        buffer.writeSSHUInt32(ByteBuffer.sshLength(responses.count))
        for response in responses {
            buffer.writeSSHString(response)
        }
    }
}
