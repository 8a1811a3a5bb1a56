/// An error in SSH wire data from a peer: a field that breaks the encoding rules of RFC 4251 §5
/// or the message layouts, or a count/size above one of our own limits.
///
/// The text names the field and the rule it broke. It never contains the field's bytes, so a
/// secret (a password, a key) sent by mistake cannot leak into a log through this error.
package enum SSHWireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data does not follow the encoding or layout rules (bad UTF-8, non-minimal mpint,
    /// empty name in a name-list, truncated message, trailing bytes, …).
    case malformed(String)
    /// The data is well formed but larger than a limit we enforce to bound memory use
    /// (e.g. more than 1024 names in a name-list, more than 1024 EXT_INFO entries).
    case limitExceeded(String)

    /// A human-readable text naming the field and the reason.
    package var description: String {
        switch self {
        case let .malformed(why): return "malformed SSH data: \(why)"
        case let .limitExceeded(why): return "SSH limit exceeded: \(why)"
        }
    }

    /// The same error with `field` prepended to its text, so that an error raised by a primitive
    /// reader says which message field it was reading.
    package func inField(_ field: String) -> SSHWireError {
        switch self {
        case let .malformed(why): return .malformed("\(field): \(why)")
        case let .limitExceeded(why): return .limitExceeded("\(field): \(why)")
        }
    }
}
