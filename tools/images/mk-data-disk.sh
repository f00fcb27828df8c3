#!/usr/bin/env bash
# Build the lab's ext4 data disk: a verifiable file set (filestress) of
# MIB MiB, made into a filesystem image with mkfs.ext4 -d, no root needed.
#
# usage: mk-data-disk.sh TOP MIB OUT_IMG
set -euo pipefail

top=$(realpath "$1")
mib=$2
out=$(realpath -m "$3")
work="$out.d"

rm -rf "$work"
mkdir -p "$work/root"
gcc -O2 -Wall -Wextra -Werror -o "$work/filestress" "$top/tests/e2e/workloads/filestress.c"
"$work/filestress" create "$work/root/set" "$mib" >/dev/null
# Room for the set, its rewrites and ext4's own metadata.
size_mib=$((mib * 3 / 2 + 64))
rm -f "$out"
mkfs.ext4 -q -F -L tmemdata -b 4096 -E root_owner=0:0 -d "$work/root" "$out" "${size_mib}M"
rm -rf "$work"
echo "mk-data-disk: ${mib} MiB file set in a ${size_mib} MiB ext4 image at $out"
