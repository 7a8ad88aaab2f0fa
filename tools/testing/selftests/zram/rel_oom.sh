#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Out of memory: a 4 GiB device in a VM with far less RAM (run with
# --mem 1G), no mem_limit, filled with incompressible pages until writes
# fail or the OOM killer acts.  Either is fine; an oops, a hang or wrong
# data is not.  What zram holds belongs to no process, so killing frees
# none of it: the filler is the OOM killer's first choice (oom_score_adj
# 1000), so that the device stops growing, then ballast processes
# (500) whose memory lets the script (-1000) go on.  Afterwards every page
# the filler was told was written reads back, the others are its data or
# zero, and a reset gives the memory back.
cd "$(dirname "$0")" || exit 1
. ./rel_lib.sh

DEV=zram0
BALLAST=4		# processes of 16 MiB each
STALL=${REL_OOM_STALL:-45}	# seconds without progress that mean stuck

ktap_plan 8
start=$(date +%s)
echo -1000 > /proc/self/oom_score_adj

rel_load 1 || exit 1
rel_setup $DEV 4G
mem_total=$(meminfo MemTotal)
free_before=$(meminfo MemAvailable)
diag "MemTotal $((mem_total >> 10)) MiB, MemAvailable $((free_before >> 10)) MiB, disksize 4096 MiB"

ballast=
for _ in $(seq $BALLAST); do
	sh -c 'echo 500 > /proc/self/oom_score_adj; exec rel_io -n 16 hold -' \
		>/dev/null &
	ballast="$ballast $!"
done
sleep 1

# The filler: incompressible pages from page 0 on, up to 64 failed
# requests.  Its progress goes to a file that outlives it.
progress=$TMPDIR/rel-oom.progress
sh -c 'echo 1000 > /proc/self/oom_score_adj;
	exec rel_io -r -g 9 -b 16 -e 64 fill /dev/zram0' > "$progress" 2>&1 &
filler=$!

# Watch it: a writer that stops making progress while nothing is killed
# is stuck in the allocator (a livelock), which is a failure too.
stored=0 still=0 stuck=0
while kill -0 $filler 2>/dev/null; do
	sleep 5
	now=$(mm $DEV 1)
	if [ "$now" = "$stored" ]; then
		still=$((still + 5))
	else
		still=0
	fi
	stored=$now
	if [ $still -ge $STALL ]; then
		stuck=1
		break
	fi
done
check_eq "the writer never stalled for $STALL s" 0 $stuck
if [ $stuck = 1 ]; then
	diag "writer stuck at $((stored >> 20)) MiB stored: MemFree $(meminfo MemFree) kB; unsticking it"
	grep -E '^(State|voluntary|nonvoluntary)' /proc/$filler/status | sed 's/^/# /'
	cat /proc/$filler/stack 2>/dev/null | head -n 20 | sed 's/^/# /'
	# Cap the device where it is and free the ballast, so that the
	# allocation it waits for can succeed and the next writes fail.
	mm $DEV 3 > $SYS/$DEV/mem_limit
	for pid in $ballast; do
		kill "$pid" 2>/dev/null
	done
fi
wait $filler
filler_rc=$?
filled=$(sed -n 's/^# rel_io: filled \([0-9]*\)$/\1/p' "$progress" | tail -n 1)
filled=${filled:-0}
grep -v 'filled' "$progress" | head -n 5
errors=$(grep -c 'failed:' "$progress")

killed=0
for pid in $ballast; do
	kill -0 "$pid" 2>/dev/null || killed=$((killed + 1))
done
diag "filler: exit status $filler_rc, $((filled >> 8)) MiB written before the first failure, $errors failed requests; OOM killer took $killed of $BALLAST ballast processes"
set -- $(cat $SYS/$DEV/io_stat)
failed_writes=$2
set -- $(cat $SYS/$DEV/mm_stat)
diag "zram: $(($1 >> 20)) MiB stored in $(($3 >> 20)) MiB, failed_writes $failed_writes"

check_cmp "the device took most of the memory available ($((filled >> 8)) of $((free_before >> 10)) MiB)" \
	"$((filled >> 8))" -gt "$((free_before >> 11))"
if [ "$filler_rc" -eq 0 ]; then
	check_cmp "writes failed cleanly: failed_writes ($failed_writes) counted them" \
		"$failed_writes" -gt 0
else
	check_cmp "the OOM killer ended the filler (exit status $filler_rc)" \
		"$filler_rc" -ge 128
fi
check_run "the pages written before the first failure read back" \
	rel_io -r -g 9 -n "$filled" verify /dev/$DEV
check_run "the pages after it are the filler's or zero" \
	rel_io -r -g 9 -z -f "$filled" -n 65536 verify /dev/$DEV

for pid in $ballast; do
	kill "$pid" 2>/dev/null
done
wait
echo 1 > $SYS/$DEV/reset
sleep 1
free_after=$(meminfo MemAvailable)
diag "MemAvailable after reset: $((free_after >> 10)) MiB"
check_cmp "reset gave the memory back" "$free_after" -gt $((free_before * 3 / 4))
check_run "zram unloads" rmmod zram
rel_check_no_reports "no kernel reports"

rel_figure "OOM: filled $((filled >> 8)) MiB of a $((mem_total >> 10)) MiB VM, $errors failed requests, $killed ballast processes killed"
rel_figure "data verified: $((filled >> 8)) MiB"
rel_figure "rel_oom took $(($(date +%s) - start)) s"
ktap_finish
