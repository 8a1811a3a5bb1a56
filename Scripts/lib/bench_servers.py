#!/usr/bin/env python3
"""Loopback target servers for Scripts/bench, one per process, single-threaded (selectors).

  bench_servers.py sink PORTFILE   reads every connection to EOF, then replies with the byte count
                                   as 8 big-endian bytes and closes.
  bench_servers.py echo PORTFILE   echoes every byte back.

Each listens on 127.0.0.1 port 0 and writes the port it got to PORTFILE; it exits on SIGTERM or when
its parent dies (checked every second).
"""
import os
import selectors
import signal
import socket
import struct
import sys

BUFFER = 256 * 1024


def serve(mode, port_file):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    listener.setblocking(False)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    parent = os.getppid()
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    scratch = bytearray(BUFFER)
    view = memoryview(scratch)
    counts = {}
    pending = {}  # echo: bytes not yet written back
    while True:
        if os.getppid() != parent:
            return
        for key, _ in selector.select(timeout=1.0):
            sock = key.fileobj
            if sock is listener:
                for _ in range(256):
                    try:
                        conn, _ = listener.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    counts[conn] = 0
                    selector.register(conn, selectors.EVENT_READ, None)
                continue
            try:
                n = sock.recv_into(view)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                n = 0
            if n == 0:
                selector.unregister(sock)
                if mode == "sink":
                    try:
                        sock.setblocking(True)
                        sock.settimeout(10)
                        sock.sendall(struct.pack(">Q", counts[sock]))
                    except OSError:
                        pass
                counts.pop(sock, None)
                pending.pop(sock, None)
                sock.close()
                continue
            counts[sock] += n
            if mode == "echo":
                # Small echoes: write back at once; a full socket buffer falls back to blocking
                # briefly (the echo traffic in the benchmark is at most 1 KiB per message).
                data = bytes(view[:n])
                sock.setblocking(True)
                sock.settimeout(10)
                try:
                    sock.sendall(data)
                except OSError:
                    pass
                sock.setblocking(False)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("sink", "echo"):
        sys.exit("usage: bench_servers.py sink|echo PORTFILE")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
