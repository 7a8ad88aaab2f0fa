#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the driver's I/O features: every listed compressor, split
# (misaligned O_DIRECT) I/O, discard and write-zeroes, mem_limit, idle and
# block_state, compaction, the legacy statistics files, parallel writers.
if [ -z "$BASH_VERSION" ] && command -v bash > /dev/null; then
	exec bash "$0" "$@"
fi

SYS=/sys/block
Z=$SYS/zram0
N=0
FAILED=0

ok()
{
	N=$((N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $N - $2"
	else
		FAILED=$((FAILED + 1))
		echo "not ok $N - $2"
	fi
}

sysfs_write()
{
	printf '%s\n' "$2" > "$1"
}

expect_err()
{
	local got

	got=$( (printf '%s' "$3" > "$2") 2>&1)
	case "$got" in
	*"$1"*) return 0 ;;
	esac
	echo "# write '$3' > $2: expected '$1', got '$got'"
	return 1
}

field()
{
	awk -v n="$2" '{print $n}' "$1"
}

reset_dev()
{
	echo 1 > $Z/reset
}

# A 6 MiB mix: text, zeroes, random.
seq 1 1000000 | head -c 2097152 > /var/tmp/mix
head -c 2097152 /dev/zero >> /var/tmp/mix
head -c 2097152 /dev/urandom >> /var/tmp/mix

echo "TAP version 13"
echo "1..23"

modprobe zram
ok $? "modprobe zram"

algs=$(tr -d '[]' < $Z/comp_algorithm)
r=0
for alg in $algs; do
	echo "$alg" > $Z/comp_algorithm && echo 16M > $Z/disksize &&
		dd if=/var/tmp/mix of=/dev/zram0 bs=64K oflag=direct 2> /dev/null &&
		dd if=/dev/zram0 of=/var/tmp/back bs=64K count=96 iflag=direct 2> /dev/null &&
		cmp -s /var/tmp/mix /var/tmp/back &&
		grep -q "\[$alg\]" $Z/comp_algorithm
	rc=$?
	echo "# $alg: rc $rc, mm_stat $(cat $Z/mm_stat)"
	[ $rc -eq 0 ] || r=1
	reset_dev
done
ok $r "every listed compressor round-trips data ($algs)"

echo lzo > $Z/comp_algorithm
echo 32M > $Z/disksize
r=0
for shift in 512 1024 2048 3584; do
	out=$(misaligned_io /dev/zram0 $((shift * 64)) 48 $shift)
	[ "$out" = OK ] || { echo "# shift $shift: $out"; r=1; }
done
ok $r "misaligned O_DIRECT buffers (split pages) round-trip"

dd if=/var/tmp/mix of=/dev/zram0 bs=1M oflag=direct 2> /dev/null
stored=$(field $Z/mm_stat 1)
nf=$(field $Z/io_stat 4)
out=$(blkio /dev/zram0 discard 0 4194304)
after=$(field $Z/mm_stat 1)
echo "# discard: $out, orig_data_size $stored -> $after"
[ "$out" = "OK 4194304" ] && [ "$after" -eq $((stored - 4194304)) ] &&
	[ "$(field $Z/io_stat 4)" -eq $((nf + 1024)) ]
ok $? "discard frees slots and counts notify_free"
out=$(blkio -p 0 /dev/zram0 read 0 4194304)
ok $? "discarded range reads as zeroes ($out)"

out=$(blkio /dev/zram0 zeroout 4194304 1048576)
after2=$(field $Z/mm_stat 1)
out2=$(blkio -p 0 /dev/zram0 read 4194304 1048576)
[ "$out" = "OK 1048576" ] && [ "$out2" = "OK 1048576" ] &&
	[ "$after2" -le $((after - 1048576)) ]
ok $? "write-zeroes frees slots and reads zeroes ($out, $out2)"

out=$(blkio -d /dev/zram0 write 512 4096)
[ "$out" = EINVAL ]
ok $? "misaligned offset refused ($out)"
out=$(blkio -d /dev/zram0 write 33550336 8192)
echo "# write across the end: $out"
case "$out" in "OK 4096" | ENOSPC | EIO | EINVAL) r=0 ;; *) r=1 ;; esac
ok $r "write across the end stops at the end"

dd if=/dev/zero of=/dev/zram0 bs=4096 seek=2000 count=4 oflag=direct 2> /dev/null
echo all > $Z/idle
bs=/sys/kernel/debug/zram/zram0/block_state
total=$(wc -l < $bs)
idle=$(grep -c 'i$' $bs)
echo "# block_state: $total lines, $idle idle; $(head -n 2 $bs | tr '\n' '|')"
dd if=/dev/zram0 of=/dev/null bs=4096 skip=1400 count=1 iflag=direct 2> /dev/null
line=$(awk '$1 == 1400' $bs)
[ "$total" -gt 0 ] && [ "$idle" -eq "$total" ] && [ -n "$line" ] &&
	[ "${line: -1}" = . ]
ok $? "idle all marks every slot, access clears it ($line)"
echo 100000 > $Z/idle && expect_err "Invalid argument" $Z/idle foo
ok $? "idle by age accepted, garbage refused"
grep -q 's\.\.' $bs && grep -q '\.\.h' $bs
ok $? "block_state shows same and huge slots"

sysfs_write $Z/compact 1
ok $? "compact"
echo 0 > $Z/mem_used_max && expect_err "Invalid argument" $Z/mem_used_max 5
ok $? "mem_used_max: 0 resets, 5 refused"
for f in num_reads num_writes invalid_io notify_free zero_pages orig_data_size compr_data_size mem_used_total; do
	v=$(cat $Z/$f) || break
	echo "# $f = $v"
done
[ "$(cat $Z/orig_data_size)" = "$(field $Z/mm_stat 1)" ] &&
	[ "$(cat $Z/mem_used_total)" = "$(field $Z/mm_stat 3)" ] &&
	[ "$(cat $Z/num_writes)" -gt 0 ]
ok $? "legacy statistics files agree with mm_stat"
[ "$(cat $Z/max_comp_streams)" = "$(nproc)" ] && echo abc > $Z/max_comp_streams
ok $? "max_comp_streams reads online CPUs and accepts anything"
reset_dev

echo 64M > $Z/disksize
echo 1M > $Z/mem_limit
fw=$(field $Z/io_stat 2)
out=$(dd if=/dev/urandom of=/dev/zram0 bs=1M count=8 oflag=direct 2>&1)
used=$(field $Z/mm_stat 3)
echo "# dd: $(echo "$out" | head -n 1); mm_stat: $(cat $Z/mm_stat)"
[ "$(field $Z/mm_stat 4)" = 1048576 ] && [ "$used" -le 1114112 ] &&
	[ "$(field $Z/io_stat 2)" -gt "$fw" ]
ok $? "mem_limit caps the pool; refused writes count as failed_writes"
echo 0 > $Z/mem_limit && dd if=/var/tmp/mix of=/dev/zram0 bs=1M oflag=direct 2> /dev/null
ok $? "mem_limit 0 lifts the limit"
reset_dev

echo 64M > $Z/disksize
for i in 0 1 2 3; do
	dd if=/var/tmp/mix of=/dev/zram0 bs=64K seek=$((i * 150)) oflag=direct 2> /dev/null &
done
wait
r=0
for i in 0 1 2 3; do
	dd if=/dev/zram0 of=/var/tmp/back bs=64K skip=$((i * 150)) count=96 iflag=direct 2> /dev/null
	cmp -s /var/tmp/mix /var/tmp/back || r=1
done
ok $r "parallel writers"
reads=$(awk '{print $1}' $Z/stat)
[ "$reads" -gt 0 ]
ok $? "block layer stat counts I/O ($reads reads)"
reset_dev

# Streams follow CPU hotplug: one CPU goes away and comes back under I/O.
cpu=/sys/devices/system/cpu/cpu1/online
if [ -w $cpu ]; then
	echo 64M > $Z/disksize
	r=0
	echo 0 > $cpu || r=1
	[ "$(cat $Z/max_comp_streams)" = "$(nproc)" ] || r=1
	dd if=/var/tmp/mix of=/dev/zram0 bs=64K oflag=direct 2> /dev/null || r=1
	echo 1 > $cpu || r=1
	dd if=/var/tmp/mix of=/dev/zram0 bs=64K seek=200 oflag=direct 2> /dev/null || r=1
	for skip in 0 200; do
		dd if=/dev/zram0 of=/var/tmp/back bs=64K skip=$skip count=96 iflag=direct 2> /dev/null
		cmp -s /var/tmp/mix /var/tmp/back || r=1
	done
	reset_dev
	ok $r "CPU offline and online again under I/O"
else
	N=$((N + 1))
	echo "ok $N - CPU hotplug # SKIP no second CPU to offline"
fi

expect_err "No such device" /sys/class/zram-control/hot_remove 77 &&
	expect_err "Invalid argument" /sys/class/zram-control/hot_remove abc
ok $? "hot_remove: ENODEV, EINVAL"
expect_err "Invalid argument" $Z/compact 1
ok $? "compact of an uninitialised device: EINVAL"

rmmod zram
ok $? "rmmod zram"

echo "# $((N - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
