/// How a `LocalForwarder` that owns its SSH connection brings it back after it dies, like autossh:
/// exponential backoff with jitter, within limits.
public struct ReconnectPolicy: Sendable, Hashable {
    /// The first delay after a failure.
    public var initialDelay: Duration = .milliseconds(250)
    /// The longest delay between attempts.
    public var maximumDelay: Duration = .seconds(30)
    /// Each delay is the previous one times this factor.
    public var multiplier: Double = 2
    /// Up to this fraction of each delay is added at random, so many clients do not retry in step.
    public var jitter: Double = 0.2
    /// Give up after this many failed attempts in a row; nil retries forever.
    public var maximumAttempts: Int?
    /// How long a connection accepted while the SSH connection is down waits for it before it is closed.
    public var connectionWaitTimeout: Duration = .seconds(10)

    /// The defaults above.
    public init() {}

    /// The delay before attempt `attempt` (1-based), with `randomFraction` in 0..<1 scaling the jitter.
    public func delay(beforeAttempt attempt: Int, randomFraction: Double) -> Duration {
        guard attempt > 1 else { return .zero }
        let base = Double(initialDelay.components.seconds) + Double(initialDelay.components.attoseconds) / 1e18
        let cap = Double(maximumDelay.components.seconds) + Double(maximumDelay.components.attoseconds) / 1e18
        let exponential = min(cap, base * pow(multiplier, Double(attempt - 2)))
        let withJitter = exponential * (1 + jitter * min(max(randomFraction, 0), 1))
        return .nanoseconds(Int64(min(withJitter, cap * (1 + jitter)) * 1e9))
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 { result *= base; remaining -= 1 }
        return result
    }
}

/// What happens to a forwarder's SSH connection.
public enum ForwarderEvent: Sendable, Equatable {
    /// The SSH connection is up (the first time, or again after a reconnect).
    case connected(serverVersion: String)
    /// The SSH connection died; `reason` says why.
    case disconnected(reason: String)
    /// Attempt `attempt` to reconnect starts after `delay`.
    case reconnecting(attempt: Int, delay: Duration)
    /// An attempt failed; `reason` says why.
    case reconnectFailed(attempt: Int, reason: String)
    /// The forwarder gave up reconnecting (its policy's maximum attempts).
    case gaveUp(reason: String)
}
