#!/usr/bin/env python3
"""Regenerates the libFuzzer seed corpus in Fixtures/fuzz/<Target>/ (run from anywhere).

Seeds are small valid (or nearly valid) inputs for each fuzz target in Fuzz/Sources; libFuzzer
mutates them. Key and known_hosts seeds are taken from Fixtures/keys and Fixtures/known-hosts.
"""
import base64, os, struct, pathlib

root = pathlib.Path(__file__).resolve().parent
fixtures = root.parent

def u32(v): return struct.pack(">I", v)
def string(b): return u32(len(b)) + (b if isinstance(b, bytes) else b.encode())
def namelist(names): return string(",".join(names))
def boolean(v): return bytes([1 if v else 0])

def packet(payload, block=8):
    padding = block - (5 + len(payload)) % block
    if padding < 4: padding += block
    return u32(1 + len(payload) + padding) + bytes([padding]) + payload + bytes(padding)

def write(target, name, data):
    d = root / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

kexinit = bytes([20]) + bytes(16) + b"".join(namelist(l) for l in [
    ["curve25519-sha256", "ext-info-s", "kex-strict-s-v00@openssh.com"], ["ssh-ed25519"],
    ["aes128-gcm@openssh.com"], ["aes128-gcm@openssh.com"], ["hmac-sha2-256"], ["hmac-sha2-256"],
    ["none"], ["none"], [], []]) + boolean(False) + u32(0)

payloads = {
    "disconnect": bytes([1]) + u32(11) + string("bye") + string(""),
    "ignore": bytes([2]) + string(b"\x00" * 8),
    "unimplemented": bytes([3]) + u32(7),
    "debug": bytes([4]) + boolean(True) + string("dbg \x1b[31m") + string(""),
    "service-accept": bytes([6]) + string("ssh-userauth"),
    "ext-info": bytes([7]) + u32(1) + string("server-sig-algs") + string("ssh-ed25519,rsa-sha2-512"),
    "kexinit": kexinit,
    "newkeys": bytes([21]),
    "kex-ecdh-reply": bytes([31]) + string(string("ssh-ed25519") + string(bytes(32))) + string(bytes(32)) + string(string("ssh-ed25519") + string(bytes(64))),
    "userauth-failure": bytes([51]) + namelist(["publickey", "password", "keyboard-interactive"]) + boolean(False),
    "userauth-success": bytes([52]),
    "banner": bytes([53]) + string("Welcome\n") + string(""),
    "info-request": bytes([60]) + string("name") + string("instr") + string("") + u32(1) + string("Password: ") + boolean(False),
    "global-request": bytes([80]) + string("hostkeys-00@openssh.com") + boolean(False),
    "request-success": bytes([81]),
    "channel-open": bytes([90]) + string("forwarded-tcpip") + u32(5) + u32(65536) + u32(32768) + string("127.0.0.1") + u32(80) + string("127.0.0.1") + u32(9),
    "open-confirmation": bytes([91]) + u32(0) + u32(100) + u32(65536) + u32(32768),
    "open-failure": bytes([92]) + u32(0) + u32(2) + string("no") + string(""),
    "window-adjust": bytes([93]) + u32(0) + u32(1000),
    "data": bytes([94]) + u32(0) + string("hello"),
    "extended-data": bytes([95]) + u32(0) + u32(1) + string("err"),
    "eof": bytes([96]) + u32(0),
    "close": bytes([97]) + u32(0),
    "channel-request": bytes([98]) + u32(0) + string("exit-status") + boolean(False) + u32(0),
    "channel-success": bytes([99]) + u32(0),
}

# FuzzWire: selector byte, then primitives.
write("FuzzWire", "seed-primitives", bytes([0]) + u32(7) + bytes(8) + boolean(True) + string("text") + string(b"\x00\x80") + namelist(["a", "b"]))
write("FuzzWire", "seed-mpint", bytes([5]) + string(b"\x00\xff\x01") + string(b"\x80") + string(b""))
# FuzzVersionLine: chunk-size byte, then the server's first bytes.
write("FuzzVersionLine", "seed-plain", bytes([4]) + b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
write("FuzzVersionLine", "seed-preamble", bytes([1]) + b"hello\r\nworld\nSSH-1.99-Old\r\n")
write("FuzzVersionLine", "seed-small-limits", bytes([0x83]) + b"a\r\nb\r\nc\r\nSSH-2.0-x\r\n")
# FuzzPacketDecoder: protection/chunk byte (0 = cleartext), then packets.
write("FuzzPacketDecoder", "seed-cleartext", bytes([0]) + packet(payloads["ignore"]) + packet(kexinit))
for mode in range(1, 5):
    write("FuzzPacketDecoder", f"seed-mode{mode}", bytes([mode]) + u32(28) + bytes(28 + 32))
# FuzzMessages: one payload per message.
for name, payload in payloads.items():
    write("FuzzMessages", "seed-" + name, payload)
# FuzzClientCore: even = raw server stream, odd = payloads after a real handshake.
write("FuzzClientCore", "seed-raw-stream", bytes([8]) + b"SSH-2.0-Seed\r\n" + packet(kexinit))
write("FuzzClientCore", "seed-payloads", bytes([1]) + b"".join(struct.pack(">H", len(p)) + p for n, p in payloads.items()
                                                            if n in ("data", "window-adjust", "global-request", "eof", "close", "ignore", "debug")))
write("FuzzClientCore", "seed-disconnect", bytes([3]) + struct.pack(">H", len(payloads["disconnect"])) + payloads["disconnect"])
# FuzzKeyBlobs: blobs from the public-key fixtures (string-wrapped), followed by a signature blob.
signature = string(string("ssh-ed25519") + string(bytes(64)))
for pub in sorted((fixtures / "keys").glob("*.pub")):
    fields = pub.read_text().split()
    if len(fields) >= 2:
        write("FuzzKeyBlobs", "seed-" + pub.stem, string(base64.b64decode(fields[1])) + signature)
# FuzzKeyFiles: the private-key fixtures (openssh-key-v1, PEM, PKCS#8; plain and encrypted).
for key in sorted((fixtures / "keys").iterdir()):
    if "." not in key.name:
        write("FuzzKeyFiles", "seed-" + key.name, key.read_bytes())
# FuzzKnownHosts: the known_hosts fixtures plus hand-made edge cases.
for hosts in sorted((fixtures / "known-hosts").iterdir()):
    if hosts.is_file():
        write("FuzzKnownHosts", "seed-" + hosts.name, hosts.read_bytes()[:16384])
write("FuzzKnownHosts", "seed-markers", b"@cert-authority *.internal ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOCf\n"
      b"@revoked db.internal ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOCf\n!bad,*.internal,[127.0.0.1]:2222 ssh-rsa AAAA\n"
      b"|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOCf\n")
# FuzzSSHConfig: ssh_config files (Host/Match blocks, Include of the same text, quoting, '=' forms).
write("FuzzSSHConfig", "seed-basic", b"# bastion setup\nHost bastion\n    HostName bastion.example.com\n    User ops\n    Port 2222\n"
      b"    IdentityFile ~/.ssh/id_ed25519\n\nHost db.* !db.public\n  ProxyJump bastion\n  LocalForward 5432 127.0.0.1:5432\n"
      b"Host *\n  Ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com\n")
write("FuzzSSHConfig", "seed-match", b"Match host db.internal\n  User dba\nMatch originalhost bastion !host other\n  Port 22\n"
      b"Match all\n  HostName %h.example.com\nMatch exec \"true\"\n  User skipped\n")
write("FuzzSSHConfig", "seed-quoting", b"Host=\"db.internal\"\nHostName = 'a b'\nIdentityFile \"~/my keys/id\" 'x\\'y' c\\ d\n"
      b"User\t\"unterminated\nPort=22 # trailing comment\n=\n   \r\n")
write("FuzzSSHConfig", "seed-include", b"Include self\nInclude half missing\nHost *\n  HostName %h%%%\nInclude self\n")
