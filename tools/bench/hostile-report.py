#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hostile-report.py ENGINE_LOG LAB_LOG: the hostile-bench line of make
bench-hostile, from the userspace part (bench_hostile's
"adversarial_oid_ratio=") and the lab's "BENCH: hostile ..." line, each
figure as measured, with its target (issue 12) beside it."""
import re
import sys

TARGETS = [
    # (key, target, how it compares, what it is)
    ("heap_growth_mib", None, "<= meta_limit_mib",
     "Xen free memory lost to the attacker beyond its RAM and tmem's data pages"),
    ("max_call_us", 1000, "<=", "longest tmem call timed inside Xen, boot to end"),
    ("honest_p99_ratio", 2.0, "<=", "measuring guest's p99 under attack / quiet (worse of put, get)"),
    ("adversarial_oid_ratio", 2.0, "<=", "per-op cost, chosen / random oids, 1M objects, userspace"),
    ("leak_mib_20_cycles", 1, "<=", "Xen free memory before - after 20 create/attack/destroy cycles"),
]


def fields(text, pattern):
    m = None
    for m in re.finditer(pattern, text):
        pass
    if not m:
        return {}
    return dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], errors="replace") as f:
        eng = fields(f.read(), r"hostile-bench \(userspace part[^)]*\): (.*)")
    with open(sys.argv[2], errors="replace") as f:
        lab = fields(f.read(), r"BENCH: hostile (.*)")
    if not eng or not lab:
        sys.exit("hostile-report: no %s figures found" %
                 ("userspace" if not eng else "lab"))
    v = dict(lab)
    v.update(eng)
    keys = [t[0] for t in TARGETS]
    print("hostile-bench: " + " ".join("%s=%s" % (k, v.get(k, "NA")) for k in keys))
    for key, target, cmp, what in TARGETS:
        val = v.get(key, "NA")
        if target is None:
            limit = v.get("meta_limit_mib", "NA")
            verdict = "met" if val != "NA" and limit != "NA" and \
                float(val) <= float(limit) else "NOT met"
            print("  %-22s %8s  target %s (%s MiB): %s  [%s]" %
                  (key, val, cmp, limit, verdict, what))
            continue
        verdict = "met" if val not in ("NA", "") and float(val) <= target else "NOT met"
        print("  %-22s %8s  target %s %s: %s  [%s]" % (key, val, cmp, target, verdict, what))
    print("  also: xen_putget_vs_memcpy=%s (tmem %s ns/page, guest copy %s ns/page)"
          % (v.get("xen_putget_vs_memcpy", "NA"), v.get("tmem_ns_per_page", "NA"),
             v.get("memcpy_ns_per_page", "NA")))


if __name__ == "__main__":
    main()
