#!/usr/bin/env bash
# Run one build stage, announcing it and how long it took.
# usage: stage.sh NAME COMMAND [ARGS...]
set -euo pipefail
name=$1
shift
start=$(date +%s)
echo "==> $name"
if "$@"; then
	echo "<== $name: done in $(($(date +%s) - start)) s"
else
	rc=$?
	echo "<== $name: FAILED (exit $rc) after $(($(date +%s) - start)) s" >&2
	exit "$rc"
fi
