/// The SwiftSSH version, sent in the identification string `SSH-2.0-SwiftSSH_<version>` (RFC 4253 §4.2).
package let swiftSSHVersion = "0.1.0"
