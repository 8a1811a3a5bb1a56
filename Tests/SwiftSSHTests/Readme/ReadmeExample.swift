// The code between the two marker lines is README.md's "Using the library" example, byte for byte;
// ReadmeExampleTests checks that they are equal and runs the function against sshd.
// README example begins
import NIOCore
import SwiftSSH

/// Connects to a bastion with a key file, checks its host key against a known_hosts file, opens a
/// direct-tcpip channel to an HTTP server that only the bastion can reach, and returns the response.
func fetchThroughBastion(bastion: String, port: Int, user: String, keyFile: String, knownHosts: String,
                         httpHost: String, httpPort: Int, path: String) async throws -> String {
    let key = try SSHPrivateKey(contentsOf: keyFile)
    return try await SSHClient.withConnection(
        host: bastion, port: port, user: user,
        authentication: [.privateKey(key)],
        hostKeyValidator: .knownHosts([KnownHostsFile(path: knownHosts)])
    ) { client in
        let channel = try await client.openDirectTCPIP(host: httpHost, port: httpPort)
        try await channel.write(Array("GET \(path) HTTP/1.0\r\nHost: \(httpHost)\r\n\r\n".utf8))
        try await channel.finish() // half-close: the request is complete
        var response = ByteBuffer()
        for try await chunk in channel {
            var chunk = chunk
            response.writeBuffer(&chunk)
        }
        await channel.close()
        return String(buffer: response)
    }
}
// README example ends
