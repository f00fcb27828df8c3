#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a variant of the hypervisor for an A/B benchmark: the build's own
# Xen tree with PATCH on top, compiled under an overlay (tools/overlay-ns.sh)
# so that the tree stays as the build left it and only what PATCH changes
# is compiled again.  The variant's xen and xen.gz go to OUT.
#
# usage: build-xen-variant.sh TREE CONFIG_FRAGMENT PATCH OUT WORKDIR
set -euo pipefail

[ $# -eq 5 ] || { echo "usage: $0 TREE CONFIG_FRAGMENT PATCH OUT WORKDIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$(realpath "$1") fragment=$(realpath "$2") patch=$(realpath "$3")
out=$(realpath -m "$4") work=$(realpath -m "$5")
[ -f "$tree/xen/.config" ] || { echo "build-xen-variant: $tree is not built (make xen)" >&2; exit 1; }

. "$top/tools/overlay-ns.sh"
overlay_ns_enter "$0" "$@"
overlay_cover "$work" "$tree"
trap overlay_uncover EXIT

if ! patch -d "$tree" -p1 -F0 -N --no-backup-if-mismatch -s -r - < "$patch"; then
	echo "build-xen-variant: $patch does not apply to the built tree" >&2
	exit 1
fi
"$top/tools/xen/build-xen.sh" "$tree" "$fragment" "$out"
