#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection (debug kernel: failslab, fail_page_alloc).  Allocations
# fail at 5-10% in the writer and reader only (make-it-fail, task-filter),
# then one at a time at every point of a request (fail-nth), in the I/O
# path, in compaction, in disksize (with every compressor), reset and
# hot_add.  A failed write must
# reach the writer as an error and be counted in failed_writes; a read must
# fail or return the right data; a page whose write failed holds its old
# or its new data; pages nobody rewrote keep theirs.  After reset and
# unload kmemleak must find nothing.
cd "$(dirname "$0")" || exit 1
. ./rel_lib.sh

DEV=zram0
SIZE=8M
KEEP=256		# pages [0, KEEP) are written once and must survive
TOTAL_FAULTS=0 BYTES=0

PLAN=23
ktap_plan $PLAN
start=$(date +%s)

if ! rel_have_faults || ! rel_have_kmemleak; then
	for i in $(seq $PLAN); do
		ktap_skip "fault injection $i" "no failslab/fail_page_alloc/kmemleak (not the debug kernel)"
	done
	ktap_finish
fi

# step: say how long the previous step took.
step_start=$(date +%s)
step()
{
	local now

	now=$(date +%s)
	diag "step took $((now - step_start)) s; next: $*"
	step_start=$now
}

# figure OUTPUT KEY: a key=value field of rel_io's summary line.
figure()
{
	echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p" | tail -n 1
}

# cycle DESC REL_IO_ARGS...: one rel_io cycle with faults on, as a test.
# Then every page gets the cycle's generation (-g) without faults: a page
# whose write failed holds the one before, and if the next cycle failed it
# again, that cycle (-O: the generation before its own) would take it for
# lost data.
cycle()
{
	local desc=$1 out rc gen

	shift
	gen=$(echo "$*" | sed -n 's/.*-g \([0-9]*\).*/\1/p')
	out=$(rel_io -F -f $KEEP "$@" cycle /dev/$DEV)
	rc=$?
	rel_io -g "$gen" -f $KEEP write /dev/$DEV > /dev/null ||
		rc=1
	echo "$out" | tail -n 8
	LAST_FAILED=$(figure "$out" requests_failed)
	LAST_FW=$(figure "$out" failed_writes+)
	TOTAL_FAULTS=$((TOTAL_FAULTS + LAST_FAILED + $(figure "$out" read_requests_failed)))
	BYTES=$((BYTES + $(figure "$out" bytes_verified)))
	check_eq "$desc" 0 "$rc"
}

rel_load 1 || exit 1
rel_kmemleak_mark
rel_setup $DEV $SIZE
check_run "write generation 1 to every page without faults" \
	rel_io -g 1 write /dev/$DEV

step "failslab"
# 1. Any slab allocation of the writer may fail, sleeping ones included.
rel_faults_on failslab 5 1
cycle "failslab 5%, 1-page requests: no data lost, every failure reported" \
	-g 2 -O 1
rel_faults_off
check_cmp "failslab: failed writes reached failed_writes ($LAST_FW)" \
	"$LAST_FW" -gt 0

step "fail_page_alloc"
# 2. Page allocations (zspages), multi-page requests.
rel_faults_on fail_page_alloc 5 1
cycle "fail_page_alloc 5%, 16-page requests: no data lost" -g 3 -O 2 -b 16
FIRED=$(rel_faults_fired fail_page_alloc)
rel_faults_off
check_cmp "fail_page_alloc: faults were injected ($FIRED; $LAST_FAILED requests failed)" \
	"$FIRED" -gt 0

step "no-reclaim faults"
# 3. Only allocations that may not sleep: a driver that falls back to a
# sleeping allocation loses nothing and need not fail at all.
rel_faults_on failslab 10
rel_faults_on fail_page_alloc 10
cycle "failslab+fail_page_alloc 10%, no-reclaim only: no data lost" -g 4 -O 3
rel_faults_off

step "compaction"
# 4. Compaction with faults while the writer fails too.  Each generation
# gives a page another size: rewriting leaves holes to compact.
rel_io -g 5 -f $KEEP write /dev/$DEV >/dev/null
rel_faults_on failslab 10 1
rel_faults_on fail_page_alloc 10 1
rel_io -F -t 8 compact /dev/$DEV > "$TMPDIR/rel-compact.out" &
compactor=$!
cycle "faults in compaction and writes at once: no data lost" -g 6 -O 5 -b 4
wait $compactor
check_eq "compaction under faults finished" 0 $?
cat "$TMPDIR/rel-compact.out"
rel_faults_off

step "fail-nth I/O"
# 5. Every fault point of a request, one at a time.
rel_faults_on failslab 0 1
rel_faults_on fail_page_alloc 0 1
out=$(rel_io -g 7 -f $KEEP -n 64 nth /dev/$DEV)
rc=$?
echo "$out" | tail -n 6
check_eq "fail-nth over writes, reads and compact: no data lost" 0 $rc
nth_failed=$(figure "$out" failed)
out=$(rel_io -g 8 -f $KEEP -n 128 -b 8 nth /dev/$DEV)
rc=$?
echo "$out" | tail -n 6
check_eq "fail-nth over 8-page requests: no data lost" 0 $rc
nth_failed=$((nth_failed + $(figure "$out" failed)))
check_cmp "fail-nth reached the driver: requests failed" "$nth_failed" -gt 0
TOTAL_FAULTS=$((TOTAL_FAULTS + nth_failed))

step "verify"
check_run "pages written before the faults read back intact" \
	rel_io -g 1 -n $KEEP verify /dev/$DEV

step "fail-nth setup"
# 6. Device setup and teardown: disksize, reset and hot_add, fault by fault.
echo 1 > $SYS/$DEV/reset
devices=$(ls -d $SYS/zram*)
out=$(rel_io setup /dev/$DEV)
rc=$?
echo "$out" | tail -n 8
check_eq "fail-nth over disksize, reset and hot_add: clean errors" 0 $rc
TOTAL_FAULTS=$((TOTAL_FAULTS + $(figure "$out" failed)))
check_eq "no half-made device left behind by a failed hot_add" \
	"$(echo $devices)" "$(echo $(ls -d $SYS/zram*))"

step "disksize faults per compressor"
# 7. Each compressor sets up its own per-CPU streams: disksize with faults
# in every allocation of the write, a few tries per compressor.
rel_faults_on failslab 10 1
rel_faults_on fail_page_alloc 10 1
bad= enomem=0
for alg in $(tr -d '[]' < $SYS/$DEV/comp_algorithm); do
	echo "$alg" > $SYS/$DEV/comp_algorithm || { bad="$bad $alg:unselectable"; continue; }
	for _ in 1 2 3 4 5 6; do
		answer=$(sysfs_io write-faulty $SYS/$DEV/disksize 16M)
		state=$(< $SYS/$DEV/initstate)
		case "$answer $state" in
		"OK 1") echo 1 > $SYS/$DEV/reset ;;
		"ENOMEM 0") enomem=$((enomem + 1)) ;;
		*) bad="$bad $alg:$answer/initstate=$state"; echo 1 > $SYS/$DEV/reset ;;
		esac
	done
done
rel_faults_off
diag "disksize under faults: $enomem ENOMEM"
TOTAL_FAULTS=$((TOTAL_FAULTS + enomem))
# No ENOMEM at all would mean no fault reached the driver: no test.
check_eq "disksize with every compressor: done, or ENOMEM and uninitialised" \
	"faults seen, none mishandled" \
	"$([ $enomem -gt 0 ] && echo "faults seen," || echo "no fault seen,")$([ -z "$bad" ] && echo " none mishandled" || echo "$bad")"

step "recompress when the pool cannot grow"
# 8. recompress allocates new objects without reclaim.  Hex digits are
# huge to lzo and half a page to zstd, a size class with no zspage yet:
# with every no-reclaim page allocation failing, the first new object
# fails, and recompress stops with ENOMEM as Linux does.
echo 1 > $SYS/$DEV/reset
echo lzo > $SYS/$DEV/comp_algorithm
echo "algo=zstd priority=1" > $SYS/$DEV/recomp_algorithm
echo 1M > $SYS/$DEV/disksize
dd if=/dev/urandom bs=2048 count=64 status=none | od -An -v -tx1 |
	tr -d ' \n' > "$TMPDIR/hex"
dd if="$TMPDIR/hex" of=/dev/$DEV bs=4096 oflag=direct status=none
huge=$(fields $SYS/$DEV/mm_stat 8)
rel_faults_on fail_page_alloc 100
answer=$(sysfs_io write-faulty $SYS/$DEV/recompress type=huge)
FIRED=$(rel_faults_fired fail_page_alloc)
rel_faults_off
check_eq "recompress with no page to grow the pool: ENOMEM, nothing changed, data intact" \
	"64 ENOMEM 64 same" \
	"$huge $answer $(fields $SYS/$DEV/mm_stat 8) $(dd if=/dev/$DEV bs=4096 count=64 iflag=direct status=none | cmp -s - "$TMPDIR/hex" && echo same)"
diag "recompress under faults: $FIRED faults injected"
check_eq "and without faults it recompresses every huge page" "OK 0" \
	"$(sysfs_io write $SYS/$DEV/recompress type=huge) $(fields $SYS/$DEV/mm_stat 8)"

step "a read with no page to bounce through"
# 9. With a backing device, a page that comes in pieces (O_DIRECT from a
# buffer that starts 512 bytes into a page) is read through a page
# allocated for the request.  When that fails the read fails, and counts
# as a read and as a failed read, as Linux counts it.
echo 1 > $SYS/$DEV/reset
modprobe -q loop 2> /dev/null
truncate -s 4M "$TMPDIR/backing"
loop=$(losetup -f --show "$TMPDIR/backing")
echo "$loop" > $SYS/$DEV/backing_dev
echo 1M > $SYS/$DEV/disksize
blkio -d -p 0x5a /dev/$DEV write 0 4096 > /dev/null
reads=$(< $SYS/$DEV/num_reads) failed=$(fields $SYS/$DEV/io_stat 1)
rel_faults_on fail_page_alloc 100 1
answer=$(blkio -d -f -s 512 -p 0x5a /dev/$DEV read 0 4096)
FIRED=$(rel_faults_fired fail_page_alloc)
rel_faults_off
check_eq "a read in pieces whose bounce page fails: EIO, as in Linux" \
	"EIO 1" "$answer $FIRED"
check_eq "counted in num_reads and in failed_reads" "1 1" \
	"$(($(< $SYS/$DEV/num_reads) - reads)) $(($(fields $SYS/$DEV/io_stat 1) - failed))"
check_eq "and the same read without faults returns the data" "OK 4096" \
	"$(blkio -d -s 512 -p 0x5a /dev/$DEV read 0 4096)"
echo 1 > $SYS/$DEV/reset
losetup -d "$loop"

step "unload and kmemleak"
echo 1 > $SYS/$DEV/reset
check_run "zram unloads after the faults" rmmod zram
rel_check_kmemleak "kmemleak: nothing leaked"
rel_check_no_reports "no kernel reports"

rel_figure "faults injected (failed requests seen by the tasks): $TOTAL_FAULTS"
rel_figure "data verified: $((BYTES >> 20)) MiB"
rel_figure "rel_faults took $(($(date +%s) - start)) s"
ktap_finish
