#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-xen-putget: the in-Xen cost of a tmem put and get with two
# hypervisors, booted alternately in one run (A B A B ...), each boot the
# bench-xen-putget scenario (a guest times 1024-page put+get loops against
# its own copies).  The machine runs on QEMU's instruction clock (LAB_ICOUNT,
# default 0: 1 ns per instruction), so a figure is work done, not how the
# host scheduled QEMU: under plain TCG one boot's median varies 2x.
#
# usage: xen-putget-ab.sh ROUNDS NAME_A XEN_A NAME_B XEN_B
# env:   run-scenario.sh's (LAB_DIR names the directory for the boots' logs)
# Prints a line per boot and one line of both:
#   BENCH: xen-putget-ab rounds=N A_ns_per_page=... B_ns_per_page=... A_vs_B=R
set -euo pipefail

[ $# -eq 5 ] || { echo "usage: $0 ROUNDS NAME_A XEN_A NAME_B XEN_B" >&2; exit 2; }
rounds=$1 name_a=$2 xen_a=$3 name_b=$4 xen_b=$5
top=${TOP:?} lab_dir=${LAB_DIR:?}
export LAB_ICOUNT=${LAB_ICOUNT:-0}

# boot NAME XEN K: one bench-xen-putget boot; prints its median ns per page.
boot() {
	local dir=$lab_dir/putget-ab/$1-$3 line v t0
	t0=$(date +%s)
	echo "[putget-ab] boot $3 of $rounds: $1 ($2) ..." >&2
	LAB_XEN=$2 LAB_DIR=$dir "$top/tools/lab/run-scenario.sh" bench-xen-putget >&2 || true
	line=$(grep -h 'BENCH: xen-putget ' "$dir/bench-xen-putget.log" || true)
	v=$(sed -n 's/.* tmem_ns_per_page=\([0-9]*\) .*/\1/p' <<<"$line")
	if [ -z "$v" ]; then
		echo "[putget-ab] boot $3 ($1) gave no figure: see $dir/bench-xen-putget.log" >&2
		return 1
	fi
	echo "[putget-ab] $1 boot $3: $line ($(($(date +%s) - t0)) s)" >&2
	echo "$v"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

rm -rf "$lab_dir/putget-ab"
a=() b=()
for ((k = 1; k <= rounds; k++)); do
	a+=("$(boot "$name_a" "$xen_a" "$k")")
	b+=("$(boot "$name_b" "$xen_b" "$k")")
done
ma=$(printf '%s\n' "${a[@]}" | median)
mb=$(printf '%s\n' "${b[@]}" | median)
echo "BENCH: xen-putget-ab rounds=$rounds icount_shift=$LAB_ICOUNT ${name_a}_ns_per_page=$ma (${a[*]}) ${name_b}_ns_per_page=$mb (${b[*]}) ${name_a}_vs_${name_b}=$(awk -v x="$ma" -v y="$mb" 'BEGIN { printf "%.4f", x / y }')"
