# SPDX-License-Identifier: GPL-2.0
"""The recompression and levels section of the benchmark report.

recompress.sh prints "recbench: rep=R sys=S scen=X orig=B compr=B used=B
op=write|recompress ms=T" per measurement, "recbench: ... op=read
read_ms=T" for the read that follows a write, and "recbench: ... na=WHAT"
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
    ("lz4-1", "lz4"),
    ("lz4-1+dict", "lz4 + dictionary"),
    ("lz4hc-9", "lz4hc level 9"),
    ("lz4hc-9+dict", "lz4hc level 9 + dictionary"),
)

# What an "na=" word means, where it is not something the zram lacks.
NA_TEXT = {"write-fails": "its writes fail"}


def medians(lines, sys, scen):
    """Median orig/used/ms/read_ms of a system's runs of scen, or what it
    lacks."""
    runs = [v for v in lines if v.get("sys") == sys and v.get("scen") == scen]
    done = [v for v in runs if "used" in v]
    if not done:
        return {"na": runs[0]["na"]} if runs else None
    reads = [float(v["read_ms"]) for v in runs if "read_ms" in v]
    return {key: statistics.median(float(v[key]) for v in done)
            for key in ("orig", "used", "ms")} | {
                "op": done[0]["op"], "note": done[0].get("note"),
                "read_ms": statistics.median(reads) if reads else None}


def cell(result, fmt_value, why=True):
    if result is None:
        return "-"
    if "na" in result:
        if not why:
            return "n/a"
        return "n/a (%s)" % NA_TEXT.get(result["na"], "no " + result["na"])
    return fmt_value(result)


def read_ms(result):
    return "-" if result["read_ms"] is None else "%.0f" % result["read_ms"]


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
               " recompression (under -icount it counts instructions), and"
               " around one O_DIRECT read of the device after the write."
               "  n/a: that zram lacks what the scenario needs, or fails its"
               " writes (checked in the guest).  The dictionary was trained"
               " with `zstd --train` on 4 KiB pages from the end of the"
               " corpus (mkdict.sh).\n"
               % (mib / (1 << 20)))
    out.append("| scenario | ours ratio | kernel ratio | ours/kernel memory"
               " | operation | ours ms | kernel ms | ours read ms"
               " | kernel read ms |")
    out.append("|---|--:|--:|--:|---|--:|--:|--:|--:|")
    for scen, text in SCENARIOS:
        ours = medians(lines, "ours", scen)
        kernel = medians(lines, "kernel", scen)
        if ours is None and kernel is None:
            continue
        both = all(r and "used" in r and r["used"] for r in (ours, kernel))
        op = next((r["op"] for r in (ours, kernel) if r and "op" in r), "-")
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            text, cell(ours, ratio), cell(kernel, ratio),
            "%.3f" % (ours["used"] / kernel["used"]) if both else "-",
            op, cell(ours, lambda r: "%.0f" % r["ms"], False),
            cell(kernel, lambda r: "%.0f" % r["ms"], False),
            cell(ours, read_ms, False), cell(kernel, read_ms, False)))
    out.append("")
    return out
