"""What Scripts/bench prints: the samples of each figure per client, kept in pair order so that ratios
are taken within each pair, and the tables (figures, micro-benchmark, CPU floor, pipeline)."""
import os
import statistics

CLIENTS = ("swiftssh", "ssh")
# The floor row of the relay that copies bytes unchanged (the kernel's share alone).
PLAIN_RELAY = "plain relay, no crypto"
# Targets of issue 7 for figure b: ratio swiftssh/ssh of client CPU per GiB at most this.
CPU_TARGET = {"chacha20-poly1305": 0.4, "aes128-gcm": 0.6, "aes256-gcm": 0.6, "aes128-ctr+etm": 0.5}


class Results:
    """Samples per figure and client, in pair order, so ratios are taken within each pair."""

    def __init__(self):
        self.rows = []  # (figure, label, unit, better, target, {client: [samples]})
        self.index = {}

        self.floor = {}  # cipher label -> {"floor": [s/GiB], "ssh": [s/GiB]}, in run order
        self.pipeline = {}  # (cipher label, client) -> {part: [s/GiB]}

    def add_pipeline(self, label, client, parts):
        """CPU s/GiB of every process in one bulk transfer's path (client, sshd, sink, load generator)."""
        samples = self.pipeline.setdefault((label, client), {})
        for part, value in parts.items():
            samples.setdefault(part, []).append(value)

    def pipeline_summary(self):
        out = []
        for (label, client), parts in self.pipeline.items():
            row = {"cipher": label, "who": client}
            row.update({part: statistics.median(values) for part, values in parts.items()})
            out.append(row)
        return out

    def add_floor(self, label, floor, ssh):
        """One run of the floor relay, with the ssh run of the same repetition for the ratio."""
        samples = self.floor.setdefault(label, {"floor": [], "ssh": []})
        samples["floor"].append(floor)
        samples["ssh"].append(ssh)

    def floor_summary(self, seal_rates):
        """Per cipher: the minimal relay's CPU, and the bound below which no client can go here: copying
        the bytes with no crypto at all (the plain relay) plus sealing them at `openssl speed`'s rate
        (`seal_rates`, MB/s, from the micro-benchmark; absent with --no-micro)."""
        plain = self.floor.get(PLAIN_RELAY, {}).get("floor")
        plain_median = statistics.median(plain) if plain else None
        out = []
        for label, samples in self.floor.items():
            ratios = [f / s for f, s in zip(samples["floor"], samples["ssh"]) if s]
            row = {"cipher": label, "floor": {"median": statistics.median(samples["floor"]), "min": min(samples["floor"]),
                                              "max": max(samples["floor"]), "samples": samples["floor"]}}
            if label in CPU_TARGET and ratios:
                ssh = statistics.median(samples["ssh"])
                row["ssh_median"] = ssh
                row["ratio"] = {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}
                row["target"] = CPU_TARGET[label]
                row["target_above_floor"] = CPU_TARGET[label] >= row["ratio"]["median"]
                if plain_median is not None and label in seal_rates:
                    bound = plain_median + 2**30 / (seal_rates[label] * 1e6)
                    row["bound"] = bound
                    row["bound_ratio"] = bound / ssh
                    row["target_above_bound"] = CPU_TARGET[label] >= bound / ssh
            out.append(row)
        return out

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


def print_pipeline(rows):
    cores = os.cpu_count()
    print(f"where figure a's CPU goes: every process on the transfer's path, s/GiB (medians); the {cores} cores")
    print("allow at most cores / total GiB/s, which bounds the throughput of both clients")
    print(f"{'cipher':<20}{'tunnel':<10}{'client':>8}{'sshd':>8}{'sink':>8}{'load gen':>10}{'total':>8}{'cores allow MB/s':>18}")
    for r in rows:
        total = r["client"] + r["sshd"] + r["sink"] + r["load generator"]
        bound = cores / total * 2**30 / 1e6 if total else 0
        print(f"{r['cipher']:<20}{r['who']:<10}{r['client']:>8.2f}{r['sshd']:>8.2f}{r['sink']:>8.2f}"
              f"{r['load generator']:>10.2f}{total:>8.2f}{bound:>18.0f}")


def print_floor(rows):
    print("CPU floor of figure b, s/GiB. relay: swiftssh-bench relay, which reads up to 256 KiB, seals 32 KiB")
    print("CHANNEL_DATA packets with PacketEncoder and writes them (blocking I/O, no SSH state, no event loop).")
    print("bound: the plain relay's copying plus sealing at openssl speed's rate, the least any client can spend.")
    print(f"{'cipher':<26}{'relay [min-max]':<20}{'relay/ssh':<11}{'bound':<8}{'bound/ssh':<11}{'ssh':<7}{'target':<9}"
          "target reachable")
    for r in rows:
        f = r["floor"]
        cells = f"{r['cipher']:<26}{fmt(f['median']) + ' [' + fmt(f['min']) + '-' + fmt(f['max']) + ']':<20}"
        if "ratio" in r:
            cells += f"{r['ratio']['median']:<11.2f}"
            if "bound" in r:
                cells += f"{fmt(r['bound']):<8}{r['bound_ratio']:<11.2f}"
                verdict = "yes" if r["target_above_bound"] else "NO: below copying + sealing alone"
            else:
                cells += f"{'-':<8}{'-':<11}"
                verdict = "yes" if r["target_above_floor"] else "NO: below the relay (run with the micro-benchmark for the bound)"
            cells += f"{fmt(r['ssh_median']):<7}{'<= ' + format(r['target'], 'g'):<9}{verdict}"
        print(cells)


def print_micro(rows):
    print(f"{'cipher (32 KiB packets, MB per CPU second)':<44}{'path':<17}{'seal':>7}{'open':>7}{'seal+open':>11}"
          f"{'openssl enc':>13}{'dec':>7}{'enc+dec':>9}{'ratio [min-max]':>19}  target >=0.7")
    for r in rows:
        ratio = f"{r['ratio']:.2f} [{r['ratio_min']:.2f}-{r['ratio_max']:.2f}]"
        print(f"{r['cipher']:<44}{r['path']:<17}{r['seal_mbps']:>7.0f}{r['open_mbps']:>7.0f}{r['seal_open_mbps']:>11.0f}"
              f"{r['openssl_enc_mbps']:>13.0f}{r['openssl_dec_mbps']:>7.0f}{r['openssl_seal_open_mbps']:>9.0f}"
              f"{ratio:>19}  {'yes' if r['met'] else 'NO'}")
