# SPDX-License-Identifier: GPL-2.0
"""The policy scenario's section of the benchmark report.

policy.sh prints one "polbench: rep=R sys=S secs=... majflt=..." line per
turn; this turns them into a markdown table of medians, one row per
system: ours with a policy, ours and the kernel's zram each driven by a
user-space idle+writeback daemon.
"""

import statistics

SYSTEMS = (
    ("policy", "ours, policy"),
    ("daemon", "ours, daemon"),
    ("kernel", "kernel's zram, daemon"),
)


def markdown(lines):
    """lines: the parsed fields of every "polbench:" line."""
    out = ["## Swap under memory pressure with a policy\n"]
    runs = [v for v in lines if "rep" in v]
    if not runs:
        out.append("Not run.\n")
        return out
    setup = next((v for v in lines if "cold_mib" in v), {})
    out.append("hotcold (%s MiB written once, %s MiB rewritten in each of"
               " %s rounds) in a %s MiB memory cgroup, swap on zram with"
               " mem_limit %s MiB and a loop device on tmpfs behind it;"
               " policy `%s`, daemon every %s s (policy.sh).  Guest"
               " seconds (instructions with -icount), the cgroup's major"
               " faults, zram's peak pool, failed swap writes, 4 KiB blocks"
               " written to and read from the backing device, OOM kills"
               " and the pages hotcold found wrong; medians of %d"
               " repetition(s).  A run the OOM killer ended has fewer"
               " seconds, not a better time.\n"
               % tuple([setup.get(k, "?") for k in (
                   "cold_mib", "hot_mib", "rounds", "cgroup_mib",
                   "limit_mib")] +
                   [setup.get("policy", "?").replace(",", " "),
                    setup.get("daemon_secs", "?"),
                    len({v["rep"] for v in runs})]))
    out.append("| system | guest s | major faults | peak pool KiB |"
               " failed writes | written back | read back | OOM kills |"
               " bad pages |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for sys, label in SYSTEMS:
        mine = [v for v in runs if v.get("sys") == sys]
        if not mine:
            continue

        def med(key):
            return statistics.median(float(v.get(key, 0)) for v in mine)
        out.append("| %s | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |"
                   " %.0f |" % (
                       label, med("secs"), med("majflt"),
                       med("peak_kib"), med("failed_writes"),
                       med("bd_writes"), med("bd_reads"), med("oom_kills"),
                       med("bad")))
    out.append("")
    return out
