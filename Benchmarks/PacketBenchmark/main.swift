// swiftssh-bench: seal and open of SSH binary packets (RFC 4253 §6) with every packet protection
// SwiftSSH implements, in payload MB/s on one core. Scripts/bench prints it beside `openssl speed`.
//
// Usage: swiftssh-bench [--size BYTES] [--seconds S] [--cipher NAME[+MAC]]... [--json]
//        swiftssh-bench relay --listen PORT --to PORT --cipher NAME[+MAC]|none [--connections N]
// The second form is the CPU floor Scripts/bench measures beside the clients (FloorRelay.swift).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let startOfProcess = ContinuousClock.now

/// CPU time this thread has used, in nanoseconds (the benchmark runs on one thread).
func cpuNanos() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

/// Nanoseconds since the process started, from the monotonic clock.
func monotonicNanos() -> Int64 {
    let (seconds, attoseconds) = (ContinuousClock.now - startOfProcess).components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
}

struct Options {
    var payloadSize = 32 * 1024
    var seconds = 2.0
    var labels: [String] = []
    var json = false

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--size": payloadSize = try Self.value(&rest, argument, Int.init, valid: { $0 > 0 && $0 <= 200_000 })
            case "--seconds": seconds = try Self.value(&rest, argument, Double.init, valid: { $0 > 0 && $0 <= 600 })
            case "--cipher": labels.append(try Self.value(&rest, argument, { $0 }, valid: { !$0.isEmpty }))
            case "--json": json = true
            case "-h", "--help":
                throw BenchmarkError.usage("usage: swiftssh-bench [--size BYTES] [--seconds S] [--cipher NAME[+MAC]]... [--json]")
            default: throw BenchmarkError.usage("unknown argument \(argument) (try --help)")
            }
        }
        if labels.isEmpty { labels = BenchmarkCipher.defaultLabels }
    }

    private static func value<T>(_ rest: inout ArraySlice<String>, _ flag: String, _ parse: (String) -> T?,
                                 valid: (T) -> Bool) throws -> T {
        guard let text = rest.popFirst(), let value = parse(text), valid(value) else {
            throw BenchmarkError.usage("\(flag) needs a valid value")
        }
        return value
    }
}

func format(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

func run() throws {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let ciphers = try options.labels.map { label in
        guard let cipher = BenchmarkCipher(label: label) else {
            throw BenchmarkError.usage("unknown cipher \(label): use an SSH cipher name, with +MAC for the CTR ciphers")
        }
        return cipher
    }
    if !options.json {
        print("payload \(options.payloadSize) bytes per packet, \(options.seconds) s per measurement; MB/s = 10^6 payload bytes per CPU second")
        print("cipher".padding(42) + "path".padding(18) + "seal".padding(10) + "open".padding(10) + "seal+open")
    }
    var records: [String] = []
    for cipher in ciphers {
        let measurements = PacketMeasurements(cipher: cipher, payloadSize: options.payloadSize, seconds: options.seconds)
        for (path, rates) in [("protection", try measurements.protectionOnly()), ("encoder+decoder", try measurements.encoderDecoder())] {
            if options.json {
                records.append("{\"cipher\":\"\(cipher.label)\",\"path\":\"\(path)\",\"payload_bytes\":\(options.payloadSize),"
                    + "\"packets\":\(rates.packets),\"seal_mbps\":\(format(rates.sealMBps)),\"open_mbps\":\(format(rates.openMBps)),"
                    + "\"seal_open_mbps\":\(format(rates.sealOpenMBps))}")
            } else {
                print(cipher.label.padding(42) + path.padding(18) + format(rates.sealMBps).padding(10)
                    + format(rates.openMBps).padding(10) + format(rates.sealOpenMBps))
            }
        }
    }
    if options.json { print("[\n" + records.joined(separator: ",\n") + "\n]") }
}

extension String {
    /// Left-aligned in a column of `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

do {
    if CommandLine.arguments.dropFirst().first == "relay" {
        try FloorRelay(CommandLine.arguments.dropFirst(2)).run()
    } else {
        try run()
    }
} catch {
    print("swiftssh-bench: \(error)")
    exit(2)
}
