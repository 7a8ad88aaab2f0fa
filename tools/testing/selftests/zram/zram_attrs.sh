#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The configuration attributes of /sys/block/zram0 and the exact error code
# each bad input gets: disksize (bytes and K/M/G suffixes, -EBUSY once set),
# initstate, comp_algorithm, max_comp_streams, mem_limit, mem_used_max,
# compact, idle and reset, before and after the device is initialised;
# then every compressor comp_algorithm lists stores and returns data.
# The statistics files have their own script, zram_stats.sh.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0

# alg_present ALG: the crypto API has ALG, loading its module if needed.
alg_present()
{
	modprobe -q "crypto-$1" 2>/dev/null
	grep -q "^name *: $1\$" /proc/crypto
}

# set_disksize VALUE: reset, then write VALUE; prints "RESULT DISKSIZE".
set_disksize()
{
	echo 1 > "$Z/reset"
	echo "$(sysfs_io write "$Z/disksize" "$1") $(< "$Z/disksize")"
}

ktap_plan 59

check_run "modprobe zram" zram_load num_devices=1 || ktap_finish

# --- The uninitialised device -------------------------------------------

check_eq "initstate is 0 before disksize is set" 0 "$(< "$Z/initstate")"
check_eq "disksize reads 0 before it is set" 0 "$(< "$Z/disksize")"

# Access modes as in Linux 6.1: RO statistics, WO triggers, RW settings.
expected="disksize=644 initstate=444 reset=200 comp_algorithm=644"
expected="$expected max_comp_streams=644 mem_limit=200 mem_used_max=200"
expected="$expected compact=200 idle=200 mm_stat=444 io_stat=444"
expected="$expected debug_stat=444"
got=
for pair in $expected; do
	got="$got ${pair%=*}=$(stat -c %a "$Z/${pair%=*}" 2>/dev/null)"
done
check_eq "attribute access modes match Linux 6.1" " $expected" "$got"

check_eq "reading write-only mem_limit fails with EACCES" EACCES \
	"$(sysfs_io read "$Z/mem_limit")"
check_errno "writing read-only initstate fails with EACCES" EACCES \
	"$Z/initstate" 1
check_errno "compact before init: EINVAL" EINVAL "$Z/compact" 1
check_errno "idle before init: EINVAL" EINVAL "$Z/idle" all
check_errno "mem_used_max=0 before init is accepted" OK "$Z/mem_used_max" 0
check_errno "reset of an uninitialised device is accepted" OK "$Z/reset" 1

# --- disksize: bad input ----------------------------------------------------

check_errno "disksize 'abc': EINVAL" EINVAL "$Z/disksize" abc
check_errno "disksize 0: EINVAL" EINVAL "$Z/disksize" 0
check_errno "disksize '': EINVAL" EINVAL "$Z/disksize" ""
check_eq "disksize 1T (metadata does not fit in RAM): ENOMEM, still uninitialised" \
	"ENOMEM 0 0" \
	"$(sysfs_io write "$Z/disksize" 1T) $(< "$Z/initstate") $(< "$Z/disksize")"
# Past what a loff_t holds (8E and up), as in 6.1: no table fits either.
check_eq "disksize 8E, 2^63-1 and 2^64-1: ENOMEM each, still uninitialised" \
	"ENOMEM ENOMEM ENOMEM 0 0" \
	"$(for size in 8E 9223372036854775807 18446744073709551615; do
		printf '%s ' "$(sysfs_io write "$Z/disksize" $size)"
	done)$(< "$Z/initstate") $(< "$Z/disksize")"

# --- comp_algorithm -----------------------------------------------------------

check_eq "comp_algorithm shows exactly one algorithm in brackets" 1 \
	"$(grep -o '\[[^]]*\]' "$Z/comp_algorithm" | wc -l)"
if zram_is_ours; then
	check_eq "default algorithm is lzo" lzo "$(algorithm zram0)"
else
	diag "kernel's zram: default algorithm $(algorithm zram0)"
	ktap_skip "default algorithm is lzo" "the kernel's zram uses its Kconfig default"
fi
check_eq "comp_algorithm lists lzo and lzo-rle" "lzo lzo-rle" \
	"$(tr -d '[]' < "$Z/comp_algorithm" | tr ' ' '\n' | grep -x -e lzo -e lzo-rle | sort | xargs)"
before=$(algorithm zram0)
check_eq "comp_algorithm 'nosuchalg': EINVAL, selection unchanged" \
	"EINVAL $before" "$(sysfs_io write "$Z/comp_algorithm" nosuchalg) $(algorithm zram0)"
for alg in lzo-rle lz4 zstd deflate; do
	if alg_present "$alg"; then
		check_eq "comp_algorithm $alg is accepted and selected" "OK $alg" \
			"$(sysfs_io write "$Z/comp_algorithm" $alg) $(algorithm zram0)"
	else
		ktap_skip "comp_algorithm $alg is accepted and selected" \
			"$alg is not in this kernel"
	fi
done
check_eq "comp_algorithm lzo without a trailing newline is accepted" "OK lzo" \
	"$(sysfs_io write-n "$Z/comp_algorithm" lzo) $(algorithm zram0)"

# --- max_comp_streams: one stream per online CPU, writes are accepted ------

cpus=$(grep -c '^processor' /proc/cpuinfo)
check_eq "max_comp_streams reads the number of online CPUs" "$cpus" \
	"$(< "$Z/max_comp_streams")"
check_eq "max_comp_streams 8 is accepted and ignored" "OK $cpus" \
	"$(sysfs_io write "$Z/max_comp_streams" 8) $(< "$Z/max_comp_streams")"

# --- mem_limit (shown as mm_stat field 4), settable before init -------------

check_eq "mem_limit 64M" "OK 67108864" \
	"$(sysfs_io write "$Z/mem_limit" 64M) $(mm zram0 4)"
check_eq "mem_limit 101K is rounded up to whole pages" "OK 106496" \
	"$(sysfs_io write "$Z/mem_limit" 101K) $(mm zram0 4)"
check_eq "mem_limit 1G" "OK 1073741824" \
	"$(sysfs_io write "$Z/mem_limit" 1G) $(mm zram0 4)"
check_eq "mem_limit in bytes" "OK 8388608" \
	"$(sysfs_io write "$Z/mem_limit" 8388608) $(mm zram0 4)"
check_eq "mem_limit 'abc': EINVAL, limit unchanged" "EINVAL 8388608" \
	"$(sysfs_io write "$Z/mem_limit" abc) $(mm zram0 4)"
check_eq "mem_limit 0 removes the limit" "OK 0" \
	"$(sysfs_io write "$Z/mem_limit" 0) $(mm zram0 4)"

# --- disksize: units ----------------------------------------------------------

check_eq "disksize in bytes" "OK 1048576" "$(set_disksize 1048576)"
check_eq "disksize 256K" "OK 262144" "$(set_disksize 256K)"
check_eq "disksize 1G" "OK 1073741824" "$(set_disksize 1G)"
check_eq "disksize is rounded up to whole pages" "OK 1003520" \
	"$(set_disksize 1000000)"
# Run the live device with an algorithm other than the default, to see
# that reset keeps the selection.
used=lzo-rle
alg_present lz4 && used=lz4
check_eq "disksize 64m (lower-case suffix), device on $used" "OK 67108864" \
	"$(echo 1 > "$Z/reset"; echo $used > "$Z/comp_algorithm"; set_disksize 64m)"
check_eq "initstate is 1 once disksize is set" 1 "$(< "$Z/initstate")"
check_eq "the block device has the size set" 67108864 \
	"$(blockdev --getsize64 /dev/zram0)"

# --- The initialised device ---------------------------------------------------

check_eq "disksize again after init: EBUSY, size unchanged" "EBUSY 67108864" \
	"$(sysfs_io write "$Z/disksize" 32M) $(< "$Z/disksize")"
check_eq "disksize 8E after init: EBUSY, size unchanged" "EBUSY 67108864" \
	"$(sysfs_io write "$Z/disksize" 8E) $(< "$Z/disksize")"
check_eq "comp_algorithm lzo after init: EBUSY, still $used" "EBUSY $used" \
	"$(sysfs_io write "$Z/comp_algorithm" lzo) $(algorithm zram0)"
check_errno "comp_algorithm 'nosuchalg' after init: EINVAL" EINVAL \
	"$Z/comp_algorithm" nosuchalg
check_eq "mem_limit can be changed on a live device" "OK 33554432" \
	"$(sysfs_io write "$Z/mem_limit" 32M) $(mm zram0 4)"
check_errno "compact after init is accepted" OK "$Z/compact" 1
check_errno "idle all after init is accepted" OK "$Z/idle" all
check_errno "idle 'bogus': EINVAL" EINVAL "$Z/idle" bogus
check_errno "mem_used_max 0 is accepted" OK "$Z/mem_used_max" 0
check_errno "mem_used_max 5: EINVAL" EINVAL "$Z/mem_used_max" 5
check_errno "mem_used_max 'abc': EINVAL" EINVAL "$Z/mem_used_max" abc

# --- reset --------------------------------------------------------------------

# reset takes any positive 16-bit number, as kstrtou16() parses it.
check_errno "reset 0: EINVAL" EINVAL "$Z/reset" 0
check_errno "reset 'abc': EINVAL" EINVAL "$Z/reset" abc
check_eq "reset '1x': EINVAL, device untouched" "EINVAL 1" \
	"$(sysfs_io write "$Z/reset" 1x) $(< "$Z/initstate")"
check_eq "reset 65536: ERANGE, device untouched" "ERANGE 1" \
	"$(sysfs_io write "$Z/reset" 65536) $(< "$Z/initstate")"
# Set the device up again if one of the bad values above reset it, so
# that each failure shows in its own test only.
[ "$(< "$Z/initstate")" = 1 ] || echo 64M > "$Z/disksize"
exec 3< /dev/zram0
check_eq "reset while the device is open: EBUSY, device untouched" \
	"EBUSY 1 67108864" \
	"$(sysfs_io write "$Z/reset" 1) $(< "$Z/initstate") $(< "$Z/disksize")"
exec 3<&-
mkfs.ext4 -q /dev/zram0 && mkdir -p /mnt/zram0 && mount /dev/zram0 /mnt/zram0
check_eq "reset while mounted: EBUSY, device untouched" "EBUSY 1" \
	"$(sysfs_io write "$Z/reset" 1) $(< "$Z/initstate")"
umount /mnt/zram0
check_eq "reset 2 (any positive value): disksize, initstate, mem_limit 0, algorithm kept" \
	"OK 0 0 0 $used" \
	"$(sysfs_io write "$Z/reset" 2) $(< "$Z/disksize") $(< "$Z/initstate") $(mm zram0 4) $(algorithm zram0)"

# --- Every listed compressor round-trips data -------------------------------

# round_trip ALG: select ALG, store 2 MiB of text, 1 MiB of zeros and 1 MiB
# of random bytes, and read them back; prints what went wrong, if anything.
round_trip()
{
	local back=$TMPDIR/round-trip.back

	echo 1 > "$Z/reset"
	[ "$(sysfs_io write "$Z/comp_algorithm" "$1") $(algorithm zram0)" = "OK $1" ] ||
		{ echo "not selected"; return; }
	echo 16M > "$Z/disksize" &&
		dd if="$MIX" of=/dev/zram0 bs=1M oflag=direct 2> /dev/null &&
		dd if=/dev/zram0 of="$back" bs=1M count=4 iflag=direct 2> /dev/null ||
		{ echo "I/O failed"; return; }
	cmp -s "$MIX" "$back" || { echo "data differs"; return; }
	# The text must shrink; the random MiB is stored whole.
	[ "$(mm zram0 2)" -lt $((3 << 20)) ] ||
		echo "did not compress: compr_data_size $(mm zram0 2)"
}

MIX=$TMPDIR/round-trip.mix
{
	seq 1 1000000 | head -c $((2 << 20))
	head -c $((1 << 20)) /dev/zero
	cat "$(make_random 1)"
} > "$MIX"
bad=
listed=$(tr -d '[]' < "$Z/comp_algorithm")
for alg in $listed; do
	why=$(round_trip "$alg")
	diag "$alg: ${why:-OK}; mm_stat $(< "$Z/mm_stat")"
	[ -z "$why" ] || bad="$bad $alg"
done
echo 1 > "$Z/reset"
check_none "every listed compressor stores and returns text, zeros and random data ($(echo $listed))" \
	"$bad"

check_run "rmmod zram" zram_unload
ktap_finish
