import SSHCore
import SSHCrypto
import Testing

/// Hashed names: the vectors come from Fixtures/vectors/known-hosts-hash.py (Python hmac/hashlib).
@Suite("known_hosts hashed names")
struct KnownHostsHashingTests {
    static let vectors: [(salt: [UInt8], name: String, field: String)] = [
        (Array(0..<20), "example.com", "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|nnUK16ANsXd3hL31YfAkGOluSjU="),
        (Array(0..<20), "[example.com]:2222", "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|Wgcx+Fm+LmaWwC7rQ80eIf2uHe0="),
        ([UInt8](repeating: 0xFF, count: 20), "192.0.2.1", "|1|//////////////////////////8=|LpC1ZJnJc789B9amrVxBDgdTX3Q="),
    ]

    @Test("hashing a name with a given salt gives the Python vector")
    func hashVectors() {
        for vector in Self.vectors {
            #expect(KnownHostsHashing.hashedField(for: vector.name, salt: vector.salt) == vector.field)
        }
    }

    @Test("a hashed field matches its name only, exactly as given")
    func matching() {
        for vector in Self.vectors {
            #expect(KnownHostsHashing.field(Substring(vector.field), matches: vector.name))
            #expect(!KnownHostsHashing.field(Substring(vector.field), matches: vector.name + "x"))
            if vector.name.uppercased() != vector.name {
                #expect(!KnownHostsHashing.field(Substring(vector.field), matches: vector.name.uppercased()))
            }
        }
        #expect(!KnownHostsHashing.field("|1|AAECAwQFBgcICQoLDA0ODxAREhM=|nnUK16ANsXd3hL31YfAkGOluSjU=", matches: "[example.com]:22"))
    }

    @Test("malformed hashed fields never match", arguments: [
        "|1|AAECAwQFBgcICQoLDA0ODxAREhM=",             // no hash part
        "|1||nnUK16ANsXd3hL31YfAkGOluSjU=",            // empty salt
        "|1|bm90IGEgc2FsdA==|nnUK16ANsXd3hL31YfAkGOluSjU=", // 10-byte salt
        "|2|AAECAwQFBgcICQoLDA0ODxAREhM=|nnUK16ANsXd3hL31YfAkGOluSjU=", // unknown magic
        "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|nnUK16ANsXd3hL31YfAkGOluSjU=x", // trailing byte
        "|1|AAECAwQFBgcICQoLDA0ODxAREh!=|nnUK16ANsXd3hL31YfAkGOluSjU=", // bad base64
    ])
    func malformed(_ field: String) {
        #expect(!KnownHostsHashing.field(Substring(field), matches: "example.com"))
    }

    @Test("a fresh hashed field has a 20-byte salt and matches its name")
    func freshSalt() throws {
        let random = DeterministicRandomSource(seed: Array("known-hosts".utf8))
        let field = KnownHostsHashing.hashedField(for: "new.example", random: random)
        let salt = try #require(KnownHostsHashing.salt(ofHashedField: Substring(field)))
        #expect(salt.count == 20)
        #expect(KnownHostsHashing.field(Substring(field), matches: "new.example"))
    }
}
