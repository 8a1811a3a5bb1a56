import SSHCore

/// Facts about this build of the SwiftSSH library.
public enum SwiftSSHLibrary {
    /// The library version, as sent in the SSH identification string.
    public static let version = swiftSSHVersion
}
