#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zram as swap: mkswap and swapon on a zram device, then a program (memhog)
# that needs four times the memory its cgroup v2 memory.max grants.  Its
# pages go to zram and come back, and it checks every byte of them.  The
# kernel's swap counters and zram's own move together; exit and swapoff
# free the slots again (notify_free, which counts every notification as
# 6.1 does), and a device in use as swap can be neither reset nor unloaded.
# Swap must treat zram as synchronous.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
CG=/sys/fs/cgroup/zt-swap
HOG_MIB=$((96 / ZT_SCALE))
LIMIT_MIB=$((HOG_MIB / 3))

# reader DEV MIB: read DEV's first MIB MiB over and over.
reader()
{
	while :; do
		dd if="$1" of=/dev/null bs=64k count=$(($2 * 16)) iflag=direct \
			2> /dev/null
	done
}

# run_hog MIB PASSES: memhog inside the memory-limited cgroup.
run_hog()
{
	sh -c "echo \$\$ > $CG/cgroup.procs && exec memhog $1 $2"
}

# The kernel function that reads a page from a swap device swapon marked
# SWP_SYNCHRONOUS_IO, waiting for it inline, and is reached only for such
# devices: 6.1 sets the flag for devices with rw_page and reads them with
# bdev_read_page(), 6.12 for queues with BLK_FEAT_SYNCHRONOUS and reads
# them with swap_read_folio_bdev_sync().  Counted with a kprobe, started
# here: fails when the kernel can probe neither.
sync_read_start()
{
	local fn

	for fn in swap_read_folio_bdev_sync bdev_read_page; do
		if kprobe_start zt_sync "$fn"; then
			echo "$fn"
			return
		fi
	done
	return 1
}

cleanup()
{
	rmdir $CG 2> /dev/null
	zram_unload 2> /dev/null
}

ktap_plan 20

check_run "modprobe zram" zram_load || ktap_finish
echo 512M > "$Z/disksize"
check_run "mkswap /dev/zram0" mkswap /dev/zram0
check_run "swapon /dev/zram0" swapon -p 100 /dev/zram0
check_eq "the swap area is active with the device's size" "/dev/zram0 512M" \
	"$(swapon --show=NAME,SIZE --noheadings | awk '{ print $1, $2 }')"

echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p $CG
echo ${LIMIT_MIB}M > $CG/memory.max
mapping=/sys/module/zram/parameters/zsmalloc_mapping
[ -r $mapping ] && diag "zsmalloc mapping: $(< $mapping)"

out0=$(vmstat pswpout) in0=$(vmstat pswpin)
wr0=$(field "$Z/stat" 7) rd0=$(field "$Z/stat" 3)
free0=$(io zram0 4)
orig0=$(mm zram0 1)
sync_fn=$(sync_read_start)
check_run "memhog $HOG_MIB MiB in a ${LIMIT_MIB} MiB cgroup: data intact" \
	run_hog $HOG_MIB 1
if [ -n "$sync_fn" ]; then
	sync_reads=$(kprobe_hits zt_sync)
	kprobe_stop zt_sync
fi
out=$(($(vmstat pswpout) - out0)) in=$(($(vmstat pswpin) - in0))
diag "pswpout $out pswpin $in, mm_stat $(< "$Z/mm_stat")"
check_cmp "pages were swapped out: pswpout >= $((HOG_MIB - LIMIT_MIB)) MiB" \
	"$out" -ge $(((HOG_MIB - LIMIT_MIB) << 8))
check_cmp "and swapped back in: pswpin >= $((HOG_MIB - LIMIT_MIB)) MiB" \
	"$in" -ge $(((HOG_MIB - LIMIT_MIB) << 8))
check_eq "zram wrote exactly the swapped-out pages (8 sectors each)" \
	$((out * 8)) $(($(field "$Z/stat" 7) - wr0))
check_eq "zram read exactly the swapped-in pages" \
	$((in * 8)) $(($(field "$Z/stat" 3) - rd0))
check_cmp "memhog's exit freed swap slots (notify_free)" \
	$(($(io zram0 4) - free0)) -ge $(((HOG_MIB - LIMIT_MIB) << 8))
check_cmp "no I/O failed" "$(io zram0 1)$(io zram0 2)" -eq 0
# Every page swapped in went through the synchronous read: zram, unlike a
# disk, is marked SWP_SYNCHRONOUS_IO (no swap cache, no readahead).
if [ -n "$sync_fn" ]; then
	check_cmp "swap read every page synchronously: $sync_fn calls >= pswpin" \
		"$sync_reads" -ge "$((in > 1 ? in : 1))"
else
	kprobe_missing "swap reads zram synchronously"
fi

check_errno "reset of the active swap device: EBUSY" EBUSY "$Z/reset" 1
rmmod zram 2> /dev/null
check_eq "rmmod with active swap is refused" yes \
	"$([ -d /sys/module/zram ] && echo yes)"

check_run "swapoff /dev/zram0" swapoff /dev/zram0
check_eq "after swapoff zram holds only what mkswap wrote" "$orig0" "$(mm zram0 1)"
check_errno "reset after swapoff" OK "$Z/reset" 1

# --- notify_free: every notification, as in 6.1 ----------------------------
# A small swap device that a program slightly too big for its cgroup
# thrashes through, while its slots are read back over and over: a read
# holds the slot's lock, so some frees find it busy and miss.

id=$(< $CTL/hot_add)
echo 8M > $SYS/zram$id/disksize
mkswap /dev/zram$id > /dev/null && swapon /dev/zram$id
kprobe_start zt_notify zram:zram_swap_slot_free_notify && counting=yes
free0=$(io zram$id 4)
reader /dev/zram$id 8 &
reader_pid=$!
check_run "memhog thrashing an 8 MiB swap device being read: data intact" \
	run_hog $((LIMIT_MIB + 4)) 4
kill $reader_pid
wait $reader_pid 2> /dev/null
swapoff /dev/zram$id
if [ -n "$counting" ]; then
	calls=$(kprobe_hits zt_notify)
	kprobe_stop zt_notify
	diag "swap_slot_free_notify: $calls calls, $(awk 'NR == 2 { print $2 }' \
		"$SYS/zram$id/debug_stat") missed the slot lock"
	check_eq "notify_free counts every slot-free notification, missed ones too" \
		"$calls" $(($(io zram$id 4) - free0))
else
	kprobe_missing "notify_free counts every slot-free notification, missed ones too"
fi

rmdir $CG
check_run "rmmod zram" zram_unload
ktap_finish
