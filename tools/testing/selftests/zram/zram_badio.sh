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
# pages split over two segments of a direct I/O's user buffer.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
SIZE=$((64 << 20))
MIB=$((1 << 20))

ktap_plan 25

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
check_eq "O_DIRECT through buffers 512-3584 bytes into a page round-trips" "" "$bad"

# --- Unwritten pages and the data around the failures -----------------------

check_eq "never-written pages read as zeros" "OK $MIB" \
	"$(blkio -d -p 0 $DEV read $((8 * MIB)) $MIB)"
check_eq "the last MiB but its last page still holds 0x22" "OK $((MIB - 4096))" \
	"$(blkio -d -p 0x22 $DEV read $((SIZE - MIB)) $((MIB - 4096)))"
check_eq "io_stat: no failed reads or writes, invalid_io 0 (nothing bad reached zram)" \
	"0 0 0" "$(fields "$Z/io_stat" 1 2 3)"

check_run "rmmod zram" zram_unload
ktap_finish
