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
from bench_sandbox import Sandbox, cpu_seconds  # noqa: E402

CIPHERS = {  # label -> (Ciphers=, MACs=)
    "chacha20-poly1305": ("chacha20-poly1305@openssh.com", None),
    "aes128-gcm": ("aes128-gcm@openssh.com", None),
    "aes256-gcm": ("aes256-gcm@openssh.com", None),
    "aes128-ctr+etm": ("aes128-ctr", "hmac-sha2-256-etm@openssh.com"),
}
# Targets of issue 7 as (direction, bound): "le" means ratio swiftssh/ssh <= bound.
CPU_TARGET = {"chacha20-poly1305": 0.4, "aes128-gcm": 0.6, "aes256-gcm": 0.6, "aes128-ctr+etm": 0.5}
OPENSSL_SPEED = {  # micro-benchmark label -> openssl speed -evp names (cipher, optional hmac digest)
    "chacha20-poly1305@openssh.com": ("chacha20-poly1305", None),
    "aes128-gcm@openssh.com": ("aes-128-gcm", None),
    "aes256-gcm@openssh.com": ("aes-256-gcm", None),
    "aes128-ctr+hmac-sha2-256-etm@openssh.com": ("aes-128-ctr", "sha256"),
}
CLIENTS = ("swiftssh", "ssh")


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


class Results:
    """Samples per figure and client, in pair order, so ratios are taken within each pair."""

    def __init__(self):
        self.rows = []  # (figure, label, unit, better, target, {client: [samples]})
        self.index = {}

    def add(self, figure, label, unit, better, target, client, value):
        key = (figure, label)
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append([figure, label, unit, better, target, {c: [] for c in CLIENTS}])
        self.rows[self.index[key]][5][client].append(value)

    def summary(self):
        out = []
        for figure, label, unit, better, target, samples in self.rows:
            a, b = samples["swiftssh"], samples["ssh"]
            ratios = [x / y for x, y in zip(a, b) if y]
            row = {"figure": figure, "label": label, "unit": unit, "better": better, "pairs": min(len(a), len(b))}
            for client, values in samples.items():
                if values:
                    row[client] = {"median": statistics.median(values), "min": min(values), "max": max(values),
                                   "samples": values}
            if ratios:
                row["ratio"] = {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}
            if target is not None:
                kind, bound = target
                value = row.get("ratio", {}).get("median") if kind.startswith("ratio") else row.get("swiftssh", {}).get("median")
                row["target"] = f"{'ratio' if kind.startswith('ratio') else 'swiftssh'} {'<=' if kind.endswith('le') else '>='} {bound:g}"
                if value is not None:
                    row["met"] = value <= bound if kind.endswith("le") else value >= bound
            out.append(row)
        return out


def fmt(value):
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def print_table(rows):
    print(f"{'figure':<44}{'swiftssh median [min-max]':<30}{'ssh median [min-max]':<30}"
          f"{'ratio median [min-max]':<26}{'target':<22}met")
    for row in rows:
        cells = []
        for client in CLIENTS:
            s = row.get(client)
            cells.append(f"{fmt(s['median'])} [{fmt(s['min'])}-{fmt(s['max'])}]" if s else "-")
        r = row.get("ratio")
        ratio = f"{r['median']:.2f} [{r['min']:.2f}-{r['max']:.2f}]" if r else "-"
        met = {True: "yes", False: "NO"}.get(row.get("met"), "")
        print(f"{row['figure'] + ' ' + row['label'] + ' (' + row['unit'] + ')':<44}{cells[0]:<30}{cells[1]:<30}"
              f"{ratio:<26}{row.get('target', ''):<22}{met}")


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
                for _ in range(reps):
                    for client in CLIENTS:
                        process, port, _ = tunnels[client]
                        mbps, cpu = figures.bulk(process.pid, port, args.size, args.timeout)
                        results.add("a", f"throughput {label}", "MB/s", "higher", ("ratio_ge", 1.3), client, mbps)
                        results.add("b", f"client CPU {label}", "s/GiB", "lower", ("ratio_le", CPU_TARGET[label]), client, cpu)
            finally:
                for process, _, _ in tunnels.values():
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
                               lambda process, port, _: figures.round_trip(port, args.pings))
                results.add("d", "1 B p50", "us", "lower", ("ratio_le", 1.0), client, p[0])
                results.add("d", "1 B p99", "us", "lower", None, client, p[1])
                results.add("d", "1 KiB p50", "us", "lower", ("ratio_le", 1.0), client, p[2])
                results.add("d", "1 KiB p99", "us", "lower", None, client, p[3])
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
            if digest:
                per_byte += 2 / openssl_speed(digest, args.micro_seconds, hmac=True)
            for record in ours:
                pairs[record["path"]].append((record, enc, dec, 1 / per_byte))
        for path, samples in pairs.items():
            med = lambda key: statistics.median(key(x) for x in samples)  # noqa: E731
            ratios = [record["seal_open_mbps"] / reference for record, _, _, reference in samples]
            ratio = statistics.median(ratios)
            rows.append({"cipher": label, "path": path, "pairs": len(samples),
                         "seal_mbps": med(lambda x: x[0]["seal_mbps"]), "open_mbps": med(lambda x: x[0]["open_mbps"]),
                         "seal_open_mbps": med(lambda x: x[0]["seal_open_mbps"]),
                         "openssl_enc_mbps": med(lambda x: x[1]), "openssl_dec_mbps": med(lambda x: x[2]),
                         "openssl_seal_open_mbps": med(lambda x: x[3]),
                         "ratio": ratio, "ratio_min": min(ratios), "ratio_max": max(ratios), "met": ratio >= 0.7})
    return rows


def print_micro(rows):
    print(f"{'cipher (32 KiB packets, MB per CPU second)':<44}{'path':<17}{'seal':>7}{'open':>7}{'seal+open':>11}"
          f"{'openssl enc':>13}{'dec':>7}{'enc+dec':>9}{'ratio [min-max]':>19}  target >=0.7")
    for r in rows:
        ratio = f"{r['ratio']:.2f} [{r['ratio_min']:.2f}-{r['ratio_max']:.2f}]"
        print(f"{r['cipher']:<44}{r['path']:<17}{r['seal_mbps']:>7.0f}{r['open_mbps']:>7.0f}{r['seal_open_mbps']:>11.0f}"
              f"{r['openssl_enc_mbps']:>13.0f}{r['openssl_dec_mbps']:>7.0f}{r['openssl_seal_open_mbps']:>9.0f}"
              f"{ratio:>19}  {'yes' if r['met'] else 'NO'}")


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


if __name__ == "__main__":
    main()
