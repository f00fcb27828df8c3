#!/usr/bin/env python3
"""Tests for tools/bench/e2e-report.py: each ratio of its summary line comes
from the configurations it names, and a log in which any configuration was
not set up as named, read back a page wrongly or whose workload failed
gives no summary line and exit status 1."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "tools", "bench", "e2e-report.py")

# config: (a_seconds, a_swap_write_kib, b_pass2_read_kib); every ratio
# below is a quotient of two of these.
FIGURES = {
    "disk": (40, 100000, 50000),
    "zswap": (30, 0, 50000),
    "tmem": (20, 10000, 5000),
    "tmem-lzo": (22, 10000, 5000),
    "virtswap-own": (21, 0, 5000),
    "virtswap": (24, 0, None),
}
EXPECTED = ("e2e-bench: tmem_vs_disk=0.50 tmem_vs_zswap=0.67 disk_writes_avoided=0.900 "
            "cleancache_reads_avoided=0.900 virtswap_vs_frontswap=1.20 virtswap_vs_disk=0.60 "
            "virtswap_own_vs_frontswap=1.05")

failed = 0


def check(name, ok, detail=""):
    global failed
    print("%s - %s%s" % ("ok" if ok else "not ok", name, (": " + detail) if detail and not ok else ""))
    failed += not ok


def log(override=None):
    """A bench-e2e log; override maps config to the fields it changes."""
    lines = ["noise"]
    for c, (a, w, b) in FIGURES.items():
        f = {"config": c, "a_seconds": a, "a_mismatches": 0, "a_pswpout": w // 4,
             "a_pswpin": 0, "a_swap_write_kib": w, "a_swap_read_kib": 0,
             "a_user_s": 1, "a_sys_s": 2, "a_iowait_s": 3, "a_steal_s": 0,
             "a_frontswap_stores": 0, "a_frontswap_loads": 0,
             "b_pass1_seconds": 5, "b_pass2_seconds": 4,
             "b_pass1_read_kib": 50000, "b_pass2_read_kib": b,
             "b_mismatches": 0, "b_cleancache_gets": 0, "b_cleancache_puts": 0,
             "tmem_host_mib": 10, "guest_rc": 0, "configured": "ok"}
        if b is None:
            for k in ("b_pass1_seconds", "b_pass2_seconds", "b_pass1_read_kib",
                      "b_pass2_read_kib", "b_mismatches"):
                f[k] = ""
        f.update((override or {}).get(c, {}))
        lines.append("LAB: BENCH: " + " ".join("%s=%s" % kv for kv in f.items()))
    return "\n".join(lines) + "\n"


def run(d, text):
    path = os.path.join(d, "bench-e2e.log")
    with open(path, "w") as f:
        f.write(text)
    return subprocess.run([sys.executable, REPORT, path, os.path.join(d, "e.csv"),
                           os.path.join(d, "e.png")], capture_output=True, text=True)


with tempfile.TemporaryDirectory() as d:
    r = run(d, log())
    summary = [x for x in r.stdout.splitlines() if x.startswith("e2e-bench:")]
    check("a valid log: exit status 0", r.returncode == 0, r.stdout + r.stderr)
    check("a valid log: the summary line's ratios", summary == [EXPECTED], repr(summary))
    for name, override in [
        ("xl tmem-set failed", {"tmem-lzo": {"configured": "tmem-set-failed"}}),
        ("the configure signal failed", {"zswap": {"configured": "signal-failed"}}),
        ("no configured field", {"tmem": {"configured": ""}}),
        ("a guest's workload failed", {"disk": {"guest_rc": 1}}),
        ("no guest exit status", {"virtswap": {"guest_rc": ""}}),
        ("a mismatch in (a)", {"virtswap": {"a_mismatches": 2}}),
        ("a mismatch in (b)", {"tmem": {"b_mismatches": 1}}),
    ]:
        r = run(d, log(override))
        check(name + ": exit status 1", r.returncode == 1, r.stdout + r.stderr)
        check(name + ": no summary line", "e2e-bench:" not in r.stdout, r.stdout)
        check(name + ": the configuration is named", "config %s:" % next(iter(override)) in r.stdout,
              r.stdout)
    text = "\n".join(x for x in log().splitlines() if "config=zswap" not in x)
    r = run(d, text)
    check("a log without every configuration is refused",
          r.returncode != 0 and "e2e-bench:" not in r.stdout, r.stdout + r.stderr)

print("test_e2e_report: %d failed" % failed)
sys.exit(1 if failed else 0)
