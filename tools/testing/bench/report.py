#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark guest's output into tables and a chart.

usage: report.py --log build/bench/raw.log [--log MORE.log...] --out DIR

Reads the lines bench.sh prints ("config:", "bench:", "mem:", "swap:",
"ext4:", "zsbench:", KTAP) and spread.sh's "spreadbench:" lines, the
"mark:" lines cpustamp.py stamped with the VM's host CPU time, and the
"host:" line run-bench adds, and writes:

  results.md   Markdown: throughput, memory, swap, ext4, allocator
               microbenchmark,
               writeback, fragmentation, swap with a policy (policy.py),
               large bios over two vCPUs (spread.py)
  results.csv  every figure as one row
  chart.png    ours/kernel ratios (gnuplot; skipped if gnuplot is missing)

Speed figures per measurement:
  icount  with QEMU's -icount (the "host:" line says icount=SHIFT), the
          guest's clock counts executed instructions (2^SHIFT ns each), so
          MiB/s as fio (or dd, or the clock around memhog) saw it is bytes
          per instruction: the yardstick, deaf to the host's load.  Shown
          as instructions per KiB;
  cpu     MiB per second of host CPU that QEMU used between the marks
          around the measurement;
  wall    MiB per second of the host's wall clock between those marks
          (without -icount: what fio saw, the guest's clock being the
          host's).
Each figure is the median over the repetitions.  A ratio is the median of
the per-repetition ratios (the systems of one repetition ran close
together in the same boot), with the min-max of those ratios as the noise
band.  Verdicts use the icount ratio, else cpu, else wall.  Several logs
(runs of the same tree) pool their repetitions.
"""
import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys

import fragmentation
import policy
import recompress
import spread

SYSTEMS = ("ours", "kernel", "brd")
# The steps of bench.sh's ext4 phase, in the order they run.
EXT4_STEPS = ("mkfs", "copy", "read", "trim")
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
# Speed ratios this close to 1.0 are within the noise of a few interleaved
# repetitions under TCG (the same module measured twice in one boot: 0.93 to
# 1.05 as the median of five); with -icount, the A/A band is within 0.98 to
# 1.02 (Documentation/benchmarks.rst).
NOISE = 0.07
NOISE_ICOUNT = 0.02


def parse_fields(text):
    return dict(re.findall(r"(\w+)=(\S+)", text))


def put(table, key, sys, rep, value):
    table.setdefault(key, {}).setdefault(sys, {})[rep] = value


def alg_of(v):
    """The algorithm a measurement is filed under: brd does not compress,
    so its figures, filed under "-", hold for every algorithm."""
    return "-" if v["sys"] == "brd" else v["alg"]


class Results:
    """Everything one raw.log holds."""

    def __init__(self, paths):
        self.config, self.mem, self.zsbench = {}, {}, {}
        # (alg, data, wl, jobs) -> sys -> rep -> MiB/s: guest clock,
        # host CPU, host wall
        self.guest, self.cpu, self.wall = {}, {}, {}
        # (alg, "swap") -> sys -> rep -> seconds, the same three clocks
        self.swap_guest, self.swap_cpu, self.swap_wall = {}, {}, {}
        # (alg, ext4 step) -> sys -> rep -> guest seconds
        self.ext4 = {}
        self.frag = []	# fields of fragmentation.sh's "frag:" lines
        self.recbench = []	# fields of recompress.sh's "recbench:" lines
        self.shares = []	# VM CPU / host wall during 1-job runs
        self.wbbench = []	# writeback.sh's summary lines
        self.polbench = []	# fields of policy.sh's "polbench:" lines
        self.spreadbench = []	# fields of spread.sh's "spreadbench:" lines
        self.ktap = {"ok": 0, "not ok": 0, "skip": 0}
        self.begin = self.end = None
        self.rep_base = 0
        reps, dates = 0, []
        for path in paths:
            with open(path, errors="replace") as f:
                for line in f:
                    self.line(line.rstrip("\r\n"))
            # the next log's repetitions are new ones
            self.rep_base += 1000
            reps += int(self.config.get("reps", 0))
            dates.append(self.config.get("date", "?"))
        if len(paths) > 1:
            self.config["reps"] = "%d (%d runs)" % (reps, len(paths))
            self.config["date"] = ", ".join(dates)

    def icount(self):
        """Did the guest's clock count instructions?"""
        return self.config.get("icount", "off") != "off"

    def rep(self, v):
        return self.rep_base + int(v.get("rep", 1))

    def line(self, line):
        kind, _, rest = line.partition(": ")
        if line.startswith("ok "):
            self.ktap["skip" if "# SKIP" in line else "ok"] += 1
        elif line.startswith("not ok "):
            self.ktap["not ok"] += 1
        elif kind in ("config", "host"):
            self.config.update(parse_fields(rest))
        elif kind == "mark":
            self.mark(rest.split()[0], parse_fields(rest))
        elif kind == "bench":
            self.bench(parse_fields(rest))
        elif kind == "mem":
            v = parse_fields(rest)
            self.mem.setdefault((v["alg"], v["data"]), {}).setdefault(
                v["sys"], []).append({k: int(v[k]) for k in (
                    "orig", "compr", "used", "same", "huge", "slab_kib")
                    if k in v})
        elif kind == "swap":
            self.swap(parse_fields(rest))
        elif kind == "ext4":
            v = parse_fields(rest)
            put(self.ext4, (alg_of(v), v["step"]), v["sys"], self.rep(v),
                float(v["secs"]))
        elif kind == "wbbench" and rest.startswith("summary "):
            self.wbbench.append(rest[len("summary "):])
        elif kind == "frag":
            self.frag.append(parse_fields(rest))
        elif kind == "recbench" and not rest.startswith("summary "):
            self.recbench.append(parse_fields(rest))
        elif kind == "polbench":
            self.polbench.append(parse_fields(rest))
        elif kind == "spreadbench":
            v = parse_fields(rest)
            if "rep" in v:
                v["rep"] = self.rep(v)
            self.spreadbench.append(v)
        elif kind == "zsbench":
            v = parse_fields(rest)
            metric = v.get("ns_per_op", v.get("value"))
            if "test" in v and "impl" in v and metric is not None:
                put(self.zsbench, (v["test"], v.get("mapping", "-")),
                    v["impl"], self.rep(v), float(metric))

    def mark(self, what, v):
        if "hcpu" not in v:
            return
        stamp = (int(v["hcpu"]), int(v["hwall"]))
        if what == "begin":
            if self.end is not None:	# a measurement that printed nothing
                self.begin = self.end = None
            if self.begin is None:
                self.begin = stamp
        elif what == "end" and self.begin is not None:
            self.end = stamp

    def interval(self):
        """(cpu s, wall s) between the pending marks, and forget them."""
        begin, end = self.begin, self.end
        self.begin = self.end = None
        if begin is None or end is None or end[0] <= begin[0]:
            return None
        return (end[0] - begin[0]) / 1e9, (end[1] - begin[1]) / 1e9

    def bench(self, v):
        key = (alg_of(v), v["data"], v["wl"], int(v["jobs"]))
        rep = self.rep(v)
        kibs = int(v["read_kibs"]) + int(v["write_kibs"])
        spent = self.interval()
        if kibs > 0:
            put(self.guest, key, v["sys"], rep, kibs / 1024)
        mib = int(v.get("kib", 0)) / 1024
        if spent and mib > 0:
            put(self.cpu, key, v["sys"], rep, mib / spent[0])
            if spent[1] > 0:
                put(self.wall, key, v["sys"], rep, mib / spent[1])
                if key[3] == 1:
                    self.shares.append(spent[0] / spent[1])

    def swap(self, v):
        key = (alg_of(v), "swap")
        spent = self.interval()
        put(self.swap_guest, key, v["sys"], self.rep(v), float(v["secs"]))
        if spent:
            put(self.swap_cpu, key, v["sys"], self.rep(v), spent[0])
            put(self.swap_wall, key, v["sys"], self.rep(v), spent[1])

    def speed_tables(self):
        """(name, table) per speed figure, the verdict's first."""
        if self.icount():
            return (("icount", self.guest), ("cpu", self.cpu),
                    ("wall", self.wall))
        return (("cpu", self.cpu), ("wall", self.guest))

    def swap_tables(self):
        if self.icount():
            return (("icount", self.swap_guest), ("cpu", self.swap_cpu),
                    ("wall", self.swap_wall))
        return (("cpu", self.swap_cpu), ("wall", self.swap_guest))

    def noise(self):
        return NOISE_ICOUNT if self.icount() else NOISE


def median(values):
    values = list(values)
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


def noise_note(speed_ratio, noise):
    return " (within noise)" if speed_ratio >= 1 - noise else ""


def sort_key(key):
    _, data, wl, jobs = key
    return (DATA_ORDER.index(data) if data in DATA_ORDER else 9,
            WL_ORDER.index(wl) if wl in WL_ORDER else 9, jobs)


class Comparison:
    """One measurement for all systems: medians and ours/x ratios."""

    def __init__(self, runs):
        self.runs = runs	# sys -> rep -> value
        self.med = {s: median(runs.get(s, {}).values()) for s in SYSTEMS}
        self.vs_kernel = rep_ratios(runs.get("ours", {}),
                                    runs.get("kernel", {}))
        self.vs_brd = rep_ratios(runs.get("ours", {}), runs.get("brd", {}))

    def csv(self, head, metric, unit):
        vk = self.vs_kernel
        return head + [metric, unit] + [fmt(self.med[s], 3) for s in SYSTEMS] + [
            fmt(median(vk), 3), fmt(min(vk) if vk else None, 3),
            fmt(max(vk) if vk else None, 3), fmt(median(self.vs_brd), 3)]


def seconds_row(label, comp, digits):
    """A Markdown row of times: each system's median, then the ratios."""
    return "| %s | %s | %s | %s | %s | %s |" % (
        label, fmt(comp.med["ours"], digits), fmt(comp.med["kernel"], digits),
        fmt(comp.med["brd"], digits), fmt_ratio(comp.vs_kernel),
        fmt_ratio(comp.vs_brd))


class Report:
    def __init__(self, res):
        self.res = res
        self.algs = res.config.get("algs", "lzo").split(",")
        self.md, self.csv = [], []
        self.chart_speed, self.chart_mem = [], []
        self.losses = []

    def runs(self, table, key):
        """sys -> rep -> value for key, with brd's alg-independent runs."""
        runs = dict(table.get(key, {}))
        brd = table.get(("-",) + key[1:], {}).get("brd")
        if brd:
            runs["brd"] = brd
        return runs

    def add_throughput(self):
        res = self.res
        self.md.append("## Throughput (higher is better)\n")
        if res.icount():
            self.md.append(
                "fio, direct I/O on the raw device, psync, in a VM whose"
                " clock counts the instructions it executes (QEMU -icount"
                " shift=%s): the first three columns are guest instructions"
                " per KiB moved (medians, lower is better), and `icount`"
                " ratios compare them (kernel's / ours: above 1 means ours"
                " needs fewer instructions).  Secondary: `cpu` ratios"
                " compare MiB per second of host CPU the VM used, `wall`"
                " MiB per host wall-clock second; both move with the"
                " host's load.  Each ratio is the median of per-repetition"
                " ratios, min-max in brackets.\n" % res.config["icount"])
        else:
            self.md.append(
                "fio, direct I/O on the raw device, psync.  MiB/s are"
                " medians of the wall-clock figures.  `wall` ratios"
                " compare those; `cpu` ratios compare MiB per second"
                " of host CPU the VM used, which the host's other load"
                " moves less.  Each ratio is the median of"
                " per-repetition ratios, min-max in brackets.\n")
        tables = res.speed_tables()
        unit = "insn/KiB" if res.icount() else "MiB/s"
        for alg in self.algs:
            keys = sorted((k for k in res.guest if k[0] == alg),
                          key=sort_key)
            if not keys:
                continue
            self.md.append("### %s\n" % alg)
            self.md.append("| data | workload | jobs | ours %s | kernel %s |"
                           " brd %s | %s | ours/brd %s |" % (
                               unit, unit, unit, " | ".join(
                                   "ours/kernel " + name
                                   for name, _ in tables), tables[0][0]))
            self.md.append("|---|---|--:|--:|--:|--:|%s--:|" % (
                "--:|" * len(tables)))
            for key in keys:
                self.throughput_row(key, tables)
            self.md.append("")

    def guest_figure(self, mib_per_s):
        """What the table shows for a guest-clock MiB/s."""
        if mib_per_s is None or not self.res.icount():
            return fmt(mib_per_s)
        insn_per_s = 1e9 / (1 << int(self.res.config["icount"]))
        return fmt(insn_per_s / (mib_per_s * 1024), 0)

    def throughput_row(self, key, tables):
        alg, data, wl, jobs = key
        guest = Comparison(self.runs(self.res.guest, key))
        comps = [(name, Comparison(self.runs(table, key)))
                 for name, table in tables]
        self.md.append("| %s | %s | %d | %s | %s | %s | %s | %s |" % (
            DATA_TEXT.get(data, data), WL_TEXT.get(wl, wl), jobs,
            self.guest_figure(guest.med["ours"]),
            self.guest_figure(guest.med["kernel"]),
            self.guest_figure(guest.med["brd"]),
            " | ".join(fmt_ratio(c.vs_kernel) for _, c in comps),
            fmt_ratio(comps[0][1].vs_brd)))
        head = ["throughput", alg, data, wl, jobs]
        for name, comp in comps:
            if comp.vs_kernel or comp.med["ours"] or comp.med["kernel"]:
                self.csv.append(comp.csv(head, name, "MiB/%s-s" % name))
        verdict = next((c.vs_kernel for _, c in comps if c.vs_kernel), None)
        if not verdict:
            return
        label = " ".join(("%s %s j%d" % (
            wl, data if data != "corpus" else "", jobs)).split())
        self.chart_speed.append((alg, label, median(verdict)))
        if median(verdict) < 1.0:
            self.losses.append("%s %s, %s, jobs=%d: %s%s" % (
                alg, DATA_TEXT.get(data, data), WL_TEXT.get(wl, wl), jobs,
                fmt_ratio(verdict),
                noise_note(median(verdict), self.res.noise())))

    def add_memory(self):
        if not self.res.mem:
            return
        self.md.append("## Memory after writing the same data (MiB, lower is"
                       " better)\n")
        self.md.append("From `mm_stat` right after the data was written:"
                       " `compr` = compr_data_size, `used` = mem_used_total"
                       " (the pages the allocator holds); ratio ="
                       " orig_data_size / mem_used_total.  Exact figures."
                       "  `slab`: the unreclaimable slab (KiB) the data"
                       " added, the allocator's metadata (handles, zspage"
                       " descriptors), not in mem_used_total; `with slab`"
                       " compares used plus slab.\n")
        self.md.append("| alg | data | orig | ours compr | kernel compr |"
                       " ours used | kernel used | ours/kernel used |"
                       " ratio ours | ratio kernel | same pages | huge pages"
                       " ours/kernel | slab KiB ours/kernel |"
                       " ours/kernel with slab |")
        self.md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:"
                       "|--:|")
        keys = sorted(self.res.mem, key=lambda k: (
            self.algs.index(k[0]) if k[0] in self.algs else 9,
            DATA_ORDER.index(k[1]) if k[1] in DATA_ORDER else 9))
        for alg, data in keys:
            self.memory_row(alg, data, self.res.mem[(alg, data)])
        self.md.append("")

    def memory_row(self, alg, data, per_sys):
        def med(sys, field):
            return median(m[field] for m in per_sys.get(sys, [])
                          if field in m)

        def mib(v):
            return None if v is None else v / MIB

        orig = med("ours", "orig") or med("kernel", "orig")
        used_o, used_k = med("ours", "used"), med("kernel", "used")
        used_ratio = used_o / used_k if used_o and used_k else None
        if used_o == 0 and used_k == 0:
            used_ratio = 1.0
        ratio = {s: (orig / med(s, "used") if orig and med(s, "used")
                     else None) for s in ("ours", "kernel")}
        with_slab = {s: (med(s, "used") + med(s, "slab_kib") * 1024
                         if med(s, "used") is not None and
                         med(s, "slab_kib") is not None else None)
                     for s in ("ours", "kernel")}
        slab_ratio = (with_slab["ours"] / with_slab["kernel"]
                      if with_slab["ours"] and with_slab["kernel"] else None)
        self.md.append("| %s |" % " | ".join((
            alg, DATA_TEXT.get(data, data), fmt(mib(orig)),
            fmt(mib(med("ours", "compr"))), fmt(mib(med("kernel", "compr"))),
            fmt(mib(used_o)), fmt(mib(used_k)), fmt(used_ratio, 3),
            fmt(ratio["ours"], 2), fmt(ratio["kernel"], 2),
            fmt(med("ours", "same") or med("kernel", "same"), 0),
            "%s/%s" % (fmt(med("ours", "huge"), 0),
                       fmt(med("kernel", "huge"), 0)),
            "%s/%s" % (fmt(med("ours", "slab_kib"), 0),
                       fmt(med("kernel", "slab_kib"), 0)),
            fmt(slab_ratio, 3))))
        for field in ("compr", "used"):
            o, k = med("ours", field), med("kernel", field)
            # brd's column: the data's own size, what brd would hold
            self.csv.append(["memory", alg, data, field, "", "exact", "bytes",
                             fmt(o, 0), fmt(k, 0), fmt(orig, 0),
                             fmt(o / k if o and k else None, 4), "", "", ""])
        o, k = med("ours", "slab_kib"), med("kernel", "slab_kib")
        if o is not None or k is not None:
            self.csv.append(["memory", alg, data, "slab", "", "meminfo",
                             "KiB", fmt(o, 0), fmt(k, 0), "",
                             fmt(o / k if o and k else None, 4), "", "", ""])
        if slab_ratio is not None:
            self.csv.append(["memory", alg, data, "used+slab", "", "exact",
                             "bytes", fmt(with_slab["ours"], 0),
                             fmt(with_slab["kernel"], 0), "",
                             fmt(slab_ratio, 4), "", "", ""])
        if used_ratio is not None and data != "zero":
            self.chart_mem.append((alg, DATA_TEXT.get(data, data), used_ratio))
            if used_ratio > 1.0:
                self.losses.append("%s %s, memory used: %.3f (exact)" % (
                    alg, DATA_TEXT.get(data, data), used_ratio))

    def algs_in(self, table):
        """The algorithms that table has figures for, in the run's order."""
        found = {key[0] for key in table if key[0] != "-"}
        return [a for a in self.algs if a in found] + sorted(
            found - set(self.algs))

    def add_swap(self):
        if not self.res.swap_guest:
            return
        cfg = self.res.config
        algs = self.algs_in(self.res.swap_guest)
        text = ("`memhog %s` (fill %s MiB of anonymous memory, then verify"
                " it) in a memory cgroup limited to %s MiB, with swap on each"
                " device (zram: %s).  `icount`: seconds of the guest's"
                " instruction-counting clock; `cpu`: seconds of host CPU the"
                " VM used; `wall`: elapsed seconds.  ours/kernel below 1"
                " means ours is faster.\n" % (
                    cfg.get("swap_mib", "?"), cfg.get("swap_mib", "?"),
                    cfg.get("cgroup_mib", "?"), ", ".join(algs)))
        self.start_seconds_table("Swap", "", text)
        for alg in algs:
            self.add_swap_rows(alg, len(algs) > 1)
        self.md.append("")

    def add_swap_rows(self, alg, label_alg):
        comps = [(name, Comparison(self.runs(table, (alg, "swap"))))
                 for name, table in self.res.swap_tables()]
        for name, comp in comps:
            if not any(comp.med.values()):
                continue
            label = "%s %s" % (alg, name) if label_alg else name
            self.md.append(seconds_row(label, comp, 2))
            self.csv.append(comp.csv(["swap", alg, "memhog", "memhog", 1],
                                     name, "s"))
        verdict = next((c.vs_kernel for _, c in comps if c.vs_kernel), None)
        if verdict:
            self.add_time_verdict(alg, "swap", verdict)

    def add_ext4(self):
        if not self.res.ext4:
            return
        algs = self.algs_in(self.res.ext4)
        text = ("mkfs.ext4; `cp` of the corpus into the file system and"
                " `sync`; reading it back after dropping the page cache;"
                " `fstrim` after deleting it (brd takes no discards)."
                "  Seconds of the guest's clock (zram: %s).  ours/kernel"
                " below 1 means ours is faster.\n" % ", ".join(algs))
        self.start_seconds_table("ext4 on the device", "step", text)
        for alg in algs:
            for step in EXT4_STEPS:
                self.add_ext4_row(alg, step, len(algs) > 1)
        self.md.append("")

    def add_ext4_row(self, alg, step, label_alg):
        comp = Comparison(self.runs(self.res.ext4, (alg, step)))
        if not any(comp.med.values()):
            return
        label = "%s %s" % (alg, step) if label_alg else step
        self.md.append(seconds_row(label, comp, 3))
        self.csv.append(comp.csv(["ext4", alg, "ext4", step, 1], "guest", "s"))
        if comp.vs_kernel:
            self.add_time_verdict(alg, "ext4 " + step, comp.vs_kernel)

    def start_seconds_table(self, title, first_column, text):
        """A section of times: its heading, what it measures, the header."""
        self.md.append("## %s (seconds, lower is better)\n" % title)
        self.md.append(text)
        self.md.append("| %s | ours | kernel | brd | ours/kernel | ours/brd |"
                       % first_column)
        self.md.append("|---|--:|--:|--:|--:|--:|")

    def add_time_verdict(self, alg, what, ratios):
        """A time ratio (ours/kernel) into the chart and the list of losses."""
        # in the chart every bar is "higher is better": a speed ratio
        self.chart_speed.append((alg, what, 1 / median(ratios)))
        if median(ratios) > 1.0:
            self.losses.append("%s %s time: %s%s" % (
                alg, what, fmt_ratio(ratios),
                noise_note(1 / median(ratios), self.res.noise())))

    def add_zsbench(self):
        self.md.append("## Allocator microbenchmark\n")
        if not self.res.zsbench:
            self.md.append("Not run: zsmalloc_bench.ko was not built.\n")
            return
        self.md.append("zsmalloc_bench.ko (our allocator, both mappings) and"
                       " zsmalloc_bench_kernel.ko (the same code on the"
                       " kernel's zsmalloc.ko, which copies), loaded once per"
                       " repetition each.  Map tests: ns per map + touch +"
                       " unmap, lower is better (wall clock inside the"
                       " guest: noisy on a busy host).  Space tests: bytes"
                       " stored / bytes of pool pages, higher is better.\n")
        self.md.append("| test | ours copy | ours pgtable | kernel |"
                       " ours copy/kernel | ours pgtable/kernel |")
        self.md.append("|---|--:|--:|--:|--:|--:|")
        tests = []
        for test, _ in self.res.zsbench:
            if test not in tests:
                tests.append(test)
        for test in tests:
            self.zsbench_row(test)
        self.md.append("")

    def zsbench_row(self, test):
        zs = self.res.zsbench

        def runs(impl, mapping):
            return zs.get((test, mapping), {}).get(impl, {})

        if (test, "-") in zs:
            cells = [runs("ours", "-"), {}, runs("kernel", "-")]
        else:
            cells = [runs("ours", "copy"), runs("ours", "pgtable"),
                     runs("kernel", "copy")]
        ratios = [rep_ratios(cells[0], cells[2]),
                  rep_ratios(cells[1], cells[2])]
        unit = "ns/op" if test.startswith("map") else "ratio"
        if test.endswith("size"):
            unit = "bytes"
        digits = 4 if unit == "ratio" else 0
        meds = [median(c.values()) for c in cells]
        self.md.append("| %s | %s | %s | %s | %s | %s |" % (
            test, fmt(meds[0], digits), fmt(meds[1], digits),
            fmt(meds[2], digits), fmt_ratio(ratios[0]),
            fmt_ratio(ratios[1])))
        for i, mapping in ((0, "copy"), (1, "pgtable")):
            if cells[i]:
                self.csv.append(["zsbench", "", test, mapping, "", "guest",
                                 unit, fmt(meds[i], 4), fmt(meds[2], 4), "",
                                 fmt(median(ratios[i]), 3), "", "", ""])

    def header(self):
        c, res = self.res.config, self.res
        md = ["# zram benchmark: ours vs the kernel's zram vs brd\n"]
        if c.get("aa") == "1":
            md.append("**A/A control run: \"ours\" is the kernel's zram.ko"
                      " as well, so every ours/kernel ratio shows the noise"
                      " of this setup, not a difference.**\n")
        clock = "QEMU TCG"
        if res.icount():
            clock = ("QEMU TCG -icount shift=%s: guest seconds count"
                     " instructions" % c["icount"])
        md.append("- %s, kernel %s, %s vCPUs (%s), %s repetitions, %s s"
                  " per timed fio run, corpus %s MiB; the run took %s min;"
                  " host load average before it %s; rev %s" % (
                      c.get("date", "?"), c.get("kernel", "?"),
                      c.get("cpus", "?"), clock, c.get("reps", "?"),
                      c.get("runtime", "?"), c.get("corpus_mib", "?"),
                      c.get("minutes", "?"), c.get("load", "?"),
                      c.get("rev", "?")))
        if res.shares:
            md.append("- host CPU the VM got during 1-job runs: median %.2f"
                      " of a core (min %.2f): below about 0.8 the host was"
                      " busy and the wall figures are noisy"
                      % (median(res.shares), min(res.shares)))
        md.append("- guest checks: %d ok, %d not ok, %d skipped" % (
            res.ktap["ok"], res.ktap["not ok"], res.ktap["skip"]))
        if self.losses:
            md.append("- where ours is not yet at least level with the"
                      " kernel's zram (ours/kernel below 1.0 for speed, the"
                      " %s ratio; above 1.0 for memory and swap"
                      " time; within %d%% of 1.0 is within the noise):"
                      % (res.speed_tables()[0][0], res.noise() * 100))
            md.extend("  - %s" % loss for loss in self.losses)
        elif any("ours" in runs for runs in res.guest.values()):
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
        self.add_ext4()
        self.add_zsbench()
        if self.res.wbbench:	# tools/testing/bench/writeback.sh
            self.md += ["## Writeback (writeback.sh)\n"] + [
                "- " + line for line in self.res.wbbench] + [""]
        self.md += fragmentation.markdown(self.res.frag)
        self.md += recompress.markdown(self.res.recbench)
        self.md += policy.markdown(self.res.polbench)
        if self.res.spreadbench:
            self.md += spread.markdown(self.res.spreadbench, fmt_ratio)
        self.header()


def write_dat(path, algs, points):
    labels = []
    for _, label, _ in points:
        if label not in labels:
            labels.append(label)
    value = {(a, l): v for a, l, v in points}
    with open(path, "w") as f:
        f.write("x %s\n" % " ".join(algs))
        for label in labels:
            f.write('"%s" %s\n' % (label, " ".join(
                fmt(value.get((a, label)), 4) for a in algs)))


def write_chart(report, out):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot or not (report.chart_speed or report.chart_mem):
        return False
    algs = report.algs
    speed_dat = os.path.join(out, "chart-speed.dat")
    mem_dat = os.path.join(out, "chart-mem.dat")
    write_dat(speed_dat, algs, report.chart_speed)
    write_dat(mem_dat, algs, report.chart_mem)

    def plots(datafile, transform):
        return " , ".join(
            "'%s' using (%s):xtic(1) title '%s'" % (
                datafile, transform % (i + 2), a)
            for i, a in enumerate(algs))

    # A run of only some phases may have no speed or no memory figure:
    # gnuplot refuses a panel without points.
    panels = []
    if report.chart_speed:
        panels.append("""
set title 'ours / kernel zram: speed (icount ratio, else cpu; higher is better, 1 = level)'
set yrange [0:*]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 front
plot {speed}
unset arrow 1
""".format(speed=plots(speed_dat, "$%d")))
    if report.chart_mem:
        panels.append("""
set title 'ours vs kernel zram: mem_used_total for the same data, % (below 0: ours uses less)' noenhanced
set yrange [*:*]
set xzeroaxis lt -1
plot {mem}
""".format(mem=plots(mem_dat, "($%d - 1) * 100")))
    script = """
set terminal pngcairo size 1200,{height} font ',10'
set output '{out}/chart.png'
set datafile missing '-'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key autotitle columnheader top left
set grid ytics
set xtics rotate by -30
set multiplot layout {rows},1
{panels}
unset multiplot
""".format(out=out, height=450 * len(panels), rows=len(panels),
           panels="".join(panels))
    result = subprocess.run([gnuplot], input=script, text=True,
                            capture_output=True, check=False)
    if result.returncode != 0:
        sys.stderr.write("report: gnuplot failed:\n%s" % result.stderr)
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True, action="append")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    report = Report(Results(args.log))
    report.build()
    os.makedirs(args.out, exist_ok=True)
    if write_chart(report, args.out):
        report.md.append("Chart: chart.png\n")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(report.md))
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["section", "alg", "data", "workload", "jobs", "metric",
                    "unit", "ours", "kernel", "brd", "ours_kernel",
                    "ours_kernel_min", "ours_kernel_max", "ours_brd"])
        w.writerows(report.csv)


if __name__ == "__main__":
    main()
