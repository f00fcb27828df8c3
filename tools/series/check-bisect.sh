#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-bisect: every patch of both series builds on its own, so that
# a user (or git bisect) can stop after any of them.
#
# usage: check-bisect.sh linux PRISTINE PATCHDIR CONFIG WORKDIR
#        check-bisect.sh xen   PRISTINE PATCHDIR CONFIG WORKDIR
#
# The patches are applied one at a time, in the series' order, to a copy of
# the pristine tree in WORKDIR that persists between runs; after each patch
# the parts it changes are built with the configuration the build uses
# (CONFIG: the final .config; options that do not exist yet drop out).
#   linux: vmlinux and modules, out of tree (O=), after every patch that
#          touches more than Documentation/ and MAINTAINERS;
#   xen:   the hypervisor after every patch touching xen/, the toolstack
#          (TOOLS_SUBDIRS of tools/xen/tools-env.sh) after every patch
#          touching tools/ or the public headers.
# The last patch is not built here: the tree it gives is the one the build
# itself makes.  A compiler warning in a file the series touches fails the
# patch as an error does.
#
# Each run first puts back the pristine content by checksum (rsync -c
# without -t), so files the series changes get a new mtime and everything
# else keeps its own, and make rebuilds only what a patch changes; ccache
# (CCACHE_BASEDIR) gives back what earlier runs compiled.
set -euo pipefail
shopt -s inherit_errexit

kind=$1
# Absolute paths: the kernel's make resolves O= from the source tree.
pristine=$(realpath "$2") patchdir=$(realpath "$3") config=$(realpath "$4")
work=$(realpath -m "$5")
jobs=${JOBS:-2}
top=$(cd "$(dirname "$0")/../.." && pwd)

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$patchdir/series")
[ "${#patches[@]}" -gt 0 ] || { echo "check-bisect: $patchdir/series is empty" >&2; exit 1; }
[ -f "$config" ] || { echo "check-bisect: no configuration at $config (build first)" >&2; exit 1; }

# touched PATCH: the paths PATCH writes, one per line.
touched() {
	sed -n 's|^+++ b/||p' "$patchdir/$1"
}

# created: the paths that some patch of the series creates.
created() {
	local p
	for p in "${patches[@]}"; do
		awk '/^--- \/dev\/null/ { getline; sub(/^\+\+\+ b\//, ""); print }' \
			"$patchdir/$p"
	done
}

# reset_tree SRC [--delete]: SRC := pristine by content, and without the
# files the series creates.
reset_tree() {
	local src=$1 f
	mkdir -p "$src"
	rsync -rlpc ${2:-} "$pristine"/ "$src"/
	while read -r f; do
		rm -f "$src/$f"
	done < <(created)
}

# warned LOG PATCH...: print the compiler warnings in LOG about a C file
# the series touched up to this patch; true if there are any.  Files are
# matched by their base name: Xen's builds name them relative to the
# directory make runs in.
warned() {
	local log=$1 pat
	shift
	pat=$(for p in "$@"; do touched "$p"; done | grep -E '\.[ch]$' |
		sed 's|.*/||' | sort -u |
		sed -e 's/[.[\*^$]/\\&/g' -e 's/^/(^|[\/ ])/' \
			-e 's/$/:[0-9]+:[0-9]+: warning:/' | paste -sd '|')
	[ -n "$pat" ] && grep -E "$pat" "$log"
}

# run_build LOG NAME CMD...: run CMD into LOG, say how long it took; on a
# failure show the end of LOG.
run_build() {
	local log=$1 name=$2 t0 rc=0
	shift 2
	t0=$(date +%s)
	"$@" > "$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "[bisect] $name: FAILED (exit $rc); the end of $log:" >&2
		tail -n 40 "$log" | sed 's/^/[bisect]   /' >&2
		return 1
	fi
	echo "[bisect] $name: built in $(($(date +%s) - t0)) s"
}

# apply SRC PATCH: apply PATCH to SRC as the build's scripts do.
apply() {
	if ! out=$(patch -d "$1" -p1 -F0 -N --no-backup-if-mismatch -s -r - \
			< "$patchdir/$2" 2>&1); then
		echo "$out" >&2
		echo "[bisect] $2 does not apply" >&2
		return 1
	fi
}

# touches PATCH REGEX: PATCH writes a path matching REGEX.
touches() {
	touched "$1" | grep -qE "$2"
}

bisect_linux() {
	local src=$work/linux obj=$work/linux-obj i p log applied=()
	local kmake=(make -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc")
	reset_tree "$src" --delete
	mkdir -p "$obj"
	for ((i = 0; i < ${#patches[@]} - 1; i++)); do
		p=${patches[$i]}
		apply "$src" "$p"
		applied+=("$p")
		if ! touched "$p" | grep -qvE '^(Documentation/|MAINTAINERS$)'; then
			echo "[bisect] linux $p: documentation only, nothing to build"
			continue
		fi
		log=$work/linux-$((i + 1)).log
		cp "$config" "$obj/.config"
		run_build "$log" "linux $p" bash -c '"$@" -s olddefconfig &&
			"$@" -j"$0" vmlinux modules' "$jobs" "${kmake[@]}"
		if warned "$log" "${applied[@]}" >&2; then
			echo "[bisect] linux $p: compiler warnings in the series' files (above)" >&2
			return 1
		fi
	done
}

bisect_xen() {
	local tree=$work/xen i p log applied=()
	. "$top/tools/xen/tools-env.sh"
	# What the lab builds of the toolstack, as "tools/a/|tools/b/|...|".
	tools_re=$(printf '%s/|' "${TOOLS_SUBDIRS[@]}")
	reset_tree "$tree"
	for ((i = 0; i < ${#patches[@]} - 1; i++)); do
		p=${patches[$i]}
		apply "$tree" "$p"
		applied+=("$p")
		log=$work/xen-$((i + 1))
		if touches "$p" '^xen/'; then
			cp "$config" "$tree/xen/.config"
			run_build "$log.log" "xen $p: hypervisor" bash -c \
				'make -s -C "$1/xen" olddefconfig &&
				 make -C "$1/xen" -j"$0" CC="ccache gcc" XEN_TARGET_ARCH=x86_64' \
				"$jobs" "$tree"
			if warned "$log.log" "${applied[@]}" >&2; then
				echo "[bisect] xen $p: compiler warnings in the series' files (above)" >&2
				return 1
			fi
		fi
		if touches "$p" "^(${tools_re}xen/include/public/)"; then
			run_build "$log-tools.log" "xen $p: toolstack" bash -c \
				'. "$2/tools/xen/tools-env.sh" && tools_configure "$1" &&
				 tools_make "$1" "$0"' "$jobs" "$tree" "$top"
			if warned "$log-tools.log" "${applied[@]}" >&2; then
				echo "[bisect] xen $p: compiler warnings in the series' files (above)" >&2
				return 1
			fi
		fi
		if ! touches "$p" "^(${tools_re}xen/)"; then
			echo "[bisect] xen $p: nothing the lab builds"
		fi
	done
}

t0=$(date +%s)
case "$kind" in
linux) bisect_linux ;;
xen) bisect_xen ;;
*) echo "check-bisect: unknown kind $kind" >&2; exit 1 ;;
esac
echo "[bisect] $kind: the first $((${#patches[@]} - 1)) of ${#patches[@]} patches each build, in $(($(date +%s) - t0)) s"
