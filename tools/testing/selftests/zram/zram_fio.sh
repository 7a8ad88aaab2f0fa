#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity with fio verify on a 128 MiB device, two jobs each owning
# a 64 MiB half of it: sequential and random I/O from 512 bytes to 1 MiB,
# direct and buffered, with incompressible, compressible and same-filled
# data; and the statistics each kind of data should move (huge_pages,
# compr_data_size, same_pages).  The device is reset between workloads, so
# every check sees only its own workload.  Jobs write a quarter as much on
# the debug kernel.
#
# Buffered workloads write, drop the page cache and verify in a second fio
# run (verify_only), so that the data verified came from zram and not from
# the page cache.  Then direct writes verify while a CPU goes offline and
# online again, and the pool is checked to use the mapping the harness
# asked for.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
OUT=$TMPDIR/fio.out
# Per-job sizes in MiB: most workloads, and the cheap same-filled ones.
JOB=$((32 / ZT_SCALE))
BIG=$((64 / ZT_SCALE))

# fio_job --size=SIZE ARGS...: two jobs, each in its own 64 MiB half of the
# device.
fio_job()
{
	fio --output="$OUT" --eta=never --filename=$DEV --numjobs=2 \
		--offset_increment=64M --ioengine=psync --group_reporting \
		"$@" || { tail -n 25 "$OUT"; return 1; }
}

# fio_buffered ARGS...: a buffered workload, then a verify-only pass after
# the device's page cache has been dropped.
fio_buffered()
{
	fio_job --direct=0 --do_verify=0 --end_fsync=1 "$@" &&
		blockdev --flushbufs $DEV &&
		fio_job --direct=0 --verify_only "$@"
}

fresh_device()
{
	echo 1 > "$Z/reset"
	echo 128M > "$Z/disksize"
}

ktap_plan 18

check_run "modprobe zram" zram_load || ktap_finish

# The harness's --pgtable asks for page-table mapping on the kernel command
# line; without it our build maps by copying.  The pool must use what was
# asked for, or the runs with --pgtable test the copy mapping twice.
want=copy
case " $(< /proc/cmdline) " in
*" zram.zsmalloc_mapping=pgtable "*) want=pgtable ;;
esac
fresh_device
pool_mapping=$(sed -n 's/^mapping: //p' /sys/kernel/debug/zsmalloc-zram/*/pool 2>/dev/null)
check_eq "zram0's pool maps objects by $want, as the command line asks" \
	"$want $want" \
	"$(cat /sys/module/zram/parameters/zsmalloc_mapping 2>/dev/null) $pool_mapping"

# --- Incompressible: sequential 1 MiB, direct ------------------------------

fresh_device
check_run "sequential 1M direct writes of random data verify (crc32c)" \
	fio_job --name=seq-random --rw=write --bs=1M --direct=1 --size=${JOB}M \
		--refill_buffers --verify=crc32c
check_eq "2 x $JOB MiB stored" $((JOB << 21)) "$(mm zram0 1)"
check_cmp "random data is stored as huge pages (>= 95% of pages)" \
	"$(mm zram0 8)" -ge $((JOB * 512 * 95 / 100))

# --- Compressible: random 4K-64K, direct --------------------------------------

fresh_device
check_run "random 4K-64K direct writes of 60%-compressible data verify (md5)" \
	fio_job --name=rand-compressible --rw=randwrite --bsrange=4k-64k \
		--direct=1 --refill_buffers --buffer_compress_percentage=60 \
		--verify=md5 --size=${JOB}M
orig=$(mm zram0 1)
check_eq "every page of 2 x $JOB MiB written once" $((JOB << 21)) "$orig"
check_cmp "compr_data_size < 60% of orig_data_size" "$(mm zram0 2)" -lt \
	$((orig * 60 / 100))
diag "huge pages: $(mm zram0 8) of $((JOB * 512))"

# --- Same-filled: sequential 64K direct, zeros and a 32-bit pattern -------------

fresh_device
check_run "sequential 64K direct writes of a 0x5aa55aa5 pattern verify" \
	fio_job --name=pattern --rw=write --bs=64k --direct=1 --size=${BIG}M \
		--verify=pattern --verify_pattern=0x5aa55aa5
check_eq "every page is same-filled: same_pages = pages, no huge pages" \
	"$((BIG * 512)) 0" "$(mm zram0 6) $(mm zram0 8)"
check_cmp "same-filled pages take no pool memory (mem_used_total < 64K)" \
	"$(mm zram0 3)" -lt 65536
check_run "random 4K-256K direct writes of zeros verify" \
	fio_job --name=zeros --rw=randwrite --bsrange=4k-256k --direct=1 \
		--size=${BIG}M --verify=pattern --verify_pattern=0
check_eq "zero pages replaced the pattern: still all same-filled" \
	"$((BIG * 512)) 0" "$(mm zram0 6) $(mm zram0 8)"

# --- Buffered: random 512 bytes to 1 MiB, and sequential 512 bytes ------------

fresh_device
check_run "random 512B-1M buffered writes verify after dropping the cache" \
	fio_buffered --name=rand-mixed --rw=randwrite \
		--bssplit=512/40:4k/30:64k/20:1m/10 --size=$((JOB / 2))M \
		--buffer_compress_percentage=50 --refill_buffers --verify=crc32c
check_run "sequential 512B buffered writes verify after dropping the cache" \
	fio_buffered --name=seq-512 --rw=write --bs=512 --size=$((2048 / ZT_SCALE))k \
		--refill_buffers --verify=md5

# --- CPU hotplug: per-CPU streams (and mapping windows) under I/O ----------

cpu=/sys/devices/system/cpu/cpu1/online
if [ -w $cpu ] && [ "$(< $cpu)" = 1 ]; then
	fresh_device
	fio_job --name=hotplug --rw=randwrite --bsrange=4k-64k --direct=1 \
		--size=${JOB}M --buffer_compress_percentage=50 --refill_buffers \
		--verify=crc32c > /dev/null &
	writer=$!
	flips=0 streams=
	while kill -0 $writer 2> /dev/null; do
		echo 0 > $cpu || break
		streams="$streams $(< "$Z/max_comp_streams")"
		echo 1 > $cpu || break
		flips=$((flips + 1))
		sleep 0.2
	done
	wait $writer
	status=$?
	[ "$(< $cpu)" = 1 ] || echo 1 > $cpu
	check_eq "direct writes verify while CPU 1 goes offline and online ($flips times)" \
		"0 yes" "$status $([ $flips -gt 0 ] && echo yes)"
	check_eq "max_comp_streams follows the online CPUs (1 while CPU 1 is offline)" \
		1 "$(echo $streams | tr ' ' '\n' | sort -u | xargs)"
else
	ktap_skip "direct writes verify while CPU 1 goes offline and online" \
		"no second CPU to take offline"
	ktap_skip "max_comp_streams follows the online CPUs" \
		"no second CPU to take offline"
fi

check_run "rmmod zram" zram_unload
ktap_finish
