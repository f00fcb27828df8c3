#!/usr/bin/env bash
# Install the Debian packages the build, the lab and the tests need.
# Idempotent and quiet when everything is present.
set -euo pipefail

pkgs=(
	# toolchain and kernel build
	build-essential bc bison flex libssl-dev libelf-dev cpio xz-utils zstd kmod
	ccache rsync python3 python3-dev dpkg-dev debian-archive-keyring
	# Xen toolstack
	autoconf automake libtool pkg-config libyajl-dev uuid-dev libncurses-dev
	zlib1g-dev libbz2-dev liblzo2-dev liblzma-dev libzstd-dev gettext acpica-tools
	libaio-dev libfdt-dev libnl-3-dev libnl-route-3-dev
	# lab and images
	qemu-system-x86 qemu-utils busybox-static e2fsprogs bash util-linux
	# userspace tests, fuzzing, plots
	clang llvm libclang-rt-14-dev gnuplot-nox
	# virtswap packaged for DKMS, installed and built in make test
	dkms
)

missing=()
for p in "${pkgs[@]}"; do
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages; run: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
	echo "deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
}
