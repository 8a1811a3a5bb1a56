import CLibcrypto

/// A NIST prime curve used by SSH's ecdh-sha2-* key exchange and ecdsa-sha2-* host keys
/// (RFC 5656 §6.1, §10.1).
public enum ECCurve: Sendable, Hashable, CaseIterable {
    /// NIST P-256 (secp256r1), SSH name "nistp256".
    case p256
    /// NIST P-384 (secp384r1), SSH name "nistp384".
    case p384
    /// NIST P-521 (secp521r1), SSH name "nistp521".
    case p521

    /// The length in bytes of one field element (a point coordinate): 32, 48 or 66.
    public var coordinateByteCount: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    /// The hash SSH pairs with the curve for ECDH and ECDSA (RFC 5656 §6.2.1): SHA-256/384/512.
    public var digest: DigestAlgorithm {
        switch self {
        case .p256: return .sha256
        case .p384: return .sha384
        case .p521: return .sha512
        }
    }

    /// The curve identifier in SSH algorithm names (RFC 5656 §10.1): "nistp256", "nistp384", "nistp521".
    public var sshIdentifier: String {
        switch self {
        case .p256: return "nistp256"
        case .p384: return "nistp384"
        case .p521: return "nistp521"
        }
    }
}

/// An ephemeral ECDH private key for ecdh-sha2-nistp256/384/521 (RFC 5656 §4).
public final class ECDHPrivateKey: Sendable {
    private let key: OwnedPKey

    /// The curve this key lives on.
    public let curve: ECCurve

    /// Our public point Q_C/Q_S, uncompressed: 0x04 || X || Y, `1 + 2 * coordinateByteCount`
    /// bytes (RFC 5656 §4, SEC1 §2.3.3).
    public let publicPoint: [UInt8]

    /// Draws the private scalar from `randomSource`, rejection-sampled into [1, n - 1].
    public convenience init(curve: ECCurve, randomSource: some RandomSource) throws {
        try self.init(curve: curve, privateScalar: ECKeyFactory.randomScalar(curve: curve, randomSource: randomSource))
    }

    /// Uses the big-endian private scalar `privateScalar`, which must lie in [1, n - 1].
    public init(curve: ECCurve, privateScalar: SecureBytes) throws {
        self.curve = curve
        (key, publicPoint) = try ECKeyFactory.privateKey(curve: curve, scalar: privateScalar)
    }

    /// The shared secret: the X coordinate of d·Q_peer, exactly `coordinateByteCount` bytes
    /// (RFC 5656 §4; SEC1 §3.3.1).
    ///
    /// Throws `CryptoError.invalidPublicValue` for a point of the wrong length or format, off the
    /// curve, or at infinity (RFC 5656 §4 requires the SEC1 §3.2.2 validation).
    public func sharedSecret(peerPoint: [UInt8]) throws -> SecureBytes {
        let peer = try ECKeyFactory.publicKey(curve: curve, point: peerPoint)
        return try deriveSharedSecret(
            key: key, peer: peer, length: curve.coordinateByteCount,
            rejection: CryptoError.invalidPublicValue("ECDH with the peer point failed"))
    }
}
