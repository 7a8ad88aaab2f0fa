#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Stamp the benchmark guest's "mark:" lines with the VM's host CPU time.

usage: run-vm ... | cpustamp.py --root PID --log FILE

Copies its input to stdout (the live progress) and to FILE.  To every line
that starts with "mark:" it appends "hcpu=NS hwall=NS": the CPU time that
the QEMU process below PID (a descendant, found by walking /proc) has used
so far, summed over its threads, and the host's monotonic clock.

Why: the VM runs under TCG on a host shared with other work, so the guest's
wall-clock throughput moves with the host's load.  The guest prints "mark:
begin" and "mark: end" around each measured command; the CPU time QEMU
spent in between is the work the measurement cost, whatever else the host
was doing.  report.py divides the bytes moved by it.
"""
import argparse
import glob
import os
import sys
import time


def children_map():
    kids = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                text = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        pid = int(text.split(" ", 1)[0])
        comm = text[text.index("(") + 1:text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append((pid, comm))
    return kids


def find_qemu(root):
    kids = children_map()
    todo = [root]
    while todo:
        for pid, comm in kids.get(todo.pop(), []):
            if comm.startswith("qemu-system"):
                return pid
            todo.append(pid)
    return None


def cpu_ns(pid):
    total = 0
    for path in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    qemu = None
    with open(args.log, "w") as log:
        while True:
            line = sys.stdin.readline()
            if not line:
                break
            if line.startswith("mark:"):
                if qemu is None or not os.path.exists("/proc/%d" % qemu):
                    qemu = find_qemu(args.root)
                if qemu is not None:
                    line = "%s hcpu=%d hwall=%d\n" % (
                        line.rstrip("\r\n"), cpu_ns(qemu),
                        time.monotonic_ns())
            else:
                sys.stdout.write(line)
                sys.stdout.flush()
            log.write(line)
            log.flush()


if __name__ == "__main__":
    main()
