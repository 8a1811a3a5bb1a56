#!/bin/sh
# Regenerates the key fixtures in Fixtures/keys with OpenSSH's ssh-keygen and OpenSSL (plus Python's
# `cryptography` for the one conversion neither tool offers: ed25519 to PKCS#8).
#
# For every key type (ed25519, ecdsa256, ecdsa384, ecdsa521, rsa) it writes:
#   <type>-openssh                 openssh-key-v1, unencrypted
#   <type>-openssh-aes256-ctr      openssh-key-v1, bcrypt-pbkdf + aes256-ctr (ssh-keygen's default)
#   <type>-openssh-aes128-ctr      ... aes128-ctr
#   <type>-openssh-aes192-ctr      ... aes192-ctr
#   <type>-openssh-aes256-gcm      ... aes256-gcm@openssh.com
#   <type>-pem, <type>-pem-enc     PKCS#1 (RSA) / SEC1 (EC), plain and encrypted (not ed25519)
#   <type>-pkcs8, <type>-pkcs8-enc PKCS#8, plain and encrypted
#   <type>.pub                     the public key line ssh-keygen wrote
#   <type>.fp-sha256, <type>.fp-md5  what `ssh-keygen -l [-E md5] -f <type>.pub` printed
#   <type>.pub-from-<format>       what `ssh-keygen -y -f <file>` printed for each openssh file
# Every encrypted file uses the passphrase in PASSPHRASE below.
set -eu
cd "$(dirname "$0")"
OUT=keys
PASSPHRASE='correct horse battery'
rm -rf "$OUT"
mkdir -p "$OUT"

make_type() {
    name=$1; shift
    base="$OUT/$name"
    ssh-keygen -q -t "$@" -N '' -C "fixture-$name@swiftssh" -f "$base-openssh"
    mv "$base-openssh.pub" "$base.pub"
    ssh-keygen -l -f "$base.pub" > "$base.fp-sha256"
    ssh-keygen -l -E md5 -f "$base.pub" > "$base.fp-md5"
    ssh-keygen -y -f "$base-openssh" > "$base.pub-from-openssh"
    for cipher in aes256-ctr aes128-ctr aes192-ctr aes256-gcm@openssh.com; do
        short=${cipher%@openssh.com}
        cp "$base-openssh" "$base-openssh-$short"
        ssh-keygen -q -p -P '' -N "$PASSPHRASE" -Z "$cipher" -f "$base-openssh-$short" > /dev/null
        ssh-keygen -y -P "$PASSPHRASE" -f "$base-openssh-$short" > "$base.pub-from-openssh-$short"
    done
}

make_type ed25519 ed25519
make_type ecdsa256 ecdsa -b 256
make_type ecdsa384 ecdsa -b 384
make_type ecdsa521 ecdsa -b 521
make_type rsa rsa -b 3072

# PEM (PKCS#1 / SEC1) and PKCS#8 copies of the same keys, by ssh-keygen's own converter.
for name in ecdsa256 ecdsa384 ecdsa521 rsa; do
    base="$OUT/$name"
    for format in PEM PKCS8; do
        lower=$(echo "$format" | tr 'A-Z' 'a-z')
        cp "$base-openssh" "$base-$lower"
        ssh-keygen -q -p -P '' -N '' -m "$format" -f "$base-$lower" > /dev/null
        cp "$base-openssh" "$base-$lower-enc"
        ssh-keygen -q -p -P '' -N "$PASSPHRASE" -m "$format" -f "$base-$lower-enc" > /dev/null
    done
    # OpenSSL must agree that these are what their headers say.
    openssl pkey -in "$base-pem" -noout
    openssl pkey -in "$base-pkcs8-enc" -passin "pass:$PASSPHRASE" -noout
done

# ed25519 has no PKCS#1/SEC1 form, and ssh-keygen 9.x writes it only as openssh-key-v1:
# convert with Python's cryptography, encrypt with openssl pkcs8 (PBES2, AES-256-CBC).
python3 - "$OUT/ed25519-openssh" "$OUT/ed25519-pkcs8" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
with open(sys.argv[1], "rb") as source:
    key = serialization.load_ssh_private_key(source.read(), password=None)
with open(sys.argv[2], "wb") as target:
    target.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
PY
openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$OUT/ed25519-pkcs8" -out "$OUT/ed25519-pkcs8-enc" -passout "pass:$PASSPHRASE"
chmod 600 "$OUT"/*

# The other helper's known_hosts fixtures, if that script exists.
if [ -x ./make-known-hosts.sh ]; then ./make-known-hosts.sh; elif [ -f ./make-known-hosts.sh ]; then sh ./make-known-hosts.sh; fi
