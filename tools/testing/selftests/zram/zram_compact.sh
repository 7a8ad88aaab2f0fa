#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Compaction: 64 MiB (16 on the debug kernel) of compressible data are written in order, so each
# zspage holds objects of neighbouring pages; then three pages out of every
# four are discarded.  Every zspage keeps a quarter of its objects, so
# nothing can be freed and memory stays allocated: fragmentation.  Writing
# 1 to compact must move the survivors together and give most of that
# memory back (mem_used_total falls, mm_stat pages_compacted rises) without
# changing a byte of data, and leave no size class more than a page of free
# slots (the allocator's debugfs "classes": obj_alloc - obj_used).  Then
# compaction runs over and over while fio writes and verifies data
# elsewhere on the device.  Last, the same fragmentation on a fresh device
# is left to memory reclaim: drop_caches calls the allocator's shrinker,
# which must compact the pool as the compact attribute does.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
BEFORE=$TMPDIR/compact.before
AFTER=$TMPDIR/compact.after
OUT=$TMPDIR/fio.out
CLASSES=/sys/kernel/debug/zsmalloc-zram/zram0/classes

MIB=$((64 / ZT_SCALE))

# read_data FILE: the data area of the device.
read_data()
{
	dd if=$DEV of="$1" bs=1M count=$MIB iflag=direct status=none
}

fio_quiet()
{
	fio --output="$OUT" --eta=never --filename=$DEV --ioengine=psync "$@" ||
		{ tail -n 25 "$OUT"; return 1; }
}

fill()
{
	fio_quiet --name=fill --rw=write --bs=1M --size=${MIB}M --direct=1 \
		--refill_buffers --buffer_compress_percentage=60
}

discard_three_of_four()
{
	fio_quiet --name=holes --rw=trim:4k --bs=12k --size=${MIB}M
}

# given_back BEFORE: checks that mem_used_total fell below half of BEFORE,
# that pages_compacted (from $compacted0) rose by the pages it fell by and
# that no size class kept a page's worth of free slots.
given_back()
{
	local after compacted

	after=$(mm zram0 3) compacted=$(($(mm zram0 7) - compacted0))
	diag "mem_used_total after compaction $after, pages_compacted +$compacted"
	check_cmp "compaction gave memory back: mem_used_total below half" \
		"$after" -lt $(($1 / 2))
	check_eq "pages_compacted rose by the pages given back" \
		$((($1 - after) / PAGE)) "$compacted"
	check_none "no class kept a page's worth of free slots" \
		"$(awk -v page=$PAGE 'NR > 1 && ($6 - $7) * $2 >= page { print $2 }' \
			$CLASSES 2>&1)"
}

# compact_while_running PID: write compact until PID exits; prints how
# many times it did.
compact_while_running()
{
	local n=0

	while kill -0 "$1" 2> /dev/null; do
		echo 1 > "$Z/compact" && n=$((n + 1))
		sleep 0.2
	done
	echo $n
}

ktap_plan 19

check_run "modprobe zram" zram_load || ktap_finish
echo 128M > "$Z/disksize"

check_run "write $MIB MiB of 60%-compressible data" fill
full=$(mm zram0 3)
check_run "discard 3 pages of every 4" discard_three_of_four
check_eq "a quarter of the pages remain" $((MIB << 20 >> 2)) "$(mm zram0 1)"
fragmented=$(mm zram0 3) compacted0=$(mm zram0 7) compr=$(mm zram0 2)
diag "mem_used_total: full $full, after discard $fragmented"
check_cmp "fragmentation: over half the memory is still allocated" \
	"$fragmented" -gt $((full / 2))
read_data "$BEFORE"

check_errno "echo 1 > compact" OK "$Z/compact" 1
given_back "$fragmented"
check_eq "compaction changed neither orig_data_size nor compr_data_size" \
	"$((MIB << 20 >> 2)) $compr" "$(mm zram0 1) $(mm zram0 2)"
read_data "$AFTER"
check_run "every byte reads back as before" cmp "$BEFORE" "$AFTER"
rm -f "$BEFORE" "$AFTER"

# Compaction racing with I/O on the other half of the device.
fio --output="$OUT" --filename=$DEV --ioengine=psync --name=race \
	--rw=randwrite --bsrange=4k-64k --offset=64M --size=$((32 / ZT_SCALE))M --direct=1 \
	--refill_buffers --buffer_compress_percentage=50 --verify=crc32c \
	--numjobs=1 --eta=never &
fio_pid=$!
runs=$(compact_while_running $fio_pid)
wait $fio_pid
r=$?
[ $r -eq 0 ] || tail -n 25 "$OUT" | sed 's/^/# /'
ktap_result $r "fio random writes verify while compaction runs ($runs times)"
check_cmp "compaction ran at least 3 times during the I/O" "$runs" -ge 3

# Reclaim: drop_caches asks every shrinker, the pool's among them.
echo 1 > "$Z/reset"
echo 128M > "$Z/disksize"
check_run "fresh device: write $MIB MiB, discard 3 pages of every 4" \
	eval 'fill && discard_three_of_four'
fragmented=$(mm zram0 3) compacted0=$(mm zram0 7)
check_errno "echo 2 > /proc/sys/vm/drop_caches" OK \
	/proc/sys/vm/drop_caches 2
given_back "$fragmented"

check_run "rmmod zram" zram_unload
ktap_finish
