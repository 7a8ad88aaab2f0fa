#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Soak: everything at once for a long time (600 s by default).  fio writes
# and verifies zram1 over and over; programs larger than their memory
# cgroup swap through zram0 and check their pages; files are copied to an
# ext4 on zram2, checked after dropping the caches, and deleted, with
# discard and fstrim; every device is compacted every few seconds.  No
# verify error, a clean e2fsck at the end, no kernel report, no leak.
#
# The duration comes from $SOAK_SECONDS, else from "zt.soak=SECONDS" on
# the kernel command line, else 600.  rel_soak_short.sh runs 60 s of it.
cd "$(dirname "$0")" || exit 1
. ./rel_lib.sh

if [ -z "$SOAK_SECONDS" ]; then
	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		zt.soak=*) SOAK_SECONDS=${arg#zt.soak=} ;;
		esac
	done
fi
SOAK_SECONDS=${SOAK_SECONDS:-600}
RUN=$TMPDIR/rel-soak
STOP=$RUN/stop
MNT=/mnt/rel-soak
FIO_MIB=$((48 / REL_SCALE))
SWAP_MIB=$((96 / REL_SCALE))
FILES=$((60 / REL_SCALE))
# A run of the swap load can take a minute on the debug kernel: a short
# soak does one pass per run so that it ends soon after it is told to.
SWAP_PASSES=2
[ "$SOAK_SECONDS" -lt 300 ] && SWAP_PASSES=1

ktap_plan 10
start=$(date +%s)
rm -rf "$RUN"
mkdir -p "$RUN" $MNT

rel_load 3 || exit 1
rel_kmemleak_mark
rel_setup zram0 256M lzo-rle && mkswap /dev/zram0 >/dev/null &&
	swapon /dev/zram0
rel_setup zram1 128M lz4 || rel_setup zram1 128M
rel_setup zram2 256M zstd || rel_setup zram2 256M
mkfs.ext4 -q -E nodiscard /dev/zram2 && mount -o discard /dev/zram2 $MNT
cg=$(rel_cgroup rel-soak $((SWAP_MIB / 2))M)
(cd /usr/bin && sha256sum $(ls | head -n $FILES) > $RUN/files.sums 2>/dev/null)
files_kib=$(cd /usr/bin && du -ck $(ls | head -n $FILES) | tail -n 1 | cut -f1)
check_run "devices set up: swap, fio target, mounted ext4" \
	test -n "$(swapon --show=NAME --noheadings)" -a -n "$(findmnt -n $MNT)"

# Each loop runs until $STOP appears, keeping "runs failures" up to date
# in its file under $RUN.
verifier()
{
	local runs=0 failed=0

	while [ ! -e $STOP ]; do
		fio --name=rel-soak --filename=/dev/zram1 --direct=1 \
			--ioengine=psync --rw=randrw --rwmixread=30 \
			--bsrange=4k-64k --size=${FIO_MIB}M --numjobs=1 \
			--verify=crc32c --verify_fatal=1 --randseed=$runs \
			--buffer_compress_percentage=60 --refill_buffers \
			--output=$RUN/fio.out >/dev/null 2>&1 ||
			{ failed=$((failed + 1)); cp $RUN/fio.out $RUN/fio.failed; }
		runs=$((runs + 1))
		echo "$runs $failed" > $RUN/verifier
	done
}

swapper()
{
	local runs=0 failed=0

	while [ ! -e $STOP ]; do
		rel_in_cgroup "$cg" memhog $SWAP_MIB $SWAP_PASSES \
			>> $RUN/memhog.log 2>&1 || failed=$((failed + 1))
		runs=$((runs + 1))
		echo "$runs $failed" > $RUN/swapper
	done
}

churner()
{
	local runs=0 failed=0 dir

	while [ ! -e $STOP ]; do
		dir=$MNT/c$((runs % 4))
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd /usr/bin && cp $(ls | head -n $FILES) "$dir/") 2>/dev/null
		sync
		echo 3 > /proc/sys/vm/drop_caches
		(cd "$dir" && sha256sum -c --quiet $RUN/files.sums) \
			>> $RUN/churn.log 2>&1 || failed=$((failed + 1))
		[ $((runs % 5)) = 4 ] && fstrim $MNT
		runs=$((runs + 1))
		echo "$runs $failed" > $RUN/churner
	done
}

compactor()
{
	local runs=0 dev

	while [ ! -e $STOP ]; do
		for dev in zram0 zram1 zram2; do
			echo 1 > $SYS/$dev/compact
		done
		runs=$((runs + 1))
		sleep 5
	done
	echo "$runs 0" > $RUN/compactor
}

# verified_mib: data written and read back intact so far, in MiB.
verified_mib()
{
	local fio=0 swap=0 churn=0 _

	[ -e $RUN/verifier ] && read -r fio _ < $RUN/verifier
	[ -e $RUN/swapper ] && read -r swap _ < $RUN/swapper
	[ -e $RUN/churner ] && read -r churn _ < $RUN/churner
	echo $((fio * FIO_MIB + swap * SWAP_MIB * SWAP_PASSES + churn * files_kib / 1024))
}

echo "0 0" > $RUN/verifier
echo "0 0" > $RUN/swapper
echo "0 0" > $RUN/churner
verifier & swapper & churner & compactor &
loads_start=$(date +%s)
left=$SOAK_SECONDS
while [ $left -gt 0 ]; do
	sleep $((left < 30 ? left : 30))
	left=$((SOAK_SECONDS - ($(date +%s) - loads_start)))
	diag "$((SOAK_SECONDS - left)) s: swap $(($(mm zram0 1) >> 20)) MiB," \
	     "fio $(($(mm zram1 1) >> 20)) MiB, ext4 $(($(mm zram2 1) >> 20)) MiB stored;" \
	     "$(verified_mib) MiB verified so far"
done
touch $STOP
wait

read -r fio_runs fio_failed < $RUN/verifier
[ -e $RUN/fio.failed ] && grep -iE 'verify|err|bad' $RUN/fio.failed | head -n 10 | sed 's/^/# /'
check_eq "fio verify on zram1: $fio_runs runs, failures" 0 "$fio_failed"
read -r swap_runs swap_failed < $RUN/swapper
grep -v ' 0 bad pages' $RUN/memhog.log | head -n 5 | sed 's/^/# /'
check_eq "swap on zram0: $swap_runs runs of $SWAP_PASSES x $SWAP_MIB MiB in $((SWAP_MIB / 2)) MiB, failures" 0 "$swap_failed"
read -r churn_runs churn_failed < $RUN/churner
head -n 5 $RUN/churn.log | sed 's/^/# /'
check_eq "ext4 on zram2: $churn_runs copies checked, failures" 0 "$churn_failed"
[ "$fio_runs" -gt 0 ] && [ "$swap_runs" -gt 0 ] && [ "$churn_runs" -gt 0 ]
check_eq "every load ran at least once" 0 $?

umount $MNT
check_run "ext4 on zram2 clean after the soak" e2fsck -fn /dev/zram2
swapoff /dev/zram0
rmdir "$cg"
io_errors=0
for dev in zram0 zram1 zram2; do
	set -- $(cat $SYS/$dev/io_stat)
	io_errors=$((io_errors + $1 + $2))
	echo 1 > $SYS/$dev/reset
done
check_eq "no failed reads or writes in io_stat" 0 "$io_errors"
check_run "zram unloads after the soak" rmmod zram
if ! rel_have_kmemleak; then
	ktap_skip "kmemleak: nothing leaked" "no kmemleak in this kernel"
elif [ "$SOAK_SECONDS" -lt 300 ]; then
	# Two scans cost a minute; the harness scans at the end of the boot.
	ktap_skip "kmemleak: nothing leaked" "short soak: left to the harness's scan"
else
	rel_check_kmemleak "kmemleak: nothing leaked"
fi
rel_check_no_reports "no kernel reports"

mib=$(verified_mib)
rel_figure "soak: $SOAK_SECONDS s; $fio_runs fio runs, $swap_runs swap runs, $churn_runs ext4 copies"
rel_figure "data verified: $mib MiB; verify errors: $((fio_failed + swap_failed + churn_failed))"
rel_figure "kernel reports: $(($(rel_kernel_reports) - REL_REPORTS_AT_START))"
rel_figure "rel_soak took $(($(date +%s) - start)) s"
ktap_finish
