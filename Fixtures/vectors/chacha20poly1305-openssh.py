#!/usr/bin/env python3
"""Independent vectors for chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305).

Run: python3 Fixtures/vectors/chacha20poly1305-openssh.py

Two independent computations must agree before anything is printed:
  1. a pure-Python ChaCha20 in D. J. Bernstein's original layout (64-bit block counter in state
     words 12-13, 64-bit nonce in words 14-15) and a pure-Python Poly1305 (RFC 8439 section 2.5);
  2. Python `cryptography` (its ChaCha20 takes a 16-byte nonce = LE64 counter || 8-byte nonce,
     and cryptography.hazmat.primitives.poly1305).
Per PROTOCOL.chacha20poly1305: key = K_2 (bytes 0..32) || K_1 (bytes 32..64); nonce =
uint64_be(seqnr); length encrypted under K_1 at counter 0; Poly1305 key = first 32 bytes of the K_2
key stream at counter 0; payload encrypted under K_2 from counter 1; tag over the whole ciphertext.
The Swift test OpenSSHChaCha20Poly1305Tests asserts the printed bytes.
"""
import hashlib
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.poly1305 import Poly1305

MASK32 = 0xFFFFFFFF


def rotl(v, n):
    return ((v << n) & MASK32) | (v >> (32 - n))


def quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK32; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = rotl(s[b] ^ s[c], 7)


def djb_block(key, counter, nonce8):
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key))
    state += [counter & MASK32, counter >> 32]
    state += list(struct.unpack("<2I", nonce8))
    work = list(state)
    for _ in range(10):
        quarter_round(work, 0, 4, 8, 12); quarter_round(work, 1, 5, 9, 13)
        quarter_round(work, 2, 6, 10, 14); quarter_round(work, 3, 7, 11, 15)
        quarter_round(work, 0, 5, 10, 15); quarter_round(work, 1, 6, 11, 12)
        quarter_round(work, 2, 7, 8, 13); quarter_round(work, 3, 4, 9, 14)
    return struct.pack("<16I", *[(w + s) & MASK32 for w, s in zip(work, state)])


def djb_xor(key, counter, nonce8, data):
    out = bytearray()
    for offset in range(0, len(data), 64):
        block = djb_block(key, counter + offset // 64, nonce8)
        out += bytes(x ^ y for x, y in zip(data[offset:offset + 64], block))
    return bytes(out)


def poly1305_pure(key, message):
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key[16:], "little")
    p = (1 << 130) - 5
    acc = 0
    for offset in range(0, len(message), 16):
        chunk = message[offset:offset + 16] + b"\x01"
        acc = ((acc + int.from_bytes(chunk, "little")) * r) % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def seal_pure(key, seqnr, packet):
    k2, k1 = key[:32], key[32:]
    nonce = struct.pack(">Q", seqnr)
    poly_key = djb_block(k2, 0, nonce)[:32]
    ciphertext = djb_xor(k1, 0, nonce, packet[:4]) + djb_xor(k2, 1, nonce, packet[4:])
    return ciphertext, poly1305_pure(poly_key, ciphertext)


def lib_xor(key, counter, nonce8, data):
    encryptor = Cipher(algorithms.ChaCha20(key, struct.pack("<Q", counter) + nonce8), mode=None).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def seal_library(key, seqnr, packet):
    k2, k1 = key[:32], key[32:]
    nonce = struct.pack(">Q", seqnr)
    poly_key = lib_xor(k2, 0, nonce, bytes(32))
    ciphertext = lib_xor(k1, 0, nonce, packet[:4]) + lib_xor(k2, 1, nonce, packet[4:])
    return ciphertext, Poly1305.generate_tag(poly_key, ciphertext)


def ssh_packet(payload, padding_length):
    padding = hashlib.sha256(b"padding" + payload).digest()[:padding_length]
    body = bytes([padding_length]) + payload + padding
    return struct.pack(">I", len(body)) + body


# Self-checks of the pure-Python primitives against RFC 8439: the section 2.3.2 block (its
# counter 1 and nonce 00000009 0000004a 00000000 are, in the original layout, the 64-bit counter
# 0x09000000_00000001 and the 8-byte nonce 0000004a00000000) and the section 2.5.2 Poly1305 tag.
assert djb_block(bytes(range(32)), (0x09000000 << 32) | 1, bytes.fromhex("0000004a00000000")) == bytes.fromhex(
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
assert poly1305_pure(bytes.fromhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
                     b"Cryptographic Forum Research Group") == bytes.fromhex("a8061dc1305136c6c22b8baf0c0127a9")

KEY = hashlib.sha512(b"SwiftSSH chacha20-poly1305@openssh.com test key").digest()
CASES = [
    (7, ssh_packet(b"\x05\x00\x00\x00\x0cssh-userauth", 10)),
    (0x01020304, ssh_packet(bytes(range(150)), 9)),
    (0xFFFFFFFF, ssh_packet(b"\x15", 10)),
]

print("key", KEY.hex())
for seqnr, packet in CASES:
    pure = seal_pure(KEY, seqnr, packet)
    library = seal_library(KEY, seqnr, packet)
    assert pure == library, "pure-Python and cryptography disagree"
    ciphertext, tag = pure
    print()
    print("seqnr", seqnr)
    print("plaintext", packet.hex())
    print("ciphertext", ciphertext.hex())
    print("tag", tag.hex())
