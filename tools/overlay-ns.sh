# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts that change a tree the build made without writing it:
# the script runs in a private mount namespace of its own, in which each
# tree is covered by an overlay whose upper layer takes every write and is
# thrown away at the end.  overlayfs keeps a file's mtime when it copies it
# up, so make sees as changed only what the script itself rewrote.
#
#   overlay_ns_enter "$0" "$@"   first thing: re-run the script in the
#                                namespace (returns there, once)
#   overlay_cover WORK DIR...    cover each DIR; upper layers in WORK
#   overlay_uncover              take the covers off and drop WORK

# overlay_ns_enter SCRIPT ARGS...: exec SCRIPT ARGS... in a private mount
# namespace unless already in one; its mounts end with it.
overlay_ns_enter() {
	[ -n "${OVERLAY_NS:-}" ] && return 0
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "$(basename "$1"): cannot make a private mount namespace (unshare -m needs root)" >&2
		exit 1
	fi
	OVERLAY_NS=1 exec unshare -m --propagation private "$@"
}

overlay_covered=()
overlay_work=""

# overlay_cover WORK DIR...: a fresh overlay over each DIR, its upper layer
# and work directory in WORK/N.
overlay_cover() {
	local work=$1 i layer d
	shift
	[ -n "${OVERLAY_NS:-}" ] || { echo "overlay_cover: not in a private namespace" >&2; return 1; }
	rm -rf "$work"
	overlay_work=$work
	i=0
	for d in "$@"; do
		layer=$work/$i
		mkdir -p "$layer/upper" "$layer/work"
		if ! mount -t overlay "overlay-$i" \
				-o "lowerdir=$d,upperdir=$layer/upper,workdir=$layer/work" "$d"; then
			echo "overlay_cover: overlayfs over $d failed" >&2
			return 1
		fi
		overlay_covered+=("$d")
		i=$((i + 1))
	done
}

overlay_uncover() {
	local d
	for d in "${overlay_covered[@]}"; do
		umount "$d" 2>/dev/null || true
	done
	overlay_covered=()
	[ -z "$overlay_work" ] || rm -rf "$overlay_work"
}
