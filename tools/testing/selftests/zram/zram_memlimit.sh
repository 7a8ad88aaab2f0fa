#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mem_limit reached: with an 8 MiB limit (2 MiB on the debug kernel),
# writing four times that in incompressible data fails part way with an
# I/O error, counted in io_stat failed_writes, and memory use stays under
# the limit.  Everything accepted before the failure reads back intact,
# same-filled pages (which need no memory) are still accepted, and once
# data is discarded or the limit raised at run time the device takes and
# returns new data again.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
LIMIT_MIB=$((8 / ZT_SCALE))
LIMIT=$((LIMIT_MIB << 20))
RAND_MIB=$((4 * LIMIT_MIB))
BACK=$TMPDIR/memlimit.back

# write_direct FILE PAGE_OFFSET [PAGES]: copy FILE (or its first PAGES
# pages) to the device one 4 KiB page at a time with O_DIRECT; prints dd's
# error, if any, and "pages N", how many pages were written.
write_direct()
{
	local err

	err=$(dd if="$1" of=$DEV bs=4K seek="$2" ${3:+count=$3} oflag=direct \
		2>&1 >/dev/null)
	echo "$err" | grep -o 'error writing.*' | sed 's/.*: //'
	echo "$err" | sed -n 's/^\([0-9]*\)+0 records out/pages \1/p'
}

# same_as FILE PAGES PAGE_OFFSET: the device holds FILE's first PAGES pages
# at PAGE_OFFSET.
same_as()
{
	dd if=$DEV of="$BACK" bs=4K skip="$3" count="$2" iflag=direct status=none &&
		cmp -n $(($2 * PAGE)) "$1" "$BACK"
}

ktap_plan 14

check_run "modprobe zram" zram_load || ktap_finish
echo 128M > "$Z/disksize"
echo ${LIMIT_MIB}M > "$Z/mem_limit"
rand=$(make_random $RAND_MIB)

out=$(write_direct "$rand" 0)
err=$(echo "$out" | grep -v '^pages')
pages=$(echo "$out" | sed -n 's/^pages //p')
diag "dd: ${err:-no error}, $pages pages written; mm_stat $(< "$Z/mm_stat")"
check_eq "writing $RAND_MIB MiB of random data under a $LIMIT_MIB MiB limit fails with EIO, as in 6.1" \
	"Input/output error" "$err"
check_cmp "the failure is counted in io_stat failed_writes" "$(io zram0 2)" -ge 1
# The allocation that crosses the limit is undone at once: the peak may
# show it, what stays must not.
check_eq "mem_used_total within the limit, mem_used_max at most a page over" \
	"yes yes" "$([ "$(mm zram0 3)" -le $LIMIT ] && echo yes) $([ "$(mm zram0 5)" -le $((LIMIT + PAGE)) ] && echo yes)"
check_cmp "most of the limit was filled before the failure (>= 3/4)" \
	$((${pages:-0} * PAGE)) -ge $((LIMIT * 3 / 4))
check_run "the $pages pages accepted before the failure read back intact" \
	same_as "$rand" "${pages:-0}" 0

same=$(mm zram0 6)
check_eq "zero pages are still accepted at the limit (they need no memory)" \
	"pages 256 $((same + 256))" \
	"$(write_direct /dev/zero 16384 256) $(mm zram0 6)"

failed=$(io zram0 2)
blkdiscard -o 0 -l $((RAND_MIB << 20)) $DEV
check_cmp "discarding the random data frees the memory (mem_used_total < 1 MiB)" \
	"$(mm zram0 3)" -lt $((1 << 20))
half=$((LIMIT_MIB << 7))
check_eq "after the discard half the limit in random data is written again" \
	"pages $half" "$(write_direct "$rand" 0 $half)"
check_run "... and read back intact" same_as "$rand" $half 0

echo $((8 * LIMIT_MIB))M > "$Z/mem_limit"
check_eq "raising mem_limit at run time: $RAND_MIB MiB at another offset go in" \
	"pages $((RAND_MIB << 8))" "$(write_direct "$rand" 20480)"
check_run "... and read back intact" same_as "$rand" $((RAND_MIB << 8)) 20480
check_eq "no write failed after the discard" "$failed" "$(io zram0 2)"

check_run "rmmod zram" zram_unload
rm -f "$BACK"
ktap_finish
