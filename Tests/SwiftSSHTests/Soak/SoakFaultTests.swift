import Foundation
import SSHDHarness
import Testing
@testable import SwiftSSH

/// A fault injected into sshd during transfers.
enum ServerFault: String, CaseIterable, Sendable {
    /// SIGKILL to sshd and its children; brought back with `restart()` after a moment down.
    case kill
    /// SIGSTOP to sshd and its children (a hung server that keepalive must detect), then SIGCONT.
    case stop
    /// `restart()` while connections run: sshd and its children terminated and started again at once.
    case restart
}

extension SoakTests {
    @Test("Server faults: sshd SIGKILLed, SIGSTOPped, restarted during transfers; reported, recovered, bounded, no leaks")
    func serverFaults() async throws {
        let (server, identity) = try await Self.startServer()
        defer { server.stop() }
        guard !server.isExternal else { return }
        let echo = try LoopbackEchoServer()
        defer { echo.stop() }
        var policy = ReconnectPolicy()
        policy.initialDelay = .milliseconds(100)
        policy.maximumDelay = .milliseconds(500)
        policy.connectionWaitTimeout = .seconds(15)
        // Keepalive every 250 ms, 2 unanswered probes: a stopped sshd is detected in about 0.75 s.
        let keepalive = SSHKeepalive(interval: .milliseconds(250), countMax: 2)
        let forwarder = try await LocalForwarder.start(
            connect: { try await connectAuthenticated(server, identity: identity, keepalive: keepalive) },
            reconnect: policy, targetHost: "127.0.0.1", targetPort: echo.port)
        let log = EventLog()
        let collector = Task { for await event in forwarder.events { await log.append(event) } }
        defer { collector.cancel() }
        try await Self.warmUp(port: forwarder.localPort)
        #expect(await eventually { forwarder.statistics.activeConnections == 0 })
        let baselineFDs = openFileDescriptorCount()
        let pattern = CheckedStreamPattern(blockSize: 64 * 1024)
        let inFlight = SoakSettings.pick(short: 4, long: 16)
        let sampler = ResourceSampler()
        var faults = 0
        var stream = 0
        try await SoakSettings.repeatRounds { round in
            for fault in ServerFault.allCases {
                let connectedBefore = await log.count { if case .connected = $0 { true } else { false } }
                let disconnectedBefore = await log.count { if case .disconnected = $0 { true } else { false } }
                // Transfers that cannot finish before the fault (64 GiB each), each bounded by 60 s.
                let bytesBefore = forwarder.statistics.bytesToTarget
                let firstStream = stream
                let transfers = Task {
                    try await withThrowingTaskGroup(of: CheckedStreamResult.self) { group in
                        for index in 0..<inFlight {
                            group.addTask {
                                try await runCheckedStream(port: forwarder.localPort, pattern: pattern, stream: firstStream + index,
                                                           blocks: 1 << 20, timeout: .seconds(60))
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                }
                stream += inFlight
                let moving = await eventually(timeout: .seconds(20)) {
                    forwarder.statistics.bytesToTarget > bytesBefore + UInt64(inFlight) * (1 << 20)
                }
                #expect(moving, "\(fault): the transfers never got going")
                let injected = ContinuousClock.now
                switch fault {
                case .kill: server.kill()
                case .stop: server.suspend()
                case .restart: try await onThread { try server.restart() }
                }
                // The fault is reported.
                let reported = await eventually(timeout: .seconds(15)) {
                    await log.count { if case .disconnected = $0 { true } else { false } } > disconnectedBefore
                }
                let detectedAfter = ContinuousClock.now - injected
                #expect(reported, "\(fault): no disconnected event")
                // Every in-flight transfer ends (closed, not hung) well before its own 60 s bound.
                let results = try await transfers.value
                #expect(results.allSatisfy { $0.ended }, "\(fault): a transfer hung: \(results.map(\.ended))")
                #expect(results.allSatisfy { !$0.isIntact }, "\(fault): a 64 GiB transfer cannot have completed")
                #expect(ContinuousClock.now - injected < .seconds(30), "\(fault): transfers took \(ContinuousClock.now - injected) to end")
                switch fault {
                case .kill:
                    try await Task.sleep(for: .milliseconds(500))  // a few reconnect attempts fail against the dead port
                    try await onThread { try server.restart() }
                case .stop: server.resume()
                case .restart: break
                }
                // Recovery: connected again, and a new connection carries checked data.
                let recovered = await eventually(timeout: .seconds(20)) {
                    await log.count { if case .connected = $0 { true } else { false } } > connectedBefore
                }
                #expect(recovered, "\(fault): no reconnect")
                let check = try await runCheckedStream(port: forwarder.localPort, pattern: pattern, stream: stream, blocks: 64,
                                                       timeout: .seconds(30))
                stream += 1
                #expect(check.isIntact, "\(fault): after recovery, a 4 MiB transfer failed: \(check.receivedBytes) bytes, error \(check.sendError ?? "none")")
                #expect(await eventually { forwarder.statistics.activeConnections == 0 })
                let settled = await eventually(timeout: .seconds(10)) { openFileDescriptorCount() <= baselineFDs + 1 }
                #expect(settled, "\(fault): fds \(openFileDescriptorCount()) vs baseline \(baselineFDs)")
                faults += 1
                let peaks = sampler.peaks
                printSoakFigures("fault", ["round": "\(round)", "fault": fault.rawValue, "inFlight": "\(inFlight)",
                                           "echoedBeforeFault": "\(results.reduce(0) { $0 + $1.receivedBytes })",
                                           "detectedMs": "\(detectedAfter.components.seconds * 1000 + detectedAfter.components.attoseconds / 1_000_000_000_000_000)",
                                           "recheckBytes": "\(check.receivedBytes)", "peakRSS": mebibytes(peaks.residentBytes),
                                           "peakFDs": "\(peaks.fileDescriptors)", "baselineFDs": "\(baselineFDs)",
                                           "fdsAfter": "\(openFileDescriptorCount())"])
            }
        }
        let peaks = sampler.stop()
        await forwarder.stop()
        #expect(await eventually { openFileDescriptorCount() <= baselineFDs }, "fds \(openFileDescriptorCount()) vs baseline \(baselineFDs)")
        printSoakFigures("faults total", ["faults": "\(faults)", "connections": "\(forwarder.statistics.totalConnections)",
                                          "bytes": "\(forwarder.statistics.bytesFromTarget)", "peakRSS": mebibytes(peaks.residentBytes),
                                          "peakFDs": "\(peaks.fileDescriptors)", "fdsAfter": "\(openFileDescriptorCount())"])
    }
}

extension EventLog {
    /// How many logged events satisfy `predicate`.
    func count(where predicate: (ForwarderEvent) -> Bool) -> Int { events.filter(predicate).count }
}
