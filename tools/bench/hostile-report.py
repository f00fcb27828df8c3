#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hostile-report.py ENGINE_LOG LAB_LOG CALLS_LOG: the hostile-bench line
of make bench-hostile, from the userspace part (bench_hostile's
"adversarial_oid_ratio="), the lab's "BENCH: hostile ..." line and the
"BENCH: hostile-calls ..." line of the hostile scenario booted on QEMU's
instruction clock with one CPU, each figure as measured, with its target
(issue 12) beside it.

max_call_us comes from that last boot: there a time Xen measures across a
call is the call's own instructions (1 ns each), with no other vCPU's
slice of QEMU's thread and no host preemption in it.  The bench boot's
own figure (plain TCG, 2 CPUs) is printed beside it as max_call_us_tcg."""
import re
import sys

TARGETS = [
    # (key, target, how it compares, what it is)
    ("heap_growth_mib", None, "<= meta_limit_mib",
     "Xen free memory lost to the attacker beyond its RAM and tmem's data pages"),
    ("max_call_us", 1000, "<=",
     "longest tmem call timed inside Xen, hostile scenario, instruction clock, 1 CPU"),
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
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    with open(sys.argv[1], errors="replace") as f:
        eng = fields(f.read(), r"hostile-bench \(userspace part[^)]*\): (.*)")
    with open(sys.argv[2], errors="replace") as f:
        lab = fields(f.read(), r"BENCH: hostile (.*)")
    try:
        with open(sys.argv[3], errors="replace") as f:
            calls = fields(f.read(), r"BENCH: hostile-calls (.*)")
    except OSError:
        calls = {}
    for what, got in (("userspace", eng), ("lab", lab),
                      ("instruction-clock", calls)):
        if not got:
            sys.exit("hostile-report: no %s figures found" % what)
    v = dict(lab)
    v["max_call_us_tcg"] = v.pop("max_call_us", "NA")
    v.update(eng)
    v.update(calls)
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
    print("  also: max_call_us_tcg=%s (the bench boot, plain TCG, 2 CPUs: host "
          "scheduling of QEMU is in it)" % v.get("max_call_us_tcg", "NA"))
    print("  the longest call (instruction clock): cmd %s, %s work units; the most "
          "work in one call: %s units in %s us; %s of %s calls over 1 ms"
          % tuple(v.get(k, "NA") for k in ("max_call_cmd", "max_call_work", "max_work",
                                            "max_work_us", "calls_over_1ms", "calls")))
    print("  also: xen_putget_vs_memcpy=%s (tmem %s ns/page, guest copy %s ns/page)"
          % (v.get("xen_putget_vs_memcpy", "NA"), v.get("tmem_ns_per_page", "NA"),
             v.get("memcpy_ns_per_page", "NA")))


if __name__ == "__main__":
    main()
