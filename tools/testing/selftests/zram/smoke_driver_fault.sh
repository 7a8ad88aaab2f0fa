#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The driver's allocation failure paths, on a kernel with failslab and
# fail_page_alloc (the debug kernel): device creation, initialisation and
# writes fail cleanly under injected failures, nothing leaks (kmemleak runs
# after the scripts) and data that was written stays readable.
if [ -z "$BASH_VERSION" ] && command -v bash > /dev/null; then
	exec bash "$0" "$@"
fi

SYS=/sys/block
Z=$SYS/zram0
DBG=/sys/kernel/debug
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

# inject KIND PERCENT: failures for tasks that ask for them only.
inject()
{
	local d=$DBG/$1

	echo "$2" > "$d"/probability
	echo 1 > "$d"/interval
	echo -1 > "$d"/times
	echo 0 > "$d"/verbose
	echo Y > "$d"/task-filter
	[ -e "$d"/ignore-gfp-wait ] && echo N > "$d"/ignore-gfp-wait
	[ -e "$d"/ignore-gfp-highmem ] && echo N > "$d"/ignore-gfp-highmem
	[ -e "$d"/cache-filter ] && echo N > "$d"/cache-filter
	[ -e "$d"/min-order ] && echo 0 > "$d"/min-order
	return 0
}

# sysfs_failing FILE [VALUE]: open FILE, then read it or write VALUE with
# allocation failures enabled, so that only the kernel's handler and not
# the shell's own exec or open meets them.  Prints what was read.
sysfs_failing()
{
	if [ $# -eq 1 ]; then
		bash -c 'exec 3< "$1" && echo 1 > /proc/self/make-it-fail &&
			read -r v <&3 && echo "$v"' sysfs_failing "$1"
	else
		bash -c 'exec 3> "$1" && echo 1 > /proc/self/make-it-fail &&
			echo "$2" >&3' sysfs_failing "$1" "$2"
	fi
}

# write_failing SEEK: one direct 1 MiB write at SEEK MiB into zram0 by a dd
# that meets allocation failures once it is running.
write_failing()
{
	local fifo=/var/tmp/fifo pid

	rm -f $fifo && mkfifo $fifo
	dd if=$fifo of=/dev/zram0 bs=64K count=16 seek=$(($1 * 16)) \
		iflag=fullblock oflag=direct 2> /dev/null &
	pid=$!
	exec 4> $fifo
	echo 1 > /proc/$pid/make-it-fail
	head -c 1048576 /dev/urandom >&4
	exec 4>&-
	wait $pid
}

echo "TAP version 13"
if [ ! -d $DBG/failslab ] || [ ! -d $DBG/fail_page_alloc ]; then
	echo "1..1"
	echo "ok 1 - allocation failures # SKIP no failslab/fail_page_alloc here"
	exit 0
fi
echo "1..7"

modprobe zram num_devices=1
ok $? "modprobe zram"

seq 1 1000000 | head -c 4194304 > /var/tmp/data

# A device takes a hundred allocations or so: low rates let some through.
made=0
for i in $(seq 1 60); do
	inject failslab $((i % 3 + 1))
	out=$(sysfs_failing /sys/class/zram-control/hot_add 2>&1)
	case "$out" in
	[0-9]*) made=$((made + 1)); echo "$out" > /sys/class/zram-control/hot_remove ;;
	*"Cannot allocate memory"*) ;;
	*) echo "# hot_add: $out" ;;
	esac
done
echo 0 > $DBG/failslab/probability
left=$(find $SYS -maxdepth 1 -name "zram*" | wc -l)
echo "# hot_add under failslab: $made of 60 made, $left devices left"
[ "$made" -gt 0 ] && [ "$left" -eq 1 ]
ok $? "hot_add under failslab: a device or ENOMEM, nothing half made"

# Page allocations only: a failed kmem_cache_create() (zsmalloc makes
# caches per pool) leaks its name in 6.1's SLUB sysfs code, not ours.
made=0
for alg in lzo lz4 zstd lzo lz4 zstd lzo deflate lzo lz4 zstd lzo; do
	echo $alg > $Z/comp_algorithm 2> /dev/null || continue
	inject fail_page_alloc $((RANDOM % 10 + 1))
	sysfs_failing $Z/disksize 64M 2> /dev/null
	if [ "$(cat $Z/initstate)" = 1 ]; then
		made=$((made + 1))
		echo 1 > $Z/reset
	fi
done
echo 0 > $DBG/fail_page_alloc/probability
echo 64M > $Z/disksize && [ "$(cat $Z/initstate)" = 1 ] && echo 1 > $Z/reset
ok $? "disksize under fail_page_alloc ($made of 12 done), then normally"

echo lzo > $Z/comp_algorithm
echo 64M > $Z/disksize
dd if=/var/tmp/data of=/dev/zram0 bs=1M oflag=direct 2> /dev/null
ok $? "write the reference data"

inject fail_page_alloc 30
inject failslab 30
fails=0
for i in $(seq 4 35); do
	write_failing "$i" || fails=$((fails + 1))
done
echo 0 > $DBG/failslab/probability
echo 0 > $DBG/fail_page_alloc/probability
echo "# $fails of 32 writers saw an error; io_stat $(cat $Z/io_stat); debug_stat $(tail -n 1 $Z/debug_stat)"
ok 0 "writes under failslab and fail_page_alloc complete or fail cleanly"

dd if=/dev/zram0 of=/var/tmp/back bs=1M count=4 iflag=direct 2> /dev/null &&
	cmp -s /var/tmp/data /var/tmp/back
ok $? "earlier data intact"

echo 1 > $Z/reset && rmmod zram
ok $? "reset and rmmod"

echo "# $((N - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
