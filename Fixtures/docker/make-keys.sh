#!/bin/sh
# Makes ./keys for the compose file: the bastion's host key, a client key it accepts, and a
# known_hosts file naming the bastion as the compose file publishes it, on 127.0.0.1 port 2222.
# Run once, before `docker compose up`. Needs ssh-keygen.
set -eu
cd "$(dirname "$0")"
[ -e keys/ssh_host_ed25519_key ] && { echo "keys/ already exists; delete it to make new keys" >&2; exit 1; }
mkdir -p keys
ssh-keygen -q -t ed25519 -N '' -C swiftssh-docker-bastion -f keys/ssh_host_ed25519_key
ssh-keygen -q -t ed25519 -N '' -C swiftssh-docker-client -f keys/client_key
cp keys/client_key.pub keys/authorized_keys
hostkey="$(cat keys/ssh_host_ed25519_key.pub)"
printf '[127.0.0.1]:2222 %s\n' "$hostkey" >keys/known_hosts
chmod 600 keys/client_key
# The container's sshd runs as root and reads these through a read-only volume.
chmod 644 keys/authorized_keys keys/ssh_host_ed25519_key.pub keys/known_hosts
chmod 600 keys/ssh_host_ed25519_key
echo "made keys/: bastion host key $(ssh-keygen -l -f keys/ssh_host_ed25519_key.pub)"
