#!/bin/sh
# Makes the known_hosts fixture used by the HostTrust tests: one file with every kind of line that
# OpenSSH's known_hosts format has (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT): plain names, comma lists,
# [host]:port, wildcards, negation, hashed names (hashed by ssh-keygen -H itself), @revoked,
# @cert-authority, comments, blank and indented lines, lines OpenSSH skips as malformed, and keys of
# several types. The public keys used are written next to it; private keys are thrown away.
#
# Usage: Fixtures/make-known-hosts.sh [output-directory]   (default: Fixtures/known-hosts)
# Needs ssh-keygen (OpenSSH). Called at the end of Fixtures/make-keys.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/known-hosts"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$out/keys"
rm -f "$out"/keys/*.pub "$out/known_hosts"

key() { # key NAME TYPE [BITS]: a fresh key pair; keeps NAME.pub
    if [ $# -ge 3 ]; then
        ssh-keygen -q -t "$2" -b "$3" -N '' -C "$1" -f "$work/$1"
    else
        ssh-keygen -q -t "$2" -N '' -C "$1" -f "$work/$1"
    fi
    cp "$work/$1.pub" "$out/keys/$1.pub"
}
pub() { cut -d' ' -f1,2 "$out/keys/$1.pub"; } # "type base64" of a key

key ed25519-a ed25519
key ed25519-b ed25519
key ecdsa256 ecdsa 256
key ecdsa384 ecdsa 384
key ecdsa521 ecdsa 521
key rsa3072 rsa 3072
key revoked-ecdsa256 ecdsa 256
key ca-ed25519 ed25519

# Lines to hash: ssh-keygen -H hashes each name of a line into its own line.
{
    echo "hashed.example $(pub ed25519-a)"
    echo "[hashed.example]:2222 $(pub ed25519-b)"
    echo "198.51.100.7 $(pub ecdsa384)"
} > "$work/to-hash"
ssh-keygen -q -H -f "$work/to-hash" >/dev/null 2>&1
hashed=$(cat "$work/to-hash")

cat > "$out/known_hosts" <<KNOWN
# known_hosts fixture made by Fixtures/make-known-hosts.sh (keys in keys/*.pub)

# A plain name, with a comment after the key.
plain.example $(pub ed25519-a) plain comment
# A comma list: two names and an IPv4 address.
list1.example,list2.example,192.0.2.10 $(pub ecdsa256)
# A port other than 22, and the same host on port 22 with another key.
[port.example]:2222 $(pub ed25519-b)
port.example $(pub rsa3072)
# Wildcards with negation, and a single-character wildcard.
*.wild.example,!deny.wild.example $(pub ecdsa384)
host?.qmark.example $(pub ecdsa521)
# A wildcard over a non-default port.
[*.ports.example]:2200 $(pub ed25519-a)

# Hashed names (ssh-keygen -H): hashed.example, [hashed.example]:2222 and 198.51.100.7.
$hashed
# A revoked key: it is also trusted for this host, and revocation wins.
@revoked revoked.example $(pub ed25519-b)
revoked.example $(pub ed25519-b)
revoked.example $(pub ecdsa256)
# A key revoked for every host.
@revoked * $(pub revoked-ecdsa256)
# A host certificate authority (recognised, not supported yet).
@cert-authority *.ca.example $(pub ca-ed25519)
# A host with keys of several types.
multi.example $(pub ed25519-a)
multi.example $(pub ecdsa256)
multi.example $(pub rsa3072)
	  tabs.example	$(pub ed25519-b)	indented with tabs and spaces
UPPER.Example $(pub ecdsa521)

# Malformed lines that OpenSSH skips: unknown marker, bad hash (10-byte salt), missing key, SSH-1 style key.
@bogus bogus.example $(pub ed25519-a)
|1|bm90IGEgc2FsdA==|AAAA $(pub ed25519-a)
truncated.example ssh-ed25519
ssh1.example 1024 35 12345678901234567890
# A key that does not decode: ssh-keygen -F lists it, OpenSSH's client ignores it.
garbage.example ssh-ed25519 AAAAnot-base64!
KNOWN
echo "wrote $out/known_hosts and $out/keys/*.pub"
