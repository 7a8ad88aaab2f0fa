# SPDX-License-Identifier: GPL-2.0
"""The recompression and levels section of the benchmark report.

recompress.sh prints "recbench: rep=R sys=S scen=X orig=B compr=B used=B
op=write|recompress ms=T" per measurement and "recbench: ... na=WHAT"
where a zram cannot run a scenario; this turns them into a markdown table
of medians, ours against the kernel's zram.
"""

import statistics

SCENARIOS = (
    ("lzo-rle", "lzo-rle"),
    ("lzo-rle+zstd", "lzo-rle, idle pages recompressed with zstd"),
    ("zstd-1", "zstd level 1"),
    ("zstd-3", "zstd level 3"),
    ("zstd-8", "zstd level 8"),
    ("zstd-1+dict", "zstd level 1 + dictionary"),
    ("zstd-3+dict", "zstd level 3 + dictionary"),
    ("zstd-8+dict", "zstd level 8 + dictionary"),
)


def medians(lines, sys, scen):
    """Median orig/used/ms of a system's runs of scen, or what it lacks."""
    runs = [v for v in lines if v.get("sys") == sys and v.get("scen") == scen]
    done = [v for v in runs if "used" in v]
    if not done:
        return {"na": runs[0]["na"]} if runs else None
    return {key: statistics.median(float(v[key]) for v in done)
            for key in ("orig", "used", "ms")} | {
                "op": done[0]["op"], "note": done[0].get("note")}


def cell(result, fmt_value, why=True):
    if result is None:
        return "-"
    if "na" in result:
        return "n/a (no %s)" % result["na"] if why else "n/a"
    return fmt_value(result)


def ratio(result):
    if not result["used"]:
        return "-"
    note = " (default level)" if result["note"] == "default-level" else ""
    return "%.2f%s" % (result["orig"] / result["used"], note)


def markdown(lines):
    """lines: the parsed fields of every "recbench:" line but the summary."""
    out = ["## Recompression and levels\n"]
    if not lines:
        out.append("Not run.\n")
        return out
    mib = max((float(v["orig"]) for v in lines if "orig" in v), default=0)
    out.append("The first %.0f MiB of the corpus written with one O_DIRECT dd"
               " (recompress.sh).  Ratio = orig_data_size / mem_used_total"
               " (higher is better); ours/kernel = mem_used_total ratio"
               " (below 1: ours uses less).  Time: the guest clock around the"
               " dd, or around the recompress write for the idle"
               " recompression (under -icount it counts instructions)."
               "  n/a: that zram lacks what the scenario needs (checked in"
               " the guest).  The dictionary was trained with `zstd --train`"
               " on 4 KiB pages from the end of the corpus (mkdict.sh).\n"
               % (mib / (1 << 20)))
    out.append("| scenario | ours ratio | kernel ratio | ours/kernel memory"
               " | operation | ours ms | kernel ms |")
    out.append("|---|--:|--:|--:|---|--:|--:|")
    for scen, text in SCENARIOS:
        ours = medians(lines, "ours", scen)
        kernel = medians(lines, "kernel", scen)
        if ours is None and kernel is None:
            continue
        both = all(r and "used" in r and r["used"] for r in (ours, kernel))
        op = next((r["op"] for r in (ours, kernel) if r and "op" in r), "-")
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            text, cell(ours, ratio), cell(kernel, ratio),
            "%.3f" % (ours["used"] / kernel["used"]) if both else "-",
            op, cell(ours, lambda r: "%.0f" % r["ms"], False),
            cell(kernel, lambda r: "%.0f" % r["ms"], False)))
    out.append("")
    return out
