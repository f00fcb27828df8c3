#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-bisect: every patch of both series builds on its own, so that
# a user (or git bisect) can stop after any of them.
#
# usage: check-bisect.sh linux SRC OBJ PATCHDIR WORKDIR
#        check-bisect.sh xen   TREE PATCHDIR WORKDIR
#
# It walks the series backwards from the trees the build itself made and
# built (SRC with its objects in OBJ, or Xen's TREE; check-series proves
# that they are the pristine trees plus the whole series): the last patch
# is taken out (patch -R), the tree that is left is built, then the one
# before it, down to the tree of the first patch alone.  Only what a patch
# changed is compiled again, so the walk costs little more than the
# objects each patch touches.
#
# The build's trees are never written: the walk runs under overlays
# (tools/overlay-ns.sh) whose upper layers live in WORKDIR and are thrown
# away at the end, so make sees only what patch -R rewrote as changed.
#
# What is built in the tree left after patch N+1 is taken out:
#   linux: vmlinux and modules (the final .config through olddefconfig, so
#          options that do not exist yet drop out), unless patch N+1 only
#          touches Documentation/ and MAINTAINERS;
#   xen:   the hypervisor if patch N+1 touches xen/, the toolstack
#          (TOOLS_SUBDIRS of tools/xen/tools-env.sh) if it touches those
#          or the public headers.
# A tree that a patch did not change for a part is that part of a tree
# already built.  A compiler warning in a file the series touches up to
# that point fails the patch as an error does.
set -euo pipefail
shopt -s inherit_errexit

top=$(cd "$(dirname "$0")/../.." && pwd)
jobs=${JOBS:-2}

usage() {
	echo "usage: $0 linux SRC OBJ PATCHDIR WORKDIR | xen TREE PATCHDIR WORKDIR" >&2
	exit 2
}

kind=${1:-}
case "$kind" in
linux) [ $# -eq 5 ] || usage
	src=$(realpath "$2") obj=$(realpath "$3")
	patchdir=$(realpath "$4") work=$(realpath -m "$5")
	covered=("$src" "$obj") ;;
xen) [ $# -eq 4 ] || usage
	src=$(realpath "$2") patchdir=$(realpath "$3") work=$(realpath -m "$4")
	covered=("$src") ;;
*) usage ;;
esac

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$patchdir/series")
[ "${#patches[@]}" -gt 0 ] || { echo "check-bisect: $patchdir/series is empty" >&2; exit 1; }
config=$src/.config
[ "$kind" = linux ] && config=$obj/.config
[ "$kind" = xen ] && config=$src/xen/.config
[ -f "$config" ] || { echo "check-bisect: no configuration at $config (build first)" >&2; exit 1; }

. "$top/tools/overlay-ns.sh"
overlay_ns_enter "$0" "$@"
overlay_cover "$work/$kind" "${covered[@]}"
trap overlay_uncover EXIT
logs=$work/$kind-logs
rm -rf "$logs"
mkdir -p "$logs"

# touched PATCH: the paths PATCH writes, one per line.
touched() {
	sed -n 's|^+++ b/||p' "$patchdir/$1"
}

# touches PATCH REGEX: PATCH writes a path matching REGEX.
touches() {
	touched "$1" | grep -qE "$2"
}

# warned LOG PATCH...: print the compiler warnings in LOG about a C file
# one of PATCH... touched; true if there are any.  Files are matched by
# their base name: Xen's builds name them relative to the directory make
# runs in.
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

# unapply PATCH: take PATCH out of the tree (a file it created goes).
unapply() {
	local out
	if ! out=$(patch -R -d "$src" -p1 -F0 -N --no-backup-if-mismatch -s -r - \
			< "$patchdir/$1" 2>&1); then
		echo "$out" >&2
		echo "[bisect] $1 does not come out of the built tree (is it the series' result?)" >&2
		return 1
	fi
}

# check_warnings LOG NAME N: fail on warnings in the files of patches 1..N.
check_warnings() {
	if warned "$1" "${patches[@]:0:$3}" >&2; then
		echo "[bisect] $2: compiler warnings in the series' files (above)" >&2
		return 1
	fi
}

build_linux() {
	local n=$1 name="linux after ${patches[$(($1 - 1))]}" log=$logs/linux-$1.log
	cp "$config.bisect-final" "$config"
	run_build "$log" "$name" bash -c '"$@" -s olddefconfig &&
		"$@" -j"$0" vmlinux modules' "$jobs" \
		make -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc"
	check_warnings "$log" "$name" "$n"
}

build_xen() {
	local n=$1 next=$2 name="xen after ${patches[$(($1 - 1))]}" log=$logs/xen-$1
	local built=0
	if touches "$next" '^xen/'; then
		cp "$config.bisect-final" "$config"
		run_build "$log.log" "$name: hypervisor" bash -c \
			'make -s -C "$1/xen" olddefconfig &&
			 make -C "$1/xen" -j"$0" CC="ccache gcc" XEN_TARGET_ARCH=x86_64' \
			"$jobs" "$src"
		check_warnings "$log.log" "$name" "$n"
		built=1
	fi
	if touches "$next" "^(${tools_re}xen/include/public/)"; then
		run_build "$log-tools.log" "$name: toolstack" bash -c \
			'. "$2/tools/xen/tools-env.sh" && tools_make "$1" "$0"' \
			"$jobs" "$src" "$top"
		check_warnings "$log-tools.log" "$name" "$n"
		built=1
	fi
	[ "$built" = 1 ] ||
		echo "[bisect] $name: ${next} changes nothing the lab builds"
}

if [ "$kind" = xen ]; then
	. "$top/tools/xen/tools-env.sh"
	# What the lab builds of the toolstack, as "tools/a/|tools/b/|...|".
	tools_re=$(printf '%s/|' "${TOOLS_SUBDIRS[@]}")
fi
cp "$config" "$config.bisect-final"

t0=$(date +%s)
for ((n = ${#patches[@]} - 1; n >= 1; n--)); do
	next=${patches[$n]}
	unapply "$next"
	case "$kind" in
	linux)
		if touched "$next" | grep -qvE '^(Documentation/|MAINTAINERS$)'; then
			build_linux "$n"
		else
			echo "[bisect] linux after ${patches[$((n - 1))]}: $next is documentation only"
		fi ;;
	xen) build_xen "$n" "$next" ;;
	esac
done
echo "[bisect] $kind: the first $((${#patches[@]} - 1)) of ${#patches[@]} patches each build, in $(($(date +%s) - t0)) s"
