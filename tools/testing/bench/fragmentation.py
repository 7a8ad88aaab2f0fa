# SPDX-License-Identifier: GPL-2.0
"""The fragmentation scenario's section of the benchmark report.

fragmentation.sh prints "frag: sys=... rep=... unmovable_blocks=...
huge_pages=..." lines; this turns them into a markdown table of medians,
ours against the kernel's zram.
"""

import statistics


def markdown(lines):
    """lines: the parsed fields of every "frag:" line."""
    out = ["## Fragmentation: what the pool pins\n"]
    runs = [v for v in lines if "failed" not in v]
    if not runs:
        out.append("Not run.\n")
        return out
    out.append("Free memory scattered into small holes, %s MiB written to"
               " zram into the holes, the rest freed, then"
               " compact_memory.  Unmovable pageblocks: fewer is better;"
               " 2 MiB pages nr_hugepages obtains: more is better."
               " Medians of %d repetitions.\n"
               % (runs[0].get("data_mib", "?"),
                  len({v["rep"] for v in runs})))
    out.append("| system | pool MiB | unmovable pageblocks | huge pages |")
    out.append("|---|--:|--:|--:|")
    for sys in ("ours", "kernel"):
        mine = [v for v in runs if v.get("sys") == sys]
        if not mine:
            continue

        def med(key):
            return statistics.median(int(v[key]) for v in mine)
        out.append("| %s | %.0f | %.0f | %.0f |" % (
            sys, med("pool_kib") / 1024, med("unmovable_blocks"),
            med("huge_pages")))
    out.append("")
    return out
