import SSHCrypto
import Testing

/// ECDSA against RFC 6979 A.2.5 (P-256/SHA-256), A.2.6 (P-384/SHA-384) and A.2.7 (P-521/SHA-512).
/// RFC 6979 nonces are deterministic; ours come from libcrypto, so the published signatures must
/// verify rather than be reproduced.
@Suite struct ECDSATests: AsymmetricKnownAnswerSuite {
    /// One RFC 6979 key with its "sample" and "test" signatures under the curve's SSH hash.
    struct Vector: Sendable, CustomTestStringConvertible {
        let curve: ECCurve
        let x, ux, uy: String
        let sampleR, sampleS, testR, testS: String
        var testDescription: String { curve.sshIdentifier }
    }

    static let vectors: [Vector] = [
        // RFC 6979 A.2.5, P-256, "With SHA-256".
        Vector(curve: .p256,
               x: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
               ux: "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
               uy: "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
               sampleR: "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
               sampleS: "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
               testR: "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
               testS: "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"),
        // RFC 6979 A.2.6, P-384, "With SHA-384".
        Vector(curve: .p384,
               x: "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
               ux: "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
               uy: "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720",
               sampleR: "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
               sampleS: "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8",
               testR: "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
               testS: "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5"),
        // RFC 6979 A.2.7, P-521, "With SHA-512". Values padded to 66 bytes with a leading 0 nibble.
        Vector(curve: .p521,
               x: "00FAD06DAA62BA3B25D2FB40133DA757205DE67F5BB0018FEE8C86E1B68C7E75CAA896EB32F1F47C70855836A6D16FCC1466F6D8FBEC67DB89EC0C08B0E996B83538",
               ux: "01894550D0785932E00EAA23B694F213F8C3121F86DC97A04E5A7167DB4E5BCD371123D46E45DB6B5D5370A7F20FB633155D38FFA16D2BD761DCAC474B9A2F5023A4",
               uy: "00493101C962CD4D2FDDF782285E64584139C2F91B47F87FF82354D6630F746A28A0DB25741B5B34A828008B22ACC23F924FAAFBD4D33F81EA66956DFEAA2BFDFCF5",
               sampleR: "00C328FAFCBD79DD77850370C46325D987CB525569FB63C5D3BC53950E6D4C5F174E25A1EE9017B5D450606ADD152B534931D7D4E8455CC91F9B15BF05EC36E377FA",
               sampleS: "00617CCE7CF5064806C467F678D3B4080D6F1CC50AF26CA209417308281B68AF282623EAA63E5B5C0723D8B8C37FF0777B1A20F8CCB1DCCC43997F1EE0E44DA4A67A",
               testR: "013E99020ABF5CEE7525D16B69B229652AB6BDF2AFFCAEF38773B4B7D08725F10CDB93482FDCC54EDCEE91ECA4166B2A7C6265EF0CE2BD7051B7CEF945BABD47EE6D",
               testS: "01FBD0013C674AA79CB39849527916CE301C66EA7CE8B80682786AD60F98F7E78A19CA69EFF5C57400E3B3A0AD66CE0978214D13BAF4E9AC60752F7B155E2DE4DCE3"),
    ]

    @Test("RFC 6979: the public key derived from x equals (Ux, Uy)", arguments: vectors)
    func publicKeyFromPrivate(vector: Vector) throws {
        let key = try ECDSAPrivateKey(curve: vector.curve, privateScalar: SecureBytes(hex(vector.x)))
        #expect(key.publicKey.point == [0x04] + hex(vector.ux) + hex(vector.uy))
        #expect(key.publicKey.curve == vector.curve)
        // The scalar comes back as a minimal magnitude (P-521's x has a leading zero byte here).
        #expect(key.privateScalar.unsafeArrayCopy == Array(hex(vector.x).drop(while: { $0 == 0 })))
    }

    @Test("RFC 6979: the published \"sample\" and \"test\" signatures verify", arguments: vectors)
    func publishedSignaturesVerify(vector: Vector) throws {
        let publicKey = try ECDSAPublicKey(curve: vector.curve, point: [0x04] + hex(vector.ux) + hex(vector.uy))
        let sample = ECDSASignature(r: hex(vector.sampleR), s: hex(vector.sampleS))
        let test = ECDSASignature(r: hex(vector.testR), s: hex(vector.testS))
        #expect(publicKey.isValidSignature(sample, for: Array("sample".utf8)))
        #expect(publicKey.isValidSignature(test, for: Array("test".utf8)))
        #expect(!publicKey.isValidSignature(sample, for: Array("test".utf8)))
        #expect(!publicKey.isValidSignature(test, for: Array("sample".utf8)))
    }

    @Test("RFC 6979: a modified r or s no longer verifies", arguments: vectors)
    func modifiedSignatureFails(vector: Vector) throws {
        let publicKey = try ECDSAPublicKey(curve: vector.curve, point: [0x04] + hex(vector.ux) + hex(vector.uy))
        let message = Array("sample".utf8)
        var r = hex(vector.sampleR)
        r[r.count - 1] ^= 0x01
        var s = hex(vector.sampleS)
        s[s.count - 1] ^= 0x01
        #expect(!publicKey.isValidSignature(ECDSASignature(r: r, s: hex(vector.sampleS)), for: message))
        #expect(!publicKey.isValidSignature(ECDSASignature(r: hex(vector.sampleR), s: s), for: message))
        #expect(!publicKey.isValidSignature(ECDSASignature(r: [], s: hex(vector.sampleS)), for: message))
        #expect(!publicKey.isValidSignature(ECDSASignature(r: [0], s: [0]), for: message))
        let oversized = [UInt8](repeating: 0x7F, count: vector.curve.coordinateByteCount + 1)
        #expect(!publicKey.isValidSignature(ECDSASignature(r: oversized, s: hex(vector.sampleS)), for: message))
    }

    @Test("Generated keys sign and verify; the scalar round-trips", arguments: ECCurve.allCases)
    func signVerifyRoundTrip(curve: ECCurve) throws {
        let key = try ECDSAPrivateKey(curve: curve)
        let message = Array("SwiftSSH ECDSA round trip on \(curve.sshIdentifier)".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.r.count <= curve.coordinateByteCount && signature.s.count <= curve.coordinateByteCount)
        #expect(signature.r.first != 0 && signature.s.first != 0)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        let again = try ECDSAPrivateKey(curve: curve, privateScalar: key.privateScalar)
        #expect(again.publicKey == key.publicKey)
        // The nonce is fresh each time, so two signatures of one message differ.
        #expect(try key.signature(for: message) != signature)
    }

    @Test("Public keys off the curve or malformed are refused", arguments: vectors)
    func invalidPublicKeys(vector: Vector) throws {
        var point = [0x04] + hex(vector.ux) + hex(vector.uy)
        point[point.count - 1] ^= 0x01
        #expect(thrownCryptoError { try ECDSAPublicKey(curve: vector.curve, point: point) }?.isInvalidPublicValue == true)
        #expect(thrownCryptoError { try ECDSAPublicKey(curve: vector.curve, point: Array(point.dropFirst())) }?
            .isInvalidPublicValue == true)
    }
}
