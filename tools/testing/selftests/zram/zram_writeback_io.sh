#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# How writeback does its I/O: writeback_batch_size (Linux 6.19) puts many
# bios in flight at once, which the block layer shows as merged writes on
# the backing loop device, and keeps writeback_limit exact across batches;
# a multi-page read sends all its backing reads at once;
# writeback_compressed (Linux 7.0; also named compressed_writeback) writes
# objects as stored, fewer sectors than whole pages, and reads decompress
# them; and a device-mapper backing device switched to the error target
# or to flakey's error_writes fails writeback (pages stay in zram) and
# reads (failed_reads), then works again once switched back; and while
# writeback or a write redirected past mem_limit waits on a suspended
# backing device, with a read of a written-back page waiting there too,
# pages in RAM still read (and, under writeback, write); and blocks given
# back are reused once the backing device is full.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
WORK=$TMPDIR/wbio
IMG=$WORK/image
BACKING=$WORK/backing
DM=zt-wb
LOOP=

wb()
{
	sysfs_io write "$Z/writeback" "$1"
}

# bd N: a field of bd_stat: 1 bd_count, 2 bd_reads, 3 bd_writes.
bd()
{
	field "$Z/bd_stat" "$1"
}

# lstat N: a field of the loop device's stat: 1 reads, 5 writes, 6 write
# merges, 7 sectors written.
lstat()
{
	field "/sys/block/${LOOP#/dev/}/stat" "$1"
}

# setup MIB [COMPRESSED]: zram0 of MIB MiB backed by $BACKDEV, writeback
# compressed if COMPRESSED is 1, with 256 pages of text at 0-255 and 64
# random (huge) pages at 256-319, the rest zero.
setup()
{
	echo "$BACKDEV" > "$Z/backing_dev"
	echo "${2:-0}" > "$Z/writeback_compressed"
	echo "$1M" > "$Z/disksize"
	dd if=/dev/zero of="$IMG" bs=1M count="$1" status=none
	put 0 256 "$WORK/text" && put 256 64 "$WORK/random"
}

cleanup()
{
	zram_unload
	dmsetup remove "$DM" 2> /dev/null
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rm -rf "$WORK"
}

ktap_plan 37

check_run "modprobe zram" zram_load || ktap_finish
mkdir -p "$WORK"
modprobe -q loop 2> /dev/null
truncate -s 16M "$BACKING"
LOOP=$(losetup -f --show "$BACKING")
BACKDEV=$LOOP
seq 1000000 2000000 | dd of="$WORK/text" bs=4096 count=256 iflag=fullblock status=none
dd if=/dev/urandom of="$WORK/random" bs=4096 count=64 status=none

# --- The attributes ---------------------------------------------------------

got=
for a in writeback_batch_size writeback_compressed compressed_writeback; do
	got="$got $a=$(stat -c %a "$Z/$a" 2> /dev/null)"
done
check_eq "writeback_batch_size, writeback_compressed, compressed_writeback: 0644" \
	" writeback_batch_size=644 writeback_compressed=644 compressed_writeback=644" \
	"$got"
check_eq "defaults: 32 pages in flight, compressed writeback off" "32 0 0" \
	"$(< "$Z/writeback_batch_size") $(< "$Z/writeback_compressed") $(< "$Z/compressed_writeback")"
got=
for v in 0 abc -1 4294967296 ""; do
	got="$got $(sysfs_io write "$Z/writeback_batch_size" "$v")"
done
check_eq "writeback_batch_size 0, abc, -1, 2^32, '': EINVAL, still 32" \
	" EINVAL EINVAL EINVAL EINVAL EINVAL 32" "$got $(< "$Z/writeback_batch_size")"
check_eq "writeback_batch_size 1 and 4096 read back" "OK 1 OK 4096" \
	"$(sysfs_io write "$Z/writeback_batch_size" 1) $(< "$Z/writeback_batch_size") $(sysfs_io write "$Z/writeback_batch_size" 4096) $(< "$Z/writeback_batch_size")"
check_eq "writeback_compressed: 'maybe' EINVAL; yes 1 (both names); n 0" \
	"EINVAL OK 1 1 OK 0" \
	"$(sysfs_io write "$Z/writeback_compressed" maybe) $(sysfs_io write "$Z/writeback_compressed" yes) $(< "$Z/writeback_compressed") $(< "$Z/compressed_writeback") $(sysfs_io write "$Z/compressed_writeback" n) $(< "$Z/writeback_compressed")"

# --- Batches ------------------------------------------------------------------
#
# Writeback walks the slots in order and fresh blocks are taken in order,
# so a batch is a run of consecutive blocks that the block layer merges
# into few requests; one page at a time gives one request per page.

setup 4
check_eq "after disksize: writeback_compressed EBUSY (both names), unchanged; batch size settable" \
	"EBUSY EBUSY 0 OK 1" \
	"$(sysfs_io write "$Z/writeback_compressed" 1) $(sysfs_io write "$Z/compressed_writeback" 1) $(< "$Z/writeback_compressed") $(sysfs_io write "$Z/writeback_batch_size" 1) $(< "$Z/writeback_batch_size")"
writes=$(lstat 5) merges=$(lstat 6)
check_eq "batch size 1: 64 pages, 64 write requests, none merged" "OK 64 64 0" \
	"$(wb page_indexes=0-63) $(bd 3) $(($(lstat 5) - writes)) $(($(lstat 6) - merges))"
echo 32 > "$Z/writeback_batch_size"
writes=$(lstat 5) merges=$(lstat 6)
check_eq "batch size 32: 128 pages written" "OK 192" \
	"$(wb page_indexes=64-191) $(bd 3)"
diag "128 pages in batches of 32: $(($(lstat 5) - writes)) write requests, $(($(lstat 6) - merges)) merges"
check_cmp "batch size 32: at least 96 of the 128 page writes merged" \
	$(($(lstat 6) - merges)) -ge 96
check_eq "contents intact, read from the backing device" "yes 192" \
	"$(intact) $(bd 2)"
echo 7 > "$Z/writeback_batch_size"
echo 1 > "$Z/writeback_limit_enable"
echo 20 > "$Z/writeback_limit"
writes=$(bd 3)
check_eq "batch size 7, writeback_limit 20: EIO after exactly 20 pages" \
	"EIO 20 0" "$(wb page_indexes=192-319) $(($(bd 3) - writes)) $(< "$Z/writeback_limit")"
echo 0 > "$Z/writeback_limit_enable"
check_eq "the other 108 go; contents intact" "OK 320 yes" \
	"$(wb page_indexes=192-319) $(bd 3) $(intact)"

# --- Reads chained to the bio ------------------------------------------------
#
# The whole raw pages a read bio finds written back are read by bios
# chained to it and sent together once zram returns, so consecutive blocks
# merge into few requests on the loop device; reading them one at a time,
# waiting for each, makes a request per page.  A read over 1 MiB goes out
# as bios under one plug.  Page 100 is rewritten first: in RAM, among
# written-back ones.

put 100 1 "$WORK/random"
reads=$(lstat 1) bdr=$(bd 2)
dd if=$DEV of="$WORK/big" bs=1280K count=1 iflag=direct status=none
got=no
dd if="$IMG" bs=1280K count=1 status=none | cmp -s - "$WORK/big" && got=yes
check_eq "one 1280 KiB O_DIRECT read of 319 written-back pages and 1 in RAM: intact, 319 backing reads" \
	"yes 319" "$got $(($(bd 2) - bdr))"
diag "319 written-back pages in one read: $(($(lstat 1) - reads)) read requests"
check_cmp "their backing reads went out together: under 160 read requests" \
	$(($(lstat 1) - reads)) -lt 160
echo 1 > "$Z/reset"

# --- Compressed writeback -------------------------------------------------------

# Each text page's object goes out in whole 512-byte sectors: between
# its size and its size plus a sector.
setup 4 1
sectors=$(lstat 7) bytes=$(($(mm zram0 2) - 64 * PAGE))
check_eq "compressed: 320 pages (64 huge) written back" "OK 320 320 0" \
	"$(wb page_indexes=0-319) $(bd 1) $(bd 3) $(mm zram0 8)"
text=$(($(lstat 7) - sectors - 64 * 8))
diag "256 text pages ($bytes bytes compressed) written in $text sectors instead of $((256 * 8))"
check_eq "the text pages took their compressed size in sectors, not whole pages" \
	yes "$([ $text -ge $((bytes / 512)) ] && [ $text -le $((bytes / 512 + 256)) ] && [ $text -lt $((256 * 8)) ] && echo yes)"
check_eq "contents intact: compressed blocks decompressed, huge ones raw" \
	"yes 320 0" "$(intact) $(bd 2) $(io zram0 1)"
put 5 1 "$WORK/random"
check_eq "an overwritten compressed page frees its block" "319 yes" \
	"$(bd 1) $(intact 0 8)"
echo 1 > "$Z/reset"

# --- Blocks given back, reused once the backing device is full --------------
#
# A block its slot lets go of may still have a read on its way to it, so it
# is reused only once the backing device has no other free block.  The
# device has 4096 blocks: fill them, give them back, fill them again.

echo "$BACKDEV" > "$Z/backing_dev"
echo 32M > "$Z/disksize"
dd if=/dev/zero of="$IMG" bs=1M count=32 status=none
put 0 4096 "$(make_random 16)"
check_eq "4096 random pages written back fill the backing device" \
	"OK 4096" "$(wb huge) $(bd 1)"
blkdiscard -o 0 -l 16M $DEV
dd if=/dev/zero of="$IMG" bs=1M count=16 conv=notrunc status=none
put 4096 4096 "$(make_random 16)"
# Block searches are counted from here: the reuse below searches, so the
# probe is seen to count before it is trusted to see none.
kprobe_start zt_find zram:zram_wb_find_block && counting=yes
check_eq "given back, then reused: 4096 more written back, then no room" \
	"0 OK 4096 ENOSPC yes" \
	"$(bd 1) $(wb huge) $(bd 1) $(put 0 1 "$WORK/random" && wb huge) $(intact)"
# Every block held by a page: a writeback, or a write redirected under
# mem_limit=writeback, has no block to search for (on a large backing
# device, megabytes of bitmap per page).
if [ -n "$counting" ]; then
	searches=$(kprobe_hits zt_find)
	check_eq "every block held: ENOSPC again, without a search" \
		"ENOSPC searched 0" \
		"$(wb huge) $([ "$searches" -gt 0 ] && echo searched) \
$(($(kprobe_hits zt_find) - searches))"
	kprobe_stop zt_find
else
	kprobe_missing "every block held: ENOSPC without a search"
fi
# Blocks given back among blocks still held: every 32nd page of the last
# 4096, two blocks of each 64 that the recycle gives back a word at a time.
fio --output="$WORK/fio.out" --eta=never --filename=$DEV --ioengine=psync \
	--name=holes --rw=trim:124k --bs=4k --offset=16M --size=16M ||
	tail "$WORK/fio.out"
for i in $(seq 0 127); do
	dd if=/dev/zero of="$IMG" bs=4096 seek=$((4096 + i * 32)) count=1 \
		conv=notrunc status=none
done
put 0 128 "$(make_random 1)"
check_eq "128 blocks given back among held ones: 128 reused, no more" \
	"3968 OK 4096 ENOSPC yes" \
	"$(bd 1) $(wb huge) $(bd 1) $(put 128 1 "$WORK/random" && wb huge) $(intact)"
echo 1 > "$Z/reset"

# --- Faults of the backing device (device mapper) --------------------------------

# Modules on Debian's kernels, built in on the debug kernel.
modprobe -q dm-mod 2> /dev/null
modprobe -q dm-flakey 2> /dev/null
if ! dmsetup targets 2> /dev/null | grep -q '^flakey'; then
	for i in $(seq 14); do
		ktap_skip "device-mapper fault $i" \
			"no device mapper (CONFIG_BLK_DEV_DM, CONFIG_DM_FLAKEY)"
	done
	cleanup
	ktap_finish
fi

export DM_DISABLE_UDEV=1
SECTORS=$(blockdev --getsz "$LOOP")
# dmtable TARGET [ARGS]: the whole loop device through TARGET.
dmtable()
{
	case $1 in
	linear) echo "0 $SECTORS linear $LOOP 0" ;;
	error) echo "0 $SECTORS error" ;;
	flakey) echo "0 $SECTORS flakey $LOOP 0 0 1 1 error_writes" ;;
	esac
}

# dmswitch TARGET: replace the table under the open device.
dmswitch()
{
	dmsetup reload "$DM" --table "$(dmtable "$1")" &&
		dmsetup resume "$DM"
}

dmsetup create "$DM" --table "$(dmtable linear)"
BACKDEV=/dev/mapper/$DM
setup 4 1
check_eq "through dm linear: 320 pages written back, intact" "OK 320 yes" \
	"$(wb page_indexes=0-319) $(bd 3) $(intact)"

dmswitch error
reads=$(bd 2)
check_eq "error target: reading a compressed and a raw block fails EIO each, counted" \
	"EIO EIO 2 2" \
	"$(blkio -d $DEV read $((3 * PAGE)) $PAGE) $(blkio -d $DEV read $((300 * PAGE)) $PAGE) $(io zram0 1) $(($(bd 2) - reads))"
put 400 64 "$WORK/random" && put 464 64 "$WORK/text"
count=$(bd 1) huge=$(mm zram0 8)
check_eq "error target: writeback of 128 pages fails EIO" EIO \
	"$(wb page_indexes=400-527)"
check_eq "no block kept, no write counted, the 64 huge pages still in zram" \
	"$count 320 $huge" "$(bd 1) $(bd 3) $(mm zram0 8)"
check_eq "the pages that failed read back intact from zram" yes \
	"$(intact 400 128)"

dmswitch flakey
check_eq "flakey error_writes: writeback EIO, nothing kept" "EIO $count" \
	"$(wb page_index=401) $(bd 1)"
check_eq "flakey error_writes: written-back pages read back intact" yes \
	"$(intact 0 320)"

dmswitch linear
check_eq "linear again: the failed pages write back, everything intact" \
	"OK 448 yes" "$(wb page_indexes=400-527) $(bd 1) $(intact)"
check_eq "only the two failed reads counted" 2 "$(io zram0 1)"
echo 1 > "$Z/reset"

# A backing device of 64 TiB: each of its two block bitmaps would take 2
# GiB, more than the kernel allocates at once.  Refused with ENOMEM, and
# without the warning the kernel gives a caller that asks for that much.
marker="zram_writeback_io: a 64 TiB backing device"
dmsetup create zt-huge --table "0 $((1 << 37)) error"
echo "$marker" > /dev/kmsg
check_eq "a 64 TiB backing device: ENOMEM, no kernel warning" ENOMEM \
	"$(sysfs_io write "$Z/backing_dev" /dev/mapper/zt-huge)$(allocation_complaints "$marker")"
dmsetup remove zt-huge

# --- A backing device that stalls ------------------------------------------------
#
# A suspended device-mapper device keeps its bios until it is resumed.  A
# read bio holds wb.reuse_lock for reading from its first page to its last,
# so whoever writes to the backing device must neither hold it for writing
# while the write waits nor wait for backing reads in flight: reads of
# pages in RAM would wait for the backing device too, and a swap write
# redirected from reclaim would wait for a backing write or read that may
# itself wait for reclaim (a hang seen on 6.12).  So each case has a read
# of a written-back page waiting on the device as well.

# blocked PID: whether PID waits uninterruptibly.
blocked()
{
	[ "$(cut -d' ' -f3 "/proc/$1/stat" 2> /dev/null)" = D ]
}

# stalled PID: "stalled" once PID has waited on the suspended device for a
# second.
stalled()
{
	wait_until 30 blocked "$1" && sleep 1 && blocked "$1" && echo stalled
}

# meanwhile COMMAND...: what COMMAND prints if it is done within 20 s, or
# "waited" (it is done once the device is resumed).  A process waiting in
# the kernel cannot be killed, so COMMAND runs in the background and
# resume_backing waits for it.
meanwhile()
{
	rm -f "$WORK/meanwhile"
	"$@" > "$WORK/meanwhile" &
	echo $! >> "$WORK/probes"
	wait_until 20 test -s "$WORK/meanwhile" && cat "$WORK/meanwhile" ||
		echo waited
}

# gone PID: whether PID has exited.
gone()
{
	! kill -0 "$1" 2> /dev/null
}

# resume_backing: resume the backing device, then wait for the writer and
# for every read meanwhile and stalled_read started: they ran inside
# command substitutions, where the shell's wait cannot see them.
resume_backing()
{
	local pid

	dmsetup resume "$DM"
	wait
	while read -r pid; do
		wait_until 30 gone "$pid"
	done < "$WORK/probes"
	rm -f "$WORK/probes"
}

# stalled_read PAGE: "stalled" once a read of PAGE, written back, has
# waited on the suspended device for a second; the read goes on in the
# background to $WORK/read.PAGE, and resume_backing waits for it.
stalled_read()
{
	dd if=$DEV of="$WORK/read.$1" bs=4096 skip="$1" count=1 iflag=direct \
		status=none > /dev/null &
	echo $! >> "$WORK/probes"
	stalled $!
}

# read_right PAGE: "yes" when stalled_read's read of PAGE got its data.
read_right()
{
	dd if="$IMG" bs=4096 skip="$1" count=1 status=none |
		cmp -s - "$WORK/read.$1" && echo yes || echo no
}

# rewrite PAGE: "written" once PAGE holds a new random page, in RAM.
rewrite()
{
	put "$1" 1 "$WORK/random" && echo written
}

setup 4
wb page_indexes=0-63 > /dev/null
dmsetup suspend "$DM"
reader=$(stalled_read 10)
sysfs_io write "$Z/writeback" page_indexes=64-127 > "$WORK/wb" &
writer=$!
got="$reader $(stalled $writer) $(meanwhile intact 200 1) $(meanwhile rewrite 250)"
resume_backing
check_eq "writeback and a backing read stalled: pages in RAM read and write meanwhile; then all written, intact" \
	"stalled stalled yes written OK 128 yes yes" \
	"$got $(cat "$WORK/wb") $(bd 3) $(read_right 10) $(intact)"

# The pool holds more than 64 KiB, so every new page goes to the device.
echo 64K > "$Z/mem_limit"
check_errno "policy mem_limit=writeback" OK "$Z/policy" mem_limit=writeback
dmsetup suspend "$DM"
reader=$(stalled_read 11)
dd if="$WORK/random" of=$DEV bs=4096 seek=600 count=1 oflag=direct \
	conv=notrunc status=none &
writer=$!
got="$reader $(stalled $writer) $(meanwhile intact 201 1)"
resume_backing
dd if="$WORK/random" of="$IMG" bs=4096 seek=600 count=1 conv=notrunc status=none
check_eq "a redirected write and a backing read stalled: a page in RAM reads meanwhile; then redirected, intact" \
	"stalled stalled yes 1 yes yes" \
	"$got $(field "$Z/policy_stat" 3) $(read_right 11) $(intact)"
echo 1 > "$Z/reset"

# writeback_limit written while a batch of 32 waits on the device: what
# the batch took came from the old limit, so its pages, failing once the
# device resumes as the error target, give nothing back to the new one.
setup 4
echo 32 > "$Z/writeback_batch_size"
echo 1 > "$Z/writeback_limit_enable" && echo 1000 > "$Z/writeback_limit"
dmsetup suspend "$DM"
dmsetup reload "$DM" --table "$(dmtable error)"
sysfs_io write "$Z/writeback" page_indexes=0-63 > "$WORK/wb" &
writer=$!
got="$(stalled $writer) $(< "$Z/writeback_limit")"
: > "$WORK/probes"
echo 5 > "$Z/writeback_limit"
resume_backing
check_eq "writeback_limit rewritten to 5 under a stalled batch that then fails: still 5" \
	"stalled 968 EIO 5" "$got $(cat "$WORK/wb") $(< "$Z/writeback_limit")"
echo 1 > "$Z/reset"
dmswitch linear

cleanup
ktap_finish
