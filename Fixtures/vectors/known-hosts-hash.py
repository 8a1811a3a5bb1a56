#!/usr/bin/env python3
"""Hashed known_hosts names, |1|base64(salt)|base64(HMAC-SHA1(salt, name)) (sshd(8) SSH_KNOWN_HOSTS
FILE FORMAT), computed with Python's standard hmac/hashlib, independently of SwiftSSH.
Prints the vectors used in Tests/SSHCoreTests/HostTrust/KnownHostsHashingTests.swift."""
import base64, hashlib, hmac

cases = [
    (bytes(range(20)), "example.com"),
    (bytes(range(20)), "[example.com]:2222"),
    (bytes([0xff] * 20), "192.0.2.1"),
]
for salt, name in cases:
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    print(f"{name}\t|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}")
