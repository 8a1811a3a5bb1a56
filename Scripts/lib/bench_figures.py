"""The measurements of Scripts/bench (issue 7, figures a-e). Each function measures one client's tunnel
once and returns numbers; bench.py alternates the two clients and computes the ratios."""
import socket
import struct
import threading
import time

from bench_sandbox import cpu_seconds, memory_kib, thread_cpu_seconds, wait_for_port

CHUNK = 1024 * 1024


def _connect(port, timeout=30):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _send_to_sink(port, size, timeout, framed=False):
    """Sends `size` bytes to the sink through the tunnel, half-closes, and waits for the count. `framed`:
    the floor relay delivers SSH packets, not the bytes, so the sink counts at least `size`."""
    payload = memoryview(bytes(CHUNK))
    s = _connect(port, timeout)
    try:
        left = size
        while left > 0:
            n = min(left, CHUNK)
            s.sendall(payload[:n])
            left -= n
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while len(reply) < 8:
            part = s.recv(8 - len(reply))
            if not part:
                break
            reply += part
    finally:
        s.close()
    count = struct.unpack(">Q", reply)[0] if len(reply) == 8 else None
    if count is None or count < size or (count != size and not framed):
        raise RuntimeError(f"the sink did not confirm {size} bytes (got {reply!r})")


def bulk(pid, port, size, timeout, framed=False):
    """Figure a and b: one connection sending `size` bytes one way. Returns (MB/s, client CPU s/GiB)."""
    cpu0 = cpu_seconds(pid)
    t0 = time.monotonic()
    _send_to_sink(port, size, timeout, framed)
    elapsed = time.monotonic() - t0
    cpu = cpu_seconds(pid) - cpu0
    return size / elapsed / 1e6, cpu / (size / 2**30)


def _ping(s, message):
    s.sendall(message)
    got = 0
    while got < len(message):
        part = s.recv(65536)
        if not part:
            raise RuntimeError("the echo connection closed")
        got += len(part)


def setup(process, port, started, accepts):
    """Figure c: process start to the first echoed byte (connecting as soon as the tunnel listens),
    then the median of `accepts` fresh connections' connect to first echoed byte. Seconds."""
    s = wait_for_port(port, 30, process)
    try:
        _ping(s, b"x")
        first = time.monotonic() - started
    finally:
        s.close()
    samples = []
    for _ in range(accepts):
        t0 = time.monotonic()
        s = _connect(port)
        try:
            _ping(s, b"x")
            samples.append(time.monotonic() - t0)
        finally:
            s.close()
    samples.sort()
    return first, samples[len(samples) // 2]


def round_trip(pid, port, count):
    """Figure d: p50 and p99 of `count` ping-pongs of 1 byte and of 1 KiB on one forwarded connection,
    in microseconds, and the client's CPU per 1-byte round trip (the steadier sign of per-message
    cost): (p50_1, p99_1, p50_1k, p99_1k, cpu_1)."""
    s = _connect(port)
    results = []
    try:
        for size in (1, 1024):
            message = b"p" * size
            for _ in range(min(50, count)):
                _ping(s, message)
            samples = []
            cpu0 = thread_cpu_seconds(pid)
            for _ in range(count):
                t0 = time.perf_counter()
                _ping(s, message)
                samples.append(time.perf_counter() - t0)
            cpu = (thread_cpu_seconds(pid) - cpu0) / count * 1e6
            samples.sort()
            results += [samples[len(samples) // 2] * 1e6, samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1e6]
            if size == 1:
                cpu_1 = cpu
        results.append(cpu_1)
    finally:
        s.close()
    return tuple(results)


def many(pid, port, connections, size, timeout):
    """Figure e, first half: `connections` concurrent connections of `size` bytes to the sink.
    Returns (aggregate MB/s, client CPU seconds)."""
    errors = []
    barrier = threading.Barrier(connections + 1, timeout=timeout)

    def worker():
        try:
            barrier.wait()
            _send_to_sink(port, size, timeout)
        except Exception as error:  # reported below, the run then fails
            errors.append(error)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    cpu0 = cpu_seconds(pid)
    t0 = time.monotonic()
    barrier.wait()
    for t in threads:
        t.join(timeout)
    elapsed = time.monotonic() - t0
    cpu = cpu_seconds(pid) - cpu0
    if errors or any(t.is_alive() for t in threads):
        raise RuntimeError(f"{len(errors)} of {connections} connections failed: {errors[:1]}")
    return connections * size / elapsed / 1e6, cpu


def idle(pid, port, count):
    """Figure e, second half: opens `count` forwarded connections to the echo server, each proven open
    by a 1-byte echo, and keeps them open. Returns (peak RSS KiB, KiB per connection beyond the first)."""
    sockets = []
    try:
        first = _connect(port)
        sockets.append(first)
        _ping(first, b"i")
        time.sleep(0.2)
        rss_one, _ = memory_kib(pid)
        for _ in range(count - 1):
            s = _connect(port)
            sockets.append(s)
            _ping(s, b"i")
        time.sleep(0.5)
        rss_all, peak = memory_kib(pid)
    finally:
        for s in sockets:
            s.close()
    return peak, (rss_all - rss_one) / max(count - 1, 1)
