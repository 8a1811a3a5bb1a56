import NIOCore
import SSHCrypto

/// Client user authentication (RFC 4252) as a sans-IO state machine: it starts with the "none"
/// method to learn what the server accepts (§5.2), then tries each credential the server allows, in
/// order. For public keys it asks first without a signature (§7), so a key signs only when the server
/// would accept it. Message 60 means PK_OK, PASSWD_CHANGEREQ or INFO_REQUEST depending on the method
/// in flight.
package struct UserAuthStateMachine {
    private enum Pending {
        case idle
        case none
        case publicKeyQuery(index: Int, algorithm: String)
        case publicKeySigned(index: Int, algorithm: String)
        case password(index: Int)
        case keyboardInteractive(index: Int, rounds: Int)
        case awaitingResponses(index: Int, rounds: Int, promptCount: Int)
        case finished
    }

    private let configuration: UserAuthConfiguration
    private let sessionID: [UInt8]
    /// The server's `server-sig-algs` (RFC 8308 §3.1), when it sent EXT_INFO.
    package var serverSignatureAlgorithms: [String]?
    private var pending = Pending.idle
    private var nextCredential = 0
    private var remainingAlgorithms: [String] = []
    private var methodsThatCanContinue: [String] = []
    private var attempts: [UserAuthAttempt] = []
    private var bannerBytes = 0
    private var outbound: [ByteBuffer] = []
    private var events: [UserAuthEvent] = []
    private let serviceName = "ssh-connection"

    /// Creates the machine for one connection; `sessionID` is the first exchange hash.
    package init(configuration: UserAuthConfiguration, sessionID: [UInt8], serverSignatureAlgorithms: [String]?) {
        self.configuration = configuration
        self.sessionID = sessionID
        self.serverSignatureAlgorithms = serverSignatureAlgorithms
    }

    /// True once authentication succeeded or failed for good.
    package var isFinished: Bool { if case .finished = pending { return true } else { return false } }

    /// Sends the first request, with the "none" method (RFC 4252 §5.2).
    package mutating func start() {
        guard case .idle = pending else { return }
        send(.none)
        pending = .none
    }

    /// Takes the payloads to send.
    package mutating func takeOutbound() -> [ByteBuffer] {
        outbound.takeAll()
    }

    /// Takes the events that happened.
    package mutating func takeEvents() -> [UserAuthEvent] {
        events.takeAll()
    }

    /// Answers the last `challenge` (RFC 4256 §3.4).
    package mutating func provideResponses(_ responses: [String]) {
        guard case let .awaitingResponses(index, rounds, promptCount) = pending else { return }
        guard responses.count == promptCount else {
            finish(reason: "keyboard-interactive: \(responses.count) answers given for \(promptCount) prompts")
            return
        }
        var payload = ByteBuffer()
        UserAuthInfoResponse(responses: responses).write(to: &payload)
        outbound.append(payload)
        pending = .keyboardInteractive(index: index, rounds: rounds)
    }

    /// Handles a message numbered 50–79.
    package mutating func receive(_ payload: ByteBuffer) throws(SSHProtocolError) {
        guard let number = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else { throw .malformedMessage("empty payload") }
        if case .finished = pending, number != SSHMessageNumber.userAuthBanner {
            throw .unexpectedMessage(number: number, phase: "the connection protocol (authentication is over)")
        }
        var body = payload
        do {
            let message = try SSHMessage.parse(&body)
            switch message {
            case let .userAuthBanner(banner): handleBanner(banner)
            case .userAuthSuccess: try handleSuccess()
            case let .userAuthFailure(failure): try handleFailure(failure)
            case let .userAuthMethodSpecific(number, methodPayload): try handleMethodSpecific(number, methodPayload)
            default: throw SSHProtocolError.unexpectedMessage(number: number, phase: "user authentication")
            }
        } catch let error as SSHProtocolError {
            throw error
        } catch {
            throw .malformedMessage("user authentication message \(number): \(error)")
        }
    }

    // MARK: - Handlers

    private mutating func handleBanner(_ banner: UserAuthBanner) {
        guard bannerBytes < configuration.maximumBannerBytes else { return }
        bannerBytes += banner.message.utf8.count
        events.append(.banner(sanitizedPeerText(banner.message, maxLength: configuration.maximumBannerBytes, preservingNewlines: true)))
    }

    private mutating func handleSuccess() throws(SSHProtocolError) {
        let method: String
        switch pending {
        case .none:
            if configuration.refuseNoneAuthentication {
                finish(reason: "the server accepted the \"none\" method (it authenticates nobody), and refusing such servers is configured")
                return
            }
            method = "none"
        case .publicKeySigned: method = "publickey"
        case .password: method = "password"
        case .keyboardInteractive: method = "keyboard-interactive"
        default: throw .unexpectedMessage(number: SSHMessageNumber.userAuthSuccess, phase: "user authentication (no request was pending)")
        }
        if method != "none" { record("accepted") }
        pending = .finished
        events.append(.authenticated(method: method, noneAccepted: method == "none"))
    }

    private mutating func handleFailure(_ failure: UserAuthFailure) throws(SSHProtocolError) {
        methodsThatCanContinue = failure.authenticationsThatCanContinue
        switch pending {
        case .none:
            break
        case let .publicKeyQuery(index, _):
            record("refused (the server would not accept this key)")
            if !remainingAlgorithms.isEmpty {
                do { try offerPublicKey(index: index) } catch { finish(reason: "\(error)") }
                return
            }
        case .publicKeySigned, .password, .keyboardInteractive:
            if failure.partialSuccess {
                record("accepted (partial success; more methods required)")
                events.append(.partialSuccess(method: currentMethodName, methodsThatCanContinue: failure.authenticationsThatCanContinue))
            } else {
                record("refused")
            }
        default:
            throw .unexpectedMessage(number: SSHMessageNumber.userAuthFailure, phase: "user authentication (no request was pending)")
        }
        tryNextCredential()
    }

    private mutating func handleMethodSpecific(_ number: UInt8, _ payload: ByteBuffer) throws {
        var body = payload
        switch (pending, number) {
        case let (.publicKeyQuery(index, algorithm), SSHMessageNumber.userAuthPKOK):
            let ok = try UserAuthPKOK(parsing: &body)
            guard case let .publicKey(key, _) = configuration.credentials[index],
                  ok.algorithm == algorithm, Array(ok.publicKey.readableBytesView) == key.publicKey.blob else {
                throw SSHProtocolError.malformedMessage("PK_OK for a key that was never offered")
            }
            try sendSignedRequest(key: key, algorithm: algorithm)
            pending = .publicKeySigned(index: index, algorithm: algorithm)
        case (.password, SSHMessageNumber.userAuthPasswdChangeReq):
            _ = try UserAuthPasswdChangeReq(parsing: &body)
            record("the server demands a password change, which is not supported")
            tryNextCredential()
        case let (.keyboardInteractive(index, rounds), SSHMessageNumber.userAuthInfoRequest):
            let request = try UserAuthInfoRequest(parsing: &body)
            guard rounds < configuration.maximumInfoRequestRounds else {
                finish(reason: "keyboard-interactive: more than \(configuration.maximumInfoRequestRounds) rounds of prompts")
                return
            }
            if request.prompts.isEmpty {
                var response = ByteBuffer()
                UserAuthInfoResponse(responses: []).write(to: &response)
                outbound.append(response)
                pending = .keyboardInteractive(index: index, rounds: rounds + 1)
                return
            }
            pending = .awaitingResponses(index: index, rounds: rounds + 1, promptCount: request.prompts.count)
            events.append(.challenge(KeyboardInteractiveChallenge(
                name: sanitizedPeerText(request.name, maxLength: 256),
                instruction: sanitizedPeerText(request.instruction, maxLength: 1024, preservingNewlines: true),
                prompts: request.prompts.map { (sanitizedPeerText($0.prompt, maxLength: 256), $0.echo) })))
        default:
            throw SSHProtocolError.unexpectedMessage(number: number, phase: "user authentication (\(currentMethodName))")
        }
    }

    // MARK: - Requests

    private mutating func tryNextCredential() {
        while nextCredential < configuration.credentials.count {
            let index = nextCredential
            nextCredential += 1
            let credential = configuration.credentials[index]
            guard methodsThatCanContinue.contains(credential.methodName) else {
                attempts.append(UserAuthAttempt(method: credential.methodName, detail: Self.detail(credential),
                                                outcome: "not tried (the server does not offer this method)"))
                continue
            }
            switch credential {
            case let .publicKey(key, _):
                remainingAlgorithms = algorithms(for: key)
                do { try offerPublicKey(index: index) } catch { finish(reason: "\(error)") }
            case let .password(password):
                send(.password(password: password.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }, newPassword: nil))
                pending = .password(index: index)
            case .keyboardInteractive:
                send(.keyboardInteractive(languageTag: "", submethods: ""))
                pending = .keyboardInteractive(index: index, rounds: 0)
            }
            return
        }
        finish(reason: nil)
    }

    /// RSA keys try rsa-sha2-512 and rsa-sha2-256 (RFC 8332 §3.3), those the server lists in
    /// `server-sig-algs` first; each try is only an unsigned query, so a refused one costs no signature.
    private func algorithms(for key: SigningKey) -> [String] {
        let candidates = key.signatureAlgorithms
        guard case .rsa = key, let serverAlgorithms = serverSignatureAlgorithms else { return candidates }
        return candidates.filter { serverAlgorithms.contains($0) } + candidates.filter { !serverAlgorithms.contains($0) }
    }

    private mutating func offerPublicKey(index: Int) throws {
        guard case let .publicKey(key, _) = configuration.credentials[index], !remainingAlgorithms.isEmpty else { return }
        let algorithm = remainingAlgorithms.removeFirst()
        send(.publicKey(algorithm: algorithm, publicKey: ByteBuffer(bytes: key.publicKey.blob), signature: nil))
        pending = .publicKeyQuery(index: index, algorithm: algorithm)
    }

    /// RFC 4252 §7: the signature covers the session identifier and the request.
    private mutating func sendSignedRequest(key: SigningKey, algorithm: String) throws {
        var signed = ByteBuffer()
        signed.writeSSHString(sessionID)
        signed.writeInteger(SSHMessageNumber.userAuthRequest)
        signed.writeSSHString(configuration.user)
        signed.writeSSHString(serviceName)
        signed.writeSSHString("publickey")
        signed.writeSSHBoolean(true)
        signed.writeSSHString(algorithm)
        signed.writeSSHString(key.publicKey.blob)
        let signature = try key.signatureBlob(for: Array(signed.readableBytesView), algorithm: algorithm)
        send(.publicKey(algorithm: algorithm, publicKey: ByteBuffer(bytes: key.publicKey.blob), signature: signature))
    }

    private mutating func send(_ method: UserAuthRequest.Method) {
        var payload = ByteBuffer()
        UserAuthRequest(userName: configuration.user, serviceName: serviceName, method: method).write(to: &payload)
        outbound.append(payload)
    }

    // MARK: - Bookkeeping

    private var currentIndex: Int? {
        switch pending {
        case let .publicKeyQuery(index, _), let .publicKeySigned(index, _), let .password(index),
             let .keyboardInteractive(index, _), let .awaitingResponses(index, _, _):
            return index
        default: return nil
        }
    }

    private var currentMethodName: String {
        currentIndex.map { configuration.credentials[$0].methodName } ?? "none"
    }

    private mutating func record(_ outcome: String) {
        guard let index = currentIndex else { return }
        var detail = Self.detail(configuration.credentials[index])
        if case let .publicKeyQuery(_, algorithm) = pending { detail += " (\(algorithm))" }
        if case let .publicKeySigned(_, algorithm) = pending { detail += " (\(algorithm))" }
        attempts.append(UserAuthAttempt(method: configuration.credentials[index].methodName, detail: detail, outcome: outcome))
    }

    private static func detail(_ credential: UserAuthCredential) -> String {
        guard case let .publicKey(key, label) = credential else { return "" }
        let fingerprint = "SHA256:" + Base64.encode(Digest.hash(.sha256, key.publicKey.blob), padded: false)
        return "\(key.publicKey.keyType) \(fingerprint)" + (label.isEmpty ? "" : " [\(label)]")
    }

    private mutating func finish(reason: String?) {
        pending = .finished
        events.append(.failed(UserAuthFailureReport(user: configuration.user, attempts: attempts,
                                                    methodsThatCanContinue: methodsThatCanContinue, reason: reason)))
    }
}
