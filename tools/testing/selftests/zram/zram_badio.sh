#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Odd I/O: misaligned, too short, beyond the end of the device, and the
# partial requests at its end.  Each fails with a clean error or transfers
# exactly what fits, and no data around it is harmed.
#
# What reaches the driver: zram declares 4 KiB logical blocks, so the block
# layer turns away misaligned direct I/O, discards and zero-outs (EINVAL),
# and bio_check_eod() stops requests past the end; buffered I/O reaches
# zram as whole pages (a sub-page write becomes a read-modify-write of the
# page).  So from user space io_stat's invalid_io must stay 0; what the
# driver owns here is the queue limits that make the block layer do this,
# a correct read-modify-write, zero-filled reads of unwritten pages, and
# pages split over two segments of a direct I/O's user buffer.  Last,
# zero-outs of 4 GiB and more on an 8 GiB device, which the queue's limits
# must make the block layer split.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
SIZE=$((64 << 20))
MIB=$((1 << 20))

ktap_plan 34

check_run "modprobe zram" zram_load || ktap_finish
echo 64M > "$Z/disksize"

check_eq "queue: logical, physical block and discard granularity 4096, not rotational" \
	"4096 4096 4096 0" \
	"$(cat "$Z/queue/logical_block_size" "$Z/queue/physical_block_size" \
	       "$Z/queue/discard_granularity" "$Z/queue/rotational" | xargs)"
check_eq "queue: discard and write-zeroes supported" "yes yes" \
	"$([ "$(< "$Z/queue/discard_max_bytes")" -gt 0 ] && echo yes) $([ "$(< "$Z/queue/write_zeroes_max_bytes")" -gt 0 ] && echo yes)"

blkio -d -p 0x11 $DEV write 0 $MIB > /dev/null
blkio -d -p 0x22 $DEV write $((SIZE - MIB)) $MIB > /dev/null

# --- Misaligned or short direct I/O: EINVAL from the block layer ----------

check_eq "O_DIRECT write at offset 512: EINVAL" EINVAL \
	"$(blkio -d $DEV write 512 4096)"
check_eq "O_DIRECT write of 512 bytes: EINVAL" EINVAL \
	"$(blkio -d $DEV write 0 512)"
check_eq "O_DIRECT write of 6 KiB: EINVAL" EINVAL \
	"$(blkio -d $DEV write 8192 6144)"
check_eq "O_DIRECT read at offset 2048: EINVAL" EINVAL \
	"$(blkio -d $DEV read 2048 4096)"
check_eq "discard at offset 512: EINVAL" EINVAL "$(blkio $DEV discard 512 4096)"
check_eq "discard of 512 bytes: EINVAL" EINVAL "$(blkio $DEV discard 0 512)"
check_eq "write-zeroes at offset 512: EINVAL" EINVAL \
	"$(blkio $DEV zeroout 512 4096)"

# --- At and beyond the end ----------------------------------------------------

check_eq "O_DIRECT write at the end: ENOSPC" ENOSPC \
	"$(blkio -d $DEV write $SIZE 4096)"
check_eq "buffered write at the end: ENOSPC" ENOSPC \
	"$(blkio $DEV write $SIZE 4096)"
check_eq "O_DIRECT read at the end: 0 bytes" "OK 0" \
	"$(blkio -d $DEV read $SIZE 4096)"
check_eq "discard beyond the end: EINVAL" EINVAL \
	"$(blkio $DEV discard $SIZE 4096)"
check_eq "O_DIRECT write of 8 KiB across the end stores 4 KiB" "OK 4096" \
	"$(blkio -d -p 0x33 $DEV write $((SIZE - 4096)) 8192)"
check_eq "O_DIRECT read of 8 KiB across the end returns that 4 KiB" "OK 4096" \
	"$(blkio -d -p 0x33 $DEV read $((SIZE - 4096)) 8192)"
check_eq "buffered write of 8 bytes 4 before the end stores 4" "OK 4" \
	"$(blkio -p 0x44 $DEV write $((SIZE - 4)) 8)"
blockdev --flushbufs $DEV
check_eq "the last page holds 4092 bytes 0x33 then 4 bytes 0x44" "OK 4092 OK 4" \
	"$(blkio -p 0x33 $DEV read $((SIZE - 4096)) 4092) $(blkio -p 0x44 $DEV read $((SIZE - 4)) 4)"

# --- Sub-page buffered write: read-modify-write of one page --------------------

check_eq "buffered write of 1000 bytes at offset 1000" "OK 1000" \
	"$(blkio -p 0x66 $DEV write 1000 1000)"
blockdev --flushbufs $DEV
check_eq "it landed in the driver, and the rest of the page and MiB kept 0x11" \
	"OK 1000 OK 1000 OK $((MIB - 2000))" \
	"$(blkio -p 0x11 $DEV read 0 1000) $(blkio -p 0x66 $DEV read 1000 1000) $(blkio -p 0x11 $DEV read 2000 $((MIB - 2000)))"

# --- Direct I/O from buffers that are not page aligned ------------------------

# Each page of the device then arrives in two bio segments, one from each
# of two user pages.
bad=
for shift in 512 1024 2048 3584; do
	out=$(misaligned_io $DEV $((32 * MIB + shift * 64)) 48 $shift)
	[ "$out" = OK ] || bad="$bad $shift:$out"
done
check_none "O_DIRECT through buffers 512-3584 bytes into a page round-trips" "$bad"

# --- Unwritten pages and the data around the failures -----------------------

check_eq "never-written pages read as zeros" "OK $MIB" \
	"$(blkio -d -p 0 $DEV read $((8 * MIB)) $MIB)"
check_eq "the last MiB but its last page still holds 0x22" "OK $((MIB - 4096))" \
	"$(blkio -d -p 0x22 $DEV read $((SIZE - MIB)) $((MIB - 4096)))"
check_eq "io_stat: no failed reads or writes, invalid_io 0 (nothing bad reached zram)" \
	"0 0 0" "$(fields "$Z/io_stat" 1 2 3)"

# --- Zero-out of 4 GiB and more ---------------------------------------------
# A bio holds its length in 32 bits of bytes.  The queue's limits must make
# the block layer split a long zero-out: otherwise it reaches the driver
# cut to its length modulo 4 GiB, and exactly 4 GiB as an empty bio.

GIB=$((1 << 30))
LIMIT=$((4 * GIB - 4096))
MARKS="$((2 * GIB)) $((4095 * MIB)) $((4200 * MIB))"

# mark_all BYTE / marks_read BYTE: write or check one MiB of BYTE at each
# of MARKS; marks_read prints one result per mark.
mark_all()
{
	local off

	for off in $MARKS; do
		blkio -d -p "$1" $DEV write "$off" $MIB > /dev/null
	done
}

marks_read()
{
	local off

	for off in $MARKS; do
		blkio -d -p "$1" $DEV read "$off" $MIB
	done | xargs
}

echo 1 > "$Z/reset"
echo 8G > "$Z/disksize"
check_eq "queue: discard and write-zeroes limits are whole blocks below 4 GiB" \
	"$LIMIT $LIMIT" \
	"$(cat "$Z/queue/discard_max_bytes" "$Z/queue/write_zeroes_max_bytes" | xargs)"
mark_all 0x5c
check_eq "8 GiB device: 1 MiB stored at 2 GiB, 4095 MiB and 4200 MiB" \
	"OK $MIB OK $MIB OK $MIB" "$(marks_read 0x5c)"
check_eq "zero-out of 0..5 GiB succeeds" "OK $((5 * GIB))" \
	"$(blkio $DEV zeroout 0 $((5 * GIB)))"
check_eq "after it all three read back as zeroes" "OK $MIB OK $MIB OK $MIB" \
	"$(marks_read 0)"
check_eq "and no data is left stored (orig_data_size 0)" 0 "$(mm zram0 1)"
mark_all 0x5d
check_eq "zero-out of exactly 4 GiB succeeds" "OK $((4 * GIB))" \
	"$(blkio $DEV zeroout 0 $((4 * GIB)))"
check_eq "it zeroes 2 GiB and 4095 MiB and keeps 4200 MiB" \
	"OK $MIB OK $MIB BADDATA at $((4200 * MIB)): 0x5d" "$(marks_read 0)"
check_eq "4200 MiB still holds its data" "OK $MIB" \
	"$(blkio -d -p 0x5d $DEV read $((4200 * MIB)) $MIB)"
check_eq "io_stat: still no failed or invalid I/O" "0 0 0" \
	"$(fields "$Z/io_stat" 1 2 3)"

check_run "rmmod zram" zram_unload
ktap_finish
