#!/usr/bin/env bash
# Make the patched Xen tree: pristine source + hypervisor-patches/series
# (patch -p1, in order).  The series is the only thing written into the
# tree: the new files (the engine of hypervisor-patches/overlay/ among them)
# are in its patches, which tools/series/mk-series.py generates from them.
#
# The result is built in a staging copy and synced into the work tree by
# content, so files the patches did not change keep their timestamps and the
# hypervisor and toolstack rebuild incrementally.
#
# usage: prepare-tree.sh PRISTINE_DIR PATCH_DIR WORK_TREE
set -euo pipefail

pristine=$1
patches=$2
tree=$3
stage="$tree.stage"

[ -d "$pristine" ] || { echo "prepare-tree: no pristine tree at $pristine (run 'make sources')" >&2; exit 1; }

rm -rf "$stage"
cp -a "$pristine" "$stage"

if [ -f "$patches/series" ]; then
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		if [ ! -f "$patches/$p" ]; then
			echo "prepare-tree: $p is listed in $patches/series but does not exist" >&2
			exit 1
		fi
		if ! out=$(patch -d "$stage" -p1 --fuzz=0 --forward --batch --no-backup-if-mismatch -s < "$patches/$p" 2>&1); then
			echo "prepare-tree: patch $p does not apply to $(basename "$pristine"):" >&2
			echo "$out" | sed 's/^/  /' >&2
			exit 1
		fi
		echo "  applied $p"
	done < "$patches/series"
fi

mkdir -p "$tree"
# No --delete: the work tree also holds build outputs.  By checksum and
# without -t: only files whose content changed are rewritten (and get a new
# mtime), all others keep theirs.
rsync -rlpc "$stage/" "$tree/"
rm -rf "$stage"
