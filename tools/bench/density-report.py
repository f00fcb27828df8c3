#!/usr/bin/env python3
"""Turn a bench-density lab log into a CSV, a PNG plot and the summary line

  density-bench: host_mem_ratio=M runtime_ratio=T guests_ratio=G mismatches=N

M: mean host memory the guests used (their memory as xl list shows it: RAM
   and the persistent tmem pages charged to them, plus tmem's ephemeral
   pages) over run "tmem" / over run "static", the same 3 guests;
T: mean busy time of a guest's workload (the memstress phases), tmem /
   static;
G: guests that completed when started until xl create failed (or the
   bench's maximum), tmem-max / static-max;
N: pages that failed verification, in all runs.
Targets: M <= 0.6, T <= 1.2, G >= 1.5.

usage: density-report.py LOG CSV PNG
"""
import csv
import os
import re
import subprocess
import sys

RUNS = ["static", "tmem", "static-max", "tmem-max"]
PAGE_MIB = 4096 / 1048576


def fields(text):
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def parse(log):
    samples = {r: [] for r in RUNS}
    runs, guests = {}, {r: [] for r in RUNS}
    with open(log, errors="replace") as f:
        for line in f:
            for tag in ("DSAMPLE: ", "BENCH: "):
                pos = line.find(tag)
                if pos >= 0:
                    break
            else:
                continue
            rest = line[pos + len(tag):].strip()
            if tag == "DSAMPLE: ":
                kv = fields(rest)
                if kv.get("run") in samples:
                    samples[kv["run"]].append(kv)
            elif rest.startswith("guest "):
                kv = fields(rest[6:])
                if kv.get("run") in guests:
                    guests[kv["run"]].append(kv)
            else:
                kv = fields(rest)
                if kv.get("run") in RUNS:
                    runs[kv["run"]] = kv
    return samples, runs, guests


def host_mib(s):
    """Memory the guests used: their own (xl list) plus ephemeral pages."""
    mem = sum(int(v) for k, v in s.items() if re.fullmatch(r"d\d+", k))
    return mem + int(s.get("eph", 0)) * PAGE_MIB


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def ratio(a, b):
    return a / b if b and b == b and a == a else float("nan")


def write_csv(path, samples):
    names = sorted({k for r in RUNS for s in samples[r] for k in s if re.fullmatch(r"d\d+", k)},
                   key=lambda n: int(n[1:]))
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run", "t", "free_mib", "persistent_pages", "ephemeral_pages",
                    "host_mib"] + [n + "_mib" for n in names])
        for r in RUNS:
            for s in samples[r]:
                w.writerow([r, s["t"], s["free"], s["pers"], s["eph"], "%.1f" % host_mib(s)]
                           + [s.get(n, 0) for n in names])
    return names


def plot(png, samples, names):
    """Memory over time, stacked per guest, one panel per run."""
    base = os.path.splitext(png)[0]
    panels = []
    for r in RUNS:
        if not samples[r]:
            continue
        dat = "%s-%s.dat" % (base, r)
        with open(dat, "w") as f:
            for s in samples[r]:
                acc, cols = 0.0, []
                for n in names:
                    acc += int(s.get(n, 0))
                    cols.append(acc)
                f.write("%s %s\n" % (s["t"], " ".join("%.1f" % c for c in cols)))
        curves = []
        for i in reversed(range(len(names))):
            curves.append("'%s' using 1:%d with filledcurves x1 title '%s'"
                          % (dat, i + 2, names[i]))
        panels.append("set title \"%s: memory of each guest (MiB, stacked)\"\nplot %s\n"
                      % (r, ", ".join(curves)))
    script = """
set terminal pngcairo size 1600,900 font ",10"
set output '%s'
set multiplot layout 2,2
set xlabel 'seconds'
set ylabel 'MiB'
set key outside right
set style fill solid 0.6
%s
unset multiplot
""" % (png, "".join(panels))
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("density-report: gnuplot failed: %s" % e)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    log, csv_path, png = sys.argv[1:]
    samples, runs, guests = parse(log)
    missing = [r for r in RUNS if r not in runs]
    if missing:
        sys.exit("density-report: no result for run(s) %s in %s" % (", ".join(missing), log))
    names = write_csv(csv_path, samples)
    plot(png, samples, names)

    host = {r: [host_mib(s) for s in samples[r]] for r in RUNS}
    busy = {r: [float(g["busy_seconds"]) for g in guests[r]
                if g.get("busy_seconds") not in (None, "", "NA")] for r in RUNS}
    for r in RUNS:
        print("density-bench: run %s: %s guests started, %s completed, %s s; host memory used "
              "mean %.0f MiB, peak %.0f MiB; mean busy time %.1f s"
              % (r, runs[r]["started"], runs[r]["completed"], runs[r]["seconds"],
                 mean(host[r]), max(host[r] or [float("nan")]), mean(busy[r])))
    m = ratio(mean(host["tmem"]), mean(host["static"]))
    t = ratio(mean(busy["tmem"]), mean(busy["static"]))
    g = ratio(int(runs["tmem-max"]["completed"]), int(runs["static-max"]["completed"]))
    mismatches = sum(int(runs[r]["mismatches"]) for r in RUNS)
    print("density-bench: targets host_mem_ratio <= 0.6 (%s), runtime_ratio <= 1.2 (%s), "
          "guests_ratio >= 1.5 (%s)" % ("met" if m <= 0.6 else "NOT met",
                                        "met" if t <= 1.2 else "NOT met",
                                        "met" if g >= 1.5 else "NOT met"))
    print("density-bench: csv %s, plot %s" % (csv_path, png))
    print("density-bench: host_mem_ratio=%.2f runtime_ratio=%.2f guests_ratio=%.2f mismatches=%d"
          % (m, t, g, mismatches))


if __name__ == "__main__":
    main()
