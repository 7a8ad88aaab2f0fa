#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# util-linux zramctl drives zram through its sysfs interface: --find sets up
# the first free device (hot-adding one when none is free), a named device
# can be configured, the listing shows the same values as sysfs, and
# --reset frees and removes a device, but not one that is mounted.

cd "$(dirname "$0")" && . ./lib.sh

COLS=NAME,ALGORITHM,DISKSIZE,DATA,COMPR,TOTAL,STREAMS,ZERO-PAGES,MOUNTPOINT

# row DEV COLUMNS: zramctl's raw line for DEV, sizes in bytes.
row()
{
	zramctl --raw --noheadings --bytes --output "$2" "$1"
}

# sysfs_row N: the same columns as $COLS, from sysfs.
sysfs_row()
{
	local d=$SYS/zram$1 alg

	alg=$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' $d/comp_algorithm)
	echo "/dev/zram$1 $alg $(< $d/disksize) $(mm zram$1 1) $(mm zram$1 2)" \
	     "$(mm zram$1 3) $(< $d/max_comp_streams) $(mm zram$1 6) $2"
}

ktap_plan 14

check_run "modprobe zram" zram_load || ktap_finish
modprobe -q crypto-lz4
check_eq "zramctl --find --size 64M --algorithm lz4 sets up zram0" \
	"/dev/zram0 67108864 lz4" \
	"$(zramctl --find --size 64M --algorithm lz4) $(< $SYS/zram0/disksize) $(sed -n 's/.*\[\([^]]*\)\].*/\1/p' $SYS/zram0/comp_algorithm)"
check_eq "zramctl --find with no free device hot-adds zram1" \
	"/dev/zram1 33554432" \
	"$(zramctl --find --size 32M) $(cat $SYS/zram1/disksize 2>/dev/null)"
check_eq "zramctl --find again hot-adds zram2" \
	"/dev/zram2" "$(zramctl --find --size 16M)"
check_eq "zramctl --reset /dev/zram2 resets and removes it" "0 gone" \
	"$(zramctl --reset /dev/zram2; echo $?) $([ -e $SYS/zram2 ] && echo present || echo gone)"
check_eq "zramctl configures a named device (--size 16M --algorithm lzo-rle)" \
	"2 16777216 lzo-rle" \
	"$(< $CTL/hot_add) $(zramctl /dev/zram2 --size 16M --algorithm lzo-rle > /dev/null; cat $SYS/zram2/disksize) $(sed -n 's/.*\[\([^]]*\)\].*/\1/p' $SYS/zram2/comp_algorithm)"

# Data on zram0: compressible text, zero pages and random pages.
yes "zramctl reports what zram stores" | head -c $((8 << 20)) |
	dd of=/dev/zram0 bs=1M oflag=direct status=none
dd if=/dev/zero of=/dev/zram0 bs=1M seek=8 count=4 oflag=direct status=none
dd if="$(make_random 4)" of=/dev/zram0 bs=1M seek=12 oflag=direct status=none
mkfs.ext4 -q /dev/zram1 && mkdir -p /mnt/zram1 && mount /dev/zram1 /mnt/zram1

check_eq "zramctl $COLS for zram0 matches sysfs" "$(sysfs_row 0 | xargs)" \
	"$(row /dev/zram0 $COLS | xargs)"
check_eq "... and for the mounted zram1, with its mount point" \
	"$(sysfs_row 1 /mnt/zram1)" "$(row /dev/zram1 $COLS | xargs)"
check_eq "zramctl MEM-LIMIT MEM-USED MIGRATED match mm_stat fields 4 5 7" \
	"$(mm zram0 4) $(mm zram0 5) $(mm zram0 7)" \
	"$(row /dev/zram0 MEM-LIMIT,MEM-USED,MIGRATED | xargs)"
check_eq "plain zramctl lists the three devices in use" \
	"/dev/zram0 /dev/zram1 /dev/zram2" \
	"$(zramctl --noheadings --output NAME | sort | xargs)"
check_eq "zramctl --output-all lists the three devices" 4 \
	"$(zramctl --output-all | wc -l)"

zramctl --reset /dev/zram1 2> /dev/null
rc=$?
check_eq "zramctl --reset of a mounted device fails, the device stays set up" \
	"failed 1" "$([ $rc -ne 0 ] && echo failed) $(< $SYS/zram1/initstate)"
umount /mnt/zram1
check_eq "zramctl --reset of zram0 and zram1 frees and removes them" "0 2" \
	"$(zramctl --reset /dev/zram0 /dev/zram1; echo $?) $(ls -d $SYS/zram* | sed 's|.*/zram||' | xargs)"

check_run "rmmod zram" zram_unload
ktap_finish
