#!/usr/bin/env python3
"""RSA PKCS#1 v1.5 known-answer vectors for Tests/SSHCryptoTests/RSATests.swift.

The 2048-bit key below was generated ONCE with Python `cryptography` 48
(rsa.generate_private_key(public_exponent=65537, key_size=2048)) and pasted here so
the vectors are reproducible. This script uses only Python `cryptography`, an
implementation independent of SwiftSSH, to print the key components (as OpenSSH
key files carry them: n, e, d, p, q, iqmp = q^-1 mod p) and the PKCS#1 v1.5
signatures (RFC 8017 §8.2) over MESSAGE with SHA-1, SHA-256 and SHA-512.

Run: python3 Fixtures/vectors/rsa-pkcs1.py
"""
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

MESSAGE = b"SwiftSSH RSA PKCS#1 v1.5 known-answer test"

KEY_PEM = b"""
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCuTwqX8tA8ZeU2
ndVfxaShFI+QvgSJKMJdGQHD8jH0j4aw1IBpXDuKv77b+849igOT0JX+1OQeFnL0
Y7J80JQjgp/7aYXvbbvFo7EC4L/evO0h242qgIEVLtCtSkd82mlqMlt07j9KLyBW
zovij7LgQjSSJEKLci9dFw67oAosK6aMVobTGglPB3AC0C3Kz5dkk82SbxqnA88j
tQ0p6nCFLSeWzKx4SpvzTe+1DdOs3b9UvCkUPbMltQm4EtB+mtDWc0mv/ZOD41UO
AUWZlxoGNQG39LKyMFENkLXwRZ0uSOHw7uJ5imuVUTIEwIw9f9dDJYOkGpmUHP43
i/JgYBFBAgMBAAECggEAB0/N+4nmMG5myHJ49vOTtbpm0PUY5sb/VjKRwiODSHAK
f+7otGK30Fi9kRKVjWZ1bXUltu2SZG0KepQXB94jpKoFUMwVn/GWsOeY/yxTKBen
4SXJohdnXW6Gtt+DiFTMxgq25Dyyih0CyoQPVpwyrkO2BakAje28LQ0Qo2VcdTX4
ER+kZKDNIpNOfUyitunrEOHTJRIWUDMix7zkwGlr8gU/05mYFh0BjyO2SagMJOUS
BuFa9VOl/OKfqKFoSzwEVxtEMhd+iD3r/FAYyTXaBOrYuTV2esePsB8Is1MnDCan
0/km5tk6XsVCa21lorfnTWb053Wj+d1GKtdXQK7M9QKBgQDoRDMegfADWhY1Fbrv
pgQxawsGi1+fCDHT4j85GxAQ/qPvoAXQNYhMMGSlmwcyeijFd5yJAqzs8OMzp5u7
kXKTEI/ojyyLMC80kOzFNftSGtkIwdSxj8m/hXLZTnt6j0rkgH0qjrKZJ8nYEH8w
bIc3AYz6ZsNNrUYN9QtOSD+1TQKBgQDAHr3dPM6BplZYyPyQa44KZm9gPQq2pAg0
HlBXCWGpXm3K/IzMCcpzkZfuUaaL4OcRQeptygHDko9P3hCD1EW/Cb2q/LLVfc6J
bkIdQ2Id+FTL+Hl6IazW+9LClCkxj+kn6gRL1245f5sHakf635R2sgQ396yCUsKa
m56UJxVBxQKBgQCjIQs6OQ6mfAYu4IU7vcEiKElFHmxZWLsOUtAOvpgpJ39iVGTg
2EhTIoX93gVPCYdLMXgKrotfmswoQmbZdQ0ghzhboPsrAvuUktkIpaJPBzY5tVE6
KIAM+KAySbHl4XA7TpcaZcDAWraj/uoly4OoOXmXgMdY7gLO2LVJFOtR3QKBgQCP
hmfRH9wmf12CdqQ4QCGdI2mRPAkE6QY36W2bmCadoS3kt0d4JthX/izCnb0OQrZc
7iF0Y7Vtpc/qmrs7wRlZ3q0TUDVJyPLDONurgOuL+DlhJ/+Yfg/hi7+oHYeovxov
92O+RPLTgcEPiRa9FMqU4ejE5wK5WZqIZjnR9GCtAQKBgEMGDJa2aIT8w3RVwalN
rXWVmBcJeUdJTKEvIEA10dNB/mERa19/a9dEjepAqZSxOQR06dbo8JL8mbbyfM0P
+/OeuTPOcFTpTuTaK2EwwtIqw83Vetrk7rBlgNNVgHegLySyBmVZucuaRnRtnDS8
/6kYentTQaKB64OUa5DjJaeM
-----END PRIVATE KEY-----
"""


def hex_of(value: int) -> str:
    return value.to_bytes((value.bit_length() + 7) // 8, "big").hex()


def main() -> None:
    key = serialization.load_pem_private_key(KEY_PEM.strip(), password=None)
    numbers = key.private_numbers()
    public = numbers.public_numbers
    # iqmp in OpenSSH key files is q^-1 mod p, the same value `cryptography` calls iqmp.
    assert numbers.iqmp == pow(numbers.q, -1, numbers.p)
    print("message", MESSAGE.hex())
    print("n", hex_of(public.n))
    print("e", hex_of(public.e))
    print("d", hex_of(numbers.d))
    print("p", hex_of(numbers.p))
    print("q", hex_of(numbers.q))
    print("iqmp", hex_of(numbers.iqmp))
    for name, algorithm in (("sha1", hashes.SHA1()), ("sha256", hashes.SHA256()), ("sha512", hashes.SHA512())):
        signature = key.sign(MESSAGE, padding.PKCS1v15(), algorithm)
        print("signature-" + name, signature.hex())


if __name__ == "__main__":
    main()
