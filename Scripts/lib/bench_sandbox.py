"""The processes Scripts/bench runs: a throwaway sshd on 127.0.0.1, the sink and echo servers, and
the tunnel clients (swiftssh tunnel, ssh -N -L). Every process started here is registered and stopped
by Sandbox.close(), which Scripts/bench calls on every exit path."""
import getpass
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout, process=None):
    """Connects until something listens on 127.0.0.1:port; returns the connected socket."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process {process.args[0]} exited with {process.returncode} before listening")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect(("127.0.0.1", port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s
        except OSError:
            s.close()
            time.sleep(0.001)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


def cpu_seconds(pid):
    """user + sys CPU seconds of a live process, all threads (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid):
    """CPU seconds of a live process's current threads from /proc/PID/task/*/schedstat, in nanoseconds
    rather than clock ticks (a tick is 10 ms: too coarse for the CPU of a few thousand round trips).
    Falls back to cpu_seconds where the kernel has no schedstat."""
    try:
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except OSError:
                continue  # a thread that ended meanwhile
        return total / 1e9
    except OSError:
        return cpu_seconds(pid)


def tree_cpu_seconds(root):
    """user + sys CPU seconds of `root` and every live descendant (sshd forks a process per connection)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])))
    total = 0
    for pid, (_, ticks) in parents.items():
        node, depth = pid, 0
        while node in parents and node != root and depth < 64:
            node, depth = parents[node][0], depth + 1
        if node == root:
            total += ticks
    return total / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    """(VmRSS, VmHWM) of a live process in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


class Sandbox:
    def __init__(self, swiftssh):
        self.swiftssh = swiftssh
        self.processes = []
        self.servers = {}  # "sink" / "echo" -> process
        self.workdir = tempfile.mkdtemp(prefix="swiftssh-bench.")
        self.user = getpass.getuser()

    # -- lifecycle ---------------------------------------------------------------------------

    def spawn(self, argv, **kwargs):
        process = subprocess.Popen(argv, start_new_session=True, **kwargs)
        self.processes.append(process)
        return process

    def stop(self, process, timeout=5):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout)
        if process in self.processes:
            self.processes.remove(process)
        return process.returncode

    def close(self):
        for process in list(self.processes):
            self.stop(process)
        subprocess.run(["rm", "-rf", self.workdir], check=False)

    # -- servers -----------------------------------------------------------------------------

    def start(self):
        w = self.workdir
        os.makedirs("/run/sshd", exist_ok=True)
        for name in ("host_ed25519", "client_ed25519"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{w}/{name}"], check=True)
        os.chmod(w, 0o700)
        with open(f"{w}/client_ed25519.pub") as f, open(f"{w}/authorized_keys", "w") as out:
            out.write(f.read())
        self.sshd_port = free_port()
        with open(f"{w}/sshd_config", "w") as f:
            f.write("\n".join([
                "ListenAddress 127.0.0.1", f"Port {self.sshd_port}", "AddressFamily inet",
                f"HostKey {w}/host_ed25519", "PidFile none", "UsePAM no", "StrictModes no", "UseDNS no",
                "PrintMotd no", "PrintLastLog no", f"AuthorizedKeysFile {w}/authorized_keys",
                "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password", "AllowTcpForwarding yes", "MaxStartups 100:30:200",
                "LogLevel ERROR",
                "Ciphers chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes256-ctr",
                "MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512",
                "",
            ]))
        with open(f"{w}/host_ed25519.pub") as f:
            host_key = " ".join(f.read().split()[:2])
        with open(f"{w}/known_hosts", "w") as f:
            f.write(f"[127.0.0.1]:{self.sshd_port} {host_key}\n")
        self.sshd_log = open(f"{w}/sshd.log", "w")
        self.sshd = self.spawn(["/usr/sbin/sshd", "-D", "-e", "-f", f"{w}/sshd_config"],
                               stdout=self.sshd_log, stderr=subprocess.STDOUT)
        wait_for_port(self.sshd_port, 10, self.sshd).close()
        self.sink_port = self._start_server("sink")
        self.echo_port = self._start_server("echo")

    def _start_server(self, mode):
        port_file = f"{self.workdir}/{mode}.port"
        process = self.spawn([sys.executable, f"{HERE}/bench_servers.py", mode, port_file])
        self.servers[mode] = process
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the {mode} server did not start")
            time.sleep(0.01)
        with open(port_file) as f:
            return int(f.read())

    # -- tunnels -----------------------------------------------------------------------------

    def tunnel_argv(self, client, local_port, target_port, cipher, mac):
        """The same flags for both clients: ssh's syntax, which swiftssh tunnel mirrors."""
        w = self.workdir
        options = ["-o", "KexAlgorithms=curve25519-sha256", "-o", f"Ciphers={cipher}",
                   "-o", f"UserKnownHostsFile={w}/known_hosts", "-o", "StrictHostKeyChecking=yes",
                   "-o", "IdentitiesOnly=yes"]
        if mac:
            options += ["-o", f"MACs={mac}"]
        common = ["-F", "none", "-p", str(self.sshd_port), "-l", self.user, "-i", f"{w}/client_ed25519",
                  *options, "-L", f"127.0.0.1:{local_port}:127.0.0.1:{target_port}", "127.0.0.1"]
        if client == "swiftssh":
            return [self.swiftssh, "tunnel", *common]
        # ssh-only settings that match swiftssh's behaviour: no prompts, exit when the forward cannot
        # listen, no host-key rotation traffic.
        return ["ssh", "-N", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "UpdateHostKeys=no", *common]

    def start_tunnel(self, client, target_port, cipher="aes128-gcm@openssh.com", mac=None):
        """Starts a tunnel; returns (process, local port, start time) without waiting for it."""
        local_port = free_port()
        argv = self.tunnel_argv(client, local_port, target_port, cipher, mac)
        log = open(f"{self.workdir}/{client}-{local_port}.log", "w")
        started = time.monotonic()
        process = self.spawn(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        return process, local_port, started

    def start_floor_relay(self, bench_binary, target_port, cipher_label):
        """Starts `swiftssh-bench relay` (the CPU floor: socket copies and packet sealing, nothing
        else) in front of `target_port`; returns (process, local port) once it listens."""
        local_port = free_port()
        log = open(f"{self.workdir}/floor-{local_port}.log", "w")
        process = self.spawn([bench_binary, "relay", "--listen", str(local_port), "--to", str(target_port),
                              "--cipher", cipher_label], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(local_port, 30, process).close()
        return process, local_port

    def tunnel_log(self, client, local_port):
        try:
            with open(f"{self.workdir}/{client}-{local_port}.log") as f:
                return f.read()[-2000:]
        except OSError:
            return ""
