#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Device life cycle: the num_devices module parameter, hot_add/hot_remove
# in /sys/class/zram-control and their error codes, reset and reuse of a
# device (old data gone, new data kept), hot_remove racing a reset, and
# rmmod/modprobe cycles, including rmmod being refused while a device is
# open or mounted.

cd "$(dirname "$0")" && . ./lib.sh

# devices: the zram devices present, as "0 1 2".
devices()
{
	ls -d $SYS/zram* 2>/dev/null | sed 's|.*/zram||' | sort -n | xargs
}

# fill DEV BYTE MIB / verify DEV BYTE MIB: write or check a pattern with
# O_DIRECT; verify prints "OK <bytes>" or where the data differs.
fill()
{
	blkio -d -p "$2" "/dev/$1" write 0 $(($3 << 20))
}

verify()
{
	blkio -d -p "$2" "/dev/$1" read 0 $(($3 << 20))
}

refcnt()
{
	cat /sys/module/zram/refcnt 2>/dev/null || echo unloaded
}

ktap_plan 29

# --- num_devices ----------------------------------------------------------

check_run "modprobe zram num_devices=3" zram_load num_devices=3 || ktap_finish
check_eq "num_devices=3 creates zram0-2 with block nodes" "0 1 2 yes" \
	"$(devices) $([ -b /dev/zram0 ] && [ -b /dev/zram2 ] && echo yes)"
zram_unload
zram_load
check_eq "without num_devices there is one device" "0" "$(devices)"

# --- hot_add / hot_remove -----------------------------------------------------

check_eq "zram-control: hot_add is read-only, hot_remove write-only" "400 200" \
	"$(stat -c %a $CTL/hot_add) $(stat -c %a $CTL/hot_remove)"
id1=$(< $CTL/hot_add)
id2=$(< $CTL/hot_add)
check_eq "reading hot_add creates zram1, then zram2, and returns their ids" \
	"1 2 0 1 2" "$id1 $id2 $(devices)"
check_eq "a hot-added device has a block node and is uninitialised" "yes 0" \
	"$([ -b /dev/zram2 ] && echo yes) $(< $SYS/zram2/initstate)"
check_eq "writing hot_add: EACCES" EACCES "$(sysfs_io write $CTL/hot_add 1)"
check_errno "hot_remove of an unknown id: ENODEV" ENODEV $CTL/hot_remove 7
check_errno "hot_remove -1: EINVAL" EINVAL $CTL/hot_remove -1
check_errno "hot_remove 'abc': EINVAL" EINVAL $CTL/hot_remove abc

echo 32M > $SYS/zram2/disksize
fill zram2 0x3c 4 > /dev/null
exec 3< /dev/zram2
check_eq "hot_remove of an open device: EBUSY, device and data kept" \
	"EBUSY 0 1 2 OK 4194304" \
	"$(sysfs_io write $CTL/hot_remove 2) $(devices) $(verify zram2 0x3c 4)"
exec 3<&-
check_eq "hot_remove of a closed device holding data removes it" "OK 0 1 no" \
	"$(sysfs_io write $CTL/hot_remove 2) $(devices) $([ -e /dev/zram2 ] && echo yes || echo no)"
check_eq "hot_remove of the same id again: ENODEV" ENODEV \
	"$(sysfs_io write $CTL/hot_remove 2)"
check_errno "hot_remove 0, the device modprobe created" OK $CTL/hot_remove 0
check_eq "hot_add reuses the lowest free id" "0 0 1" \
	"$(< $CTL/hot_add) $(devices)"
echo 16M > $SYS/zram0/disksize
fill zram0 0x77 16 > /dev/null
check_eq "the re-added device stores and returns data" "OK 16777216" \
	"$(verify zram0 0x77 16)"

# --- reset and reuse ----------------------------------------------------------

echo 1 > $SYS/zram0/reset
echo 16M > $SYS/zram0/disksize
check_eq "after reset and a new disksize the old data is gone (reads zeros)" \
	"OK 16777216" "$(verify zram0 0 16)"
fill zram0 0xc5 16 > /dev/null
check_eq "... and new data is stored and read back" "OK 16777216" \
	"$(verify zram0 0xc5 16)"
echo 1 > $SYS/zram0/reset
echo lzo-rle > $SYS/zram0/comp_algorithm
echo 8M > $SYS/zram0/disksize
fill zram0 0x5a 8 > /dev/null
check_eq "reuse with another size and algorithm" "8388608 OK 8388608" \
	"$(blockdev --getsize64 /dev/zram0) $(verify zram0 0x5a 8)"

# --- hot_remove during a reset ------------------------------------------------
# As in 6.1, hot_remove of a device that is being reset waits for the
# reset and then removes it.  The device is filled with many small objects
# so that the reset takes a while; once its stored data starts to shrink
# (the legacy orig_data_size file reads it without the device's lock) the
# reset is under way, and hot_remove is written.

mib=$((256 / ZT_SCALE))
id=$(< $CTL/hot_add)
echo ${mib}M > $SYS/zram$id/disksize
fio --name=fill --filename=/dev/zram$id --rw=write --bs=1M --direct=1 \
	--size=${mib}M --buffer_compress_percentage=95 --refill_buffers \
	--buffer_compress_chunk=4096 --eta=never > /dev/null
full=$(< $SYS/zram$id/orig_data_size)
sysfs_io write $SYS/zram$id/reset 1 > $TMPDIR/reset.out &
reset_pid=$!
seen=0 end=$((SECONDS + 30))
while [ $SECONDS -lt $end ]; do
	read -r left < $SYS/zram$id/orig_data_size
	if [ "$left" -lt "$full" ]; then
		seen=1
		break
	fi
done
if echo $id 2> /dev/null > $CTL/hot_remove; then removed=OK; else removed=FAILED; fi
wait $reset_pid
diag "stored $full bytes; $left left when hot_remove was written"
check_eq "hot_remove written during a reset waits for it; both succeed, device gone" \
	"1 OK OK no" \
	"$seen $removed $(< $TMPDIR/reset.out) $([ -e $SYS/zram$id ] && echo yes || echo no)"

# --- rmmod --------------------------------------------------------------------

exec 3< /dev/zram0
busy=$(refcnt)
rmmod zram 2> /dev/null
check_eq "rmmod while a device is open is refused (refcnt >= 1, still loaded)" \
	"yes yes" "$([ "$busy" -ge 1 ] 2>/dev/null && echo yes) $([ -d /sys/module/zram ] && echo yes)"
exec 3<&-
check_eq "... and the device still holds its data" "OK 8388608" \
	"$(verify zram0 0x5a 8)"

echo 1 > $SYS/zram1/reset
echo 32M > $SYS/zram1/disksize
mkfs.ext4 -q /dev/zram1 && mkdir -p /mnt/zram1 && mount /dev/zram1 /mnt/zram1
rmmod zram 2> /dev/null
check_eq "rmmod while a device is mounted is refused" "yes" \
	"$([ -d /sys/module/zram ] && echo yes)"
umount /mnt/zram1
check_eq "refcnt drops to 0 once nothing is open" 0 "$(refcnt)"

mib=$((32 / ZT_SCALE))
rand=$(make_random $mib)
echo 1 > $SYS/zram1/reset
echo 64M > $SYS/zram1/disksize
free_before=$(free_kib)
dd if="$rand" of=/dev/zram1 bs=1M oflag=direct status=none
check_run "rmmod with initialised devices holding $mib MiB" rmmod zram
check_cmp "rmmod gave the stored memory back (free memory within 1/4 of it)" \
	$((free_before - $(free_kib))) -lt $((mib / 4 << 10))

cycles=0
for i in 1 2 3 4 5; do
	zram_load num_devices=2 || break
	echo 8M > $SYS/zram1/disksize || break
	fill zram1 $((i * 17)) 8 > /dev/null
	[ "$(verify zram1 $((i * 17)) 8)" = "OK 8388608" ] || break
	[ "$(< $CTL/hot_add)" = 2 ] || break
	rmmod zram || break
	cycles=$i
done
check_eq "5 cycles of modprobe, hot_add, write, verify, rmmod" 5 "$cycles"
zram_load
check_eq "a freshly loaded module starts uninitialised" "0 0 0" \
	"$(devices) $(< $SYS/zram0/initstate) $(< $SYS/zram0/disksize)"
check_run "rmmod zram" zram_unload
ktap_finish
