#!/usr/bin/env bash
# Sets up a Debian 12 machine for ovlperf and builds it: installs the Debian packages it needs
# (when run as root and something is missing), then configures and builds into build/.
# Safe to run again: it installs and reconfigures only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
	gcc meson ninja-build pkg-config git
	libdpdk-dev dpdk-dev dpdk libnuma-dev libpcap-dev libcmocka-dev libsodium-dev libjansson-dev
	tshark python3 python3-scapy iproute2 ethtool
	clang libclang-rt-14-dev valgrind gnuplot stress-ng
	zlib1g-dev default-jre-headless libhdrhistogram-java
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup.sh: missing Debian packages: ${missing[*]}; run as root to install them" >&2
		exit 1
	fi
	# A machine left with half-configured packages (an interrupted dpkg) refuses every install
	# with "dpkg was interrupted": finish configuring them first.
	if [ -n "$(dpkg --audit 2>&1)" ]; then
		echo "setup.sh: dpkg --audit reports unfinished packages; running dpkg --configure -a" >&2
		DEBIAN_FRONTEND=noninteractive dpkg --configure -a >/dev/null
	fi
	echo "setup.sh: installing ${missing[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f build/build.ninja ]; then
	meson setup build -Dtests=enabled >/dev/null
fi
ninja -C build >/dev/null
echo "setup.sh: built build/app/ovlperf" >&2
