# SPDX-License-Identifier: GPL-2.0
"""The report's section on large bios spread over CPUs (spread.sh).

spread.sh prints "spreadbench: rep=R alg=A sys=S write=SECS read=SECS" per
turn, S being ours as it is ("spread"), ours with spread_pages=0
("single") or the kernel's zram ("kernel"), and one "spreadbench: setup"
line; run-bench adds "spreadbench: host load=...".  Guest wall time with
two vCPUs: it follows the host's load, so the section gives the
per-repetition ratios' min-max beside their median.
"""

import statistics

SYSTEMS = ("spread", "single", "kernel")


def ratios(runs, over, under, step):
    """Per repetition, runs[over] / runs[under] for one step."""
    out = []
    for by_sys in runs.values():
        if over in by_sys and under in by_sys and by_sys[under][step] > 0:
            out.append(by_sys[over][step] / by_sys[under][step])
    return out


def alg_rows(alg, runs, fmt_band):
    """Markdown rows for one algorithm; runs: rep -> sys -> step -> s;
    fmt_band formats a list of ratios."""
    rows = []
    for step in ("write", "read"):
        med = []
        for sys in SYSTEMS:
            secs = [r[sys][step] for r in runs.values() if sys in r]
            med.append("%.3f" % statistics.median(secs) if secs else "-")
        rows.append("| %s | %s | %s | %s | %s |" % (
            alg, step, " | ".join(med),
            fmt_band(ratios(runs, "kernel", "spread", step)),
            fmt_band(ratios(runs, "single", "spread", step))))
    return rows


def markdown(lines, fmt_band):
    """lines: the parsed fields of every "spreadbench:" line, if any;
    fmt_band formats a list of ratios with their band."""
    out = ["## Large bios spread over CPUs (spread.sh, guest wall time)\n"]
    turns, setup = [], {}
    for v in lines:
        if "rep" in v:
            turns.append(v)
        else:
            setup.update(v)
    out.append("The corpus (%s MiB) written in 1 MiB direct bios and read"
               " back the same way, %s vCPUs, multi-threaded TCG without"
               " -icount: guest seconds follow the host's, whose load"
               " average was %s before the run.  Ours as it is (`spread`),"
               " ours with spread_pages=0 (`one CPU`), the kernel's zram;"
               " medians of %s repetitions, and the median of the"
               " per-repetition ratios with their min-max (above 1 means"
               " ours is faster).\n" % (
                   setup.get("corpus_mib", "?"), setup.get("cpus", "?"),
                   setup.get("load", "?"), setup.get("reps", "?")))
    try:
        busy = float(setup.get("load", "0").split("/")[0]) > 0.5
    except ValueError:
        busy = False
    if busy:
        out.append("**The host was busy: these figures measure its other"
                   " work as much as the drivers.**\n")
    out.append("| alg | step | spread s | one CPU s | kernel s |"
               " kernel/spread | one CPU/spread |")
    out.append("|---|---|--:|--:|--:|--:|--:|")
    by_alg = {}
    for v in turns:
        by_alg.setdefault(v["alg"], {}).setdefault(v["rep"], {})[
            v["sys"]] = {"write": float(v["write"]),
                         "read": float(v["read"])}
    for alg, runs in by_alg.items():
        out += alg_rows(alg, runs, fmt_band)
    out.append("")
    return out
