#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the swap workload spends its instructions: bench.sh's memhog
# (PROF_SWAP_MIB in a PROF_CGROUP_MIB memory cgroup) with swap on ours, the
# kernel's zram and brd, each run once timed and once under ksample
# (ksample.c), which prints the kernel symbols sampled most.  zram uses
# PROF_ALG (default lzo; 6.12's zram has none: give it lz4 with run-vm
# --append "PROF_ALG=lz4").  The guest's seconds count instructions when it
# runs under the instruction yardstick:
#
#   tools/testing/vm/run-vm --kver 6.1.0-57-amd64 --name swapprof --mem 2G \
#	--smp 1 --qemu "-accel tcg,thread=single -icount shift=3,sleep=off,align=off" \
#	bench/swapprof.sh
#
# Output: "swapprof:" lines.
if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null; then
	exec bash "$0" "$@"
fi

# shellcheck disable=SC1091
. "$(dirname "$0")/scenario_lib.sh"

MODULES=/lib/modules/$(uname -r)
KERNEL_ZRAM=$MODULES/kernel/drivers/block/zram/zram.ko
PERIOD=${PROF_PERIOD:-50000}
ALG=${PROF_ALG:-lzo}
SWAP_MIB=${PROF_SWAP_MIB:-160}
CGROUP_MIB=${PROF_CGROUP_MIB:-64}
CGROUP=/sys/fs/cgroup/swapprof

await_crypto_selftests
echo 0 > /proc/sys/kernel/kptr_restrict
echo -1 > /proc/sys/kernel/perf_event_paranoid
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p $CGROUP
echo "${CGROUP_MIB}M" > $CGROUP/memory.max

load() {	# load SYSTEM; sets DEV
	case $1 in
	ours) modprobe zram || return 1 ;;
	kernel) { modprobe zsmalloc && insmod "$KERNEL_ZRAM"; } || return 1 ;;
	brd)
		modprobe brd rd_nr=1 rd_size=$((512 * 1024)) || return 1
		DEV=/dev/ram0
		return 0 ;;
	esac
	DEV=/dev/zram0
	echo "$ALG" > /sys/block/zram0/comp_algorithm &&
		echo 512M > /sys/block/zram0/disksize
}

unload() {
	case $1 in
	brd) rmmod brd ;;
	*)
		echo 1 > /sys/block/zram0/reset
		rmmod zram
		# 6.12 has zsmalloc built in.
		[ "$1" = kernel ] && rmmod zsmalloc 2>/dev/null
		return 0 ;;
	esac
}

hog() {	# hog [COMMAND...]
	"$@" sh -c "echo \$\$ > $CGROUP/cgroup.procs &&
		exec memhog $SWAP_MIB > /dev/null"
}

for sys in ours kernel brd; do
	load $sys || { echo "swapprof: $sys cannot be loaded"; continue; }
	mkswap "$DEV" > /dev/null && swapon "$DEV" || continue
	start=$EPOCHREALTIME
	hog
	echo "swapprof: $sys secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%.2f", b - a }')"
	hog /opt/zram/bin/ksample "$PERIOD" 60 | sed "s/^/swapprof: $sys /"
	swapoff "$DEV"
	unload $sys
done
rmdir $CGROUP
echo "ok 1 - swapprof"
