import Foundation
import SwiftSSH
import Testing

/// Round trips with OpenSSH's ssh-keygen in both directions, for every key type.
@Suite struct SSHKeygenRoundTripTests {
    static let sshKeygen = "/usr/bin/ssh-keygen"
    static let types: [(SSHKeyType, Int?, String)] = [
        (.ed25519, nil, "ed25519"), (.ecdsa, 256, "ecdsa"), (.ecdsa, 384, "ecdsa"), (.ecdsa, 521, "ecdsa"), (.rsa, 2048, "rsa"),
    ]

    @Test(arguments: types)
    func sshKeygenReadsOurKeys(type: SSHKeyType, bits: Int?, name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = try SSHPrivateKey.generate(type, bits: bits)
        for passphrase in ["", "round trip pass"] {
            let path = directory.file("key-\(passphrase.isEmpty ? "plain" : "enc")")
            try key.write(toFile: path, passphrase: passphrase, comment: "ours@swiftssh", rounds: passphrase.isEmpty ? 16 : 4)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let derived = try runTool(Self.sshKeygen, ["-y", "-P", passphrase, "-f", path])
            #expect(derived.status == 0)
            #expect(derived.output == key.publicKey.openSSHRepresentation + " ours@swiftssh\n")
            let listed = try runTool(Self.sshKeygen, ["-l", "-f", path + ".pub"])
            var labelled = key.publicKey
            labelled.comment = "ours@swiftssh"
            #expect(listed.output == labelled.fingerprintListing() + "\n")
            let listedMD5 = try runTool(Self.sshKeygen, ["-l", "-E", "md5", "-f", path + ".pub"])
            #expect(listedMD5.output == labelled.fingerprintListing(md5: true) + "\n")
            if !passphrase.isEmpty {
                #expect(try runTool(Self.sshKeygen, ["-y", "-P", "wrong", "-f", path]).status != 0)
            }
            // It refuses to overwrite.
            #expect(throws: SSHError.self) { try key.write(toFile: path, passphrase: nil, comment: "again") }
        }
    }

    @Test(arguments: types)
    func weReadSSHKeygensKeys(type: SSHKeyType, bits: Int?, name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("theirs")
        var arguments = ["-q", "-t", name, "-N", "their pass", "-a", "4", "-C", "theirs@ssh-keygen", "-f", path]
        if let bits { arguments += ["-b", String(bits)] }
        #expect(try runTool(Self.sshKeygen, arguments).status == 0)
        let key = try SSHPrivateKey(contentsOf: path, passphrase: "their pass")
        let pubLine = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        #expect(key.publicKey.openSSHLine + "\n" == pubLine)
        #expect(key.comment == "theirs@ssh-keygen")
        let listed = try runTool(Self.sshKeygen, ["-l", "-f", path + ".pub"])
        #expect(listed.output == key.publicKey.fingerprintListing() + "\n")
    }
}
