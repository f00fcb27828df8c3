#!/usr/bin/env bash
# Regenerate the guest kernel work tree incrementally.
#
# usage: guest-tree.sh PRISTINE STAGE WORK PATCHDIR
#
#  1. STAGE := PRISTINE (rsync by size+mtime, --delete: cheap after the
#     first run, and it undoes earlier patches)
#  2. every patch named in PATCHDIR/series is applied with patch -p1
#     (no fuzz); the first failure stops with the patch's name.  The series
#     is the only thing written into the tree: the project's new files
#     (mm/frontswap.c, drivers/xen/tmem.c, ...) are in its patches, which
#     tools/series/mk-series.py generates from the repository's files.
#  3. WORK := STAGE with rsync --checksum and without -t: only files whose
#     content changed are rewritten, all others keep their mtimes, so the
#     kernel's make rebuilds only what really changed.
set -euo pipefail

pristine=$1 stage=$2 work=$3 patchdir=$4

t0=$(date +%s)
mkdir -p "$stage" "$work"
rsync -a --delete "$pristine"/ "$stage"/
echo "[guest-tree] staged pristine in $(($(date +%s) - t0)) s"

n=0
if [ -f "$patchdir/series" ]; then
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		if [ ! -f "$patchdir/$p" ]; then
			echo "[guest-tree] ERROR: patch $p listed in series is missing" >&2
			exit 1
		fi
		if ! out=$(patch -d "$stage" -p1 -F0 -N --no-backup-if-mismatch \
				-r - <"$patchdir/$p" 2>&1); then
			echo "$out" >&2
			echo "[guest-tree] ERROR: patch $p does not apply" >&2
			exit 1
		fi
		n=$((n + 1))
	done <"$patchdir/series"
fi
echo "[guest-tree] applied $n patches"

t1=$(date +%s)
out=$(rsync -rlpc --delete --out-format='%n' "$stage"/ "$work"/)
changed=$(printf '%s' "$out" | grep -c -v '/$' || true)
echo "[guest-tree] synced work tree ($changed files rewritten) in $(($(date +%s) - t1)) s"
if [ "$changed" -gt 0 ] && [ "$changed" -le 40 ]; then
	printf '%s\n' "$out" | grep -v '/$' | sed 's/^/[guest-tree]   /'
fi
