#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark guest's output into tables and a chart.

usage: report.py --log build/bench/raw.log --out build/bench

Reads the lines bench.sh prints ("bench:", "mem:", "swap:", "zsbench:",
"config:", and "host:" added by run-bench) and writes:

  results.md   Markdown: throughput, memory, swap, allocator microbenchmark
  results.csv  every figure as one row
  chart.png    ours/kernel ratios (gnuplot; skipped if gnuplot is missing)

Each figure is the median over the repetitions.  A ratio is the median of
the per-repetition ratios: both systems of a repetition ran minutes apart
in the same boot, so slow and fast phases of the host cancel.  The min-max
of the per-repetition ratios is printed next to it as the noise band.
"""
import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys

SYSTEMS = ("ours", "kernel", "brd")
DATA_ORDER = ("corpus", "random", "zero")
WL_ORDER = ("dd-write", "randread", "seqread", "randwrite", "randrw",
            "seqwrite")
WL_TEXT = {
    "dd-write": "write 1M seq (dd, real data)",
    "randread": "read 4K random",
    "seqread": "read 1M seq",
    "randwrite": "write 4K random",
    "randrw": "4K random 70% read/30% write",
    "seqwrite": "write 1M seq",
}
DATA_TEXT = {
    "corpus": "memory-like",
    "random": "incompressible",
    "zero": "same-filled (zero)",
}
MIB = 1024 * 1024
# Timing ratios this close to 1.0 are within the noise of a few
# interleaved repetitions under TCG (same module measured twice in one
# boot: 0.93-1.05 as the median of five).
NOISE = 0.07


def parse_fields(text):
    return dict(re.findall(r"(\w+)=(\S+)", text))


def parse(path):
    """Return (config, throughput, mem, swap, zsbench, ktap)."""
    config, speed, mem, swap, zsbench = {}, {}, {}, {}, {}
    ktap = {"ok": 0, "not ok": 0, "skip": 0}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            kind, _, rest = line.partition(": ")
            if line.startswith("ok "):
                ktap["skip" if "# SKIP" in line else "ok"] += 1
            elif line.startswith("not ok "):
                ktap["not ok"] += 1
            elif kind in ("config", "host"):
                config.update(parse_fields(rest))
            elif kind == "bench":
                v = parse_fields(rest)
                # brd does not compress: its figures hold for every algorithm
                alg = "-" if v["sys"] == "brd" else v["alg"]
                key = (alg, v["data"], v["wl"], int(v["jobs"]))
                kibs = int(v["read_kibs"]) + int(v["write_kibs"])
                if kibs > 0:
                    speed.setdefault(key, {}).setdefault(
                        v["sys"], {})[int(v["rep"])] = kibs / 1024
            elif kind == "mem":
                v = parse_fields(rest)
                key = (v["alg"], v["data"])
                mem.setdefault(key, {}).setdefault(v["sys"], []).append(
                    {k: int(v[k]) for k in ("orig", "compr", "used",
                                            "same", "huge")})
            elif kind == "swap":
                v = parse_fields(rest)
                swap.setdefault(v["sys"], {})[int(v["rep"])] = float(v["secs"])
                config.setdefault("swap_alg", v["alg"])
            elif kind == "zsbench":
                v = parse_fields(rest)
                metric = v.get("ns_per_op", v.get("value"))
                if "test" in v and metric is not None and "impl" in v:
                    key = (v["test"], v.get("mapping", "-"))
                    zsbench.setdefault(key, {}).setdefault(
                        v["impl"], {})[int(v.get("rep", 1))] = float(metric)
    return config, speed, mem, swap, zsbench, ktap


def median(values):
    return statistics.median(values) if values else None


def rep_ratios(a, b):
    """Per-repetition a/b for the repetitions both systems ran."""
    return [a[r] / b[r] for r in sorted(a) if r in b and b[r] > 0]


def fmt(value, digits=1):
    return "-" if value is None else "%.*f" % (digits, value)


def fmt_ratio(ratios):
    if not ratios:
        return "-"
    if len(ratios) == 1:
        return "%.2f" % ratios[0]
    return "%.2f (%.2f-%.2f)" % (median(ratios), min(ratios), max(ratios))


def noise_note(speed_ratio):
    return " (within noise)" if speed_ratio >= 1 - NOISE else ""


def sort_key(key):
    alg, data, wl, jobs = key
    return (data != "corpus", DATA_ORDER.index(data) if data in DATA_ORDER
            else 9, WL_ORDER.index(wl) if wl in WL_ORDER else 9, jobs)


class Report:
    def __init__(self, config, speed, mem, swap, zsbench, ktap):
        self.config, self.speed, self.mem = config, speed, mem
        self.swap, self.zsbench, self.ktap = swap, zsbench, ktap
        self.algs = config.get("algs", "lzo").split(",")
        self.md, self.csv = [], []
        self.chart_speed, self.chart_mem = [], []
        self.losses = []

    def throughput_rows(self, alg):
        rows = []
        keys = sorted((k for k in self.speed if k[0] == alg), key=sort_key)
        for key in keys:
            _, data, wl, jobs = key
            per_sys = dict(self.speed[key])
            brd = self.speed.get(("-", data, wl, jobs), {}).get("brd")
            if brd:
                per_sys["brd"] = brd
            rows.append((data, wl, jobs, per_sys))
        return rows

    def add_throughput(self):
        self.md.append("## Throughput (MiB/s, higher is better)\n")
        self.md.append("fio, direct I/O on the raw device, psync; `ours/kernel`"
                       " and `ours/brd` are medians of per-repetition ratios,"
                       " with their min-max in brackets.\n")
        for alg in self.algs:
            rows = self.throughput_rows(alg)
            if not rows:
                continue
            self.md.append("### %s\n" % alg)
            self.md.append("| data | workload | jobs | ours | kernel | brd |"
                           " ours/kernel | ours/brd |")
            self.md.append("|---|---|--:|--:|--:|--:|--:|--:|")
            for data, wl, jobs, per_sys in rows:
                self.throughput_row(alg, data, wl, jobs, per_sys)
            self.md.append("")

    def throughput_row(self, alg, data, wl, jobs, per_sys):
        med = {s: median(list(per_sys.get(s, {}).values())) for s in SYSTEMS}
        vs_kernel = rep_ratios(per_sys.get("ours", {}),
                               per_sys.get("kernel", {}))
        vs_brd = rep_ratios(per_sys.get("ours", {}), per_sys.get("brd", {}))
        self.md.append("| %s | %s | %d | %s | %s | %s | %s | %s |" % (
            DATA_TEXT.get(data, data), WL_TEXT.get(wl, wl), jobs,
            fmt(med["ours"]), fmt(med["kernel"]), fmt(med["brd"]),
            fmt_ratio(vs_kernel), fmt_ratio(vs_brd)))
        self.csv.append(["throughput", alg, data, wl, jobs, "MiB/s",
                         fmt(med["ours"], 2), fmt(med["kernel"], 2),
                         fmt(med["brd"], 2), fmt(median(vs_kernel), 3),
                         fmt(min(vs_kernel) if vs_kernel else None, 3),
                         fmt(max(vs_kernel) if vs_kernel else None, 3),
                         fmt(median(vs_brd), 3)])
        if vs_kernel:
            label = "%s %s j%d" % (wl, data if data != "corpus" else "", jobs)
            self.chart_speed.append((alg, " ".join(label.split()),
                                     median(vs_kernel)))
            if median(vs_kernel) < 1.0:
                self.losses.append("%s %s, %s, jobs=%d: %s%s" % (
                    alg, DATA_TEXT.get(data, data), WL_TEXT.get(wl, wl),
                    jobs, fmt_ratio(vs_kernel),
                    noise_note(median(vs_kernel))))

    def add_memory(self):
        if not self.mem:
            return
        self.md.append("## Memory after writing the same data (MiB, lower is"
                       " better)\n")
        self.md.append("From `mm_stat` right after the data was written:"
                       " `compr` = compr_data_size, `used` = mem_used_total"
                       " (zsmalloc pages, including fragmentation); ratio ="
                       " orig_data_size / mem_used_total.\n")
        self.md.append("| alg | data | orig | ours compr | kernel compr |"
                       " ours used | kernel used | ours/kernel used |"
                       " ratio ours | ratio kernel | same pages | huge pages"
                       " ours/kernel |")
        self.md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        keys = sorted(self.mem, key=lambda k: (
            self.algs.index(k[0]) if k[0] in self.algs else 9,
            DATA_ORDER.index(k[1]) if k[1] in DATA_ORDER else 9))
        for alg, data in keys:
            self.memory_row(alg, data, self.mem[(alg, data)])
        self.md.append("")

    def memory_row(self, alg, data, per_sys):
        def med(sys, field):
            vals = [m[field] for m in per_sys.get(sys, [])]
            return median(vals)

        def mib(v):
            return None if v is None else v / MIB

        orig = med("ours", "orig") or med("kernel", "orig")
        used_o, used_k = med("ours", "used"), med("kernel", "used")
        used_ratio = used_o / used_k if used_o and used_k else None
        if used_o == 0 and used_k == 0:
            used_ratio = 1.0
        ratio = {s: (orig / med(s, "used") if orig and med(s, "used")
                     else None) for s in ("ours", "kernel")}
        huge = "%s/%s" % (fmt(med("ours", "huge"), 0),
                          fmt(med("kernel", "huge"), 0))
        self.md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                       " %s | %s |" % (
                           alg, DATA_TEXT.get(data, data), fmt(mib(orig)),
                           fmt(mib(med("ours", "compr"))),
                           fmt(mib(med("kernel", "compr"))),
                           fmt(mib(used_o)), fmt(mib(used_k)),
                           fmt(used_ratio, 3), fmt(ratio["ours"], 2),
                           fmt(ratio["kernel"], 2),
                           fmt(med("ours", "same") or med("kernel", "same"),
                               0), huge))
        for field in ("compr", "used"):
            o, k = med("ours", field), med("kernel", field)
            self.csv.append(["memory", alg, data, field, "", "MiB",
                             fmt(mib(o), 2), fmt(mib(k), 2), fmt(mib(orig), 2),
                             fmt(o / k if o and k else None, 3), "", "", ""])
        if used_ratio is not None and data != "zero":
            self.chart_mem.append((alg, DATA_TEXT.get(data, data), used_ratio))
            if used_ratio > 1.0:
                self.losses.append("%s %s, memory used: %.3f (exact)" % (
                    alg, DATA_TEXT.get(data, data), used_ratio))

    def add_swap(self):
        if not self.swap:
            return
        cfg = self.config
        self.md.append("## Swap (seconds, lower is better)\n")
        self.md.append("`memhog %s` (fill %s MiB of anonymous memory, then"
                       " verify it) in a memory cgroup limited to %s MiB,"
                       " with swap on each device (zram: %s)."
                       " Ratio ours/kernel < 1 means ours is faster.\n" % (
                           cfg.get("swap_mib", "?"), cfg.get("swap_mib", "?"),
                           cfg.get("cgroup_mib", "?"),
                           cfg.get("swap_alg", "?")))
        self.md.append("| ours | kernel | brd | ours/kernel | ours/brd |")
        self.md.append("|--:|--:|--:|--:|--:|")
        med = {s: median(list(self.swap.get(s, {}).values()))
               for s in SYSTEMS}
        vs_kernel = rep_ratios(self.swap.get("ours", {}),
                               self.swap.get("kernel", {}))
        vs_brd = rep_ratios(self.swap.get("ours", {}), self.swap.get("brd", {}))
        self.md.append("| %s | %s | %s | %s | %s |\n" % (
            fmt(med["ours"], 2), fmt(med["kernel"], 2), fmt(med["brd"], 2),
            fmt_ratio(vs_kernel), fmt_ratio(vs_brd)))
        self.csv.append(["swap", cfg.get("swap_alg", ""), "memhog", "memhog",
                         1, "s", fmt(med["ours"], 2), fmt(med["kernel"], 2),
                         fmt(med["brd"], 2), fmt(median(vs_kernel), 3),
                         fmt(min(vs_kernel) if vs_kernel else None, 3),
                         fmt(max(vs_kernel) if vs_kernel else None, 3),
                         fmt(median(vs_brd), 3)])
        if vs_kernel:
            # in the chart every bar is "higher is better": speed ratio
            self.chart_speed.append((cfg.get("swap_alg", "lzo"),
                                     "swap (speed)", 1 / median(vs_kernel)))
            if median(vs_kernel) > 1.0:
                self.losses.append("swap, memhog time: %s%s" % (
                    fmt_ratio(vs_kernel), noise_note(1 / median(vs_kernel))))

    def add_zsbench(self):
        self.md.append("## Allocator microbenchmark\n")
        if not self.zsbench:
            self.md.append("Not run: zsmalloc_bench.ko was not built.\n")
            return
        self.md.append("zsmalloc_bench.ko (our allocator, both mappings) and"
                       " zsmalloc_bench_kernel.ko (the same code on the"
                       " kernel's zsmalloc.ko, which copies), loaded once per"
                       " repetition each.  Map tests: ns per map + touch +"
                       " unmap, lower is better.  Space tests: bytes stored /"
                       " bytes of pool pages, higher is better.\n")
        self.md.append("| test | ours copy | ours pgtable | kernel |"
                       " ours copy/kernel | ours pgtable/kernel |")
        self.md.append("|---|--:|--:|--:|--:|--:|")
        tests = []
        for test, _ in self.zsbench:
            if test not in tests:
                tests.append(test)
        for test in tests:
            self.zsbench_row(test)
        self.md.append("")

    def zsbench_row(self, test):
        def runs(impl, mapping):
            return self.zsbench.get((test, mapping), {}).get(impl, {})

        if (test, "-") in self.zsbench:
            ours, kernel = runs("ours", "-"), runs("kernel", "-")
            cells = [ours, {}, kernel]
            ratios = [rep_ratios(ours, kernel), []]
        else:
            kernel = runs("kernel", "copy")
            cells = [runs("ours", "copy"), runs("ours", "pgtable"), kernel]
            ratios = [rep_ratios(cells[0], kernel),
                      rep_ratios(cells[1], kernel)]
        digits = 0 if test.startswith("map") or test.endswith("size") else 4
        unit = {True: "ns/op", False: "ratio"}[test.startswith("map")]
        if test.endswith("size"):
            unit = "bytes"
        meds = [median(list(c.values())) for c in cells]
        self.md.append("| %s | %s | %s | %s | %s | %s |" % (
            test, fmt(meds[0], digits), fmt(meds[1], digits),
            fmt(meds[2], digits), fmt_ratio(ratios[0]),
            fmt_ratio(ratios[1])))
        self.csv.append(["zsbench", "", test, "copy" if cells[1] else "-",
                         "", unit,
                         fmt(meds[0], 4), fmt(meds[2], 4), "",
                         fmt(median(ratios[0]), 3), "", "", ""])
        if cells[1]:
            self.csv.append(["zsbench", "", test, "pgtable", "", "ns/op",
                             fmt(meds[1], 4), fmt(meds[2], 4), "",
                             fmt(median(ratios[1]), 3), "", "", ""])

    def header(self):
        c = self.config
        md = ["# zram benchmark: ours vs the kernel's zram vs brd\n"]
        if c.get("aa") == "1":
            md.append("**A/A control run: \"ours\" is the kernel's zram.ko"
                      " as well, so every ours/kernel ratio shows the noise"
                      " of this setup, not a difference.**\n")
        md.append("- date %s, kernel %s, %s vCPUs (QEMU TCG), %s"
                  " repetitions, %s s per timed fio run, corpus %s MiB;"
                  " run took %s min, host load before %s, rev %s" % (
                      c.get("date", "?"), c.get("kernel", "?"),
                      c.get("cpus", "?"), c.get("reps", "?"),
                      c.get("runtime", "?"), c.get("corpus_mib", "?"),
                      c.get("minutes", "?"), c.get("load", "?"),
                      c.get("rev", "?")))
        md.append("- guest checks: %d ok, %d not ok, %d skipped" % (
            self.ktap["ok"], self.ktap["not ok"], self.ktap["skip"]))
        if self.losses:
            md.append("- where ours is not yet at least level with the"
                      " kernel's zram (ours/kernel below 1.0 for speed,"
                      " above 1.0 for memory and swap time; speed ratios"
                      " within %d%% of 1.0 are within the noise):"
                      % (NOISE * 100))
            md.extend("  - %s" % loss for loss in self.losses)
        elif any(self.speed.get(k, {}).get("ours") for k in self.speed):
            md.append("- ours is at least level with the kernel's zram on"
                      " every workload and uses no more memory")
        else:
            md.append("- our zram.ko was not measured (not built)")
        md.append("")
        self.md = md + self.md

    def build(self):
        self.add_throughput()
        self.add_memory()
        self.add_swap()
        self.add_zsbench()
        self.header()


def write_chart(report, out):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot or not (report.chart_speed or report.chart_mem):
        return False
    algs = report.algs
    labels = []
    for _, label, _ in report.chart_speed:
        if label not in labels:
            labels.append(label)
    value = {(a, l): v for a, l, v in report.chart_speed}
    with open(os.path.join(out, "chart-speed.dat"), "w") as f:
        f.write("workload %s\n" % " ".join(algs))
        for label in labels:
            f.write('"%s" %s\n' % (label, " ".join(
                fmt(value.get((a, label)), 3) for a in algs)))
    mem_labels = []
    for _, label, _ in report.chart_mem:
        if label not in mem_labels:
            mem_labels.append(label)
    mvalue = {(a, l): v for a, l, v in report.chart_mem}
    with open(os.path.join(out, "chart-mem.dat"), "w") as f:
        f.write("data %s\n" % " ".join(algs))
        for label in mem_labels:
            f.write('"%s" %s\n' % (label, " ".join(
                fmt(mvalue.get((a, label)), 3) for a in algs)))
    def plots(datafile, transform):
        return " , ".join(
            "'%s' using (%s):xtic(1) title '%s'" % (
                datafile, transform % (i + 2), a)
            for i, a in enumerate(algs))

    script = """
set terminal pngcairo size 1200,900 font ',10'
set output '{out}/chart.png'
set datafile missing '-'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key autotitle columnheader top left
set grid ytics
set xtics rotate by -30
set multiplot layout 2,1
set title 'ours / kernel zram: speed, median of per-repetition ratios (higher is better; 1 = level)'
set yrange [0:*]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 front
plot {speed}
unset arrow 1
set title 'ours vs kernel zram: mem\\_used\\_total for the same data, % (below 0 = ours uses less)'
set yrange [*:*]
set xzeroaxis lt -1
plot {mem}
unset multiplot
""".format(out=out,
           speed=plots(os.path.join(out, "chart-speed.dat"), "$%d"),
           mem=plots(os.path.join(out, "chart-mem.dat"), "($%d - 1) * 100"))
    result = subprocess.run([gnuplot], input=script, text=True,
                            capture_output=True)
    if result.returncode != 0:
        sys.stderr.write("report: gnuplot failed:\n%s" % result.stderr)
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    report = Report(*parse(args.log))
    report.build()
    os.makedirs(args.out, exist_ok=True)
    if write_chart(report, args.out):
        report.md.append("Chart: chart.png\n")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(report.md))
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["section", "alg", "data", "workload", "jobs", "unit",
                    "ours", "kernel", "brd", "ours_kernel",
                    "ours_kernel_min", "ours_kernel_max", "ours_brd"])
        w.writerows(report.csv)


if __name__ == "__main__":
    main()
