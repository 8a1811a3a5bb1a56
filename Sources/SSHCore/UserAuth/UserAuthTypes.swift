import NIOCore
import SSHCrypto

/// One way to prove who we are (RFC 4252 §7–§8, RFC 4256).
package enum UserAuthCredential: Sendable {
    /// Public-key authentication with a private key; `label` names it in reports (e.g. its file).
    case publicKey(SigningKey, label: String)
    /// Password authentication.
    case password(SecureBytes)
    /// Keyboard-interactive authentication; prompts are answered through `provideResponses`.
    case keyboardInteractive

    /// The RFC 4252 method name.
    package var methodName: String {
        switch self {
        case .publicKey: return "publickey"
        case .password: return "password"
        case .keyboardInteractive: return "keyboard-interactive"
        }
    }
}

/// Settings of user authentication.
package struct UserAuthConfiguration: Sendable {
    /// The user name to log in as.
    package var user: String
    /// Credentials, tried in order.
    package var credentials: [UserAuthCredential]
    /// Treat a server that lets us in with the "none" method as an error (it authenticates nobody).
    package var refuseNoneAuthentication = false
    /// The most INFO_REQUEST rounds accepted in one keyboard-interactive attempt.
    package var maximumInfoRequestRounds = 16
    /// The most banner text accepted, in bytes, before further banners are dropped.
    package var maximumBannerBytes = 64 * 1024

    /// Creates a configuration.
    package init(user: String, credentials: [UserAuthCredential]) {
        self.user = user
        self.credentials = credentials
    }
}

/// One method tried and what the server said.
package struct UserAuthAttempt: Sendable, Equatable, CustomStringConvertible {
    /// The RFC 4252 method name.
    package var method: String
    /// What was offered: the key type and fingerprint for publickey, empty otherwise.
    package var detail: String
    /// The server's answer, in words.
    package var outcome: String

    package var description: String {
        detail.isEmpty ? "\(method): \(outcome)" : "\(method) \(detail): \(outcome)"
    }
}

/// Everything we tried when authentication failed, and what the server would still accept.
package struct UserAuthFailureReport: Error, Sendable, Equatable, CustomStringConvertible {
    /// The user name.
    package var user: String
    /// Each attempt, in order.
    package var attempts: [UserAuthAttempt]
    /// The methods the server last said can continue.
    package var methodsThatCanContinue: [String]
    /// Why we stopped, when it was not simply running out of credentials.
    package var reason: String?

    package var description: String {
        var text = "authentication failed for user \(user)"
        if let reason { text += ": \(reason)" }
        text += "; server accepts: \(methodsThatCanContinue.isEmpty ? "(nothing)" : methodsThatCanContinue.joined(separator: ","))"
        text += "; tried: " + (attempts.isEmpty ? "nothing" : attempts.map(\.description).joined(separator: "; "))
        return text
    }
}

/// A keyboard-interactive INFO_REQUEST as shown to the caller (RFC 4256 §3.2), text cleaned of
/// control characters.
package struct KeyboardInteractiveChallenge: Sendable, Equatable {
    /// The request's name.
    package var name: String
    /// The instruction.
    package var instruction: String
    /// Each prompt and whether the answer may be echoed.
    package var prompts: [(prompt: String, echo: Bool)]

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.instruction == rhs.instruction
            && lhs.prompts.map(\.prompt) == rhs.prompts.map(\.prompt) && lhs.prompts.map(\.echo) == rhs.prompts.map(\.echo)
    }
}

/// What user authentication reports.
package enum UserAuthEvent: Sendable, Equatable {
    /// A USERAUTH_BANNER from the server (RFC 4252 §5.4), cleaned of control characters.
    case banner(String)
    /// Keyboard-interactive prompts to answer with `provideResponses`.
    case challenge(KeyboardInteractiveChallenge)
    /// Partial success: this method was accepted, and these can continue (RFC 4252 §5.1).
    case partialSuccess(method: String, methodsThatCanContinue: [String])
    /// USERAUTH_SUCCESS. `noneAccepted` says the server let us in with no credentials at all.
    case authenticated(method: String, noneAccepted: Bool)
    /// Every credential was tried, or we stopped; the report lists what happened.
    case failed(UserAuthFailureReport)
}
