#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the fragmentation scenario of "make bench" (bench.sh runs
# it last; "run-vm --mem 2G bench/fragmentation.sh" runs it alone): what a
# zram pool costs the kernel in unmovable pageblocks and in 2 MiB pages it
# can assemble, ours against the kernel's zram in the same boot.
#
# Per repetition and system: twice BENCH_FRAG_MIB of free memory is
# scattered into small holes (fraghog), BENCH_FRAG_MIB [300] MiB of 60%-compressible data are
# written to zram so that its pool lands in the holes, the fragmenting
# program is freed, memory is compacted (/proc/sys/vm/compact_memory), and
# then we count Unmovable pageblocks in /proc/pagetypeinfo and the 2 MiB
# pages that nr_hugepages obtains.  Pageblock types outlive the module
# that caused them, so each line also gives the Unmovable pageblocks
# before it (the earlier measurements' legacy) and how much unreclaimable
# slab the loaded, filled device holds (the allocator's and the driver's
# metadata: handles, zspage descriptors, slot table aside, which is
# vmalloc).  One line per measurement:
#   frag: sys=ours rep=1 data_mib=300 pool_kib=N slab_kib=N
#         unmovable_before=N unmovable_blocks=N huge_pages=N
# report.py (fragmentation.py) turns them into a table.

# busybox sh cannot run lib.sh; re-run under bash before leaving our
# directory, since lib.sh would re-run "$0" from the selftests one.
if [ -z "$BASH_VERSION" ] && command -v bash > /dev/null; then
	exec bash "$0" "$@"
fi
cd /opt/zram/selftests && . ./lib.sh && . ./frag_lib.sh

[ -r /opt/zram/data/bench.conf ] && . /opt/zram/data/bench.conf
REPS=${BENCH_REPS:-3}
FRAG_MIB=${BENCH_FRAG_MIB:-300}
KERNEL_ZRAM=/lib/modules/$(uname -r)/kernel/drivers/block/zram/zram.ko

frag_unload()	# frag_unload SYS
{
	case "$1" in
	ours) zram_unload ;;
	kernel) frag_kernel_zram_unload ;;
	esac
}

frag_measure()	# frag_measure SYS REP
{
	local pool blocks0 slab0 slab

	blocks0=$(frag_unmovable_blocks)
	slab0=$(meminfo SUnreclaim)
	case "$1" in
	ours) zram_load || return 1 ;;
	kernel) frag_kernel_zram_load || return 1 ;;
	esac
	echo 512M > /sys/block/zram0/disksize || { frag_unload "$1"; return 1; }
	if ! frag_hog_start $((2 * FRAG_MIB)); then
		sed 's/^/# fraghog: /' "$TMPDIR/fraghog.out"
		frag_hog_stop
		frag_unload "$1"
		return 1
	fi
	if ! frag_fill /dev/zram0 "$FRAG_MIB"; then
		frag_hog_stop
		frag_unload "$1"
		return 1
	fi
	pool=$(($(mm zram0 3) / 1024))
	slab=$(($(meminfo SUnreclaim) - slab0))
	frag_hog_stop
	echo 1 > /proc/sys/vm/compact_memory
	echo "frag: sys=$1 rep=$2 data_mib=$FRAG_MIB pool_kib=$pool" \
	     "slab_kib=$slab unmovable_before=$blocks0 $(frag_outcome)"
	frag_unload "$1"
}

systems=ours
[ -e "$KERNEL_ZRAM" ] && systems="ours kernel"
rep=1
while [ $rep -le "$REPS" ]; do
	order=$systems
	[ $((rep % 2)) -eq 0 ] && order=$(echo $systems | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
	for sys in $order; do
		frag_measure "$sys" $rep || echo "frag: sys=$sys rep=$rep failed=1"
	done
	rep=$((rep + 1))
done
# One result line, so that run-vm counts the script as having reported.
echo "ok 1 - fragmentation scenario measured # see the frag: lines"
exit 0
