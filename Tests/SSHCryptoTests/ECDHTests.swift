import SSHCrypto
import Testing

/// ECDH on P-256/384/521 against RFC 5903 §8.1-8.3, plus SEC1 §3.2.2 point validation.
@Suite struct ECDHTests: AsymmetricKnownAnswerSuite {
    /// One RFC 5903 §8 vector: i, g^i = (x, y), r, g^r = (x, y) and the shared x coordinate.
    struct Vector: Sendable, CustomTestStringConvertible {
        let curve: ECCurve
        let i, giX, giY, r, grX, grY, girX: String
        var testDescription: String { curve.sshIdentifier }
    }

    static let vectors: [Vector] = [
        // RFC 5903 §8.1, 256-bit random ECP group.
        Vector(curve: .p256,
               i: "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
               giX: "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180",
               giY: "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
               r: "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
               grX: "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63",
               grY: "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
               girX: "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"),
        // RFC 5903 §8.2, 384-bit random ECP group.
        Vector(curve: .p384,
               i: "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194",
               giX: "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F41AA",
               giY: "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C",
               r: "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC",
               grX: "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571",
               grY: "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
               girX: "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746"),
        // RFC 5903 §8.3, 521-bit random ECP group.
        Vector(curve: .p521,
               i: "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D4A52",
               giX: "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176CED3E",
               giY: "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F9582",
               r: "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB151685EB9",
               grX: "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9460F",
               grY: "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0FC56A",
               girX: "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3DDEA"),
    ]

    @Test("RFC 5903 §8 vectors: public points and shared secret, both directions", arguments: vectors)
    func rfc5903(vector: Vector) throws {
        let initiator = try ECDHPrivateKey(curve: vector.curve, privateScalar: SecureBytes(hex(vector.i)))
        let responder = try ECDHPrivateKey(curve: vector.curve, privateScalar: SecureBytes(hex(vector.r)))
        #expect(initiator.publicPoint == [0x04] + hex(vector.giX) + hex(vector.giY))
        #expect(responder.publicPoint == [0x04] + hex(vector.grX) + hex(vector.grY))
        let expected = hex(vector.girX)
        #expect(expected.count == vector.curve.coordinateByteCount)
        #expect(try initiator.sharedSecret(peerPoint: responder.publicPoint).unsafeArrayCopy == expected)
        #expect(try responder.sharedSecret(peerPoint: initiator.publicPoint).unsafeArrayCopy == expected)
    }

    @Test("Invalid peer points are rejected: off the curve, wrong length, compressed, infinity", arguments: vectors)
    func invalidPeerPoints(vector: Vector) throws {
        let key = try ECDHPrivateKey(curve: vector.curve, privateScalar: SecureBytes(hex(vector.i)))
        let valid = [0x04] + hex(vector.grX) + hex(vector.grY)
        var offCurve = valid
        offCurve[offCurve.count - 1] ^= 0x01  // flip the low bit of Y
        let candidates: [[UInt8]] = [
            offCurve,
            Array(valid.dropLast()),  // one byte short
            valid + [0],  // one byte long
            [0x02] + hex(vector.grX),  // compressed form is not what RFC 5656 §4 sends
            [0x00],  // SEC1 encoding of the point at infinity
            [0x04] + [UInt8](repeating: 0, count: 2 * vector.curve.coordinateByteCount),  // (0, 0) is not on the curve
            [0x04] + [UInt8](repeating: 0xFF, count: 2 * vector.curve.coordinateByteCount),  // coordinates >= p
        ]
        for point in candidates {
            #expect(thrownCryptoError { try key.sharedSecret(peerPoint: point) }?.isInvalidPublicValue == true)
        }
    }

    @Test("Private scalars outside [1, n-1] are refused", arguments: ECCurve.allCases)
    func scalarRange(curve: ECCurve) throws {
        let zero = SecureBytes([UInt8](repeating: 0, count: curve.coordinateByteCount))
        let tooLarge = SecureBytes([UInt8](repeating: 0xFF, count: curve.coordinateByteCount))  // > n
        let tooLong = SecureBytes([UInt8](repeating: 0x01, count: curve.coordinateByteCount + 1))
        for scalar in [zero, tooLarge, tooLong] {
            #expect(thrownCryptoError { try ECDHPrivateKey(curve: curve, privateScalar: scalar) }?.isInvalidKey == true)
        }
    }

    @Test("Random keys agree, have fixed-length points, and replay from a deterministic source", arguments: ECCurve.allCases)
    func randomKeysAgree(curve: ECCurve) throws {
        let seed = Array("ecdh-\(curve.sshIdentifier)".utf8)
        let alice = try ECDHPrivateKey(curve: curve, randomSource: DeterministicRandomSource(seed: seed))
        let aliceAgain = try ECDHPrivateKey(curve: curve, randomSource: DeterministicRandomSource(seed: seed))
        let bob = try ECDHPrivateKey(curve: curve, randomSource: SystemRandomSource())
        #expect(alice.publicPoint == aliceAgain.publicPoint)
        #expect(alice.publicPoint.count == 1 + 2 * curve.coordinateByteCount)
        #expect(alice.publicPoint.first == 0x04)
        let fromAlice = try alice.sharedSecret(peerPoint: bob.publicPoint)
        #expect(fromAlice == (try bob.sharedSecret(peerPoint: alice.publicPoint)))
        #expect(fromAlice.count == curve.coordinateByteCount)
    }

    @Test("Curve metadata matches RFC 5656 §6.2.1 and §10.1")
    func curveMetadata() {
        #expect(ECCurve.allCases.map(\.coordinateByteCount) == [32, 48, 66])
        #expect(ECCurve.allCases.map(\.digest) == [.sha256, .sha384, .sha512])
        #expect(ECCurve.allCases.map(\.sshIdentifier) == ["nistp256", "nistp384", "nistp521"])
    }
}
