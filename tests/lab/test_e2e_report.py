#!/usr/bin/env python3
"""Tests for tools/bench/e2e-report.py: each ratio of its summary line is a
quotient of the medians over the rounds of the configurations it names (not
of one round's figures, nor of means), and a log in which any run of any
configuration was not set up as named, read back a page wrongly or whose
workload failed gives no summary line and exit status 1."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "tools", "bench", "e2e-report.py")

# config: (a_seconds, a_swap_write_kib, b_pass2_read_kib, rounds), the
# medians; every ratio below is a quotient of two of these.
FIGURES = {
    "disk": (40, 100000, 50000, 3),
    "zswap": (30, 0, 50000, 3),
    "tmem": (20, 10000, 5000, 3),
    "tmem-lzo": (22, 10000, 5000, 3),
    "zswap-capped": (25, 0, 40000, 3),
    "virtswap-own": (21, 0, 5000, 3),
    "virtswap": (24, 0, None, 3),
}
# Each configuration's rounds scale its medians by one of these rows (its
# median factor is 1), in different orders and spreads, so that the first
# round, the last or the mean would each give other ratios.
FACTORS = [(2.0, 1.0, 0.9), (1.0, 0.5, 3.0), (0.8, 1.0, 1.2)]
EXPECTED = ("e2e-bench: rounds=3 tmem_vs_disk=0.50 tmem_vs_zswap=0.67 disk_writes_avoided=0.900 "
            "cleancache_reads_avoided=0.900 virtswap_vs_frontswap=1.20 virtswap_vs_disk=0.60 "
            "virtswap_own_vs_frontswap=1.05 tmem_lzo_vs_zswap_capped=0.88 "
            "virtswap_stock_vs_own=1.14")

failed = 0


def check(name, ok, detail=""):
    global failed
    print("%s - %s%s" % ("ok" if ok else "not ok", name, (": " + detail) if detail and not ok else ""))
    failed += not ok


def log(override=None):
    """A bench-e2e log; override maps (config, round) to the fields it changes."""
    lines = ["noise"]
    for i, (c, (a, w, b, rounds)) in enumerate(FIGURES.items()):
        for rnd in range(1, rounds + 1):
            k = FACTORS[i % len(FACTORS)][rnd - 1] if rounds > 1 else 1.0
            f = {"config": c, "a_seconds": a * k, "a_mismatches": 0,
                 "a_pswpout": int(w * k) // 4, "a_pswpin": 0,
                 "a_swap_write_kib": int(w * k), "a_swap_read_kib": 0,
                 "a_user_s": 1, "a_sys_s": 2, "a_iowait_s": 3, "a_steal_s": 0,
                 "a_frontswap_stores": 0, "a_frontswap_loads": 0,
                 "b_pass1_seconds": 5, "b_pass2_seconds": 4,
                 "b_pass1_read_kib": 50000, "b_pass2_read_kib": b if b is None else int(b * k),
                 "b_mismatches": 0, "b_cleancache_gets": 0, "b_cleancache_puts": 0,
                 "tmem_host_mib": 10, "guest_rc": 0, "configured": "ok",
                 "round": rnd, "guest_mib": 128}
            if b is None:
                for key in ("b_pass1_seconds", "b_pass2_seconds", "b_pass1_read_kib",
                            "b_pass2_read_kib", "b_mismatches"):
                    f[key] = ""
            f.update((override or {}).get((c, rnd), {}))
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
        ("xl tmem-set failed", {("tmem-lzo", 2): {"configured": "tmem-set-failed"}}),
        ("the configure signal failed", {("zswap", 3): {"configured": "signal-failed"}}),
        ("workload (a) never ended", {("zswap-capped", 1): {"configured": "no-workload-a"}}),
        ("no configured field", {("tmem", 1): {"configured": ""}}),
        ("a guest's workload failed", {("disk", 2): {"guest_rc": 1}}),
        ("no guest exit status", {("virtswap", 1): {"guest_rc": ""}}),
        ("a mismatch in (a)", {("virtswap", 1): {"a_mismatches": 2}}),
        ("a mismatch in (b)", {("tmem", 3): {"b_mismatches": 1}}),
    ]:
        r = run(d, log(override))
        (c, rnd), = override
        check(name + ": exit status 1", r.returncode == 1, r.stdout + r.stderr)
        check(name + ": no summary line", "e2e-bench:" not in r.stdout, r.stdout)
        check(name + ": the run is named", "config %s round %d:" % (c, rnd) in r.stdout,
              r.stdout)
    text = "\n".join(x for x in log().splitlines() if "config=zswap" not in x)
    r = run(d, text)
    check("a log without every configuration is refused",
          r.returncode != 0 and "e2e-bench:" not in r.stdout, r.stdout + r.stderr)

print("test_e2e_report: %d failed" % failed)
sys.exit(1 if failed else 0)
