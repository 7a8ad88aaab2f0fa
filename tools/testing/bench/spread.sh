#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What spreading large bios over CPUs (zram_spread.c) gains in time: the
# benchmark's corpus written to ours in 1 MiB direct bios, then read back
# the same way, with spread_pages at its default and at 0 (every page on
# the submitting CPU), and the same with the kernel's zram, in turns,
# PROF_REPS times each.  The instruction yardstick runs one vCPU and
# cannot show it, so this runs with two vCPUs and multi-threaded TCG and
# measures guest wall time, which then follows the host's: run it on a
# host with two idle cores, after run-bench (or mkcorpus.py --out
# build/bench-data) made the corpus:
#
#   tools/testing/vm/run-vm --kver 6.1.0-57-amd64 --name spread --mem 2G \
#	--smp 2 bench/spread.sh
#
# PROF_ALG picks the algorithm (default lzo; 6.12's zram has none: give it
# lz4 with run-vm --append "PROF_ALG=lz4").  Output: "spread:" lines, the
# seconds of each write and read and, per system, their medians.
if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null; then
	exec bash "$0" "$@"
fi

CORPUS=/opt/zram/data/corpus.bin
KERNEL_ZRAM=/lib/modules/$(uname -r)/kernel/drivers/block/zram/zram.ko
ALG=${PROF_ALG:-lzo}
REPS=${PROF_REPS:-5}
SYSTEMS=(spread single kernel)

load() {	# load SYSTEM
	case $1 in
	spread) modprobe zram ;;
	single) modprobe zram spread_pages=0 ;;
	kernel) modprobe zsmalloc && insmod "$KERNEL_ZRAM" ;;
	esac
}

# timed COMMAND...: COMMAND's guest wall time in seconds.
timed() {
	local start=$EPOCHREALTIME

	"$@" || return 1
	echo "$start $EPOCHREALTIME" | awk '{ printf "%.3f\n", $2 - $1 }'
}

# write_read: seconds to write the corpus onto a fresh zram0, then to read
# it back.
write_read() {
	echo "$ALG" > /sys/block/zram0/comp_algorithm || return 1
	echo 256M > /sys/block/zram0/disksize || return 1
	timed dd if="$CORPUS" of=/dev/zram0 bs=1M oflag=direct status=none &&
	timed dd if=/dev/zram0 of=/dev/null bs=1M count="$MIB" iflag=direct \
		status=none
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

[ -r "$CORPUS" ] || { echo "spread: no corpus at $CORPUS"; exit 1; }
MIB=$(($(stat -c %s "$CORPUS") >> 20))
# Warm the page cache with the corpus, so that every write reads memory.
cat "$CORPUS" > /dev/null
declare -A writes reads
for rep in $(seq "$REPS"); do
	for sys in "${SYSTEMS[@]}"; do
		load "$sys" || { echo "spread: cannot load $sys"; exit 1; }
		t=$(write_read) || { echo "spread: $sys failed"; exit 1; }
		t=$(echo $t)
		rmmod zram
		echo "spread: rep $rep $sys $ALG write read: $t s"
		writes[$sys]+="${t% *} "
		reads[$sys]+="${t#* } "
	done
done
for sys in "${SYSTEMS[@]}"; do
	echo "spread: median $sys $ALG write $(echo "${writes[$sys]}" |
		tr ' ' '\n' | grep . | median) s, read $(echo "${reads[$sys]}" |
		tr ' ' '\n' | grep . | median) s"
done
echo "ok 1 - spread"
