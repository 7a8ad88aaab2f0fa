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
# host with two idle cores.  run-bench runs it after the yardstick's VM
# (its "spread" phase); by hand, once run-bench (or mkcorpus.py --out
# build/bench-data) made the corpus:
#
#   tools/testing/vm/run-vm --kver 6.1.0-57-amd64 --name spread --mem 2G \
#	--smp 2 bench/spread.sh
#
# PROF_ALG lists the algorithms, separated by commas (default lzo; run-vm
# --append "PROF_ALG=lz4,zstd"); those the kernel's zram lacks are left
# out.  PROF_BS is the size of the bios (default 1M).  Output: a
# "spreadbench:" line per turn of a system (its write and read), which
# report.py's spread.py reads, and per system the medians.
if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null; then
	exec bash "$0" "$@"
fi

# shellcheck disable=SC1091
. "$(dirname "$0")/scenario_lib.sh"

CORPUS=/opt/zram/data/corpus.bin
KERNEL_ZRAM=/lib/modules/$(uname -r)/kernel/drivers/block/zram/zram.ko
ALGS=${PROF_ALG:-lzo}
REPS=${PROF_REPS:-5}
BS=${PROF_BS:-1M}
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

# write_read ALG: seconds to write the corpus onto a fresh zram0, then to
# read it back.
write_read() {
	echo "$1" > /sys/block/zram0/comp_algorithm || return 1
	echo 256M > /sys/block/zram0/disksize || return 1
	timed dd if="$CORPUS" of=/dev/zram0 bs="$BS" oflag=direct status=none &&
	timed dd if=/dev/zram0 of=/dev/null bs="$BS" count="$((MIB << 20))" \
		iflag=direct,count_bytes status=none
}

median() {
	tr ' ' '\n' | grep . | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The algorithms of PROF_ALG that the kernel's zram offers.
comparable_algs() {
	local offered alg

	load kernel || return 1
	offered=$(tr -d '[]' < /sys/block/zram0/comp_algorithm)
	rmmod zram
	for alg in ${ALGS//,/ }; do
		case " $offered " in
		*" $alg "*) echo "$alg" ;;
		*) echo "spread: the kernel's zram has no $alg: left out" >&2 ;;
		esac
	done
}

[ -r "$CORPUS" ] || { echo "spread: no corpus at $CORPUS"; exit 1; }
MIB=$(($(stat -c %s "$CORPUS") >> 20))
algs=$(comparable_algs) || { echo "spread: cannot load the kernel's zram"; exit 1; }
echo "spreadbench: setup cpus=$(nproc) corpus_mib=$MIB reps=$REPS" \
     "algs=${algs//$'\n'/,}"
# Warm the page cache with the corpus, so that every write reads memory.
cat "$CORPUS" > /dev/null
await_crypto_selftests
declare -A writes reads
for rep in $(seq "$REPS"); do
	for alg in $algs; do
		for sys in "${SYSTEMS[@]}"; do
			load "$sys" || { echo "spread: cannot load $sys"; exit 1; }
			t=$(write_read "$alg") || { echo "spread: $sys failed"; exit 1; }
			rmmod zram
			w=${t%%$'\n'*} r=${t##*$'\n'}
			echo "spreadbench: rep=$rep alg=$alg sys=$sys write=$w read=$r"
			writes[$sys $alg]+="$w "
			reads[$sys $alg]+="$r "
		done
	done
done
for alg in $algs; do
	for sys in "${SYSTEMS[@]}"; do
		echo "spread: median $sys $alg write" \
		     "$(median <<< "${writes[$sys $alg]}") s, read" \
		     "$(median <<< "${reads[$sys $alg]}") s"
	done
done
echo "ok 1 - spread"
