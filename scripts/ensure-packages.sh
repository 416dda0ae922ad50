#!/bin/sh
# Installs the Debian packages named on the command line that are not installed yet.
# make test / make run call this so a bare machine (or CI) sets itself up.
set -eu
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "Installing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: need root (or sudo) to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
# exim4 asks questions on install: answer them (local delivery only, no network).
echo 'exim4-config exim4/dc_eximconfig_configtype select local delivery only; not on a network' | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing
