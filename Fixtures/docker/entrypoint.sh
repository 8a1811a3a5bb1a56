#!/bin/sh
# Writes the bastion's sshd_config from the environment and runs sshd in the foreground, logging to
# stderr. Extra arguments go to sshd (e.g. `-t` only checks the configuration).
#   BASTION_KEYS         folder with ssh_host_ed25519_key and authorized_keys (default /keys)
#   BASTION_LISTEN       listen address (default 0.0.0.0; the compose file publishes it on 127.0.0.1 only)
#   BASTION_PORT         listen port (default 22)
#   BASTION_PERMIT_OPEN  PermitOpen value: the only host:port the bastion forwards to (default any)
#   BASTION_CONFIG       where to write the config (default /run/bastion/sshd_config)
set -eu
keys="${BASTION_KEYS:-/keys}"
config="${BASTION_CONFIG:-/run/bastion/sshd_config}"
for file in ssh_host_ed25519_key authorized_keys; do
    [ -r "$keys/$file" ] || { echo "bastion: missing $keys/$file (run make-keys.sh next to the compose file)" >&2; exit 1; }
done
mkdir -p "$(dirname "$config")"
mkdir -p -m 0755 /run/sshd
# sshd refuses a host key that others can read; the volume is read-only, so use a private copy.
cp "$keys/ssh_host_ed25519_key" "$(dirname "$config")/ssh_host_ed25519_key"
chmod 600 "$(dirname "$config")/ssh_host_ed25519_key"
cat >"$config" <<CONFIG
ListenAddress ${BASTION_LISTEN:-0.0.0.0}
Port ${BASTION_PORT:-22}
HostKey $(dirname "$config")/ssh_host_ed25519_key
PidFile none
UsePAM no
StrictModes no
UseDNS no
AuthorizedKeysFile $keys/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowTcpForwarding local
PermitOpen ${BASTION_PERMIT_OPEN:-any}
X11Forwarding no
AllowAgentForwarding no
PermitTTY no
ForceCommand /bin/false
ClientAliveInterval 30
LogLevel VERBOSE
CONFIG
echo "bastion: host key $(cat "$keys/ssh_host_ed25519_key.pub" 2>/dev/null || echo '(no .pub file)')" >&2
exec /usr/sbin/sshd -D -e -f "$config" "$@"
