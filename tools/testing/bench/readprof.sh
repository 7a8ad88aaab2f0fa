#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where reads spend their instructions: ours, the kernel's zram and brd
# on the benchmark's corpus, one job, with PROF_ALG (default lzo; set it
# with run-vm --append "PROF_ALG=lzo-rle").  Per system: the corpus is
# written with dd (its guest time gives the write's instructions per KiB,
# "write-dd"), then fio reads it (4K random, 1M sequential) for
# PROF_RUNTIME guest seconds to give guest instructions per KiB, then
# again under ksample (ksample.c), which samples the CPU every
# PROF_PERIOD guest ns and prints the kernel symbols hit most.  Run it
# under the instruction yardstick, after run-bench has built the corpus:
#
#   tools/testing/vm/run-vm --kver 6.1.0-57-amd64 --name prof --mem 2G \
#	--smp 1 --qemu "-accel tcg,thread=single -icount shift=3,sleep=off,align=off" \
#	bench/readprof.sh
#
# build/bench-data/prof/variants, if present, replaces the list of
# systems: lines "LABEL SYSTEM KO [MODULE ARGS]", SYSTEM ours, kernel or
# brd, KO "default" (ours from updates/) or a zram.ko under
# build/bench-data/prof/, so that builds of ours can be compared in one
# boot; only labels with a file build/bench-data/prof/perf-LABEL are
# sampled.  Output: "prof:" lines.

# The guest runs scripts with busybox sh; this one needs bash (arrays,
# ${@:N}).
if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null; then
	exec bash "$0" "$@"
fi

# shellcheck disable=SC1091
. "$(dirname "$0")/scenario_lib.sh"

DATA=/opt/zram/data
CORPUS=$DATA/corpus.bin
VARIANTS=$DATA/prof/variants
MODULES=/lib/modules/$(uname -r)
KERNEL_ZRAM=$MODULES/kernel/drivers/block/zram/zram.ko
PERIOD=${PROF_PERIOD:-50000}
ALG=${PROF_ALG:-lzo}
RUNTIME=${PROF_RUNTIME:-1}
WORKLOADS=("randread 4k" "read 1M")

cd /tmp || exit 1
await_crypto_selftests
echo 0 > /proc/sys/kernel/kptr_restrict
echo -1 > /proc/sys/kernel/perf_event_paranoid
BYTES=$(stat -c %s "$CORPUS") || exit 1

load() {	# load SYSTEM KO [ARGS...]; sets DEV
	case $1 in
	ours)
		# Loads and keeps the modules ours depends on.
		modprobe zram && rmmod zram || return 1
		if [ "$2" = default ]; then
			modprobe zram "${@:3}"
		else
			insmod "$DATA/prof/$2" "${@:3}"
		fi || return 1
		DEV=/dev/zram0 ;;
	kernel)
		modprobe zsmalloc && insmod "$KERNEL_ZRAM" || return 1
		DEV=/dev/zram0 ;;
	brd)
		modprobe brd rd_nr=1 rd_size=$((512 * 1024)) || return 1
		DEV=/dev/ram0
		return 0 ;;
	esac
	echo "$ALG" > /sys/block/zram0/comp_algorithm &&
		echo 512M > /sys/block/zram0/disksize
}

unload() {	# unload SYSTEM
	case $1 in
	brd) rmmod brd ;;
	*)
		echo 1 > /sys/block/zram0/reset
		rmmod zram
		[ "$1" = kernel ] && rmmod zsmalloc ;;
	esac
}

fio_read() {	# fio_read [COMMAND...] -- RW BS [FIO ARGS...]
	local cmd=()

	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	shift
	"${cmd[@]}" fio --name="$1" --filename="$DEV" --direct=1 \
		--ioengine=psync --size="$BYTES" --rw="$1" --bs="$2" \
		--time_based --runtime="$RUNTIME" "${@:3}" </dev/null
}

measure() {	# measure LABEL SYSTEM KO [ARGS...]
	local label=$1 wl out start

	shift
	if ! load "$@" </dev/null; then
		echo "prof: $label cannot be loaded"
		unload "$1" 2>/dev/null
		return 1
	fi
	# A guest microsecond is 125 instructions at -icount shift=3.
	start=$EPOCHREALTIME
	dd if="$CORPUS" of="$DEV" bs=1M oflag=direct 2>/dev/null
	echo "prof: $label write-dd insn_per_kib=$(awk -v t0="$start" \
		-v t1="$EPOCHREALTIME" -v b="$BYTES" \
		'BEGIN { printf "%.1f", (t1 - t0) * 125e6 / (b / 1024) }')"
	[ "$1" != brd ] &&
		echo "prof: $label mm_stat $(cat /sys/block/zram0/mm_stat)"
	for wl in "${WORKLOADS[@]}"; do
		# shellcheck disable=SC2086 # "RW BS" into two words
		set -- $wl
		# Terse v3: field 7 is KiB/s read; a guest second is 125e6
		# instructions at -icount shift=3.
		out=$(fio_read -- "$1" "$2" --output-format=terse --terse-version=3 |
			awk -F';' '$1 == "3" { printf "%.1f", 125e6 / $7 }')
		echo "prof: $label $wl insn_per_kib=$out"
	done
	[ -e "$DATA/prof/perf-$label" ] || return 0
	for wl in "${WORKLOADS[@]}"; do
		# shellcheck disable=SC2086 # "RW BS" into two words
		set -- $wl
		fio_read /opt/zram/bin/ksample "$PERIOD" 45 -- "$1" "$2" \
			--output=/dev/null | sed "s/^/prof: $label $1 /"
	done
}

# The first write of a boot pays for a cold guest (2% more instructions
# for the same module): one untimed write of the corpus first.
if load ours default </dev/null; then
	dd if="$CORPUS" of="$DEV" bs=1M oflag=direct 2>/dev/null
	unload ours
fi

if [ -r "$VARIANTS" ]; then
	while read -r label sys ko args; do
		[ -n "$label" ] || continue
		# shellcheck disable=SC2086 # module arguments, one per word
		measure "$label" "$sys" "$ko" $args
		unload "$sys"
	done < "$VARIANTS"
else
	mkdir -p "$DATA/prof" && touch "$DATA/prof/perf-ours" "$DATA/prof/perf-kernel"
	for sys in ours kernel brd; do
		measure "$sys" "$sys" default && unload "$sys"
	done
fi
echo "ok 1 - readprof"
