#!/usr/bin/env python3
"""Judge one lab scenario from its serial log.

The dom0 side prints TAP lines prefixed with "LAB: " (tools/lab/dom0-lib.sh)
and "LAB: END <scenario> rc=N" when the scenario script returns. A scenario
passes when it ended, declared a plan, ran exactly that many checks, and none
failed. Anything else (a timeout, a crash, a missing plan) is a failure whose
reason is printed.

usage: parse-log.py LOG SCENARIO ELAPSED_S TIMED_OUT
Exit status 0 on pass, 1 on failure.
"""
import re
import sys


def judge(lines, scenario, timed_out):
    plan = None
    results = []
    ended = None
    bail = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        pos = line.find("LAB: ")
        if pos < 0:
            continue
        body = line[pos + 5:]
        m = re.match(r"1\.\.(\d+)$", body)
        if m:
            plan = int(m.group(1))
            continue
        m = re.match(r"(not ok|ok) (\d+) - (.*)$", body)
        if m:
            results.append((m.group(1) == "ok", int(m.group(2)), m.group(3)))
            continue
        m = re.match(r"END (\S+) rc=(\d+)", body)
        if m and m.group(1) == scenario:
            ended = int(m.group(2))
            continue
        if body.startswith("Bail out!"):
            bail = body
    reasons = []
    if timed_out:
        reasons.append("timed out")
    if bail:
        reasons.append(bail)
    if ended is None and not timed_out:
        reasons.append("scenario never reached its end (crash or early power-off)")
    if plan is None:
        reasons.append("no plan line")
    elif len(results) != plan:
        reasons.append("planned %d checks, ran %d" % (plan, len(results)))
    failed = [r for r in results if not r[0]]
    if failed:
        reasons.append("%d check(s) failed" % len(failed))
    if ended not in (None, 0) and not failed:
        reasons.append("scenario script exited %d" % ended)
    return results, reasons


def main():
    log, scenario, elapsed, timed_out = sys.argv[1:5]
    with open(log, errors="replace") as f:
        lines = f.readlines()
    results, reasons = judge(lines, scenario, timed_out == "1")
    for ok, num, desc in results:
        print("    %s %d - %s" % ("ok" if ok else "not ok", num, desc))
    if reasons:
        print("not ok - %s (%s s): %s [log: %s]" % (scenario, elapsed, "; ".join(reasons), log))
        return 1
    print("ok - %s (%d checks, %s s)" % (scenario, len(results), elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
