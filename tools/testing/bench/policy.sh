#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the policy benchmark (bench.sh runs it last;
# on its own: tools/testing/vm/run-vm --kver 6.1.0-57-amd64 bench/policy.sh).
#
# Swap under memory pressure: hotcold (hotcold.c) writes COLD_MIB of pages
# it then leaves alone and HOT_MIB it checks and rewrites every round, in a
# memory cgroup of CGROUP_MIB, with swap on zram0, whose mem_limit
# (LIMIT_MIB) is below what the swapped pages need even compressed.  A
# loop device over a tmpfs file is the backing device.  Three systems in
# turn (the order rotates per repetition):
#   policy   ours, "policy" set to $POLICY: cold pages age, leave RAM past
#            the watermark, and writes over mem_limit go to the disk
#   kernel   the kernel's zram, driven as a daemon would: every DAEMON_SECS
#            "echo idle > writeback" (the pages unused since the last
#            mark) then "echo all > idle"
#   daemon   ours with the policy off and the same daemon: the driver
#            alone, so that the policy's effect shows apart from it
# Without the policy a write over mem_limit fails: the swap write errors
# and the OOM kills are part of the result.  One line per turn, then one
# summary line per system (medians), after a line with the settings:
#   polbench: setup cold_mib=N ... policy=KEY=V,KEY=V,...
#   polbench: rep=R sys=S secs=T majflt=N peak_kib=N failed_writes=N
#             bd_writes=N bd_reads=N bad=N checked=N oom_kills=N rc=N
#   polbench: summary sys=S ...
# secs is the guest clock (instructions under make bench's -icount);
# majflt the cgroup's pgmajfault; peak_kib zram's mem_used_max; bd_* the
# backing device's 4 KiB blocks (bd_stat); bad and checked hotcold's
# pages (checked=0: it did not finish); rc its exit status.
# Settings: BENCH_REPS from /opt/zram/data/bench.conf (default 3), or the
# environment (run-vm --append BENCH_REPS=1).

# Run as "sh policy.sh" by run-vm: bash is needed (EPOCHREALTIME).
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

# shellcheck disable=SC1091
. "$(dirname "$0")/scenario_lib.sh"
# shellcheck disable=SC1091
[ -r /opt/zram/data/bench.conf ] && . /opt/zram/data/bench.conf
REPS=${BENCH_REPS:-3}
COLD_MIB=64
HOT_MIB=32
ROUNDS=8
THINK_MS=1000
CGROUP_MIB=24
LIMIT_MIB=16
DAEMON_SECS=10
# Guest seconds after which a turn's hotcold is stopped (rc=124).
TURN_SECS=300
POLICY="age=20 writeback_watermark=50 mem_limit=writeback"
KERNEL_ZRAM=/lib/modules/$(uname -r)/kernel/drivers/block/zram/zram.ko
WORK=${TMPDIR:-/tmp}/polbench
CGROUP=/sys/fs/cgroup/polbench
Z=/sys/block/zram0
LOOP=
DAEMON=
RESULTS=$WORK/results

now_us()
{
	local t=${EPOCHREALTIME/./}

	echo "$t"
}

field()	# field FILE N: the Nth number of a stat file
{
	awk -v n="$2" '{ print $n }' "$1"
}

# The kernel's zram.ko with its dependencies: insmod, as modprobe would
# pick ours in updates/.
load()	# load SYS
{
	local dep

	[ "$1" != kernel ] && { modprobe zram; return; }
	for dep in zsmalloc $(modinfo -F depends "$KERNEL_ZRAM" | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$KERNEL_ZRAM"
}

unload()
{
	echo 1 > $Z/reset
	rmmod zram
}

# What a user-space daemon does: writes back what was not used since its
# last round, then marks everything idle for the next.
daemon_loop()
{
	while sleep $DAEMON_SECS; do
		echo idle > $Z/writeback 2> /dev/null
		echo all > $Z/idle
	done
}

setup()	# setup SYS
{
	local f

	load "$1" || return 1
	for f in backing_dev idle writeback bd_stat io_stat; do
		[ -e $Z/$f ] || { echo "# polbench: $1 has no $f"; return 1; }
	done
	echo "$LOOP" > $Z/backing_dev &&
		echo lz4 > $Z/comp_algorithm &&
		echo $(((COLD_MIB + HOT_MIB) * 2))M > $Z/disksize &&
		echo ${LIMIT_MIB}M > $Z/mem_limit || return 1
	if [ "$1" = policy ]; then
		echo "$POLICY" > $Z/policy || return 1
	else
		daemon_loop &
		DAEMON=$!
	fi
	mkswap /dev/zram0 > /dev/null && swapon /dev/zram0
}

teardown()
{
	if [ -n "$DAEMON" ]; then
		kill "$DAEMON"
		wait "$DAEMON" 2> /dev/null
		DAEMON=
	fi
	swapoff /dev/zram0
	unload
}

# turn REP SYS: one measurement; prints its polbench line.
turn()
{
	local rep=$1 sys=$2 t0 t1 rc out checked bad extra=

	if ! setup "$sys"; then
		echo "# polbench: cannot set up $sys"
		teardown 2> /dev/null
		return 1
	fi
	if ! mkdir "$CGROUP" || ! echo ${CGROUP_MIB}M > $CGROUP/memory.max; then
		echo "# polbench: cannot make the memory cgroup"
		teardown
		return 1
	fi
	echo 0 > $Z/mem_used_max
	t0=$(now_us)
	out=$(bash -c "echo \$\$ > $CGROUP/cgroup.procs &&
		exec timeout $TURN_SECS hotcold $COLD_MIB $HOT_MIB $ROUNDS $THINK_MS" 2>&1)
	rc=$?
	t1=$(now_us)
	echo "$out" | grep -v '^hotcold: cold' | head -n 3 | sed 's/^/# /'
	checked=$(echo "$out" | sed -n 's/^hotcold: .*checked=\([0-9]*\).*/\1/p')
	bad=$(echo "$out" | sed -n 's/^hotcold: .*bad=\([0-9]*\).*/\1/p')
	[ "$sys" = policy ] &&
		extra=" aged=$(field $Z/policy_stat 1) policy_wb=$(field $Z/policy_stat 2) redirected=$(field $Z/policy_stat 3)"
	echo "polbench: rep=$rep sys=$sys secs=$(((t1 - t0) / 1000000)).$(((t1 - t0) / 10000 % 100))" \
	     "majflt=$(awk '$1 == "pgmajfault" { print $2 }' $CGROUP/memory.stat)" \
	     "peak_kib=$(($(field $Z/mm_stat 5) / 1024))" \
	     "failed_writes=$(field $Z/io_stat 2)" \
	     "bd_writes=$(field $Z/bd_stat 3) bd_reads=$(field $Z/bd_stat 2)" \
	     "bad=${bad:-0} checked=${checked:-0}" \
	     "oom_kills=$(awk '$1 == "oom_kill" { print $2 }' $CGROUP/memory.events)" \
	     "rc=$rc$extra" | tee -a "$RESULTS"
	rmdir "$CGROUP"
	teardown
	[ "$sys" = kernel ] && rmmod zsmalloc 2> /dev/null
	# A failed write is the measured outcome, wrong data is a failure.
	[ "${bad:-0}" = 0 ]
}

# median SYS FIELD: the median over repetitions.
median()
{
	awk -v sys="sys=$1" -v key="$2" '$3 == sys {
		for (i = 4; i <= NF; i++)
			if (index($i, key "=") == 1)
				print substr($i, length(key) + 2)
	}' "$RESULTS" | median_of
}

mkdir -p "$WORK" && rm -f "$RESULTS"
modprobe -q loop
truncate -s $(((COLD_MIB + HOT_MIB) * 2))M "$WORK/backing"
LOOP=$(losetup -f --show "$WORK/backing")
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
echo "polbench: setup cold_mib=$COLD_MIB hot_mib=$HOT_MIB rounds=$ROUNDS" \
     "think_ms=$THINK_MS cgroup_mib=$CGROUP_MIB limit_mib=$LIMIT_MIB" \
     "daemon_secs=$DAEMON_SECS policy=${POLICY// /,}"
systems="policy daemon"
[ -r "$KERNEL_ZRAM" ] && systems="policy kernel daemon"
status=0
await_crypto_selftests
# shellcheck disable=SC2086
rotate_turns "$REPS" $systems || status=1

for s in $systems; do
	line="polbench: summary sys=$s"
	for f in secs majflt peak_kib failed_writes bd_writes bd_reads bad oom_kills; do
		line="$line $f=$(median "$s" $f)"
	done
	echo "$line"
done
losetup -d "$LOOP"
rm -rf "$WORK"
scenario_exit "policy benchmark" $status
