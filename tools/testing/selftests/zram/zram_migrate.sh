#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Movable zspages: the kernel's compaction migrates the pages of a zram
# pool.  Free memory is first scattered into small holes (fraghog),
# zram is filled so that its pool lands in those holes, the fragmenting
# program is killed, and writing 1 to /proc/sys/vm/compact_memory
# migrates pool pages (debugfs pages_migrated) without changing a byte of
# the device.  How that compares with the kernel's zram (unmovable
# pageblocks, 2 MiB pages obtained) depends on where the allocators put
# things, and asking nr_hugepages for every huge page zeroes most of RAM,
# which under TCG on a busy host trips the soft-lockup watchdog: that
# comparison is the benchmark's (tools/testing/bench/fragmentation.sh).
# Then ext4 and swap on zram are written and verified while compaction
# runs over and over: the kernel's, which migrates pool pages, and the
# pool's own, which moves objects and frees pages, racing each other.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
POOL=/sys/kernel/debug/zsmalloc-zram/zram0/pool
OUT=$TMPDIR/fio.out
MNT=/mnt/zram-migrate
CG=/sys/fs/cgroup/zram-migrate

# Sizes in MiB, divided by SCALE.  On the debug kernel, where KASAN and
# kmemleak slow down the fill, fio, memhog and the compactions they race
# with, a quarter (ZT_SCALE) took over eight minutes: there a sixteenth,
# which still migrates hundreds of pool pages.
SCALE=$ZT_SCALE
[ "$SCALE" -eq 1 ] || SCALE=$((ZT_SCALE * 4))
DATA_MIB=$((192 / SCALE))
HOG_MIB=$((2 * DATA_MIB))
EXT4_MIB=$((96 / SCALE))
# A cgroup under 8 MiB would hardly hold the shell and memhog's code.
SWAP_LIMIT_MIB=$((64 / SCALE))
[ $SWAP_LIMIT_MIB -ge 8 ] || SWAP_LIMIT_MIB=8
SWAP_HOG_MIB=$((SWAP_LIMIT_MIB * 5 / 2))

. ./frag_lib.sh

# pool_stat NAME: a line of our pool's debugfs file.
pool_stat()
{
	sed -n "s/^$1: //p" $POOL
}

# compact_while_running PID: compact all memory, then the pool, until PID
# exits; prints how many times it did.
compact_while_running()
{
	local n=0

	while kill -0 "$1" 2> /dev/null; do
		echo 1 > /proc/sys/vm/compact_memory &&
			echo 1 > "$Z/compact" && n=$((n + 1))
		sleep 0.2
	done
	echo $n
}

cleanup()
{
	frag_hog_stop
	umount $MNT 2> /dev/null
	rmdir $CG 2> /dev/null
	zram_unload 2> /dev/null
}
trap cleanup EXIT

ktap_plan 13

[ -d /sys/kernel/debug/block ] || mount -t debugfs none /sys/kernel/debug 2> /dev/null

# --- The fragmentation scenario, ours ---------------------------------------
check_run "modprobe zram" zram_load || ktap_finish
echo 512M > "$Z/disksize"
frag_hog_start $HOG_MIB
r=$?
[ $r -eq 0 ] || sed 's/^/# fraghog: /' "$TMPDIR/fraghog.out"
ktap_result $r "fragment $HOG_MIB MiB of free memory"
migrated0=$(pool_stat pages_migrated) refused0=$(pool_stat migrations_refused)
check_run "write $DATA_MIB MiB to zram into the holes" frag_fill $DEV $DATA_MIB
sum=$(frag_sum $DEV $DATA_MIB)
frag_hog_stop
echo 1 > /proc/sys/vm/compact_memory
migrated=$(($(pool_stat pages_migrated) - migrated0))
refused=$(($(pool_stat migrations_refused) - refused0))
diag "pool $(mm zram0 3) bytes; compact_memory migrated $migrated pages, refused $refused"
# Whether this one compaction finds pool pages to move depends on where
# the page allocator put them; over the whole script (about fifty more
# compactions below) it must.
total_migrated=$migrated
check_eq "every byte reads back after migration" "$sum" \
	"$(frag_sum $DEV $DATA_MIB)"
check_run "reset and unload" zram_unload

# --- ext4 and swap with compaction running ----------------------------------
check_run "modprobe zram" zram_load || ktap_finish
echo 256M > "$Z/disksize"
mkdir -p $MNT
mkfs.ext4 -q $DEV && mount $DEV $MNT
migrated0=$(pool_stat pages_migrated)
fio --output="$OUT" --eta=never --directory=$MNT --name=ext4 \
	--rw=randwrite --bsrange=4k-64k --size=${EXT4_MIB}M \
	--ioengine=psync --refill_buffers --buffer_compress_percentage=50 \
	--verify=crc32c --fsync_on_close=1 &
fio_pid=$!
runs=$(compact_while_running $fio_pid)
wait $fio_pid
r=$?
[ $r -eq 0 ] || tail -n 25 "$OUT" | sed 's/^/# /'
grep -q "^$DEV $MNT ext4 " /proc/mounts || { diag "ext4 was not mounted"; r=1; }
ktap_result $r "ext4 on zram: fio verifies while memory is compacted ($runs times)"
migrated=$(($(pool_stat pages_migrated) - migrated0))
total_migrated=$((total_migrated + migrated))
diag "pages migrated during ext4 I/O: $migrated; pages_compacted $(mm zram0 7)"
umount $MNT
check_run "reset zram0" sh -c "echo 1 > $Z/reset"

echo 256M > "$Z/disksize"
check_run "swap on zram" sh -c "mkswap $DEV > /dev/null && swapon $DEV"
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p $CG
echo ${SWAP_LIMIT_MIB}M > $CG/memory.max
migrated0=$(pool_stat pages_migrated)
out0=$(vmstat pswpout)
sh -c "echo \$\$ > $CG/cgroup.procs && exec memhog $SWAP_HOG_MIB 2" &
hog_pid=$!
runs=$(compact_while_running $hog_pid)
wait $hog_pid
r=$?
swapped=$((($(vmstat pswpout) - out0) >> 8))
diag "swapped out: $swapped MiB"
# The cgroup holds at most its limit, so the rest went to swap.
[ $swapped -ge $((SWAP_HOG_MIB - SWAP_LIMIT_MIB)) ] || r=1
ktap_result $r "swap on zram: memhog's data intact while memory is compacted ($runs times), the excess swapped"
migrated=$(($(pool_stat pages_migrated) - migrated0))
total_migrated=$((total_migrated + migrated))
diag "pages migrated during swap: $migrated; pages_compacted $(mm zram0 7)"
check_cmp "compaction migrated pool pages (pages_migrated rose)" \
	"$total_migrated" -gt 0
swapoff $DEV
rmdir $CG

# Reset and unload race with compaction, which may hold pool pages
# isolated; a page left pointing at our callbacks after rmmod would crash
# the next compaction that reaches it.
frag_fill $DEV $((64 / SCALE)) > /dev/null
while :; do echo 1 > /proc/sys/vm/compact_memory; done &
loop_pid=$!
sleep 1
check_run "reset and rmmod zram while memory is compacted" zram_unload
kill $loop_pid
wait $loop_pid 2> /dev/null
check_run "compaction after rmmod zram" \
	sh -c "echo 1 > /proc/sys/vm/compact_memory"
ktap_finish
