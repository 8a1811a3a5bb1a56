#!/usr/bin/env python3
"""Known-answer vectors for BcryptPBKDF, from an independent implementation.

Produces the expected bytes in Tests/SSHCryptoTests/BcryptPBKDFTests.swift using pyca/bcrypt's
`bcrypt.kdf` (Rust port of OpenBSD's bcrypt_pbkdf.c); SwiftSSH's own code is not involved.

Also cross-checks against a real OpenSSH key: bcrypt-pbkdf-ed25519-pass.key (next to this
script) was made with `ssh-keygen -t ed25519 -N pass -C bcrypt-fixture` (OpenSSH 9.2p1). The
script parses its openssh-key-v1 kdfoptions (salt, rounds) by hand, derives key+IV with
bcrypt.kdf, decrypts the private section with AES-256-CTR (pyca/cryptography) and checks that the
two check-ints match — so the derivation agrees with ssh-keygen, and its bytes become a vector.

Usage: pip install bcrypt cryptography; python3 Fixtures/vectors/bcrypt-pbkdf.py
"""
import base64
import pathlib
import struct
import warnings

import bcrypt
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

warnings.simplefilter("ignore")  # bcrypt warns about low round counts; these are test vectors.

# (name, passphrase, salt, rounds, output length)
VECTORS = [
    ("rounds1_32", b"password", b"salt", 1, 32),
    ("rounds16_48", b"password", b"salt", 16, 48),
    ("rounds42_88", b"correct horse battery staple", bytes(range(16)), 42, 88),
    ("rounds1_64", b"password", b"salt", 1, 64),
    ("oneByteSalt", b"password", b"\x00", 2, 32),
    ("nonASCIIPassphrase", "pässwörd 🔑 ключ".encode("utf-8"), b"NaCl", 8, 40),
    ("oneByteOutput", b"password", b"salt", 1, 1),
    ("rounds1_129", b"p", bytes([0xFF] * 1024), 1, 129),
]


def read_string(data, offset):
    (length,) = struct.unpack(">I", data[offset:offset + 4])
    start = offset + 4
    if start + length > len(data):
        raise ValueError("truncated string")
    return data[start:start + length], start + length


def ssh_keygen_cross_check():
    path = pathlib.Path(__file__).resolve().parent / "bcrypt-pbkdf-ed25519-pass.key"
    lines = path.read_text().strip().splitlines()
    blob = base64.b64decode("".join(lines[1:-1]))
    magic = b"openssh-key-v1\x00"
    assert blob.startswith(magic)
    offset = len(magic)
    cipher_name, offset = read_string(blob, offset)
    kdf_name, offset = read_string(blob, offset)
    kdf_options, offset = read_string(blob, offset)
    assert cipher_name == b"aes256-ctr" and kdf_name == b"bcrypt", (cipher_name, kdf_name)
    salt, opt_offset = read_string(kdf_options, 0)
    (rounds,) = struct.unpack(">I", kdf_options[opt_offset:opt_offset + 4])
    (key_count,) = struct.unpack(">I", blob[offset:offset + 4])
    offset += 4
    assert key_count == 1
    _public_key, offset = read_string(blob, offset)
    encrypted, offset = read_string(blob, offset)

    derived = bcrypt.kdf(password=b"pass", salt=salt, desired_key_bytes=32 + 16, rounds=rounds)
    decryptor = Cipher(algorithms.AES(derived[:32]), modes.CTR(derived[32:])).decryptor()
    plain = decryptor.update(encrypted) + decryptor.finalize()
    check1, check2 = struct.unpack(">II", plain[:8])
    assert check1 == check2, "check-ints differ: wrong key"
    # Also make sure a wrong passphrase does NOT give matching check-ints.
    wrong = bcrypt.kdf(password=b"pasS", salt=salt, desired_key_bytes=48, rounds=rounds)
    bad = Cipher(algorithms.AES(wrong[:32]), modes.CTR(wrong[32:])).decryptor().update(encrypted[:8])
    assert bad[:4] != bad[4:8]
    print(f"ssh-keygen cross-check OK: check-ints {check1:#010x} == {check2:#010x}")
    print(f"sshKeygen: passphrase b'pass' salt={salt.hex()} rounds={rounds} length=48")
    print(f"    {derived.hex()}")


def main():
    for name, passphrase, salt, rounds, length in VECTORS:
        out = bcrypt.kdf(password=passphrase, salt=salt, desired_key_bytes=length, rounds=rounds)
        salt_text = salt.hex() if len(salt) <= 32 else f"{salt[:4].hex()}... ({len(salt)} bytes)"
        print(f"{name}: passphrase={passphrase.hex()} salt={salt_text} rounds={rounds} length={length}")
        print(f"    {out.hex()}")
    ssh_keygen_cross_check()


if __name__ == "__main__":
    main()
