# Shared helpers for Scripts/*: sourced, not run.
# Installs missing Debian packages, or fails saying exactly which are missing and why.

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ensure_packages PKG...: installs whichever of the named Debian packages are not installed.
ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "missing packages: ${missing[*]}. Run as root or install sudo, or install them yourself: apt-get install ${missing[*]}"
        sudo=(sudo -n)
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing packages: ${missing[*]}, and apt-get is not available on this machine (SwiftSSH's scripts expect Debian)"
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed; trying the install anyway"
    if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/swiftssh-apt.log 2>&1; then
        tail -n 20 /tmp/swiftssh-apt.log >&2
        die "could not install: ${missing[*]} (apt-get failed; log above and in /tmp/swiftssh-apt.log)"
    fi
    for pkg in "${missing[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || die "package $pkg still missing after apt-get install"
    done
}

# ensure_swift: fails clearly when no Swift 6 toolchain is on PATH.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 || die "no Swift toolchain on PATH: install Swift 6 (https://www.swift.org/install/linux/) and try again"
    swift --version 2>/dev/null | grep -qE 'Swift version 6\.' || die "SwiftSSH needs Swift 6; found: $(swift --version 2>&1 | head -n1)"
}

# The Debian packages the tests use (the end-to-end test runs a real MariaDB and the mariadb client).
TEST_PACKAGES=(libssl-dev pkg-config openssh-server openssh-client util-linux mariadb-server mariadb-client)

# The Debian packages Scripts/demo uses.
DEMO_PACKAGES=(libssl-dev pkg-config openssh-server openssh-client mariadb-server mariadb-client)
