// swift-tools-version:6.0
import PackageDescription

let strictSwift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "SwiftSSH",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SwiftSSH", targets: ["SwiftSSH"]),
        .executable(name: "swiftssh", targets: ["swiftssh"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // OpenSSL libcrypto, the only source of cryptographic primitives (Debian: libssl-dev).
        .systemLibrary(
            name: "CLibcrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // Swift wrappers over libcrypto; the only target that imports CLibcrypto.
        .target(
            name: "SSHCrypto",
            dependencies: ["CLibcrypto"],
            swiftSettings: strictSwift6
        ),
        // The sans-IO protocol core: no sockets, no clocks, no global randomness.
        .target(
            name: "SSHCore",
            dependencies: [
                "SSHCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        // The public library: SSHClient over SwiftNIO, host-key policies, LocalForwarder.
        .target(
            name: "SwiftSSH",
            dependencies: [
                "SSHCore",
                "SSHCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        // The demo CLI whose flags mirror OpenSSH's.
        .executableTarget(
            name: "swiftssh",
            dependencies: [
                "SwiftSSH",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        // Packet-path micro-benchmark: seal and open of 32 KiB packets per cipher (Scripts/bench runs it).
        .executableTarget(
            name: "swiftssh-bench",
            dependencies: [
                "SSHCore",
                "SSHCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/PacketBenchmark",
            swiftSettings: strictSwift6
        ),
        // Test-only support: starts a real OpenSSH sshd on 127.0.0.1 with throwaway keys and config.
        .target(
            name: "SSHDHarness",
            path: "Tests/SSHDHarness",
            swiftSettings: strictSwift6
        ),
        // Test-only support: a scripted hostile SSH server with real crypto and its own encoders,
        // deliberately independent of SSHCore's codecs (it imports only SSHCrypto).
        .target(
            name: "HostileServer",
            dependencies: ["SSHCrypto"],
            path: "Tests/HostileServer",
            swiftSettings: strictSwift6
        ),
        // Test-only support: the bodies of the libFuzzer targets in Fuzz/, shared so swift test replays
        // the fuzz corpus and every regression input through the same code.
        .target(
            name: "FuzzBodies",
            dependencies: ["SSHCore", "SSHCrypto", "HostileServer", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/FuzzBodies",
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "SSHCryptoTests",
            dependencies: ["SSHCrypto"],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "SSHCoreTests",
            dependencies: ["SSHCore", "SSHCrypto", "HostileServer", "FuzzBodies", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "SwiftSSHTests",
            dependencies: [
                "SwiftSSH", "SSHCore", "SSHCrypto", "SSHDHarness", "HostileServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
    ]
)
