// swift-tools-version:6.0
// libFuzzer targets for SwiftSSH's parsers. A package of its own so the fuzz executables (which have
// no main: libFuzzer supplies it) never enter the library's normal build. The library targets are
// symlinks to ../Sources (and the fuzz bodies to ../Tests/FuzzBodies), so `package` declarations stay visible. Build and run with Scripts/fuzz.
import PackageDescription

let settings: [SwiftSetting] = [.swiftLanguageMode(.v6)]
let fuzzTargets = ["FuzzWire", "FuzzVersionLine", "FuzzPacketDecoder", "FuzzMessages", "FuzzKeyBlobs", "FuzzKeyFiles", "FuzzKnownHosts", "FuzzSSHConfig", "FuzzClientCore"]

let package = Package(
    name: "SwiftSSHFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "SSHCrypto", dependencies: ["CLibcrypto"], swiftSettings: settings),
        .target(name: "SSHCore", dependencies: ["SSHCrypto", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: settings),
        .target(name: "HostileServer", dependencies: ["SSHCrypto"], swiftSettings: settings),
        .target(name: "FuzzBodies", dependencies: ["SSHCore", "SSHCrypto", "HostileServer", .product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: settings),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzBodies"],
            swiftSettings: settings + [.unsafeFlags(["-parse-as-library"])]
        )
    }
)
