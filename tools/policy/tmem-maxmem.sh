#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tmem-maxmem: set every guest's maximum memory (xl mem-max) so that the
# guests' RAM and their persistent tmem pages together never exceed what
# the host has for them.
#
# Xen charges a guest's persistent tmem pages (frontswap, virtswap) to the
# guest, against its maximum, as it charges its RAM; ephemeral pages are
# Xen's to take back at any time. So if the maxima add up to at most the
# memory the guests can have, no guest can take another's, whatever it
# balloons or swaps. That memory is Xen's free memory plus what the guests
# hold now, less a reserve. Each guest gets its own target (memory/target,
# the ceiling a self-ballooning guest keeps to) plus a share of what is
# left, in proportion to its tmem weight (xl tmem-set -w; 1 without tmem).
#
# usage: tmem-maxmem.sh [-n] [-r RESERVE_MIB]
#   -n   print the plan, change nothing
#   -r   memory kept back for new domains and Xen itself (default 64 MiB)
# Output: one line per guest "NAME target=T maxmem=M" (MiB), then
# "total budget=B targets=S maxmem=M". Exit status 2 when the guests'
# targets alone exceed the budget (each then gets its target only).
set -eu

dry=0 reserve=64
while getopts nr: opt; do
	case $opt in
	n) dry=1 ;;
	r) reserve=$OPTARG ;;
	*) echo "usage: $0 [-n] [-r RESERVE_MIB]" >&2; exit 1 ;;
	esac
done
case $reserve in
'' | *[!0-9]*) echo "tmem-maxmem: -r wants MiB, got '$reserve'" >&2; exit 1 ;;
esac

plan=$(mktemp)
trap 'rm -f "$plan" "$plan.out"' EXIT
free=$(xl info | sed -n 's/^free_memory *: *//p')
[ -n "$free" ] || { echo "tmem-maxmem: xl info gave no free_memory" >&2; exit 1; }
tl=$(xl tmem-list -a 2>/dev/null || true)

# One line per guest: name, domid, MiB held now, target MiB, weight.
xl list | awk 'NR > 1 && $2 != 0 { print $1, $2, $3 }' | while read -r name id mem; do
	tkb=$(xenstore-read "/local/domain/$id/memory/target" 2>/dev/null || echo "$((mem * 1024))")
	w=$(printf '%s\n' "$tl" | awk -F'[,:]' -v id="$id" '
		/^C=/ { for (i = 2; i < NF; i++) if ($i == "CI" && $(i + 1) == id) c = 1
			for (i = 2; i < NF; i++) if ($i == "ww" && c) { print $(i + 1); exit } }')
	echo "$name $id $mem $((tkb / 1024)) ${w:-1}"
done > "$plan"

awk -v free="$free" -v reserve="$reserve" '
	{ name[NR] = $1; held += $3; tgt[NR] = $4; targets += $4; w[NR] = ($5 > 0) ? $5 : 1; ws += w[NR] }
	END {
		budget = free + held - reserve
		left = budget - targets
		over = left < 0
		if (over)
			left = 0
		total = 0
		for (i = 1; i <= NR; i++) {
			m = tgt[i] + int(left * w[i] / ws)
			total += m
			printf "%s target=%d maxmem=%d\n", name[i], tgt[i], m
		}
		printf "total budget=%d targets=%d maxmem=%d\n", budget, targets, total
		exit over ? 2 : 0
	}' "$plan" > "$plan.out" && rc=0 || rc=$?
cat "$plan.out"
if [ "$dry" -eq 0 ]; then
	grep -v '^total ' "$plan.out" | while read -r name _ mm; do
		xl mem-max "$name" "${mm#maxmem=}m" ||
			{ echo "tmem-maxmem: xl mem-max $name failed" >&2; exit 1; }
	done
fi
rm -f "$plan.out"
exit "$rc"
