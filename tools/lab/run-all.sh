#!/usr/bin/env bash
# Run lab scenarios one boot each and print one verdict per scenario, then
# "N passed, N failed".
# usage: run-all.sh SCENARIO...
set -euo pipefail
passed=0
failed=0
failures=()
for s in "$@"; do
	if "$TOP/tools/lab/run-scenario.sh" "$s"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$s")
	fi
done
[ "$failed" -eq 0 ] || echo "failed scenarios: ${failures[*]}"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
