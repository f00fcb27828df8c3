#!/usr/bin/env python3
"""Tests for the lab's verdict parser: a scenario must fail on every kind of
incomplete or failing log, and pass only on a complete clean one."""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "parse_log", os.path.join(HERE, "..", "..", "tools", "lab", "parse-log.py"))
parse_log = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parse_log)

CLEAN = """(XEN) noise
LAB: BEGIN s
LAB: 1..2
[g1] RESULT mismatches=0
LAB: ok 1 - first
LAB: ok 2 - second (1 -gt 0)
LAB: END s rc=0
"""

cases = [
    ("clean log passes", CLEAN, False, True),
    ("a failed check fails", CLEAN.replace("LAB: ok 2", "LAB: not ok 2"), False, False),
    ("missing plan fails", CLEAN.replace("LAB: 1..2\n", ""), False, False),
    ("fewer checks than planned fails", CLEAN.replace("LAB: ok 2 - second (1 -gt 0)\n", ""), False, False),
    ("no END marker fails (crash)", CLEAN.replace("LAB: END s rc=0\n", ""), False, False),
    ("END of another scenario does not count", CLEAN.replace("END s", "END t"), False, False),
    ("timeout fails even with clean lines", CLEAN, True, False),
    ("bail out fails", CLEAN.replace("LAB: 1..2", "LAB: Bail out! xenstored did not come up\nLAB: 1..2"), False, False),
    ("non-zero script exit fails", CLEAN.replace("rc=0", "rc=3"), False, False),
    ("CRLF console lines parse", CLEAN.replace("\n", "\r\n"), False, True),
    ("prefixed relay lines parse", CLEAN.replace("LAB: ", "(d0) LAB: "), False, True),
]

passed = failed = 0
for name, text, timed_out, want in cases:
    _, reasons = parse_log.judge(text.splitlines(True), "s", timed_out)
    got = not reasons
    if got == want:
        passed += 1
        print("ok %d - %s" % (passed + failed, name))
    else:
        failed += 1
        print("not ok %d - %s (reasons: %s)" % (passed + failed, name, reasons))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
