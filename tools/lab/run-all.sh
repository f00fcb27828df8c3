#!/usr/bin/env bash
# Run lab scenarios, one boot each, LAB_JOBS boots at a time (default 1), and
# print one verdict per scenario as it finishes, then "N passed, N failed".
#
# One boot at a time is the default because a scenario keeps about two host
# cores busy (the guest's vCPU, dom0's blkback and QEMU's I/O thread): on a
# 2-core machine two boots at once ran 2-4x slower each (demo 38 -> 86 s,
# tmem-freeze 46 -> 106 s) and swap-disk and tmem-off hit their timeouts.
# With more cores, LAB_JOBS=N runs N boots at once; a scenario whose header
# says "# lab-exclusive: yes" (several busy guests) still runs alone.
# usage: run-all.sh SCENARIO...
set -euo pipefail

jobs=${LAB_JOBS:-1}
out_dir=${LAB_DIR:?}/run-all
mkdir -p "$out_dir"

exclusive() {
	local s=$1 f
	for f in "$TOP/tests/e2e/$s.sh" "$TOP/tools/bench/$s.sh"; do
		[ -f "$f" ] && grep -q '^# lab-exclusive: *yes' "$f" && return 0
	done
	return 1
}

passed=0
failed=0
failures=()
declare -A running=()	# pid -> scenario
declare -A started=()	# scenario -> start time

# reap: wait for one running scenario, print its verdict and count it.
reap() {
	local pid rc=0 s
	wait -n -p pid "${!running[@]}" || rc=$?
	s=${running[$pid]}
	unset "running[$pid]"
	cat "$out_dir/$s.out"
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$s")
	fi
	echo "run-all: $s finished after $(($(date +%s) - ${started[$s]})) s (exit $rc)"
}

# On an interrupt, end the scenarios still running; each ends its own QEMU.
stop_all() {
	local pid
	for pid in "${!running[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait
}
trap 'stop_all; exit 130' INT TERM

launch() {
	local s=$1
	started[$s]=$(date +%s)
	"$TOP/tools/lab/run-scenario.sh" "$s" >"$out_dir/$s.out" 2>&1 &
	running[$!]=$s
}

# Exclusive scenarios first, alone; then the others, $jobs at a time.
shared=()
for s in "$@"; do
	if exclusive "$s"; then
		echo "run-all: $s (runs alone)"
		launch "$s"
		reap
	else
		shared+=("$s")
	fi
done
for s in "${shared[@]}"; do
	while [ "${#running[@]}" -ge "$jobs" ]; do
		reap
	done
	echo "run-all: $s"
	launch "$s"
done
while [ "${#running[@]}" -gt 0 ]; do
	reap
done

[ "$failed" -eq 0 ] || echo "failed scenarios: ${failures[*]}"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
