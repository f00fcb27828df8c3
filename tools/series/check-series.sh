#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-series: the two patch series are what the plain files say,
# apply with git am to the pristine trees, give the trees the build uses,
# and have the headers and SPDX lines they need.
#
# usage: check-series.sh TOP BUILD XEN_PRISTINE LINUX_PRISTINE XEN_TREE \
#                        LINUX_TREE LINUX_TREE_STAMP LINUX_NEW_FILES...
#
#  (a) drift: mk-series.py regenerates each series from the plain files
#      into a temporary directory; diff -r against the committed series.
#  (b) git am: each series is applied with git am to a git repository of
#      the whole pristine tree (cached under BUILD/series-check, one commit
#      of every file; a sparse worktree checks out only the files the
#      series touches) and every file the series touches is compared byte
#      for byte with the tree the build's scripts make: Xen's with
#      tools/xen/prepare-tree.sh into a scratch directory; Linux's is
#      LINUX_TREE when LINUX_TREE_STAMP says it is newer than the series,
#      otherwise the pristine files with the series applied by patch -p1,
#      as tools/kernel/guest-tree.sh does.
#  (c) headers: every patch has From:, Date:, Subject:, Signed-off-by: and
#      a message above it; every file a patch creates has an
#      SPDX-License-Identifier line in its first lines (Xen's CODING_STYLE,
#      the kernel's license-rules).
set -euo pipefail
shopt -s inherit_errexit

top=$1 build=$2 xen_pristine=$3 linux_pristine=$4 xen_tree=$5
linux_tree=$6 linux_stamp=$7
shift 7
linux_new=("$@")

gen=$top/tools/series/mk-series.py
cache=$build/series-check
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/run.XXXXXX")
fail=0
t_all=$(date +%s.%N)

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C
export GIT_COMMITTER_NAME=check-series GIT_COMMITTER_EMAIL=check-series@invalid
export GIT_AUTHOR_NAME=check-series GIT_AUTHOR_EMAIL=check-series@invalid

worktrees=()
cleanup() {
	local w
	for w in "${worktrees[@]}"; do
		git -C "$w" worktree remove --force "$w" >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { echo "[check-series] $*"; }
bad() { echo "[check-series] FAIL: $*" >&2; fail=1; }
since() { printf '%.1f' "$(echo "$(date +%s.%N) - $1" | bc)"; }

series_of() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1/series"; }

# Every path a series touches (b/ side of each diff).
touched() {
	local d=$1 p
	for p in $(series_of "$d"); do
		sed -n 's|^diff --git a/[^ ]* b/\([^ ]*\)$|\1|p' "$d/$p"
	done | sort -u
}

# (a) ------------------------------------------------------------------
drift() {
	local name=$1 patchdir=$2 out=$tmp/$1-series
	shift 2
	local t0
	t0=$(date +%s.%N)
	if ! python3 "$gen" --quiet --out "$out" --patches "$patchdir" "$@"; then
		bad "$name: the series cannot be generated (above)"
		return
	fi
	mkdir -p "$tmp/$name-committed"
	cp "$patchdir/series" "$tmp/$name-committed/"
	local p
	for p in $(series_of "$patchdir"); do
		cp "$patchdir/$p" "$tmp/$name-committed/"
	done
	if diff -r "$tmp/$name-committed" "$out" >"$tmp/$name.drift"; then
		say "(a) $name: ${patchdir#"$top"/} is what the plain files generate ($(since "$t0") s)"
	else
		bad "$name: ${patchdir#"$top"/} differs from what the plain files generate ('make series' regenerates it):"
		grep -E '^(diff|Only in)' "$tmp/$name.drift" |
			sed -e "s|$tmp/$name-committed|committed|g" -e "s|$out|generated|g" \
				-e 's/^/    /' >&2
		head -40 "$tmp/$name.drift" | sed 's/^/      | /' >&2
	fi
}

# (b) ------------------------------------------------------------------
# A bare repository of the whole pristine tree, one commit; rebuilt when
# the pristine tree is unpacked again.
pristine_repo() {
	local name=$1 pristine=$2 git=$cache/$1.git key
	key="$pristine $(stat -c %Y "$pristine/.unpacked" 2>/dev/null || echo none)"
	if [ -d "$git" ] && [ "$(cat "$git/pristine-key" 2>/dev/null)" = "$key" ]; then
		echo "$git"
		return
	fi
	local t0
	t0=$(date +%s.%N)
	local new=$git.new
	rm -rf "$git" "$new"
	git init -q --bare "$new"
	git --git-dir="$new" config core.bare false
	git --git-dir="$new" config core.compression 1
	git --git-dir="$new" config core.looseCompression 1
	nice -n 10 git --git-dir="$new" --work-tree="$pristine" add -f -A "$pristine"
	git --git-dir="$new" --work-tree="$pristine" commit -q -m pristine
	echo "$key" >"$new/pristine-key"
	mv "$new" "$git"
	say "(b) $name: cached a git repository of the pristine tree in ${git#"$top"/} ($(since "$t0") s, once)" >&2
	echo "$git"
}

git_am() {
	local name=$1 pristine=$2 patchdir=$3 ref=$4 what=$5
	local t0 git wt p files n=0 diffs=0
	t0=$(date +%s.%N)
	git=$(pristine_repo "$name" "$pristine")
	wt=$tmp/$name-am
	git --git-dir="$git" worktree add -q --no-checkout --detach "$wt" HEAD
	worktrees+=("$wt")
	mapfile -t files < <(touched "$patchdir")
	git -C "$wt" sparse-checkout set --no-cone "${files[@]/#//}"
	git -C "$wt" reset -q --hard
	local list=()
	for p in $(series_of "$patchdir"); do list+=("$patchdir/$p"); done
	if ! out=$(git -C "$wt" am --quiet --whitespace=nowarn "${list[@]}" 2>&1); then
		bad "$name: git am of ${patchdir#"$top"/} onto the pristine tree failed:"
		echo "$out" | sed 's/^/    /' >&2
		git -C "$wt" am --abort >/dev/null 2>&1 || true
		return
	fi
	n=$(git -C "$wt" rev-list --count HEAD~"${#list[@]}"..HEAD)
	for p in "${files[@]}"; do
		if [ -L "$ref/$p" ]; then
			bad "$name: $p is a symlink in $what, not the file the series creates"
			diffs=$((diffs + 1))
		elif [ -e "$wt/$p" ] || [ -e "$ref/$p" ]; then
			if ! cmp -s "$wt/$p" "$ref/$p"; then
				bad "$name: $p after git am differs in $what"
				diffs=$((diffs + 1))
			fi
		fi
	done
	if [ "$diffs" -eq 0 ]; then
		say "(b) $name: git am of $n patches onto the pristine tree gives the ${#files[@]} files the series touches identical to $what ($(since "$t0") s)"
	fi
}

# Pristine copies of the files a series touches, with the series applied by
# patch -p1 -F0, as guest-tree.sh does it.
patched_copy() {
	local pristine=$1 patchdir=$2 dir=$3 f p
	mkdir -p "$dir"
	for f in $(touched "$patchdir"); do
		if [ -f "$pristine/$f" ]; then
			mkdir -p "$dir/$(dirname "$f")"
			cp -p "$pristine/$f" "$dir/$f"
		fi
	done
	for p in $(series_of "$patchdir"); do
		patch -d "$dir" -p1 -F0 -N -s --no-backup-if-mismatch -r - \
			<"$patchdir/$p" >/dev/null || return 1
	done
}

# (c) ------------------------------------------------------------------
headers() {
	local name=$1 patchdir=$2 p t0 bad0=$fail n=0 newf=0
	t0=$(date +%s.%N)
	for p in $(series_of "$patchdir"); do
		n=$((n + 1))
		local f=$patchdir/$p h
		for h in From Date Subject; do
			grep -q "^$h: ." "$f" || bad "$name: $p has no $h: line"
		done
		grep -q '^Signed-off-by: .*<.*@.*>' "$f" || bad "$name: $p has no Signed-off-by: line"
		# The message: lines after the Subject (and its folded lines), up
		# to the first trailer or the --- line.
		local words
		words=$(awk '/^Subject:/ { s = 1; next }
			s == 1 && /^ / { next }
			s == 1 { s = 2; next }
			s == 2 && (/^Signed-off-by:/ || /^---$/) { exit }
			s == 2 { w += NF }
			END { print w + 0 }' "$f")
		[ "$words" -ge 5 ] || bad "$name: $p has no message above its Signed-off-by (only $words words)"
		# SPDX line in the first 3 lines of every new file.
		local missing
		missing=$(awk '/^diff --git / { if (nf && !ok) print path; nf = 0; ok = 0; k = 0;
				path = $4; sub(/^b\//, "", path); next }
			/^new file mode/ { nf = 1; next }
			nf && /^\+/ && !/^\+\+\+ / { k++; if (k <= 3 && /SPDX-License-Identifier: /) ok = 1 }
			END { if (nf && !ok) print path }' "$f")
		newf=$((newf + $(grep -c '^new file mode' "$f" || true)))
		local m
		for m in $missing; do
			bad "$name: $p creates $m without an SPDX-License-Identifier line at its top"
		done
	done
	if [ "$fail" -eq "$bad0" ]; then
		say "(c) $name: $n patches with From/Date/Subject/Signed-off-by and a message; $newf new files, each with an SPDX line ($(since "$t0") s)"
	fi
}

say "checking the Xen and Linux series (a: drift from the plain files, b: git am onto the pristine trees, c: headers and SPDX)"
for d in "$xen_pristine" "$linux_pristine"; do
	[ -f "$d/.unpacked" ] || { bad "no pristine tree at $d (make sources)"; exit 1; }
done

xen_patches=$top/hypervisor-patches
linux_patches=$top/mm/patches

drift xen "$xen_patches" --pristine "$xen_pristine" \
	--plain-root "$xen_patches/overlay" --plain-dir xen
drift linux "$linux_patches" --pristine "$linux_pristine" \
	--plain-root "$top" --plain "${linux_new[@]}"

t0=$(date +%s.%N)
"$top/tools/xen/prepare-tree.sh" "$xen_pristine" "$xen_patches" "$tmp/xen-ref" >/dev/null
say "(b) xen: prepare-tree.sh made the build's tree in a scratch directory ($(since "$t0") s)"
git_am xen "$xen_pristine" "$xen_patches" "$tmp/xen-ref" "the tree prepare-tree.sh makes"
# ... and that tree differs from the pristine one in those files only.
extra=$(rsync -rlcn --out-format='%n' "$tmp/xen-ref/" "$xen_pristine/" |
	grep -v '/$' | sort | comm -23 - <(touched "$xen_patches") || true)
if [ -n "$extra" ]; then
	bad "xen: prepare-tree.sh writes files the series does not touch:"
	echo "$extra" | sed 's/^/    /' >&2
else
	say "(b) xen: prepare-tree.sh changes no file the series does not touch"
fi

if [ -d "$linux_tree" ] && [ -f "$linux_stamp" ] && [ "$linux_stamp" -nt "$linux_patches/series" ]; then
	git_am linux "$linux_pristine" "$linux_patches" "$linux_tree" "the build's tree ${linux_tree#"$top"/}"
else
	t0=$(date +%s.%N)
	if patched_copy "$linux_pristine" "$linux_patches" "$tmp/linux-ref"; then
		say "(b) linux: no current build tree (${linux_tree#"$top"/}): pristine + series by patch -p1 instead ($(since "$t0") s)"
		git_am linux "$linux_pristine" "$linux_patches" "$tmp/linux-ref" "pristine + the series by patch -p1"
	else
		bad "linux: the series does not apply with patch -p1 -F0"
		git_am linux "$linux_pristine" "$linux_patches" "$tmp/linux-ref" "pristine + the series by patch -p1"
	fi
fi

headers xen "$xen_patches"
headers linux "$linux_patches"

if [ "$fail" -ne 0 ]; then
	say "FAILED after $(since "$t_all") s"
	exit 1
fi
say "passed in $(since "$t_all") s"
