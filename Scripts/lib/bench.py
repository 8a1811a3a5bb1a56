#!/usr/bin/env python3
"""Scripts/bench's driver: measures `swiftssh tunnel` against OpenSSH's `ssh -N -L` through one
sandbox sshd on 127.0.0.1, alternating the two clients (A B A B ...), and prints medians, min-max and
the ratio within each pair, next to the targets of issue 7. Run it through Scripts/bench."""
import argparse
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_figures as figures  # noqa: E402
from bench_report import CLIENTS, CPU_TARGET, PLAIN_RELAY, Results, print_floor, print_micro, print_pipeline, print_table  # noqa: E402
from bench_sandbox import Sandbox, cpu_seconds, tree_cpu_seconds  # noqa: E402

CIPHERS = {  # label -> (Ciphers=, MACs=)
    "chacha20-poly1305": ("chacha20-poly1305@openssh.com", None),
    "aes128-gcm": ("aes128-gcm@openssh.com", None),
    "aes256-gcm": ("aes256-gcm@openssh.com", None),
    "aes128-ctr+etm": ("aes128-ctr", "hmac-sha2-256-etm@openssh.com"),
}
OPENSSL_SPEED = {  # micro-benchmark label -> openssl speed -evp names (cipher, optional hmac digest)
    "chacha20-poly1305@openssh.com": ("chacha20-poly1305", None),
    "aes128-gcm@openssh.com": ("aes-128-gcm", None),
    "aes256-gcm@openssh.com": ("aes-256-gcm", None),
    "aes128-ctr+hmac-sha2-256-etm@openssh.com": ("aes-128-ctr", "sha256"),
}
# swiftssh-bench relay's --cipher for each bulk label: the same protection the clients negotiate.
FLOOR_CIPHER = {
    "chacha20-poly1305": "chacha20-poly1305@openssh.com",
    "aes128-gcm": "aes128-gcm@openssh.com",
    "aes256-gcm": "aes256-gcm@openssh.com",
    "aes128-ctr+etm": "aes128-ctr+hmac-sha2-256-etm@openssh.com",
}


def parse_size(text):
    match = re.fullmatch(r"(\d+)([KMG]?)(i?B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text} (use e.g. 256M or 1G)")
    return int(match.group(1)) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[match.group(2).upper()]


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ssh = subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip()
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(), "openssh": ssh, "openssl": openssl,
            "loadavg_at_start": os.getloadavg()}


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def run_tunnel(sandbox, client, target_port, cipher, mac, body):
    process, port, started = sandbox.start_tunnel(client, target_port, cipher, mac)
    try:
        figures.wait_for_port(port, 30, process).close()
        return body(process, port, started)
    except Exception:
        log(f"{client} tunnel output:\n{sandbox.tunnel_log(client, port)}")
        raise
    finally:
        sandbox.stop(process)


def measure(args, sandbox, results):
    reps = args.repetitions
    if "a" in args.figures or "b" in args.figures:
        for label in args.ciphers:
            cipher, mac = CIPHERS[label]
            log(f"bulk {args.size} bytes x {reps} pairs, {label}")
            tunnels = {c: sandbox.start_tunnel(c, sandbox.sink_port, cipher, mac) for c in CLIENTS}
            try:
                for client, (process, port, _) in tunnels.items():
                    figures.wait_for_port(port, 30, process).close()
                floor = None
                if "b" in args.figures and not args.no_floor:
                    floor = sandbox.start_floor_relay(args.bench_binary, sandbox.sink_port, FLOOR_CIPHER[label])
                for _ in range(reps):
                    cpus = {}
                    for client in CLIENTS:
                        process, port, _ = tunnels[client]
                        others = {"sshd": lambda: tree_cpu_seconds(sandbox.sshd.pid),
                                  "sink": lambda: cpu_seconds(sandbox.servers["sink"].pid),
                                  "load generator": time.process_time}
                        before = {part: read() for part, read in others.items()}
                        mbps, cpus[client] = figures.bulk(process.pid, port, args.size, args.timeout)
                        parts = {part: (read() - before[part]) / (args.size / 2**30) for part, read in others.items()}
                        results.add_pipeline(label, client, {"client": cpus[client], **parts})
                        results.add("a", f"throughput {label}", "MB/s", "higher", ("ratio_ge", 1.3), client, mbps)
                        results.add("b", f"client CPU {label}", "s/GiB", "lower", ("ratio_le", CPU_TARGET[label]), client, cpus[client])
                    if floor:
                        _, cpu = figures.bulk(floor[0].pid, floor[1], args.size, args.timeout, framed=True)
                        results.add_floor(label, cpu, cpus["ssh"])
            finally:
                for process, _, _ in tunnels.values():
                    sandbox.stop(process)
                if floor:
                    sandbox.stop(floor[0])
        if "b" in args.figures and not args.no_floor:
            log(f"floor: plain relay, {args.size} bytes x {reps}")
            process, port = sandbox.start_floor_relay(args.bench_binary, sandbox.sink_port, "none")
            try:
                for _ in range(reps):
                    _, cpu = figures.bulk(process.pid, port, args.size, args.timeout)
                    results.add_floor(PLAIN_RELAY, cpu, 0)
            finally:
                sandbox.stop(process)
    if "c" in args.figures:
        log(f"setup x {reps} pairs (curve25519-sha256, aes128-gcm)")
        for _ in range(reps):
            for client in CLIENTS:
                process, port, started = sandbox.start_tunnel(client, sandbox.echo_port)
                try:
                    first, accept = figures.setup(process, port, started, args.accepts)
                finally:
                    sandbox.stop(process)
                results.add("c", "start to first echo", "ms", "lower", ("ratio_le", 0.5), client, first * 1e3)
                results.add("c", "accept to first echo", "ms", "lower", ("abs_le", 5.0), client, accept * 1e3)
    if "d" in args.figures:
        log(f"round trips, {args.pings} per size x {reps} pairs")
        for _ in range(reps):
            for client in CLIENTS:
                p = run_tunnel(sandbox, client, sandbox.echo_port, "aes128-gcm@openssh.com", None,
                               lambda process, port, _: figures.round_trip(process.pid, port, args.pings))
                results.add("d", "1 B p50", "us", "lower", ("ratio_le", 1.0), client, p[0])
                results.add("d", "1 B p99", "us", "lower", None, client, p[1])
                results.add("d", "1 KiB p50", "us", "lower", ("ratio_le", 1.0), client, p[2])
                results.add("d", "1 KiB p99", "us", "lower", None, client, p[3])
                results.add("d", "1 B client CPU per trip", "us", "lower", None, client, p[4])
    if "e" in args.figures:
        log(f"{args.connections} x {args.connection_size} bytes concurrent, then {args.idle} idle, x {reps} pairs")
        for _ in range(reps):
            for client in CLIENTS:
                mbps, cpu = run_tunnel(sandbox, client, sandbox.sink_port, "aes128-gcm@openssh.com", None,
                                       lambda process, port, _: figures.many(process.pid, port, args.connections,
                                                                             args.connection_size, args.timeout))
                results.add("e", f"{args.connections} concurrent", "MB/s", "higher", None, client, mbps)
                results.add("e", f"{args.connections} concurrent CPU", "s", "lower", None, client, cpu)
                peak, per = run_tunnel(sandbox, client, sandbox.echo_port, "aes128-gcm@openssh.com", None,
                                       lambda process, port, _: figures.idle(process.pid, port, args.idle))
                results.add("e", f"{args.idle} idle peak RSS", "KiB", "lower", ("ratio_le", 1.0), client, peak)
                results.add("e", f"{args.idle} idle RSS per conn", "KiB", "lower", ("abs_le", 128.0), client, per)


def openssl_speed(name, seconds, decrypt=False, hmac=False):
    argv = ["openssl", "speed", "-bytes", "32768", "-seconds", str(seconds)]
    argv += ["-hmac", name] if hmac else (["-decrypt"] if decrypt else []) + ["-evp", name]
    output = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
    last = [line for line in output.splitlines() if line.strip()][-1]
    return float(last.split()[-1].rstrip("k")) * 1e3 / 1e6  # 1000s of bytes/s -> MB/s


def micro(args, bench_binary):
    """Point 2: swiftssh-bench's seal+open against openssl speed's encrypt-then-decrypt rate for the same
    primitives, 1 / (1/enc + 1/dec), with the HMAC added on each side for CTR+HMAC. Both divide by CPU
    time. Per cipher, the two alternate for --micro-pairs pairs and the ratio is taken within each pair."""
    rows = []
    for label, (name, digest) in OPENSSL_SPEED.items():
        pairs = {"protection": [], "encoder+decoder": []}
        for _ in range(args.micro_pairs):
            argv = [bench_binary, "--json", "--seconds", str(args.micro_seconds), "--cipher", label]
            ours = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600).stdout)
            enc = openssl_speed(name, args.micro_seconds)
            dec = openssl_speed(name, args.micro_seconds, decrypt=True)
            per_byte = 1 / enc + 1 / dec
            seal_per_byte = 1 / enc  # what a sender pays: encrypt (and MAC) once
            if digest:
                hmac = openssl_speed(digest, args.micro_seconds, hmac=True)
                per_byte += 2 / hmac
                seal_per_byte += 1 / hmac
            for record in ours:
                pairs[record["path"]].append((record, enc, dec, 1 / per_byte, 1 / seal_per_byte))
        for path, samples in pairs.items():
            med = lambda key: statistics.median(key(x) for x in samples)  # noqa: E731
            ratios = [record["seal_open_mbps"] / reference for record, _, _, reference, _ in samples]
            ratio = statistics.median(ratios)
            rows.append({"cipher": label, "path": path, "pairs": len(samples),
                         "seal_mbps": med(lambda x: x[0]["seal_mbps"]), "open_mbps": med(lambda x: x[0]["open_mbps"]),
                         "seal_open_mbps": med(lambda x: x[0]["seal_open_mbps"]),
                         "openssl_enc_mbps": med(lambda x: x[1]), "openssl_dec_mbps": med(lambda x: x[2]),
                         "openssl_seal_open_mbps": med(lambda x: x[3]), "openssl_seal_mbps": med(lambda x: x[4]),
                         "ratio": ratio, "ratio_min": min(ratios), "ratio_max": max(ratios), "met": ratio >= 0.7})
    return rows


def main():
    parser = argparse.ArgumentParser(prog="Scripts/bench", description=__doc__)
    parser.add_argument("--size", type=parse_size, default=parse_size("1G"), help="bulk bytes per transfer (default 1G)")
    parser.add_argument("--repetitions", "-r", type=int, default=3, help="pairs per figure (default 3)")
    parser.add_argument("--cipher", dest="ciphers", action="append", choices=list(CIPHERS), help="repeatable; default all")
    parser.add_argument("--figures", default="abcde", help="subset of abcde (default all)")
    parser.add_argument("--accepts", type=int, default=20, help="connections per setup run for accept-to-echo (default 20)")
    parser.add_argument("--pings", type=int, default=2000, help="ping-pongs per size (default 2000)")
    parser.add_argument("--connections", type=int, default=200, help="concurrent connections in figure e (default 200)")
    parser.add_argument("--connection-size", type=parse_size, default=parse_size("4M"), help="bytes each of them sends (default 4M)")
    parser.add_argument("--idle", type=int, default=1000, help="idle forwarded connections (default 1000)")
    parser.add_argument("--micro-seconds", type=int, default=1, help="seconds per packet measurement (default 1)")
    parser.add_argument("--micro-pairs", type=int, default=3, help="swiftssh-bench/openssl pairs per cipher (default 3)")
    parser.add_argument("--no-micro", action="store_true", help="skip the packet micro-benchmark")
    parser.add_argument("--no-floor", action="store_true", help="skip the CPU floor measured beside figure b")
    parser.add_argument("--timeout", type=float, default=300, help="seconds any one transfer may take")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    parser.add_argument("--swiftssh", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--bench-binary", required=True, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.ciphers = args.ciphers or list(CIPHERS)
    if args.repetitions < 1 or args.repetitions > 50:
        parser.error("--repetitions must be 1..50")
    if not args.figures or set(args.figures) - set("abcde"):
        parser.error("--figures takes letters from abcde")
    if not 1 <= args.micro_pairs <= 20 or not 1 <= args.connections <= 1000 or not 2 <= args.idle <= 5000:
        parser.error("--micro-pairs 1..20, --connections 1..1000, --idle 2..5000")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 16384) if hard != resource.RLIM_INFINITY else 16384
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    if args.idle * 2 + 64 > max(soft, want):
        parser.error(f"--idle {args.idle} needs more file descriptors than the limit {want}")

    report = {"machine": machine(), "settings": {k: v for k, v in vars(args).items() if k not in ("swiftssh", "bench_binary")}}
    sandbox = Sandbox(args.swiftssh)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    try:
        if not args.no_micro:
            log("packet micro-benchmark")
            report["micro"] = micro(args, args.bench_binary)
        sandbox.start()
        results = Results()
        started = time.monotonic()
        measure(args, sandbox, results)
        report["duration_s"] = round(time.monotonic() - started, 1)
        report["figures"] = results.summary()
        seal_rates = {bulk: row["openssl_seal_mbps"] for row in report.get("micro", []) for bulk, name in FLOOR_CIPHER.items()
                      if row["cipher"] == name and row["path"] == "protection"}
        report["floor"] = results.floor_summary(seal_rates)
        report["pipeline"] = results.pipeline_summary()
        report["machine"]["loadavg_at_end"] = os.getloadavg()
    finally:
        sandbox.close()

    if args.json:
        print(json.dumps(report, indent=2))
        return
    m = report["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores, Linux {m['kernel']}; {m['openssh']}; {m['openssl']}")
    print(f"load average at start {m['loadavg_at_start'][0]:.2f}, at end {m['loadavg_at_end'][0]:.2f} "
          f"(other processes share these cores)")
    print(f"bulk size {args.size} bytes one way (client -> sink); {args.repetitions} pairs, alternating swiftssh, ssh")
    if "micro" in report:
        print()
        print_micro(report["micro"])
    print()
    print_table(report["figures"])
    if report["floor"]:
        print()
        print_floor(report["floor"])
    if report["pipeline"]:
        print()
        print_pipeline(report["pipeline"])


if __name__ == "__main__":
    main()
