#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Large bios compressed or decompressed on several CPUs (zram_spread.c): a
# bio of at least two chunks of spread_pages pages (eight for a read) is
# cut into chunks, some done by other CPUs, which debugfs counts in
# spread_chunks.  The data must come back the same whatever the cut
# (chunks of unequal sizes, bios that start anywhere), a full pool must
# fail the write and leave the device usable, spread_pages=0 or small bios
# must leave every page to the submitter, and reads must be spread as
# writes are, from four times the size (from the same size with zstd,
# which is slow to decompress).

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
PARAM=/sys/module/zram/parameters/spread_pages
CHUNKS=/sys/kernel/debug/zram/zram0/spread_chunks
DATA=$TMPDIR/spread.img
WRITE_CHUNKS=$TMPDIR/spread.chunks
MIB=$((16 / ZT_SCALE))

# reset_device: an empty 64 MiB device.
reset_device()
{
	echo 1 > "$Z/reset" && echo 64M > "$Z/disksize"
}

# write_back BS OFFSET_PAGES: write DATA at OFFSET_PAGES in direct bios of
# BS bytes, read it back the same way and compare.  The spread_chunks of
# the write alone are left in the file WRITE_CHUNKS.
write_back()
{
	dd if="$DATA" of=/dev/zram0 bs="$1" seek="$(($2 * PAGE))" \
		oflag=direct,seek_bytes status=none || return 1
	cat "$CHUNKS" > "$WRITE_CHUNKS"
	dd if=/dev/zram0 of="$DATA.back" bs="$1" skip="$(($2 * PAGE))" \
		count="$(stat -c %s "$DATA")" iflag=direct,skip_bytes,count_bytes \
		status=none || return 1
	cmp "$DATA" "$DATA.back"
}

# Text, random bytes and zero pages, a MiB of each in turn.
make_data()
{
	local i random

	random=$(make_random 1)
	: > "$DATA"
	for i in $(seq $((MIB / 4))); do
		seq $((i * 1000000)) $((i * 1000000 + 200000)) | head -c 1048576 >> "$DATA"
		cat "$random" >> "$DATA"
		head -c 1048576 /dev/zero >> "$DATA"
		seq $((i * 7)) 3 999999999 | head -c 1048576 >> "$DATA"
	done
}

ktap_plan 20

if [ "$(nproc)" -lt 2 ]; then
	for i in $(seq 20); do
		ktap_skip "spread writes $i" "needs two CPUs"
	done
	ktap_finish
fi

check_run "modprobe zram" zram_load || ktap_finish
check_eq "spread_pages defaults to 16" 16 "$(cat "$PARAM")"
make_data
echo 64M > "$Z/disksize"

check_run "$MIB MiB in 1 MiB bios read back the same" write_back 1M 0
check_cmp "1 MiB writes were spread over CPUs" "$(cat "$WRITE_CHUNKS")" -gt 0
check_cmp "and so were the reads" "$(cat "$CHUNKS")" -gt "$(cat "$WRITE_CHUNKS")"
check_eq "every page is stored" "$((MIB * 256))" \
	"$(($(mm zram0 1) / PAGE))"

# Chunks of 4 pages: 33-page bios cut into eight of them and one page,
# from odd offsets.
echo 4 > "$PARAM"
reset_device
check_run "132 KiB bios from page 3, in unequal chunks, read back the same" \
	write_back 132K 3
check_cmp "132 KiB writes were spread" "$(cat "$WRITE_CHUNKS")" -gt 0

# Too few pages for two chunks, or spreading off: the submitter does all.
reset_device
check_run "28 KiB bios (under two chunks of 4 pages) read back the same" \
	write_back 28K 1
check_eq "bios under two chunks are not spread" 0 "$(cat "$CHUNKS")"
echo 0 > "$PARAM"
reset_device
check_run "with spread_pages=0, 1 MiB bios read back the same" write_back 1M 0
check_eq "spread_pages=0 spreads nothing" 0 "$(cat "$CHUNKS")"
echo 16 > "$PARAM"
dd if=/dev/zram0 of=/dev/null bs=256K iflag=direct status=none
check_eq "256 KiB reads (under eight chunks of 16 pages) are not spread" \
	0 "$(cat "$CHUNKS")"
dd if=/dev/zram0 of="$DATA.back" bs=1M count="$MIB" iflag=direct status=none
check_run "1 MiB reads of it, spread, read back the same" cmp "$DATA" "$DATA.back"
check_cmp "1 MiB reads were spread" "$(cat "$CHUNKS")" -gt 0

# zstd is slow to decompress: its reads are spread from two chunks, as
# writes are.
default_alg=$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$Z/comp_algorithm")
echo 1 > "$Z/reset"
echo zstd > "$Z/comp_algorithm"
echo 64M > "$Z/disksize"
echo 0 > "$PARAM"
dd if="$DATA" of=/dev/zram0 bs=1M oflag=direct status=none
echo 16 > "$PARAM"
dd if=/dev/zram0 of="$DATA.back" bs=256K count="$((MIB * 4))" iflag=direct \
	status=none
check_run "zstd: 256 KiB reads read back the same" cmp "$DATA" "$DATA.back"
check_cmp "zstd: 256 KiB reads were spread" "$(cat "$CHUNKS")" -gt 0
echo 1 > "$Z/reset"
echo "$default_alg" > "$Z/comp_algorithm"

# A full pool fails the bio, whichever chunk met the limit.
echo 4 > "$PARAM"
reset_device
echo 1M > "$Z/mem_limit"
dd if="$(make_random 4)" of=/dev/zram0 bs=1M count=4 oflag=direct \
	status=none 2>/dev/null
check_eq "a spread write over mem_limit fails" 1 "$?"
check_cmp "and counts in failed_writes" "$(io zram0 2)" -gt 0
echo 0 > "$Z/mem_limit"
check_run "the device still takes writes after it" write_back 1M 0
rm -f "$DATA" "$DATA.back" "$WRITE_CHUNKS"
zram_unload
ktap_finish
