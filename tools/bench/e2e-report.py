#!/usr/bin/env python3
"""Turn the BENCH lines of a bench-e2e lab log into CSVs, a PNG plot
(gnuplot) and the summary line

  e2e-bench: rounds=N tmem_vs_disk=R1 tmem_vs_zswap=R2 disk_writes_avoided=P1
             cleancache_reads_avoided=P2 virtswap_vs_frontswap=R3
             virtswap_vs_disk=R4 virtswap_own_vs_frontswap=R5
             tmem_lzo_vs_zswap_capped=R6 virtswap_stock_vs_own=R7

Each configuration runs in several rounds (bench-e2e.sh interleaves them);
every figure of a configuration is the median over its rounds, printed with
its min and max, and each ratio is a quotient of two such medians.
R1, R2: wall-time ratios of workload (a), tmem / other (lower is better).
R3, R4: the same, virtswap on Debian's stock 6.12 kernel / frontswap on
the project's kernel (config tmem), and / disk swap.  R5: virtswap built
into the project's kernel / frontswap on it (the driver alone).  R6:
tmem with LZO / zswap whose guest was given the host memory tmem-lzo took
at its peak, as RAM, with zswap's pool capped at it (like for like).
R7: virtswap on the stock kernel / virtswap built into the project's
kernel: what the distribution kernel's build costs (R3 = R5 * R7).
P1: fraction of the disk configuration's swap writes that tmem avoided.
P2: fraction of the disk configuration's second-pass reads that cleancache
avoided.

No summary line is printed (and the exit status is 1) when any run of any
configuration was not set up as named (configured is not ok: xl tmem-set
or the configure signal failed, or workload (a) never ended), read back a
page wrongly, or its guest's workload exited non-zero: its figures would
not measure what they name.

usage: e2e-report.py LOG CSV PNG   (every run goes to CSV's -runs.csv)
"""
import csv
import math
import os
import re
import subprocess
import sys

CONFIGS = ["disk", "zswap", "tmem", "tmem-lzo", "zswap-capped", "virtswap-own", "virtswap"]
# Configurations that run workload (a) only.
A_ONLY = ["virtswap"]


def parse(log):
    """config -> its runs, each a dict of the BENCH line's fields."""
    rows = {}
    with open(log, errors="replace") as f:
        for line in f:
            pos = line.find("BENCH: ")
            if pos < 0:
                continue
            fields = dict(kv.split("=", 1) for kv in line[pos + 7:].split() if "=" in kv)
            rows.setdefault(fields.get("config"), []).append(fields)
    return rows


def num(row, key):
    try:
        return float(row[key])
    except (KeyError, ValueError):
        raise SystemExit("e2e-report: config %s has no value for %s" % (row.get("config"), key))


def num_or_nan(row, key):
    """A figure a configuration may not have (workload (b) where A_ONLY)."""
    try:
        return float(row[key])
    except (KeyError, ValueError):
        return float("nan")


def median(values):
    v = sorted(x for x in values if not math.isnan(x))
    if not v:
        return float("nan")
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def summary(runs, key, get=num):
    """(median, min, max) of key over a configuration's runs."""
    v = [get(r, key) for r in runs]
    ok = [x for x in v if not math.isnan(x)]
    if not ok:
        return (float("nan"),) * 3
    return median(ok), min(ok), max(ok)


def ratio(a, b):
    return a / b if b else float("nan")


KEYS = ["config", "round", "guest_mib", "a_seconds", "a_mismatches", "a_pswpout", "a_pswpin",
        "a_swap_write_kib", "a_swap_read_kib", "a_user_s", "a_sys_s",
        "a_iowait_s", "a_steal_s", "a_frontswap_stores",
        "a_frontswap_loads", "b_pass1_seconds", "b_pass2_seconds",
        "b_pass1_read_kib", "b_pass2_read_kib", "b_mismatches",
        "b_cleancache_gets", "b_cleancache_puts", "tmem_host_mib", "guest_rc"]
# The per-configuration CSV (and the plot): medians of the numeric figures.
MEDIAN_KEYS = [k for k in KEYS if k not in ("config", "round", "a_mismatches",
                                            "b_mismatches", "guest_rc")]


def main():
    log, csv_path, png_path = sys.argv[1:4]
    rows = parse(log)
    missing = [c for c in CONFIGS if c not in rows]
    if missing:
        raise SystemExit("e2e-report: no BENCH line for %s in %s" % (", ".join(missing), log))
    runs_path = re.sub(r"(\.csv)?$", "-runs.csv", csv_path, count=1)
    with open(runs_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(KEYS)
        for c in CONFIGS:
            for r in rows[c]:
                w.writerow([r.get(k, "") for k in KEYS])
    med = {c: {k: summary(rows[c], k, num_or_nan)[0] for k in MEDIAN_KEYS} for c in CONFIGS}
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["config", "rounds"] + MEDIAN_KEYS)
        for c in CONFIGS:
            w.writerow([c, len(rows[c])] + ["%g" % med[c][k] for k in MEDIAN_KEYS])
    print("medians over each configuration's rounds [min, max]:")
    for c in CONFIGS:
        a = summary(rows[c], "a_seconds")
        b = summary(rows[c], "b_pass2_seconds", num_or_nan)
        h = summary(rows[c], "tmem_host_mib")
        print("  %-12s %d round(s), %4d MiB guest: (a) %7.1f s [%.1f, %.1f] "
              "(user %.1f, sys %.1f, iowait %.1f, steal %.1f), %8d KiB swap written; "
              "(b) pass 2 %7.1f s [%.1f, %.1f], %8.0f KiB read; host memory at (a)'s peak "
              "%4d MiB [%d, %d]"
              % ((c, len(rows[c]), med[c]["guest_mib"]) + a
                 + tuple(med[c][k] for k in ("a_user_s", "a_sys_s", "a_iowait_s",
                                             "a_steal_s", "a_swap_write_kib"))
                 + b + (med[c]["b_pass2_read_kib"],) + h))
    plot(csv_path, png_path, ["config", "rounds"] + MEDIAN_KEYS)
    r1 = ratio(med["tmem"]["a_seconds"], med["disk"]["a_seconds"])
    r2 = ratio(med["tmem"]["a_seconds"], med["zswap"]["a_seconds"])
    p1 = 1 - ratio(med["tmem"]["a_swap_write_kib"], med["disk"]["a_swap_write_kib"])
    p2 = 1 - ratio(med["tmem"]["b_pass2_read_kib"], med["disk"]["b_pass2_read_kib"])
    r3 = ratio(med["virtswap"]["a_seconds"], med["tmem"]["a_seconds"])
    r4 = ratio(med["virtswap"]["a_seconds"], med["disk"]["a_seconds"])
    r5 = ratio(med["virtswap-own"]["a_seconds"], med["tmem"]["a_seconds"])
    r6 = ratio(med["tmem-lzo"]["a_seconds"], med["zswap-capped"]["a_seconds"])
    r7 = ratio(med["virtswap"]["a_seconds"], med["virtswap-own"]["a_seconds"])
    print("csv: %s (medians), %s (every run)\nplot: %s" % (csv_path, runs_path, png_path))
    bad = invalid(rows)
    if bad:
        for c, why in bad:
            print("e2e-report: config %s: %s" % (c, why))
        print("e2e-report: figures are not valid: no summary line")
        return 1
    rounds = min(len(rows[c]) for c in CONFIGS)
    print("e2e-bench: rounds=%d tmem_vs_disk=%.2f tmem_vs_zswap=%.2f disk_writes_avoided=%.3f "
          "cleancache_reads_avoided=%.3f virtswap_vs_frontswap=%.2f virtswap_vs_disk=%.2f "
          "virtswap_own_vs_frontswap=%.2f tmem_lzo_vs_zswap_capped=%.2f "
          "virtswap_stock_vs_own=%.2f"
          % (rounds, r1, r2, p1, p2, r3, r4, r5, r6, r7))
    return 0


def invalid(rows):
    """(config, reason) for each run whose figures do not count."""
    bad = []
    for c in CONFIGS:
        for r in rows[c]:
            at = c + (" round %s" % r["round"] if r.get("round") else "")
            if r.get("configured") != "ok":
                bad.append((at, "not configured as named (%s)" % r.get("configured", "unknown")))
            if r.get("guest_rc") != "0":
                bad.append((at, "guest workload exit status %s" % (r.get("guest_rc") or "missing")))
            if r.get("a_mismatches") != "0":
                bad.append((at, "workload (a) mismatches %s" % (r.get("a_mismatches") or "missing")))
            if c not in A_ONLY and r.get("b_mismatches") != "0":
                bad.append((at, "workload (b) mismatches %s" % (r.get("b_mismatches") or "missing")))
    return bad


def plot(csv_path, png_path, keys):
    col = {k: keys.index(k) + 1 for k in keys}  # gnuplot counts from 1
    script = """
set terminal pngcairo size 1800,480 font ",10"
set output '%(png)s'
set datafile separator ','
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key off
set grid ytics
set xtics rotate by 30 right
set yrange [0:*]
set multiplot layout 1,4 title "tmem vs disk swap vs zswap: one lab boot, medians of the rounds, 128 MiB guest (zswap-capped: more), guest disks: the host disk, cache=none (%(csv)s)"
set title "(a) 384 MiB anonymous: wall time (s)"
plot '%(csv)s' using %(a_seconds)d:xtic(1) every ::1 lc rgb '#4477aa'
set title "(a) where the guest's time went (s)"
set key below horizontal maxrows 2 width -2
set style histogram rowstacked
set boxwidth 0.6
plot '%(csv)s' using %(a_user_s)d:xtic(1) every ::1 title 'user' lc rgb '#4477aa', \
     '' using %(a_sys_s)d every ::1 title 'system (with Xen)' lc rgb '#ee6677', \
     '' using %(a_iowait_s)d every ::1 title 'iowait' lc rgb '#bbbbbb', \
     '' using ($%(a_seconds)d - $%(a_user_s)d - $%(a_sys_s)d - $%(a_iowait_s)d > 0 ? \
        $%(a_seconds)d - $%(a_user_s)d - $%(a_sys_s)d - $%(a_iowait_s)d : 0) every ::1 \
        title 'idle, steal' lc rgb '#eeeeee'
set key off
set boxwidth
set style histogram clustered gap 1
set title "(a) swap written to disk (MiB)"
plot '%(csv)s' using ($%(a_swap_write_kib)d/1024):xtic(1) every ::1 lc rgb '#cc6677'
set title "(b) second pass: read from disk (MiB)"
plot '%(csv)s' using ($%(b_pass2_read_kib)d/1024):xtic(1) every ::1 lc rgb '#228833'
unset multiplot
""" % dict(col, png=png_path, csv=csv_path)
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("e2e-report: gnuplot failed: %s" % e)


if __name__ == "__main__":
    sys.exit(main())
