#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The self-management policy: the policy attribute's keys, values and
# error codes; aging that marks unused slots idle with no user action;
# background recompression that starts past its watermark (and not
# before) or when the shrinker asks (drop_caches), shrinks the pool and
# keeps the data; background writeback that starts past the watermark (and
# not before), with the data verified; compaction once the pool's holes
# pass a share of it (fragmentation=), and not without it;
# mem_limit=writeback, which lets a process whose swap does not fit under
# mem_limit finish with its data intact and no failed write, where without
# the policy writes fail; a slow secondary algorithm that holds up neither
# reset nor a writer of init_lock; and reset, hot_remove and rmmod while
# the worker is busy.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
STATE=/sys/kernel/debug/zram/zram0/block_state
WORK=$TMPDIR/policy
IMG=$WORK/image
CG=/sys/fs/cgroup/zt-policy
LOOP=
OFF="age=0 recompress_watermark=0 writeback_watermark=0 mem_limit=fail fragmentation=0"
# Deadlines for what the worker does on its own: generous, for TCG.
DEADLINE=60

# pstat N: a field of policy_stat: 1 aged, 2 written back, 3 redirected,
# 4 recompressed, 5 pool pages freed by recompression.
pstat()
{
	field "$Z/policy_stat" "$1"
}

bd()
{
	field "$Z/bd_stat" "$1"
}

policy()
{
	sysfs_io write "$Z/policy" "$1"
}

# idle_slots: slots block_state flags idle (the fourth flag, 'i').
idle_slots()
{
	awk 'substr($3, 4, 1) == "i" { n++ } END { print n + 0 }' $STATE
}

# setup MIB: zram0 reset, backed by the loop device, MIB MiB big.
setup()
{
	echo 1 > "$Z/reset" &&
		echo "$LOOP" > "$Z/backing_dev" &&
		echo "$1M" > "$Z/disksize"
}

# hex_pages N: a file of N pages (a multiple of 64) of hex digits of
# random bytes: huge for lzo, which has no entropy coder, about half a page
# for zstd.  64 pages made once (od is slow under TCG), then repeated.
hex_pages()
{
	local i

	[ -s "$WORK/hex64" ] ||
		dd if=/dev/urandom bs=2048 count=64 status=none |
		od -An -v -tx1 | tr -d ' \n' > "$WORK/hex64"
	for i in $(seq $(($1 / 64))); do
		cat "$WORK/hex64"
	done > "$WORK/hex$1"
	echo "$WORK/hex$1"
}

# setup_rc MIB [PARAMS]: zram0 reset, lzo compressing and zstd
# recompressing (tuned by PARAMS, for algorithm_params), MIB MiB big, with
# no backing device; the image zeroed.
setup_rc()
{
	echo 1 > "$Z/reset" &&
		echo lzo > "$Z/comp_algorithm" &&
		echo "algo=zstd priority=1" > "$Z/recomp_algorithm" &&
		{ [ -z "$2" ] || echo "$2" > "$Z/algorithm_params"; } &&
		echo "$1M" > "$Z/disksize" &&
		dd if=/dev/zero of="$IMG" bs=1M count="$1" status=none
}

# text_pages N: a file of N pages of text that compresses well.
text_pages()
{
	awk -v n="$1" 'BEGIN { for (i = 0; i < n * 64; i++)
		printf "%-63s\n", "line " i " of some compressible text" }' \
		> "$WORK/text"
	echo "$WORK/text"
}

# run_hog MIB SECONDS: memhog in the memory-limited cgroup, one pass, for
# at most SECONDS.
run_hog()
{
	sh -c "echo \$\$ > $CG/cgroup.procs && exec timeout $2 memhog $1 1"
}

# Samples mem_used_total into $WORK/max_used until $WORK/stop exists.
sample_used()
{
	local max=0 used

	while [ ! -e "$WORK/stop" ]; do
		read -r used < "$Z/mem_used_total"
		[ "$used" -gt "$max" ] && max=$used
		sleep 0.1
	done
	echo $max > "$WORK/max_used"
}

# True once the cgroup has no process left.
rmdir_ok()
{
	[ -z "$(< $CG/cgroup.procs)" ]
}

cleanup()
{
	touch "$WORK/stop"
	wait
	swapoff $DEV 2> /dev/null
	rmdir $CG 2> /dev/null
	zram_unload
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rm -rf "$WORK"
}

ktap_plan 79

check_run "modprobe zram" zram_load || ktap_finish
mkdir -p "$WORK"
modprobe -q loop 2> /dev/null
truncate -s 256M "$WORK/backing"
LOOP=$(losetup -f --show "$WORK/backing")
check_eq "a loop device over a file in tmpfs" yes "$([ -b "$LOOP" ] && echo yes)"

# --- The attributes ---------------------------------------------------------

check_eq "policy is rw, policy_stat read-only" "644 444" \
	"$(stat -c %a "$Z/policy") $(stat -c %a "$Z/policy_stat")"
check_eq "the policy is off by default" "$OFF" "$(< "$Z/policy")"
check_eq "policy_stat starts at zero, five columns" "0 0 0 0 0" \
	"$(xargs < "$Z/policy_stat")"

check_errno "age=5" OK "$Z/policy" "age=5"
check_eq "reading shows every key" \
	"age=5 recompress_watermark=0 writeback_watermark=0 mem_limit=fail fragmentation=0" \
	"$(< "$Z/policy")"
bad=
for v in "" " " "bogus=1" "age" "age=" "age=x" "age=-1" "age=4294967296" \
	 "writeback_watermark=101" "writeback_watermark=-1" \
	 "recompress_watermark=101" "recompress_watermark=-1" \
	 "recompress_watermark=x" "recompress_watermark=" \
	 "mem_limit=maybe" "mem_limit=" "on" "age=7 bogus=1" \
	 "fragmentation=101" "fragmentation=-1" "fragmentation=x" \
	 "fragmentation="; do
	ret=$(policy "$v")
	[ "$ret" = EINVAL ] || bad="$bad '$v':$ret"
done
check_none "unknown keys, bad values and empty writes: EINVAL" "$bad"
check_eq "and a refused write changes nothing" \
	"age=5 recompress_watermark=0 writeback_watermark=0 mem_limit=fail fragmentation=0" \
	"$(< "$Z/policy")"
check_errno "recompress_watermark without recomp_algorithm: EINVAL" EINVAL \
	"$Z/policy" "recompress_watermark=10"
check_errno "writeback_watermark without a backing device: ENODEV" ENODEV \
	"$Z/policy" "writeback_watermark=50"
check_errno "mem_limit=writeback without a backing device: ENODEV" ENODEV \
	"$Z/policy" "mem_limit=writeback"
check_errno "writeback_watermark=0 and mem_limit=fail need none" OK \
	"$Z/policy" "writeback_watermark=0 mem_limit=fail"
check_errno "a later word overrides an earlier one" OK "$Z/policy" "age=3 age=9"
check_eq "age=9" "age=9 recompress_watermark=0 writeback_watermark=0 mem_limit=fail fragmentation=0" \
	"$(< "$Z/policy")"
echo "$LOOP" > "$Z/backing_dev"
check_errno "with a backing device, every key in one write" OK "$Z/policy" \
	"age=60 writeback_watermark=80 mem_limit=writeback"
check_eq "shown as written" \
	"age=60 recompress_watermark=0 writeback_watermark=80 mem_limit=writeback fragmentation=0" \
	"$(< "$Z/policy")"
echo "algo=zstd priority=1" > "$Z/recomp_algorithm"
check_errno "with recomp_algorithm: recompress_watermark=50" OK "$Z/policy" \
	"recompress_watermark=50"
bad=
for v in "recompress_watermark=80" "recompress_watermark=90" \
	 "writeback_watermark=50" "writeback_watermark=40" \
	 "recompress_watermark=10 writeback_watermark=5"; do
	ret=$(policy "$v")
	[ "$ret" = EINVAL ] || bad="$bad '$v':$ret"
done
check_none "recompress_watermark at or above writeback_watermark: EINVAL" "$bad"
check_errno "both watermarks lowered in one write" OK "$Z/policy" \
	"recompress_watermark=10 writeback_watermark=20"
check_eq "shown with every key" \
	"age=60 recompress_watermark=10 writeback_watermark=20 mem_limit=writeback fragmentation=0" \
	"$(< "$Z/policy")"
check_errno "off sets every key back" OK "$Z/policy" "off"
check_eq "off" "$OFF" "$(< "$Z/policy")"
policy "age=60 recompress_watermark=5 mem_limit=writeback" > /dev/null
echo 1 > "$Z/reset"
check_eq "reset turns the policy off" "$OFF" "$(< "$Z/policy")"
check_errno "and recompress_watermark needs recomp_algorithm again" EINVAL \
	"$Z/policy" "recompress_watermark=10"

# --- Aging ------------------------------------------------------------------

setup 32
fresh=$(text_pages 256)
dd if=/dev/zero of="$IMG" bs=1M count=32 status=none
put 0 256 "$fresh"
check_eq "no slot is idle without a policy" 0 "$(idle_slots)"
check_errno "age=2 on an initialised device" OK "$Z/policy" "age=2"
aged_ok()
{
	[ "$(pstat 1)" -ge 256 ]
}
check_run "within ${DEADLINE}s every written slot is aged (policy_stat)" \
	wait_until $DEADLINE aged_ok
check_eq "and block_state shows the 256 slots idle" 256 "$(idle_slots)"
check_eq "aging wrote nothing back" 0 "$(bd 3)"

# --- Background writeback ---------------------------------------------------

# 1024 random pages (huge) and 1024 of text: about 4.5 MiB of pool.  A
# watermark above it moves nothing, even with every slot idle.
put 256 1024 "$(make_random 4)"
put 1280 1024 "$(text_pages 1024)"
echo 64M > "$Z/mem_limit"
check_errno "writeback_watermark=50 (32 MiB of 64)" OK "$Z/policy" \
	"age=1 writeback_watermark=50"
aged_all()
{
	[ "$(pstat 1)" -ge 2304 ]
}
# Aged first: with no slot idle, nothing written back would prove nothing.
wait_until $DEADLINE aged_all && aged=aged || aged="not aged"
sleep 2
check_eq "under the watermark nothing is written back, idle slots or not" \
	"aged 0 0" "$aged $(pstat 2) $(bd 3)"
used=$(< "$Z/mem_used_total")
diag "pool: $used bytes"
# writeback_limit holds it back: 256 pages, then nothing more.
echo 1 > "$Z/writeback_limit_enable"
echo 256 > "$Z/writeback_limit"
check_errno "a watermark under the pool's size: 2% of 64 MiB" OK \
	"$Z/policy" "writeback_watermark=2"
wb_started()
{
	[ "$(pstat 2)" -ge 256 ]
}
check_run "within ${DEADLINE}s pages go to the backing device" \
	wait_until $DEADLINE wb_started
sleep 2
check_eq "as many as writeback_limit allows, no more" "256 256 0" \
	"$(pstat 2) $(bd 3) $(< "$Z/writeback_limit")"
echo 0 > "$Z/writeback_limit_enable"
# Then on until the pool is under the watermark: the random pages at least.
under_watermark()
{
	[ "$(< "$Z/mem_used_total")" -le $(((64 << 20) / 50)) ] &&
		[ "$(pstat 2)" -ge 1280 ]
}
check_run "within ${DEADLINE}s the pool is under the watermark" \
	wait_until $DEADLINE under_watermark
check_eq "policy_stat counts what bd_stat wrote" "$(bd 3)" "$(pstat 2)"
check_cmp "and the pool shrank" "$(< "$Z/mem_used_total")" -lt "$used"
check_eq "the device's data is intact" yes "$(intact)"
echo 1 > "$Z/reset"
check_eq "reset zeroes policy_stat" "0 0 0 0 0" \
	"$(fields "$Z/policy_stat" 1 2 3 4 5)"

# --- Writeback rests after a lap that found nothing -------------------------

# Text alone, none of it idle (no age) or huge: the pool is over the
# watermark with nothing to write back.  A lap over the 64 MiB device is 16
# runs of three zram_writeback() calls, one right after another; then the
# stage rests instead of scanning every slot again each second, until a
# page is stored huge (or aging makes slots idle).
setup 64
dd if=/dev/zero of="$IMG" bs=1M count=64 status=none
put 0 1024 "$(text_pages 1024)"
echo 16M > "$Z/mem_limit"
lap_done()
{
	[ "$(kprobe_hits zt_wb)" -ge 48 ]
}
huge_written_back()
{
	[ "$(pstat 2)" -ge 64 ]
}
if kprobe_start zt_wb zram:zram_writeback; then
	check_errno "writeback_watermark=1 over a pool of text alone" OK \
		"$Z/policy" "writeback_watermark=1"
	wait_until 30 lap_done && lap=done || lap="not done"
	sleep 1
	calls=$(kprobe_hits zt_wb)
	sleep 5
	check_eq "a lap moved nothing; no writeback call in the 5 s after it" \
		"done $calls 0" "$lap $(kprobe_hits zt_wb) $(pstat 2)"
	# Within the rest's 30 s of its start, so only its early end counts.
	put 1024 64 "$(make_random 4)"
	check_run "64 pages stored huge end the rest: written back within 20 s" \
		wait_until 20 huge_written_back
	check_eq "the device's data is intact" yes "$(intact)"
	kprobe_stop zt_wb
else
	for what in "writeback_watermark=1" "no lap after an idle one" \
		    "huge pages end the rest" "data intact"; do
		kprobe_missing "writeback's rest: $what"
	done
fi
echo 1 > "$Z/reset"

# --- Background recompression ----------------------------------------------

# 256 pages of hex (huge for lzo) and 768 of text, all recompressible by
# zstd; a mem_limit of 64 MiB makes the watermarks easy to place.
rc_start=$SECONDS
setup_rc 16
put 0 256 "$(hex_pages 256)"
put 256 768 "$(text_pages 768)"
echo 64M > "$Z/mem_limit"
rc_used=$(< "$Z/mem_used_total")
diag "pool before recompression: $rc_used bytes, mm_stat $(< "$Z/mm_stat")"
check_errno "recompress_watermark=50 (32 MiB of 64) with age=1" OK \
	"$Z/policy" "age=1 recompress_watermark=50"
aged_rc()
{
	[ "$(pstat 1)" -ge 1024 ]
}
wait_until $DEADLINE aged_rc && aged=aged || aged="not aged"
sleep 2
check_eq "under the watermark nothing is recompressed, idle slots or not" \
	"aged 0 0" "$aged $(pstat 4) $(pstat 5)"
check_errno "a watermark under the pool's size: 1% of 64 MiB" OK \
	"$Z/policy" "recompress_watermark=1"
rc_done()
{
	[ "$(pstat 4)" -ge 960 ] &&
		[ "$(< "$Z/mem_used_total")" -lt "$rc_used" ]
}
check_run "within ${DEADLINE}s idle and huge pages are recompressed, the pool shrinks" \
	wait_until $DEADLINE rc_done
diag "policy_stat $(< "$Z/policy_stat"), mm_stat $(< "$Z/mm_stat")"
check_eq "every huge page went (huge_pages)" 0 "$(mm zram0 8)"
check_cmp "policy_stat counts pool pages freed" "$(pstat 5)" -gt 0
check_eq "the device's data is intact" yes "$(intact)"

# The shrinker: with a watermark the pool never reaches, drop_caches'
# call of every shrinker is what asks for recompression.
setup_rc 8
put 0 128 "$(hex_pages 128)"
check_errno "recompress_watermark=100 with age=1" OK "$Z/policy" \
	"age=1 recompress_watermark=100"
aged_shrink()
{
	[ "$(pstat 1)" -ge 128 ]
}
wait_until $DEADLINE aged_shrink && aged=aged || aged="not aged"
sleep 2
check_eq "nothing is recompressed under the watermark, idle slots or not" \
	"aged 0" "$aged $(pstat 4)"
echo 2 > /proc/sys/vm/drop_caches
shrunk_all()
{
	[ "$(pstat 4)" -ge 128 ]
}
check_run "within ${DEADLINE}s of drop_caches the shrinker has the huge pages recompressed" \
	wait_until $DEADLINE shrunk_all
check_eq "and the data is intact" yes "$(intact)"

# Without age the shrinker still learns of the huge pages, from a scan
# that only counts.
setup_rc 8
put 0 128 "$(hex_pages 128)"
check_errno "recompress_watermark=100 without age" OK "$Z/policy" \
	"recompress_watermark=100"
sleep 2
check_eq "nothing is recompressed under the watermark, nothing aged" "0 0" \
	"$(pstat 4) $(pstat 1)"
echo 2 > /proc/sys/vm/drop_caches
check_run "within ${DEADLINE}s of drop_caches the huge pages are recompressed, without age" \
	wait_until $DEADLINE shrunk_all
diag "recompression tests: $((SECONDS - rc_start)) s"

# --- Compaction past a share of free space --------------------------------

# 1024 pages of text, three of every four then discarded: every zspage
# keeps a quarter of its objects and gives no page back by itself.
setup 32
put 0 1024 "$(text_pages 1024)"
fio --output="$WORK/fio.out" --eta=never --filename=$DEV --ioengine=psync \
	--name=holes --rw=trim:4k --bs=12k --size=4M || tail "$WORK/fio.out"
dd if=$DEV of="$WORK/before" bs=1M count=4 iflag=direct status=none
holed=$(mm zram0 3)
sleep 2
check_eq "without the policy the pool is not compacted" 0 "$(mm zram0 7)"
check_errno "fragmentation=10" OK "$Z/policy" "fragmentation=10"
compacted()
{
	[ "$(mm zram0 7)" -gt 0 ]
}
check_run "within ${DEADLINE}s the pool is compacted with no write to compact" \
	wait_until $DEADLINE compacted
diag "mem_used_total $holed with holes, then $(mm zram0 3)"
check_cmp "mem_used_total fell below half" "$(mm zram0 3)" -lt $((holed / 2))
check_eq "the data reads back as before" yes \
	"$(dd if=$DEV bs=1M count=4 iflag=direct status=none |
		cmp -s - "$WORK/before" && echo yes || echo no)"

# --- mem_limit=writeback with nowhere to write ------------------------------

# Near mem_limit a write goes to the backing device first.  With
# writeback_limit used up it cannot go there, and the pool, which still
# has room under mem_limit, takes it.
setup 32
dd if=/dev/zero of="$IMG" bs=1M count=32 status=none
put 0 64 "$(text_pages 64)"
echo $(($(mm zram0 3) + 4 * PAGE)) > "$Z/mem_limit"
echo 1 > "$Z/writeback_limit_enable"
echo 0 > "$Z/writeback_limit"
check_errno "policy mem_limit=writeback, with writeback_limit used up" OK \
	"$Z/policy" mem_limit=writeback
check_eq "near mem_limit with writeback_limit used up, the pool takes a write" \
	"written 0 0 yes" \
	"$(put 64 1 "$(text_pages 1)" && echo written) $(pstat 3) $(io zram0 2) $(intact)"
echo 0 > "$Z/writeback_limit_enable"

# --- mem_limit=writeback: swap that does not fit under mem_limit ------------

HOG_MIB=$((48 / ZT_SCALE))
CG_MIB=$((HOG_MIB / 4))
ZLIMIT_MIB=$((HOG_MIB / 8))
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p $CG
echo ${CG_MIB}M > $CG/memory.max

# swap_hog SECONDS [POLICY]: memhog through swap on zram0 with mem_limit,
# for at most SECONDS; sets HOG_OK to "yes" when it finished with its data
# intact and MAX_USED to the largest mem_used_total seen meanwhile.
swap_hog()
{
	setup 256
	echo ${ZLIMIT_MIB}M > "$Z/mem_limit"
	[ -n "$2" ] && policy "$2" > /dev/null
	mkswap $DEV > /dev/null && swapon -p 100 $DEV
	rm -f "$WORK/stop"
	sample_used &
	run_hog $HOG_MIB "$1" > /dev/null 2>&1 && HOG_OK=yes || HOG_OK=no
	touch "$WORK/stop"
	wait
	# A killed memhog's cgroup empties only when its memory is freed.
	wait_until 30 rmdir_ok
	MAX_USED=$(< "$WORK/max_used")
	diag "memhog $HOG_MIB MiB, cgroup ${CG_MIB} MiB, mem_limit ${ZLIMIT_MIB} MiB:" \
		"intact $HOG_OK, io_stat $(< "$Z/io_stat"), policy_stat $(< "$Z/policy_stat")"
	swapoff $DEV
}

# Without the policy memhog thrashes until the cgroup's OOM killer ends
# it: a few seconds show the failures.
swap_hog 15
check_cmp "policy off: writes over mem_limit fail (failed_writes)" \
	"$(io zram0 2)" -gt 0
# Background writeback runs too: what it wrote and what was redirected
# meanwhile are counted apart.
swap_hog 300 "age=2 writeback_watermark=50 mem_limit=writeback"
check_eq "mem_limit=writeback: memhog finishes, every page verified" yes "$HOG_OK"
check_eq "and no write failed" 0 "$(io zram0 2)"
check_cmp "writes went to the backing device (policy_stat redirected)" \
	"$(pstat 3)" -gt 0
check_cmp "mem_used_total stayed at or under mem_limit" \
	"$MAX_USED" -le $((ZLIMIT_MIB << 20))
# A page swap freed while it was being written back was written but not
# moved, so bd_stat may count more; counted twice, it would count less.
check_cmp "policy_stat written back + redirected <= bd_stat writes" \
	"$(($(pstat 2) + $(pstat 3)))" -le "$(bd 3)"
rmdir $CG

# --- A slow secondary algorithm holds nobody up ----------------------------

# zstd at level 22 takes about 5 ms a page under TCG, so one batch of the
# worker, 4096 of these 8192 huge pages, would hold init_lock for some
# 20-40 s.  A run ends at once when reset or a writer of init_lock waits
# for it.
setup_rc 32 "algo=zstd level=22"
put 0 8192 "$(hex_pages 8192)"
echo 64M > "$Z/mem_limit"
slow_started()
{
	[ "$(mm zram0 8)" -lt 8192 ]
}
# took CMD...: CMD's output, then "fast" if it took under 5 s.
took()
{
	local t0 out

	t0=$(cut -d' ' -f1 /proc/uptime)
	out=$("$@")
	awk -v t0="$t0" -v out="$out" '{ d = $1 - t0
		print out, (d < 5) ? "fast" : "slow (" d " s)" }' /proc/uptime
}
policy "recompress_watermark=1" > /dev/null
wait_until $DEADLINE slow_started && run=started || run="not started"
check_eq "a writer of init_lock waits for no batch: recomp_algorithm EBUSY" \
	"started EBUSY fast" \
	"$run $(took sysfs_io write "$Z/recomp_algorithm" "algo=lz4 priority=2")"
huge=$(mm zram0 8)
sleep 2
check_cmp "the worker goes on after it: huge pages still going" \
	"$(mm zram0 8)" -lt "$huge"
diag "level 22: $((8192 - $(mm zram0 8))) huge pages recompressed so far"
check_eq "the data recompressed so far is intact" yes "$(intact)"
check_eq "reset waits for no batch either" "OK fast" \
	"$(took sysfs_io write "$Z/reset" 1)"

# --- Reset, hot_remove and rmmod with the worker busy -----------------------

# busy DEV_DIR: a device with 8 MiB of huge pages, the worker recompressing
# them and writing back.
busy()
{
	echo "$LOOP" > "$1/backing_dev" && echo lzo > "$1/comp_algorithm" &&
		echo "algo=zstd" > "$1/recomp_algorithm" &&
		echo 32M > "$1/disksize" &&
		dd if="$BUSY_DATA" of=/dev/"${1##*/}" bs=1M oflag=direct \
			status=none &&
		echo 8M > "$1/mem_limit" &&
		echo "age=1 recompress_watermark=1 writeback_watermark=2" > "$1/policy"
}
started()
{
	[ "$(field "$1/policy_stat" 4)" -gt 0 ]
}
BUSY_DATA=$(hex_pages 2048)
echo 1 > "$Z/reset"
# Each check includes that the worker had started: on an idle device
# these would prove nothing.
busy "$Z"
wait_until $DEADLINE started "$Z" && run=started || run="not started"
check_eq "reset while the worker runs" "started OK" \
	"$run $(sysfs_io write "$Z/reset" 1)"
check_eq "leaves the policy off and policy_stat zero" "$OFF 0 0 0 0 0" \
	"$(< "$Z/policy") $(fields "$Z/policy_stat" 1 2 3 4 5)"
id=$(< "$CTL/hot_add")
busy "$SYS/zram$id"
wait_until $DEADLINE started "$SYS/zram$id" && run=started || run="not started"
check_eq "hot_remove while the worker runs" "started OK" \
	"$run $(sysfs_io write "$CTL/hot_remove" "$id")"
busy "$Z"
wait_until $DEADLINE started "$Z" && run=started || run="not started"
check_eq "rmmod while the worker runs" "started 0" \
	"$run $(rmmod zram >&2; echo $?)"
ktap_finish
