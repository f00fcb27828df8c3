#!/usr/bin/env bash
# Build the external module whose Kbuild and sources are in MODDIR against
# the headers tree HDR (prepare-stock-headers.sh). If the compiler the
# kernel was built with (its headers' CC, e.g. gcc-14 for trixie) is not on
# this machine, build with gcc and drop the two things only that compiler
# or a vmlinux gives: -fmin-function-alignment (gcc 14) and BTF for the
# module (needs pahole and the kernel's vmlinux). Says so when it does.
#
# usage: build-external-module.sh HDR MODDIR
set -euo pipefail

hdr=$(realpath "$1")
moddir=$(realpath "$2")
kcc=$(cat "$hdr/Makefile" "$hdr/.kernelvariables" 2>/dev/null | sed -n 's/.*(CROSS_COMPILE)\(gcc[^ ]*\).*/\1/p' | head -n 1)
cross=$(cat "$hdr/Makefile" "$hdr/.kernelvariables" 2>/dev/null | sed -n 's/^override CROSS_COMPILE = \([^$]*\)$/\1/p' | head -n 1)
args=()
if [ -n "$kcc" ] && command -v "${cross}${kcc}" >/dev/null 2>&1; then
	args+=(CC="${cross}${kcc}")
elif [ -n "$kcc" ] && command -v "$kcc" >/dev/null 2>&1; then
	args+=(CC="$kcc")
else
	have=$(gcc -dumpversion)
	echo "build-external-module: ${kcc:-the compiler of the kernel} is not here:" \
		"building with gcc $have, without -fmin-function-alignment and module BTF"
	args+=(CC=gcc CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT= CONFIG_DEBUG_INFO_BTF_MODULES=)
fi
make -s -C "$hdr" M="$moddir" "${args[@]}" modules
ko=$(ls "$moddir"/*.ko)
echo "build-external-module: $ko ($(/sbin/modinfo -F vermagic "$ko"))"
