# SPDX-License-Identifier: GPL-2.0
"""The fragmentation scenario's section of the benchmark report.

fragmentation.sh prints "frag: sys=... rep=... unmovable_blocks=...
huge_pages=..." lines; this turns them into a markdown table of medians and
ranges, ours against the kernel's zram.
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
               " compact_memory.  Unmovable pageblocks: fewer is better"
               " (added: the count minus the count before the device was"
               " loaded); 2 MiB pages nr_hugepages obtains: more is better;"
               " slab: unreclaimable slab the filled device added."
               " Median (min-max) of %d repetitions, ours and the kernel's"
               " zram alternating.\n"
               % (runs[0].get("data_mib", "?"),
                  len({v["rep"] for v in runs})))
    out.append("| system | pool MiB | slab KiB | unmovable pageblocks"
               " | added | huge pages |")
    out.append("|---|--:|--:|--:|--:|--:|")
    for sys in ("ours", "kernel"):
        mine = [v for v in runs if v.get("sys") == sys]
        if not mine:
            continue
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            sys, spread(mine, "pool_kib", 1024), spread(mine, "slab_kib"),
            spread(mine, "unmovable_blocks"), spread(mine, added_blocks),
            spread(mine, "huge_pages")))
    out.append("")
    return out


def added_blocks(run):
    """Unmovable pageblocks this measurement added, if it says."""
    if "unmovable_before" not in run:
        return None
    return int(run["unmovable_blocks"]) - int(run["unmovable_before"])


def spread(runs, key, scale=1):
    """"median (min-max)" of a field (or of a function of a run)."""
    get = key if callable(key) else (
        lambda v: int(v[key]) if key in v else None)
    vals = [x / scale for x in map(get, runs) if x is not None]
    if not vals:
        return "-"
    med, low, high = ("%.0f" % x for x in (statistics.median(vals),
                                          min(vals), max(vals)))
    return med if low == high else "%s (%s-%s)" % (med, low, high)
