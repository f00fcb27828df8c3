#!/usr/bin/env bash
# Build the hypervisor in a prepared tree; copy xen.gz and the uncompressed
# ELF (what QEMU's multiboot loader boots) to OUT.
#
# usage: build-xen.sh TREE CONFIG_FRAGMENT OUT
set -euo pipefail

tree=$(cd "$1" && pwd)
fragment=$(realpath -m "$2")
mkdir -p "$3"
out=$(cd "$3" && pwd)
jobs=${JOBS:-2}

cd "$tree/xen"
if [ ! -f .config ]; then
	make -s defconfig
fi
# Re-merge the project's options every time: cheap, and a changed fragment
# must take effect without a clean build.
if [ -f "$fragment" ]; then
	cp .config .config.old-merge
	while read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		opt=${line%%=*}
		sed -i -e "/^$opt=/d" -e "/^# $opt is not set/d" .config
		echo "$line" >> .config
	done < "$fragment"
	make -s olddefconfig
	while read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		if ! grep -qx -- "$line" .config; then
			echo "build-xen: option '$line' from $fragment did not stick (missing dependency?)" >&2
			exit 1
		fi
	done < "$fragment"
fi
make -j"$jobs" CC="ccache gcc" XEN_TARGET_ARCH=x86_64
mkdir -p "$out"
cp xen.gz "$out/xen.gz"
cp xen "$out/xen"
echo "build-xen: $(du -h "$out/xen" | cut -f1) ELF at $out/xen"
