#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the writeback benchmark (bench.sh runs it last; on its own:
# tools/testing/vm/run-vm --kver 6.1.0-57-amd64 bench/writeback.sh).
#
# Our zram, ours with writeback_compressed, and the kernel's zram, each in
# turn (order rotating per repetition): a loop device over a tmpfs file as
# backing device, 64 MiB of data that compresses like memory written with
# O_DIRECT, all of it marked idle and written back ("idle"), timed; then
# 4 KiB random O_DIRECT reads of it (every one from the backing device),
# fio's mean completion latency; then the device is compared with the data.
# One line per turn and a summary (medians, ours over the kernel's):
#   wbbench: rep=R sys=S wb_mibps=N read_us=N sectors=N (sectors written)
#   wbbench: summary ...
# Settings: BENCH_REPS from /opt/zram/data/bench.conf (default 3).

# Run as "sh writeback.sh" by run-vm: bash is needed (EPOCHREALTIME).
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

# shellcheck disable=SC1091
. "$(dirname "$0")/scenario_lib.sh"
# shellcheck disable=SC1091
DATA_DIR=/opt/zram/data
[ -r "$DATA_DIR/bench.conf" ] && . "$DATA_DIR/bench.conf"
REPS=${BENCH_REPS:-3}
MIB=64
KERNEL_ZRAM=/lib/modules/$(uname -r)/kernel/drivers/block/zram/zram.ko
WORK=${TMPDIR:-/tmp}/wbbench
Z=/sys/block/zram0
LOOP=
RESULTS=$WORK/results

now_us()
{
	local t=${EPOCHREALTIME/./}

	echo "$t"
}

# The data: the corpus if make bench built one, else fio's memory-like
# buffers (40% random, 60% zeros in every 512 bytes, as bench.sh writes).
make_data()
{
	if [ -r "$DATA_DIR/corpus.bin" ]; then
		dd if="$DATA_DIR/corpus.bin" of="$WORK/data" bs=1M count=$MIB \
			status=none
	else
		fio --name=gen --filename="$WORK/data" --rw=write --bs=1M \
			--size=${MIB}M --buffer_compress_percentage=60 \
			--buffer_compress_chunk=512 --refill_buffers \
			--eta=never --output=/dev/null
	fi
}

load()	# load SYS
{
	case $1 in
	kernel)
		modprobe zsmalloc 2> /dev/null
		insmod "$KERNEL_ZRAM" ;;
	*)
		modprobe zram ;;
	esac
}

# turn REP SYS: one measurement; prints its wbbench line.
turn()
{
	local rep=$1 sys=$2 t0 t1 sectors lat

	load "$sys" || { echo "# wbbench: cannot load $sys"; return 1; }
	echo "$LOOP" > $Z/backing_dev
	[ "$sys" = compressed ] && echo 1 > $Z/writeback_compressed
	echo lzo-rle > $Z/comp_algorithm 2> /dev/null
	echo $((MIB * 2))M > $Z/disksize
	dd if="$WORK/data" of=/dev/zram0 bs=1M oflag=direct status=none
	echo all > $Z/idle
	sectors=$(awk '{ print $7 }' "/sys/block/${LOOP#/dev/}/stat")
	t0=$(now_us)
	echo idle > $Z/writeback
	t1=$(now_us)
	sectors=$(($(awk '{ print $7 }' "/sys/block/${LOOP#/dev/}/stat") - sectors))
	lat=$(fio --name=rb --filename=/dev/zram0 --rw=randread --bs=4k \
		--direct=1 --ioengine=psync --size=${MIB}M --io_size=16M \
		--randrepeat=1 --eta=never --output-format=terse | awk -F';' '{ print $16 }')
	if ! cmp -s -n $((MIB << 20)) /dev/zram0 "$WORK/data"; then
		echo "# wbbench: $sys: data read back differs"
		echo 1 > $Z/reset
		rmmod zram
		return 1
	fi
	echo "wbbench: rep=$rep sys=$sys wb_mibps=$((MIB * 1000000 / (t1 - t0))).$(((MIB * 100000000 / (t1 - t0)) % 100)) read_us=$lat sectors=$sectors" |
		tee -a "$RESULTS"
	echo 1 > $Z/reset
	rmmod zram
	[ "$sys" = kernel ] && rmmod zsmalloc 2> /dev/null
	return 0
}

# median SYS FIELD: the median over repetitions.
median()
{
	sed -n "s/.* sys=$1 .*$2=\([0-9.]*\).*/\1/p" "$RESULTS" | median_of
}

mkdir -p "$WORK" && rm -f "$RESULTS"
modprobe -q loop
truncate -s $((MIB * 2))M "$WORK/backing"
LOOP=$(losetup -f --show "$WORK/backing")
make_data
systems="ours compressed"
if [ -r "$KERNEL_ZRAM" ] && modinfo "$KERNEL_ZRAM" > /dev/null 2>&1; then
	systems="$systems kernel"
fi
status=0
await_crypto_selftests
# shellcheck disable=SC2086
rotate_turns "$REPS" $systems || status=1

for s in $systems; do
	eval "wb_$s=\$(median $s wb_mibps) rd_$s=\$(median $s read_us) sec_$s=\$(median $s sectors)"
done
# shellcheck disable=SC2154
echo "wbbench: summary medians ours: ${wb_ours} MiB/s ${rd_ours} us ${sec_ours} sectors;" \
	"compressed: ${wb_compressed} MiB/s ${rd_compressed} us ${sec_compressed} sectors;" \
	"kernel: ${wb_kernel:-n/a} MiB/s ${rd_kernel:-n/a} us ${sec_kernel:-n/a} sectors"
# shellcheck disable=SC2154
echo "wbbench: summary ratios writeback throughput ours/kernel $(ratio "$wb_ours" "$wb_kernel")" \
	"compressed/kernel $(ratio "$wb_compressed" "$wb_kernel")" \
	"compressed/ours $(ratio "$wb_compressed" "$wb_ours");" \
	"read latency ours/kernel $(ratio "$rd_ours" "$rd_kernel")" \
	"compressed/kernel $(ratio "$rd_compressed" "$rd_kernel");" \
	"sectors written compressed/ours $(ratio "$sec_compressed" "$sec_ours")"
losetup -d "$LOOP"
rm -rf "$WORK"
scenario_exit "writeback benchmark" $status
