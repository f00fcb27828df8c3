#!/usr/bin/env bash
# Build the parts of the Xen toolstack the lab's dom0 runs (TOOLS_SUBDIRS of
# tools-env.sh) from a prepared tree, and install them into DESTDIR.
#
# usage: build-tools.sh TREE DESTDIR
set -euo pipefail
. "$(dirname "$0")/tools-env.sh"

tree=$(cd "$1" && pwd)
mkdir -p "$2"
destdir=$(cd "$2" && pwd)
jobs=${JOBS:-2}

tools_configure "$tree"
tools_make "$tree" "$jobs"
rm -rf "$destdir"
for d in "${TOOLS_SUBDIRS[@]}"; do
	make -s -C "$tree/$d" install DESTDIR="$destdir" CC="ccache gcc" >/dev/null
done
echo "build-tools: installed into $destdir"
