#!/bin/sh
# install-deps.sh: install the Debian 12 packages Loom needs to build, test and
# run its demo -- only those missing, so a second run costs one dpkg query.
#
#   scripts/install-deps.sh          build + test + demo dependencies
#
# Exits non-zero (with apt-get's message) if a package cannot be installed.
set -e

PACKAGES="
  gcc make cmake pkg-config clang libclang-rt-14-dev bc openssl
  libjansson-dev libssl-dev
  openvswitch-switch openvswitch-common ovn-common ovn-central ovn-host
  python3 python3-pytest python3-ovsdbapp
  iproute2 iputils-ping netcat-openbsd ethtool tcpdump procps psmisc
"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# --no-install-recommends keeps the image small; the packages above are all
# that the build, the tests and the demo use.
$SUDO apt-get install -y -q --no-install-recommends $missing
