#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Soak: everything at once for a long time (600 s by default).  fio writes
# large blocks to zram3-5 (three compressors) and checks each one soon
# after (verify_backlog), over and over; fio writes and verifies zram1 in
# small mixed blocks; programs larger than their memory cgroup swap
# through zram0 and check their pages; files are copied to an ext4 on
# zram2, checked after dropping the caches, and deleted, with discard and
# fstrim; every device is compacted every few seconds, and so is the
# kernel's memory (page migration of the pools' pages).  Pages leave the
# pool while they are used: zram0's policy ages, recompresses and writes
# back its swap pages; zram0 and zram1 send the writes their mem_limit
# refuses to their backing devices; zram1's idle pages are recompressed
# and written back under fio every few seconds.  No verify error, a clean
# e2fsck at the end, no kernel report, no leak.
#
# Verified data is counted exactly, per load, as bytes that went to zram
# and were read back from it and compared, in runs that passed:
#   bulk   fio's read bytes: with rw=randwrite every read is a verify read
#          of a block the run wrote (xxhash of each 4 KiB, with its offset);
#   mixed  fio's write bytes: its verify phase reads back and checks every
#          block the run wrote (the mixed reads themselves check nothing);
#   swap   pages memhog compared right after they came back from swap
#          (swapped out when the check began, per /proc/self/pagemap);
#   ext4   the size of the files whose sha256 was checked after
#          drop_caches, so that they were read from zram2.
#
# The duration comes from $SOAK_SECONDS, else from "zt.soak=SECONDS" on
# the kernel command line, else 600.  A target in GiB, from $SOAK_GIB or
# "zt.soak_gib=GIB", ends the loads as soon as that much is verified, and
# the soak fails if the time runs out first.  rel_soak_short.sh runs 60 s
# of it.
cd "$(dirname "$0")" || exit 1
. ./rel_lib.sh

SOAK_SECONDS=${SOAK_SECONDS:-$(rel_param soak)}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_GIB=${SOAK_GIB:-$(rel_param soak_gib)}
RUN=$TMPDIR/rel-soak
STOP=$RUN/stop
MNT=/mnt/rel-soak
FIO_MIB=$((48 / REL_SCALE))
SWAP_MIB=$((96 / REL_SCALE))
FILES=$((60 / REL_SCALE))
# Per bulk device and run: enough that starting fio costs little.
BULK_MIB=$((256 / REL_SCALE))
BULK_DEVS="zram3 zram4 zram5"
# zram0 and zram1 write back to brd ramdisks (a loop file would live in
# the memory the swap load is short of); zram0's pool is held to a third
# of its cgroup's limit, so that its policy always has work.
BACKING_MIB=$((128 / REL_SCALE))
SWAP_LIMIT_MIB=$((16 / REL_SCALE))
# A run of the swap load can take a minute on the debug kernel: a short
# soak does one pass per run so that it ends soon after it is told to.
SWAP_PASSES=2
[ "$SOAK_SECONDS" -lt 300 ] && SWAP_PASSES=1

ktap_plan 16
start=$(date +%s)
rm -rf "$RUN"
mkdir -p "$RUN" $MNT

rel_load 6 || exit 1
rel_kmemleak_mark
modprobe brd rd_nr=2 rd_size=$((BACKING_MIB * 1024))
echo /dev/ram0 > $SYS/zram0/backing_dev
echo /dev/ram1 > $SYS/zram1/backing_dev
echo algo=zstd > $SYS/zram0/recomp_algorithm
echo algo=zstd > $SYS/zram1/recomp_algorithm
rel_setup zram0 256M lzo-rle && mkswap /dev/zram0 >/dev/null &&
	swapon /dev/zram0
echo ${SWAP_LIMIT_MIB}M > $SYS/zram0/mem_limit
echo "age=4 recompress_watermark=25 writeback_watermark=50" \
	"mem_limit=writeback" > $SYS/zram0/policy
rel_setup zram1 128M lz4 || rel_setup zram1 128M
# A sixteenth of what fio writes fits: the rest goes to the backing
# device, between the evictor's writebacks too.
echo $((FIO_MIB * 1024 / 16))K > $SYS/zram1/mem_limit
echo mem_limit=writeback > $SYS/zram1/policy
rel_setup zram2 256M zstd || rel_setup zram2 256M
rel_setup zram3 ${BULK_MIB}M lz4 || rel_setup zram3 ${BULK_MIB}M
rel_setup zram4 ${BULK_MIB}M lzo-rle || rel_setup zram4 ${BULK_MIB}M
rel_setup zram5 ${BULK_MIB}M zstd || rel_setup zram5 ${BULK_MIB}M
mkfs.ext4 -q -E nodiscard /dev/zram2 && mount -o discard /dev/zram2 $MNT
cg=$(rel_cgroup rel-soak $((SWAP_MIB / 2))M)
(cd /usr/bin && sha256sum $(ls | head -n $FILES) > $RUN/files.sums 2>/dev/null)
files_kib=$(($(cd /usr/bin && cat $(ls | head -n $FILES) 2>/dev/null | wc -c) >> 10))
check_run "devices set up: swap, fio target, mounted ext4" \
	test -n "$(swapon --show=NAME --noheadings)" -a -n "$(findmnt -n $MNT)"

# Each loop runs until $STOP appears, keeping "runs failures KiB" up to
# date in its file under $RUN: KiB verified in the runs that passed.
# fio_kib FIELD FILE: the sum of a terse field over the jobs in fio's
# output FILE under $RUN (6: KiB read, 47: KiB written).
fio_kib()
{
	awk -F';' -v f="$1" '/^3;/ { n += $f } END { print n + 0 }' "$RUN/$2"
}

verifier()
{
	local runs=0 failed=0 kib=0 wrote read

	while [ ! -e $STOP ]; do
		if fio --name=rel-soak --filename=/dev/zram1 --direct=1 \
			--ioengine=psync --rw=randrw --rwmixread=30 \
			--bsrange=4k-64k --size=${FIO_MIB}M --numjobs=1 \
			--verify=crc32c --verify_fatal=1 --randseed=$runs \
			--buffer_compress_percentage=60 --refill_buffers \
			--output-format=terse --output=$RUN/fio.out \
			>/dev/null 2>&1; then
			wrote=$(fio_kib 47 fio.out)
			read=$(fio_kib 6 fio.out)
			# Everything written is read back; never count more.
			kib=$((kib + (wrote < read ? wrote : read)))
		else
			failed=$((failed + 1))
			cp $RUN/fio.out $RUN/fio.failed
		fi
		runs=$((runs + 1))
		echo "$runs $failed $kib" > $RUN/verifier
	done
}

# bulk DEV: large blocks, each checked soon after it is written, on DEV;
# no run goes past the soak's deadline.  With verify, fio makes new data
# for every write (every 4 KiB differs, half of it compressible), so
# refill_buffers would only cost time.
bulk()
{
	local dev=$1 runs=0 failed=0 kib=0 left

	while [ ! -e $STOP ]; do
		left=$((deadline - $(date +%s)))
		[ $left -gt 0 ] || break
		if fio --name=rel-soak-$dev --filename=/dev/$dev --direct=1 \
			--ioengine=psync --rw=randwrite --bsrange=128k-1m \
			--size=${BULK_MIB}M --runtime=$left \
			--verify=xxhash --verify_interval=4096 \
			--verify_backlog=32 --verify_fatal=1 \
			--randseed=$runs --buffer_compress_percentage=50 \
			--output-format=terse --output=$RUN/bulk-$dev.out \
			>/dev/null 2>&1; then
			kib=$((kib + $(fio_kib 6 bulk-$dev.out)))
		else
			failed=$((failed + 1))
			cp $RUN/bulk-$dev.out $RUN/bulk-$dev.failed
		fi
		runs=$((runs + 1))
		echo "$runs $failed $kib" > $RUN/bulk-$dev
	done
}

swapper()
{
	local runs=0 failed=0 kib=0 out=$RUN/memhog.out pages

	while [ ! -e $STOP ]; do
		if rel_in_cgroup "$cg" memhog $SWAP_MIB $SWAP_PASSES \
			> $out 2>&1; then
			pages=$(awk '/checked after swap-in/ { print $(NF - 4) }' $out)
			kib=$((kib + ${pages:-0} * PAGE / 1024))
		else
			failed=$((failed + 1))
		fi
		cat $out >> $RUN/memhog.log
		runs=$((runs + 1))
		echo "$runs $failed $kib" > $RUN/swapper
	done
}

churner()
{
	local runs=0 failed=0 kib=0 dir

	while [ ! -e $STOP ]; do
		dir=$MNT/c$((runs % 4))
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd /usr/bin && cp $(ls | head -n $FILES) "$dir/") 2>/dev/null
		sync
		echo 3 > /proc/sys/vm/drop_caches
		if (cd "$dir" && sha256sum -c --quiet $RUN/files.sums) \
			>> $RUN/churn.log 2>&1; then
			kib=$((kib + files_kib))
		else
			failed=$((failed + 1))
		fi
		[ $((runs % 5)) = 4 ] && fstrim $MNT
		runs=$((runs + 1))
		echo "$runs $failed $kib" > $RUN/churner
	done
}

# evictor: zram1's pages made idle, then its idle pages recompressed
# and written back, while fio reads and rewrites them.  Writeback fails
# once the backing device is full; fio's rewrites free blocks again.
evictor()
{
	while [ ! -e $STOP ]; do
		echo all > $SYS/zram1/idle
		echo type=idle > $SYS/zram1/recompress
		echo idle > $SYS/zram1/writeback 2>/dev/null
		sleep 3
	done
}

compactor()
{
	local runs=0 dev

	while [ ! -e $STOP ]; do
		for dev in zram0 zram1 zram2 $BULK_DEVS; do
			echo 1 > $SYS/$dev/compact
		done
		echo 1 > /proc/sys/vm/compact_memory
		runs=$((runs + 1))
		sleep 5
	done
	echo "$runs 0" > $RUN/compactor
}

# load_field LOAD N: field N (1 runs, 2 failures, 3 KiB verified) of a
# load's counters.
load_field()
{
	local fields

	read -ra fields < "$RUN/$1"
	# A file being rewritten reads empty: nothing counted yet.
	echo "${fields[$2 - 1]:-0}"
}

# verified_kib [LOAD...]: data verified so far by those loads (all).
verified_kib()
{
	local load kib=0

	[ $# -gt 0 ] || set -- verifier swapper churner $BULK_LOADS
	for load in "$@"; do
		kib=$((kib + $(load_field $load 3)))
	done
	echo $kib
}

BULK_LOADS=
for dev in $BULK_DEVS; do
	BULK_LOADS="$BULK_LOADS bulk-$dev"
	echo "0 0 0" > $RUN/bulk-$dev
done
echo "0 0 0" > $RUN/verifier
echo "0 0 0" > $RUN/swapper
echo "0 0 0" > $RUN/churner
target_kib=$((${SOAK_GIB:-0} << 20))
loads_start=$(date +%s)
deadline=$((loads_start + SOAK_SECONDS))
verifier & swapper & churner & compactor & evictor &
for dev in $BULK_DEVS; do
	bulk $dev &
done
left=$SOAK_SECONDS polls=0
while [ $left -gt 0 ]; do
	sleep $((left < 10 ? left : 10))
	left=$((deadline - $(date +%s)))
	polls=$((polls + 1))
	kib=$(verified_kib)
	[ "$target_kib" -gt 0 ] && [ "$kib" -ge "$target_kib" ] && break
	[ $((polls % 3)) = 0 ] || continue
	diag "$((SOAK_SECONDS - left)) s: swap $(($(mm zram0 1) >> 20)) MiB," \
	     "fio $(($(mm zram1 1) >> 20)) MiB, ext4 $(($(mm zram2 1) >> 20)) MiB," \
	     "bulk $((($(mm zram3 1) + $(mm zram4 1) + $(mm zram5 1)) >> 20)) MiB stored;" \
	     "$((kib >> 10)) MiB verified so far"
done
touch $STOP
loads_seconds=$(($(date +%s) - loads_start))
wait
loads_seconds_all=$(($(date +%s) - loads_start))

fio_runs=$(load_field verifier 1) fio_failed=$(load_field verifier 2)
[ -e $RUN/fio.failed ] && grep -iE 'verify|err|bad' $RUN/fio.failed | head -n 10 | sed 's/^/# /'
check_eq "fio verify on zram1: $fio_runs runs, failures" 0 "$fio_failed"
bulk_runs=0 bulk_failed=0
for load in $BULK_LOADS; do
	bulk_runs=$((bulk_runs + $(load_field $load 1)))
	bulk_failed=$((bulk_failed + $(load_field $load 2)))
	[ -e $RUN/$load.failed ] && grep -iE 'verify|err|bad' $RUN/$load.failed | head -n 10 | sed 's/^/# /'
done
check_eq "fio bulk verify on $BULK_DEVS: $bulk_runs runs, failures" 0 "$bulk_failed"
swap_runs=$(load_field swapper 1) swap_failed=$(load_field swapper 2)
grep -v ' 0 bad pages' $RUN/memhog.log | head -n 5 | sed 's/^/# /'
check_eq "swap on zram0: $swap_runs runs of $SWAP_PASSES x $SWAP_MIB MiB in $((SWAP_MIB / 2)) MiB, failures" 0 "$swap_failed"
churn_runs=$(load_field churner 1) churn_failed=$(load_field churner 2)
head -n 5 $RUN/churn.log | sed 's/^/# /'
check_eq "ext4 on zram2: $churn_runs copies checked, failures" 0 "$churn_failed"
[ "$fio_runs" -gt 0 ] && [ "$bulk_runs" -gt 0 ] && [ "$swap_runs" -gt 0 ] &&
	[ "$churn_runs" -gt 0 ] && [ "$(load_field compactor 1)" -gt 0 ]
check_eq "every load ran at least once" 0 $?
# bd_stat's third field: pages written to the backing device, redirected
# writes included; policy_stat: aged, written back, redirected,
# recompressed, pool pages freed.
redirected=$(field $SYS/zram1/policy_stat 3)
check_cmp "zram1: idle pages written back under fio" \
	$(($(field $SYS/zram1/bd_stat 3) - redirected)) -gt 0
check_cmp "zram1: writes over mem_limit went to the backing device" \
	"$redirected" -gt 0
set -- $(cat $SYS/zram0/policy_stat)
rel_figure "zram0's policy: $1 aged, $2 written back, $3 redirected," \
	"$4 recompressed smaller ($5 pool pages freed)"
check_cmp "zram0's policy aged swap pages" "$1" -gt 0
check_cmp "zram0's policy moved swap pages to its backing device" \
	$(($2 + $3)) -gt 0

umount $MNT
check_run "ext4 on zram2 clean after the soak" e2fsck -fn /dev/zram2
swapoff /dev/zram0
rmdir "$cg"
io_errors=0
for dev in zram0 zram1 zram2 $BULK_DEVS; do
	set -- $(cat $SYS/$dev/io_stat)
	io_errors=$((io_errors + $1 + $2))
	echo 1 > $SYS/$dev/reset
done
check_eq "no failed reads or writes in io_stat" 0 "$io_errors"
check_run "zram unloads after the soak" rmmod zram
rmmod brd
if ! rel_have_kmemleak; then
	ktap_skip "kmemleak: nothing leaked" "no kmemleak in this kernel"
elif [ "$SOAK_SECONDS" -lt 300 ]; then
	# Two scans cost a minute; the harness scans at the end of the boot.
	ktap_skip "kmemleak: nothing leaked" "short soak: left to the harness's scan"
else
	rel_check_kmemleak "kmemleak: nothing leaked"
fi
rel_check_no_reports "no kernel reports"

kib=$(verified_kib)
errors=$((fio_failed + bulk_failed + swap_failed + churn_failed))
if [ "${SOAK_GIB:-0}" -gt 0 ]; then
	check_cmp "verified at least $SOAK_GIB GiB ($((kib >> 10)) MiB)" \
		"$kib" -ge "$target_kib"
else
	ktap_skip "verified the target" "no zt.soak_gib= target"
fi
rel_figure "soak: loads ran $loads_seconds s ($loads_seconds_all s with their last runs); $fio_runs mixed fio runs, $bulk_runs bulk fio runs, $swap_runs swap runs, $churn_runs ext4 copies"
for load in $BULK_LOADS verifier swapper churner; do
	rel_figure "verified by $load: $(($(verified_kib $load) >> 10)) MiB in $(load_field $load 1) runs"
done
target=none
[ "${SOAK_GIB:-0}" -gt 0 ] && target="$SOAK_GIB GiB"
rate=$((kib * 10 / 1024 / (loads_seconds_all > 0 ? loads_seconds_all : 1)))
diag "soak verified: $((kib >> 10)) MiB (bulk $(($(verified_kib $BULK_LOADS) >> 10))," \
     "mixed $(($(verified_kib verifier) >> 10)), swap $(($(verified_kib swapper) >> 10))," \
     "ext4 $(($(verified_kib churner) >> 10))) in $loads_seconds_all s," \
     "$((rate / 10)).$((rate % 10)) MiB/s;" \
     "verify errors: $errors; target: $target"
rel_figure "data verified: $((kib >> 10)) MiB; verify errors: $errors"
rel_figure "kernel reports: $(($(rel_kernel_reports) - REL_REPORTS_AT_START))"
rel_figure "rel_soak took $(($(date +%s) - start)) s"
ktap_finish
