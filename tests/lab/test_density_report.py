#!/usr/bin/env python3
"""Tests for tools/bench/density-report.py: the ratios of its summary line
come from the runs they name, and a log without every run is refused."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "tools", "bench", "density-report.py")

# static: 2 guests of 256 MiB throughout (512); tmem: 300 then 100 MiB, plus
# 256 ephemeral pages (1 MiB) each time (mean 201); busy 10 s against a
# mean of 12 s; 3 and 6 guests completed when started until creation
# failed; 1 mismatch.
LOG = """noise
DSAMPLE: run=static t=0 free=500 pers=0 eph=0 d1=256 d2=256
DSAMPLE: run=static t=1 free=500 pers=0 eph=0 d1=256 d2=256
BENCH: guest run=static name=d1 done=1 busy_seconds=10.0 mismatches=0 failed_phases=0
BENCH: guest run=static name=d2 done=1 busy_seconds=10.0 mismatches=0 failed_phases=0
BENCH: run=static started=2 completed=2 mismatches=0 seconds=100
DSAMPLE: run=tmem t=0 free=900 pers=10 eph=256 d1=200 d2=100
DSAMPLE: run=tmem t=1 free=900 pers=10 eph=256 d1=50 d2=50
BENCH: guest run=tmem name=d1 done=1 busy_seconds=11.0 mismatches=1 failed_phases=0
BENCH: guest run=tmem name=d2 done=1 busy_seconds=13.0 mismatches=0 failed_phases=0
BENCH: run=tmem started=2 completed=1 mismatches=1 seconds=120
BENCH: run=static-max started=4 completed=3 mismatches=0 seconds=300
BENCH: run=tmem-max started=8 completed=6 mismatches=0 seconds=400
"""

failed = 0


def check(name, ok, detail=""):
    global failed
    print("%s - %s%s" % ("ok" if ok else "not ok", name, (": " + detail) if detail and not ok else ""))
    failed += not ok


with tempfile.TemporaryDirectory() as d:
    log = os.path.join(d, "log")
    with open(log, "w") as f:
        f.write(LOG)
    env = dict(os.environ, PATH="/nonexistent")  # no gnuplot: the plot is optional
    r = subprocess.run([sys.executable, REPORT, log, os.path.join(d, "c.csv"), os.path.join(d, "p.png")],
                       capture_output=True, text=True, env=env)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    check("report exits 0", r.returncode == 0, r.stderr)
    check("host_mem_ratio is tmem's mean over static's (201 / 512)", "host_mem_ratio=0.39" in last, last)
    check("runtime_ratio is the mean busy time, tmem / static", "runtime_ratio=1.20" in last, last)
    check("guests_ratio is tmem-max's completed over static-max's", "guests_ratio=2.00" in last, last)
    check("mismatches add up over the runs", last.endswith("mismatches=1"), last)
    with open(os.path.join(d, "c.csv")) as f:
        rows = f.read().splitlines()
    check("the CSV has a header and one row a sample", len(rows) == 1 + 4, str(len(rows)))
    with open(log, "w") as f:
        f.write(LOG.replace("BENCH: run=tmem-max", "BENCH: run=other"))
    r = subprocess.run([sys.executable, REPORT, log, os.path.join(d, "c.csv"), os.path.join(d, "p.png")],
                       capture_output=True, text=True, env=env)
    check("a log without the tmem-max run is refused", r.returncode != 0 and "tmem-max" in r.stderr, r.stderr)

print("test_density_report: %d failed" % failed)
sys.exit(1 if failed else 0)
