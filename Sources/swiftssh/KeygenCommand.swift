import ArgumentParser
import SwiftSSH
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swiftssh keygen`: generates, inspects and converts keys with flags that mirror ssh-keygen(1).
struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a key pair, print a key's fingerprint (-l) or public key (-y), like ssh-keygen."
    )

    @Option(name: .customShort("t"), help: "Key type to generate: ed25519, ecdsa or rsa.")
    var type: String = "ed25519"

    @Option(name: .customShort("b"), help: "Key size in bits: ecdsa 256, 384 or 521; rsa 2048 to 16384 (default 3072).")
    var bits: Int?

    @Option(name: .customShort("f"), help: "The key file.")
    var file: String?

    @Option(name: .customShort("N"), help: "New passphrase; \"\" means none.")
    var newPassphrase: String?

    @Option(name: .customShort("P"), help: "Passphrase of an existing key (for -y and -l).")
    var passphrase: String?

    @Option(name: .customShort("C"), help: "Comment (default user@host).")
    var comment: String?

    @Option(name: .customShort("a"), help: "bcrypt_pbkdf rounds when encrypting (default 16, at most 1024).")
    var rounds: Int = 16

    @Flag(name: .customShort("l"), help: "Print the fingerprint of the key file (-f).")
    var listFingerprint = false

    @Option(name: .customShort("E"), help: "Fingerprint hash for -l: sha256 (default) or md5.")
    var fingerprintHash: String = "sha256"

    @Flag(name: .customShort("y"), help: "Read a private key file (-f) and print its public key.")
    var printPublicKey = false

    @Option(name: .customShort("F"), help: "Look up a host in known_hosts.")
    var knownHostsHost: String?

    @Flag(name: .long, help: "Overwrite existing key files.")
    var force = false

    mutating func validate() throws {
        guard ["sha256", "md5"].contains(fingerprintHash) else { throw ValidationError("-E must be sha256 or md5") }
        guard SSHKeyType(rawValue: type) != nil else { throw ValidationError("unknown key type \(type): use ed25519, ecdsa or rsa") }
        if listFingerprint || printPublicKey, file == nil { throw ValidationError("-l and -y need -f file") }
    }

    func run() async throws {
        if let knownHostsHost {
            // As ssh-keygen -F: print the matching lines (with `# Host ... found: line N`), exit 1 if none.
            let knownHosts = KnownHostsFile(path: file ?? KnownHostsFile.defaultPath)
            let report = try knownHosts.findHost(knownHostsHost)
            guard !report.isEmpty else { throw ExitCode(1) }
            print(report, terminator: report.hasSuffix("\n") ? "" : "\n")
            return
        }
        if listFingerprint, let file { return try printFingerprints(of: file) }
        if printPublicKey, let file { return try printPublicKeyLine(of: file) }
        try generate()
    }

    /// `-l -f file [-E md5]`: every key line of a public key file (or of `file.pub`), else the key
    /// of a private key file.
    private func printFingerprints(of path: String) throws {
        let md5 = fingerprintHash == "md5"
        // Like ssh-keygen's sshkey_load_public: the file itself as public key lines, then file.pub.
        for candidate in [path, path + ".pub"] {
            let lines = (try? readText(candidate))?.split(whereSeparator: \.isNewline) ?? []
            let keys = lines.compactMap { try? SSHPublicKey(openSSHLine: String($0)) }
            if !keys.isEmpty {
                for key in keys { print(key.fingerprintListing(md5: md5)) }
                return
            }
        }
        print(try publicKeyOfPrivateFile(path).fingerprintListing(md5: md5))
    }

    /// `-y -f file [-P passphrase]`: the public key line of a private key file.
    private func printPublicKeyLine(of path: String) throws {
        print(try loadPrivateKey(path, passphrase: passphrase).publicKey.openSSHLine)
    }

    /// The public key of a private key file: from the clear header of an encrypted OpenSSH file when
    /// no passphrase is at hand, else from the decrypted key.
    private func publicKeyOfPrivateFile(_ path: String) throws -> SSHPublicKey {
        do {
            return try SSHPrivateKey(contentsOf: path, passphrase: passphrase).publicKey
        } catch let error as SSHError where error.code == .passphraseRequired {
            let bytes = Array(try readText(path).utf8)
            if let key = try? SSHPrivateKey.unencryptedPublicKey(ofFileContents: bytes) { return key }
            return try loadPrivateKey(path, passphrase: nil).publicKey
        }
    }

    /// Loads a private key, asking for the passphrase on the terminal if it is needed and not given.
    private func loadPrivateKey(_ path: String, passphrase: String?) throws -> SSHPrivateKey {
        do {
            return try SSHPrivateKey(contentsOf: path, passphrase: passphrase)
        } catch let error as SSHError where error.code == .passphraseRequired && passphrase == nil && PassphrasePrompt.isInteractive {
            guard let typed = PassphrasePrompt.read("Enter passphrase for \(path): ") else { throw error }
            return try SSHPrivateKey(contentsOf: path, passphrase: typed)
        }
    }

    /// Generates a key pair and writes `file` (0600) and `file.pub`.
    private func generate() throws {
        guard let keyType = SSHKeyType(rawValue: type) else { throw ValidationError("unknown key type \(type)") }
        let path = file ?? defaultPath(for: keyType)
        if !force {
            for existing in [path, path + ".pub"] where access(existing, F_OK) == 0 {
                throw KeygenFailure("\(existing) already exists; use --force to overwrite it")
            }
        }
        print("Generating public/private \(keyType.rawValue) key pair.")
        let key = try SSHPrivateKey.generate(keyType, bits: bits)
        let passphrase = try newPassphrase ?? askNewPassphrase()
        let comment = self.comment ?? defaultComment()
        try key.write(toFile: path, passphrase: passphrase, comment: comment, rounds: rounds, overwrite: force)
        var publicKey = key.publicKey
        publicKey.comment = comment
        print("Your identification has been saved in \(path)")
        print("Your public key has been saved in \(path).pub")
        print("The key fingerprint is:")
        print("\(publicKey.fingerprintSHA256)\(comment.isEmpty ? "" : " " + comment)")
    }

    /// Asks twice for a new passphrase when a terminal is attached; no passphrase otherwise.
    private func askNewPassphrase() throws -> String {
        guard PassphrasePrompt.isInteractive else { return "" }
        let first = PassphrasePrompt.read("Enter passphrase (empty for no passphrase): ") ?? ""
        let second = PassphrasePrompt.read("Enter same passphrase again: ") ?? ""
        guard first == second else { throw KeygenFailure("Passphrases do not match.") }
        return first
    }

    /// `~/.ssh/id_<type>`, as ssh-keygen suggests.
    private func defaultPath(for keyType: SSHKeyType) -> String {
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return "\(home)/.ssh/id_\(keyType.rawValue)"
    }

    /// `user@host`, as ssh-keygen's default comment.
    private func defaultComment() -> String {
        let user = getenv("USER").map { String(cString: $0) } ?? "user"
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return "\(user)@\(host)"
    }

    /// The text of a small file.
    private func readText(_ path: String) throws -> String {
        guard let handle = fopen(path, "r") else { throw KeygenFailure("cannot open \(path)") }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count == 0 { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A keygen failure that is not a usage error: printed as `Error: message`, without the usage text.
struct KeygenFailure: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String

    /// A failure saying `description`.
    init(_ description: String) { self.description = description }
}
