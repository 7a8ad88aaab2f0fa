#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The statistics of a zram device follow what was written to it: mm_stat
# (9 fields), io_stat (4 fields), debug_stat, the block layer's stat, the
# debugfs block_state (one line per used slot, with same/huge/idle flags),
# the legacy single-value attributes, and reset giving all memory back.
#
# The data set, in 4 KiB pages from the start of the device:
#   0-63     zero-filled          same_pages, no memory used
#   64-127   filled with 0xab     same_pages too (same value, not only zero)
#   128-255  random               incompressible: huge_pages
#   256-383  text                 compresses well
# and later, at 512-575, zero pages with one byte set: not same-filled.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DATA=$TMPDIR/stats.img
BLOCK_STATE=/sys/kernel/debug/zram/zram0/block_state

# stat_field N: field N of the block layer's /sys/block/zram0/stat
# (3: sectors read, 7: sectors written).
stat_field()
{
	field "$Z/stat" "$1"
}

# count_fields FILE: how many numbers FILE's first line holds, or "bad".
count_fields()
{
	awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i !~ /^[0-9]+$/) bad = 1
		       print bad ? "bad" : NF }' "$1"
}

# slots [FLAG]: how many block_state lines there are, or how many have FLAG
# in their flag column.
slots()
{
	awk -v f="$1" 'f == "" || index($3, f) { n++ } END { print n + 0 }' \
		"$BLOCK_STATE"
}

# direct_write FILE PAGE_OFFSET: copy FILE onto the device, bypassing the
# page cache so that the statistics move at once.
direct_write()
{
	dd if="$1" of=/dev/zram0 bs=64K seek="$(($2 * PAGE))" oflag=direct,seek_bytes \
		status=none
}

ktap_plan 42

check_run "modprobe zram" zram_load || ktap_finish
echo 64M > "$Z/disksize"

check_eq "mm_stat holds 9 numbers" 9 "$(count_fields "$Z/mm_stat")"
check_eq "io_stat holds 4 numbers" 4 "$(count_fields "$Z/io_stat")"
check_eq "stat (block layer) holds 17 numbers" 17 "$(count_fields "$Z/stat")"
check_eq "debug_stat: 'version: 1', then 2 numbers" "version: 1|2" \
	"$(head -n 1 "$Z/debug_stat")|$(tail -n +2 "$Z/debug_stat" | head -n 1 |
	   awk '{ for (i = 1; i <= NF; i++) if ($i !~ /^[0-9]+$/) bad = 1
		  print bad ? "bad" : NF }')"
check_eq "a fresh device stores nothing" "0 0 0 0 0" \
	"$(fields "$Z/mm_stat" 1 2 3 6 8)"

{
	head -c $((64 * PAGE)) /dev/zero
	head -c $((64 * PAGE)) /dev/zero | tr '\0' '\253'
	head -c $((128 * PAGE)) /dev/urandom
	yes "zram keeps this line of text compressed in memory" |
		head -c $((128 * PAGE))
} > "$DATA"

writes0=$(stat_field 7)
check_run "write 384 pages (zero, 0xab, random, text) with O_DIRECT" \
	direct_write "$DATA" 0
check_eq "block layer counted 3072 sectors written" 3072 \
	$(($(stat_field 7) - writes0))
check_eq "orig_data_size: 384 pages" $((384 * PAGE)) "$(mm zram0 1)"
check_eq "same_pages: 128 (64 zero + 64 0xab)" 128 "$(mm zram0 6)"
check_eq "huge_pages and huge_pages_since: the 128 random pages" "128 128" \
	"$(mm zram0 8) $(mm zram0 9)"
compr=$(mm zram0 2)
check_cmp "compr_data_size >= the huge pages stored whole" "$compr" -ge $((128 * PAGE))
check_cmp "compr_data_size: text pages compress at least 4:1" \
	$((compr - 128 * PAGE)) -lt $((128 * PAGE / 4))
check_cmp "mem_used_total >= compr_data_size" "$(mm zram0 3)" -ge "$compr"
check_cmp "mem_used_max >= mem_used_total" "$(mm zram0 5)" -ge "$(mm zram0 3)"
peak=$(mm zram0 3)

reads0=$(stat_field 3)
dd if=/dev/zram0 of="$DATA.back" bs=64K count=24 iflag=direct status=none
check_run "the data reads back identical (O_DIRECT)" cmp "$DATA" "$DATA.back"
check_eq "block layer counted 3072 sectors read" 3072 $(($(stat_field 3) - reads0))
check_eq "io_stat: no failed or invalid I/O, nothing freed" "0 0 0 0" \
	"$(fields "$Z/io_stat" 1 2 3 4)"

# --- debugfs block_state -------------------------------------------------

if [ -r "$BLOCK_STATE" ]; then
	check_eq "block_state: one line per used slot, indices 0-383" \
		"384 0 383" "$(awk 'NR == 1 { lo = $1 } { n++; hi = $1 }
				   END { print n, lo, hi }' "$BLOCK_STATE")"
	check_eq "block_state: slots 0-127 same-filled, 128-255 huge" \
		"128 128 128-255" \
		"$(slots s) $(slots h) $(awk 'index($3, "h") { if (!lo) lo = $1; hi = $1 }
					 END { print lo "-" hi }' "$BLOCK_STATE")"
	echo all > "$Z/idle"
	idle_all=$(slots i)
	dd if=/dev/zram0 of=/dev/null bs=4K skip=300 count=1 iflag=direct status=none
	check_eq "idle all marks every slot but the same-filled; reading slot 300 clears its mark" \
		"256 255 0" \
		"$idle_all $(slots i) $(awk '$1 == 300 { print index($3, "i") }' "$BLOCK_STATE")"
	echo 3600 > "$Z/idle"
	check_eq "idle 3600 clears the marks of the slots used within the hour" \
		0 "$(slots i)"
else
	for t in "one line per used slot" "same and huge flags" "idle marks" \
		"idle by age"; do
		ktap_fail "block_state: $t (no $BLOCK_STATE)"
	done
fi

# --- Overwrite and discard -------------------------------------------------

head -c $((128 * PAGE)) /dev/zero > "$TMPDIR/zero.img"
direct_write "$TMPDIR/zero.img" 128
check_eq "random pages overwritten with zeros: huge 0, huge_since 128, same 256" \
	"0 128 256 $((384 * PAGE))" \
	"$(fields "$Z/mm_stat" 8 9 6 1)"
free0=$(io zram0 4)
blkdiscard -o 0 -l $((256 * PAGE)) /dev/zram0
check_eq "discarding pages 0-255 frees them: orig 128 pages, same 0" \
	"$((128 * PAGE)) 0" "$(mm zram0 1) $(mm zram0 6)"
check_eq "notify_free counts the 256 discarded pages" 256 \
	$(($(io zram0 4) - free0))
if [ -r "$BLOCK_STATE" ]; then
	check_eq "block_state lists only the 128 text slots left" "128 256" \
		"$(slots) $(head -n 1 "$BLOCK_STATE" | awk '{ print $1 }')"
else
	ktap_fail "block_state lists only the slots left"
fi

# --- Same-filled or not --------------------------------------------------------

# Page K has one byte set, byte K % 8 of word 8K + K % 8: so the first word,
# the last and every position in a group of eight words get one.
ONE_BYTE=$TMPDIR/one_byte.img
head -c $((64 * PAGE)) /dev/zero > "$ONE_BYTE"
k=0
while [ $k -lt 64 ]; do
	printf '\001' | dd of="$ONE_BYTE" bs=1 conv=notrunc status=none \
		seek=$((k * PAGE + (8 * k + k % 8) * 8 + k % 8))
	k=$((k + 1))
done
same0=$(mm zram0 6)
direct_write "$ONE_BYTE" 512
check_eq "64 zero pages with one byte set anywhere are not same-filled" \
	"$same0" "$(mm zram0 6)"
dd if=/dev/zram0 of="$ONE_BYTE.back" bs=4K skip=512 count=64 iflag=direct \
	status=none
check_run "... and read back identical" cmp "$ONE_BYTE" "$ONE_BYTE.back"
blkdiscard -o $((512 * PAGE)) -l $((64 * PAGE)) /dev/zram0

# --- mem_used_max -------------------------------------------------------------

check_cmp "mem_used_max keeps the peak after memory is freed" \
	"$(mm zram0 5)" -ge "$peak"
check_cmp "mem_used_total fell below the peak" "$(mm zram0 3)" -lt "$peak"
echo 0 > "$Z/mem_used_max"
check_eq "mem_used_max 0 resets the peak to mem_used_total" \
	"$(mm zram0 3)" "$(mm zram0 5)"

# --- Legacy single-value attributes ------------------------------------------

if [ -e "$Z/num_reads" ] || zram_is_ours; then
	legacy=
	for a in orig_data_size compr_data_size mem_used_total zero_pages \
		 invalid_io notify_free num_reads num_writes; do
		legacy="$legacy $(cat "$Z/$a" 2>/dev/null || echo missing)"
	done
	check_eq "legacy orig_data_size compr_data_size mem_used_total zero_pages = mm_stat" \
		"$(fields "$Z/mm_stat" 1 2 3 6)" \
		"$(echo $legacy | awk '{ print $1, $2, $3, $4 }')"
	check_eq "legacy invalid_io notify_free = io_stat" \
		"$(fields "$Z/io_stat" 3 4)" \
		"$(echo $legacy | awk '{ print $5, $6 }')"
	set -- $legacy
	r0=$7 w0=$8
	dd if=/dev/zram0 of=/dev/null bs=64K count=16 iflag=direct status=none
	dd if=/dev/zero of=/dev/zram0 bs=64K count=16 oflag=direct status=none
	r1=$(< "$Z/num_reads") w1=$(< "$Z/num_writes")
	check_eq "legacy num_reads/num_writes count each of 256 pages read/written" \
		"256 256" "$((r1 - r0)) $((w1 - w0))"
else
	for t in "orig_data_size..zero_pages" "invalid_io notify_free" "num_reads num_writes"; do
		ktap_skip "legacy $t" "the kernel's 6.1 zram has no legacy attributes"
	done
fi

# --- reset gives the memory back -------------------------------------------------

mib=$((64 / ZT_SCALE))
echo 1 > "$Z/reset"
echo 128M > "$Z/disksize"
rand=$(make_random $mib)
free_before=$(free_kib)
direct_write "$rand" 0
used=$(mm zram0 3)
free_full=$(free_kib)
check_cmp "$mib MiB of random data take >= $mib MiB (mem_used_total)" \
	"$used" -ge $((mib << 20))
# Free memory is approximate (frees still in flight from the reset above),
# hence the margins.
check_cmp "... and free memory fell by >= 3/4 of that" \
	$((free_before - free_full)) -ge $((mib * 3 / 4 << 10))
echo 1 > "$Z/reset"
check_eq "after reset mm_stat is all zero" "0 0 0 0 0 0 0 0 0" \
	"$(fields "$Z/mm_stat" 1 2 3 4 5 6 7 8 9)"
check_cmp "after reset free memory is back within 1/8 of it" \
	$((free_before - $(free_kib))) -lt $((mib / 8 << 10))
# As 6.1: a reset zeroes the block layer's counters too, and drops a
# mem_limit even when it was set before the device was initialised.
check_eq "after reset the block layer's stat (17 fields) is all zero" "17 0" \
	"$(awk '{ for (i = 1; i <= NF; i++) if ($i != 0) n++; print NF, n + 0 }' "$Z/stat")"
echo 32M > "$Z/mem_limit"
check_eq "mem_limit set on the reset device shows in mm_stat" $((32 << 20)) \
	"$(mm zram0 4)"
echo 1 > "$Z/reset"
check_eq "reset of the uninitialised device clears that mem_limit" 0 \
	"$(mm zram0 4)"

check_run "rmmod zram" zram_unload
rm -f "$DATA" "$DATA.back" "$TMPDIR/zero.img"
ktap_finish
