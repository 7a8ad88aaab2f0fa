#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of "make bench": measure our zram, the kernel's zram and brd
# in one boot on the same data.
#
# Our zram.ko and the kernel's share the name "zram", so only one system is
# loaded at a time: each measurement phase loads a system, measures and
# unloads it, then the next system does the same phase.  The order rotates
# from repetition to repetition (ours, kernel, brd; kernel, brd, ours; ...)
# and phases last under a minute, so the figures being compared are taken
# close together.  Phases:
#   corpus   write the corpus (/opt/zram/data/corpus.bin, memory-like data)
#            with one dd, record mm_stat (the memory figures), read it back
#            with fio (4K random, 1M sequential), compare the device with
#            the corpus, then fio writes: 4K random, 4K 70/30 mixed, 1M
#            sequential, with buffers that compress like the corpus (see
#            WRITE_MEMLIKE).  Every algorithm; 1 and 2 jobs for the first.
#   special  incompressible and zero-filled data, and a checksummed fio
#            write; first algorithm only.
#   swap     memhog in a memory cgroup smaller than it, timed, with swap on
#            the device; first algorithm only.
#   ext4     the device as a file system: mkfs.ext4, a copy of the corpus
#            into it (with sync), reading it back after dropping the page
#            cache, then deleting it and fstrim, each timed; first
#            algorithm only.
# After each repetition the zsmalloc microbenchmark modules run, if built.
#
# Every figure is one machine-readable line on stdout; the host turns them
# into tables (tools/testing/bench/report.py):
#   bench: rep=R sys=S alg=A data=D wl=W jobs=J read_kibs=N write_kibs=N
#          kib=N (KiB moved in all)
#   mem: rep=R sys=S alg=A data=D orig=B compr=B used=B same=P huge=P
#        slab_kib=K (unreclaimable slab the data added)
#   swap: rep=R sys=S alg=A mib=N limit_mib=N secs=T
#   ext4: rep=R sys=S alg=A step=mkfs|copy|read|trim secs=T
#   zsbench: rep=R impl=I [mapping=M] test=T ns_per_op=N|value=V ...
#   wbbench: ... (tools/testing/bench/writeback.sh, after the workloads)
#   recbench: ... (tools/testing/bench/recompress.sh, after it)
#   frag: ... (tools/testing/bench/fragmentation.sh, after it)
#   polbench: ... (tools/testing/bench/policy.sh, last)
#   mark: begin|end (around each measured command, see mark())
# Each turn ends with a KTAP line; a failed load, read-back, fio run or
# memhog check is "not ok".  Speed is never judged here.
#
# Settings come from /opt/zram/data/bench.conf, written by run-bench,
# unless the environment already has them (run-vm --append "BENCH_REPS=2"):
# BENCH_REPS, BENCH_RUNTIME (seconds per timed fio run), BENCH_ALGS,
# BENCH_SWAP_MIB, BENCH_CGROUP_MIB, BENCH_AA (1: measure the kernel's
# zram as "ours" too, an A/A control that shows the noise) and
# BENCH_PHASES (only these phases, for every algorithm, and nothing after
# them: no allocator microbenchmark, writeback or fragmentation run).

# Word splitting of option lists and module lists is intended throughout.
# shellcheck disable=SC2086,SC2046,SC1091

# busybox sh runs its own applets (dd, cmp, modprobe, modinfo) even where
# the real tools come first in PATH; under bash the real ones run.
if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null; then
	exec bash "$0" "$@"
fi

DATA=/opt/zram/data
CORPUS=$DATA/corpus.bin
[ -r "$DATA/bench.conf" ] && . "$DATA/bench.conf"
REPS=${BENCH_REPS:-3}
RUNTIME=${BENCH_RUNTIME:-3}
ALGS=${BENCH_ALGS:-"lzo lzo-rle lz4 zstd"}
SWAP_MIB=${BENCH_SWAP_MIB:-320}
CGROUP_MIB=${BENCH_CGROUP_MIB:-96}
# A/A control: "ours" is the kernel's zram too, to show the noise floor.
AA=${BENCH_AA:-0}
ONLY_PHASES=${BENCH_PHASES:-}
DEV_MIB=512
MODULES=/lib/modules/$(uname -r)
KERNEL_ZRAM=$MODULES/kernel/drivers/block/zram/zram.ko
CGROUP=/sys/fs/cgroup/bench
# What the kernel's zram offers; read once it has been loaded.
KERNEL_ALGS=
# Writes whose buffers compress about like the corpus: in every 512 bytes,
# 40% fresh random bytes then 60% zeros.  refill_buffers gives each write
# new content.
WRITE_MEMLIKE="--buffer_compress_percentage=60 --buffer_compress_chunk=512 --refill_buffers"

. "$(dirname "$0")/scenario_lib.sh"

test_num=0
turn_failed=0
REP='' SYS='' ALG='' DEV='' SLAB_BEFORE=0

ktap() {	# ktap ok|"not ok" DESCRIPTION
	test_num=$((test_num + 1))
	echo "$1 $test_num - $2"
}

note() {
	echo "# $*"
}

# "mark: begin" and "mark: end" bracket each measured command; the host
# stamps them with the CPU time QEMU has used (cpustamp.py).  fio prints
# them itself, around its jobs' I/O, to the same serial port as stdout.
MARK_TO=$(readlink /proc/$$/fd/1)
case "$MARK_TO" in
/dev/*) ;;
*) MARK_TO='' ;;
esac

mark() {
	echo "mark: $1"
}

uptime_secs() {
	cut -d' ' -f1 /proc/uptime
}

fail() {
	note "FAIL: $*"
	turn_failed=1
}

# --- the systems -----------------------------------------------------------

have_module() {	# have_module DIR NAME: is DIR/.../NAME.ko installed?
	[ -n "$(find "$MODULES/$1" -name "$2.ko*" 2>/dev/null)" ]
}

ours_available() {
	have_module updates zram
}

# zsmalloc is a module on 6.1 and built in on 6.12.
kernel_zsmalloc_builtin() {
	grep -q '/zsmalloc\.ko' "$MODULES/modules.builtin" 2>/dev/null
}

kernel_available() {
	[ -e "$KERNEL_ZRAM" ] &&
		{ have_module kernel zsmalloc || kernel_zsmalloc_builtin; }
}

# The kernel's zram.ko with what it needs (6.12's links the lz4 and zstd
# libraries in): insmod, because modprobe would pick ours in updates/.
load_kernel_zram() {
	local dep

	for dep in zsmalloc $(modinfo -F depends "$KERNEL_ZRAM" | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$KERNEL_ZRAM"
}

# Does the kernel's zram offer algorithm $1?  6.12's has no lzo.
kernel_has_alg() {
	case " $KERNEL_ALGS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Keeps in ALGS only what the kernel's zram offers too: a figure of ours
# alone compares with nothing (6.12's zram has no lzo or lzo-rle).
keep_comparable_algs() {
	local alg kept=

	for alg in $ALGS; do
		if kernel_has_alg "$alg"; then
			kept="$kept $alg"
		else
			ktap ok "$alg # SKIP the kernel's zram has no $alg"
		fi
	done
	ALGS=${kept# }
}

# Set up /dev/zram0 with algorithm $1, DEV_MIB large.
zram_setup() {
	echo "$1" > /sys/block/zram0/comp_algorithm &&
	echo "${DEV_MIB}M" > /sys/block/zram0/disksize
}

# Unreclaimable slab in KiB.  What it grows by between setting up an empty
# device and recording mm_stat is the allocator's metadata (handles, zspage
# descriptors), held in slab rather than in the pool's pages; both systems
# are measured the same way.
slab_kib() {
	awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo
}

load_system() {	# load_system SYS ALG; sets DEV and SLAB_BEFORE
	case "$1" in
	ours)
		if [ "$AA" = 1 ]; then
			load_system kernel "$2"
			return
		fi
		modprobe zram || return 1
		DEV=/dev/zram0 ;;
	kernel)
		load_kernel_zram || return 1
		DEV=/dev/zram0 ;;
	brd)
		modprobe brd rd_nr=1 rd_size=$((DEV_MIB * 1024)) || return 1
		DEV=/dev/ram0
		return 0 ;;
	esac
	zram_setup "$2" || return 1
	SLAB_BEFORE=$(slab_kib)
}

unload_system() {
	case "$1" in
	ours)
		echo 1 > /sys/block/zram0/reset
		rmmod zram || return 1
		[ "$AA" = 1 ] && rmmod zsmalloc
		return 0 ;;
	kernel)
		echo 1 > /sys/block/zram0/reset
		rmmod zram || return 1
		kernel_zsmalloc_builtin || rmmod zsmalloc ;;
	brd)
		rmmod brd ;;
	esac
}

# --- measurements ----------------------------------------------------------

# run_fio DATA WORKLOAD JOBS fio-options...: one fio run on $DEV over the
# corpus-sized region, reported as a "bench:" line.
run_fio() {
	local data=$1 wl=$2 jobs=$3 out rc
	shift 3

	out=$(fio --name="$wl" --filename="$DEV" --direct=1 --ioengine=psync \
		--size="$CORPUS_BYTES" --numjobs="$jobs" --group_reporting \
		--output-format=terse --terse-version=3 \
		${MARK_TO:+--exec_prerun="sh -c 'echo mark: begin >> $MARK_TO'"} \
		${MARK_TO:+--exec_postrun="sh -c 'echo mark: end >> $MARK_TO'"} \
		"$@" 2>&1)
	rc=$?
	# Terse v3: field 5 is the error, 6/7 KiB read and KiB/s, 47/48 the
	# same for writes.
	set -- $(echo "$out" | awk -F';' '$1 == "3" { print $5, $6, $7, $47, $48 }')
	if [ $rc -ne 0 ] || [ $# -ne 5 ] || [ "$1" != 0 ]; then
		fail "fio $wl jobs=$jobs on $DEV: rc=$rc"
		echo "$out" | tail -n 5 | sed 's/^/#   /'
		return 1
	fi
	echo "bench: rep=$REP sys=$SYS alg=$ALG data=$data wl=$wl" \
	     "jobs=$jobs read_kibs=$3 write_kibs=$5 kib=$(($2 + $4))"
}

timed() {	# timed DATA WORKLOAD JOBS fio-options...
	run_fio "$@" --time_based --runtime="$RUNTIME"
}

record_mem() {	# record_mem DATA
	[ "$SYS" = brd ] && return 0
	set -- "$1" $(cat /sys/block/zram0/mm_stat)
	echo "mem: rep=$REP sys=$SYS alg=$ALG data=$1 orig=$2 compr=$3" \
	     "used=$4 same=$7 huge=$9 slab_kib=$(($(slab_kib) - SLAB_BEFORE))"
}

# The corpus, written with one dd: the real-data sequential write.
write_corpus() {
	local out secs

	mark begin
	out=$(dd if="$CORPUS" of="$DEV" bs=1M oflag=direct 2>&1) || {
		fail "dd corpus to $DEV: $out"
		return 1
	}
	mark end
	# "N bytes (...) copied, 0.912 s, 147 MB/s"
	secs=$(echo "$out" | awk -F', ' '/copied/ { sub(/ s$/, "", $(NF-1)); print $(NF-1) }')
	echo "bench: rep=$REP sys=$SYS alg=$ALG data=corpus wl=dd-write" \
	     "jobs=1 read_kibs=0 write_kibs=$(awk -v b="$CORPUS_BYTES" -v s="$secs" \
		'BEGIN { printf "%d", (s > 0) ? b / 1024 / s : 0 }')" \
	     "kib=$((CORPUS_BYTES / 1024))"
	record_mem corpus
}

check_corpus() {
	cmp -n "$CORPUS_BYTES" "$CORPUS" "$DEV" >/dev/null ||
		fail "$DEV does not read back the corpus"
}

corpus_workloads() {	# corpus_workloads "JOBS..."
	local j

	write_corpus || return 1
	for j in $1; do
		timed corpus randread "$j" --rw=randread --bs=4k
		timed corpus seqread "$j" --rw=read --bs=1M
	done
	check_corpus
	for j in $1; do
		timed corpus randwrite "$j" --rw=randwrite --bs=4k $WRITE_MEMLIKE
		timed corpus randrw "$j" --rw=randrw --rwmixread=70 --bs=4k \
			$WRITE_MEMLIKE
		timed corpus seqwrite "$j" --rw=write --bs=1M $WRITE_MEMLIKE
	done
}

# Incompressible (fresh random bytes) and same-filled (zero) pages: fill
# the region sequentially, then random reads and writes.
special_workloads() {
	local data opts

	for data in random zero; do
		case $data in
		random) opts=--refill_buffers ;;
		zero) opts=--zero_buffers ;;
		esac
		run_fio $data seqwrite 1 --rw=write --bs=1M $opts
		record_mem $data
		timed $data randread 1 --rw=randread --bs=4k
		timed $data randwrite 1 --rw=randwrite --bs=4k $opts
	done
}

# Write and read back with checksums: a correctness check, not timed.
verify_writes() {
	fio --name=verify --filename="$DEV" --direct=1 --ioengine=psync \
		--size=32M --rw=randwrite --bs=4k --verify=crc32c \
		--do_verify=1 $WRITE_MEMLIKE >/dev/null 2>&1 ||
		fail "fio write+verify on $DEV"
}

# memhog needs SWAP_MIB but its cgroup grants CGROUP_MIB: the rest goes to
# swap on $DEV and comes back, verified.
swap_test() {
	local t0 t1 rc

	if ! mkswap "$DEV" >/dev/null || ! swapon "$DEV"; then
		fail "swapon $DEV"
		return 1
	fi
	mark begin
	t0=$(uptime_secs)
	sh -c "echo \$\$ > $CGROUP/cgroup.procs && exec memhog $SWAP_MIB" \
		>/dev/null 2>&1
	rc=$?
	t1=$(uptime_secs)
	mark end
	swapoff "$DEV"
	if [ $rc -ne 0 ]; then
		fail "memhog $SWAP_MIB MiB with swap on $SYS: exit $rc"
		return 1
	fi
	echo "swap: rep=$REP sys=$SYS alg=$ALG mib=$SWAP_MIB" \
	     "limit_mib=$CGROUP_MIB secs=$(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.2f", b - a }')"
}

# Guest seconds, to the microsecond, that "$@" takes.
time_secs() {
	local t0=$EPOCHREALTIME

	"$@" || return 1
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

ext4_step() {	# ext4_step STEP COMMAND...: one timed step, one "ext4:" line
	local step=$1 secs

	shift
	secs=$(time_secs "$@") || return 1
	echo "ext4: rep=$REP sys=$SYS alg=$ALG step=$step secs=$secs"
}

# zram as a file system (a compressed /tmp): the corpus copied in, read
# back from the device and deleted.  brd takes no discards, so it has no
# trim step.
ext4_test() {
	local mnt=/mnt/bench

	mkdir -p $mnt
	ext4_step mkfs mkfs.ext4 -q -F "$DEV" || { fail "mkfs.ext4 $DEV"; return 1; }
	if ! mount -t ext4 "$DEV" $mnt; then
		fail "mount $DEV"
		return 1
	fi
	ext4_step copy sh -c "cp '$CORPUS' $mnt/corpus && sync" ||
		fail "copying the corpus onto ext4 on $SYS"
	echo 3 > /proc/sys/vm/drop_caches
	ext4_step read cp $mnt/corpus /dev/null ||
		fail "reading the corpus back from ext4 on $SYS"
	cmp -s "$CORPUS" $mnt/corpus || fail "the corpus read back from ext4 on $SYS differs"
	rm $mnt/corpus
	if [ "$SYS" != brd ]; then
		ext4_step trim fstrim $mnt || fail "fstrim on $SYS"
	fi
	umount $mnt || fail "umount $mnt"
}

# One system's turn: load it, run one phase of measurements, unload it.
# Phases are short (under a minute) so that the systems they compare run
# close together in time.
turn() {	# turn SYS ALG PHASE
	local t0 jobs=1

	SYS=$1 ALG=$2 turn_failed=0
	if [ "$SYS" = kernel ] && ! kernel_has_alg "$ALG"; then
		ktap ok "rep $REP $ALG $3 kernel # SKIP the kernel's zram has no $ALG"
		return
	fi
	t0=$(uptime_secs)
	if ! load_system "$SYS" "$ALG"; then
		ktap "not ok" "rep $REP $ALG $3 $SYS: cannot load or set up"
		unload_system "$SYS" 2>/dev/null
		return
	fi
	case $3 in
	corpus-full) corpus_workloads "1 2" ;;
	corpus) corpus_workloads 1 ;;
	special) special_workloads && verify_writes ;;
	swap) swap_test ;;
	ext4) ext4_test ;;
	esac
	unload_system "$SYS" || fail "unloading $SYS"
	if [ $turn_failed = 0 ]; then
		ktap ok "rep $REP $ALG $3 $SYS ($(awk -v a="$t0" \
			-v b="$(uptime_secs)" 'BEGIN { printf "%.0f", b - a }') s)"
	else
		ktap "not ok" "rep $REP $ALG $3 $SYS"
	fi
}

# --- zsmalloc microbenchmark modules (optional) --------------------------

# zsmalloc_bench.ko (our allocator) and zsmalloc_bench_kernel.ko (the same
# benchmark on the kernel's zsmalloc.ko) measure on load, print "zsbench:"
# lines to the kernel log and stay loaded.  One run of each per repetition,
# in rotating order like the rest.
zsbench_run() {	# zsbench_run MODULE
	local mod=$1 out

	dmesg -c >/dev/null
	if ! modprobe "$mod"; then
		ktap "not ok" "rep $REP allocator microbenchmark $mod: cannot load"
		return
	fi
	rmmod "$mod"
	[ "$mod" = zsmalloc_bench_kernel ] && ! kernel_zsmalloc_builtin &&
		rmmod zsmalloc
	out=$(dmesg | grep -o 'zsbench: .*')
	echo "$out" | sed "s/^zsbench: /zsbench: rep=$REP /"
	if [ -n "$out" ] && ! echo "$out" | grep -q failed; then
		ktap ok "rep $REP allocator microbenchmark $mod"
	else
		ktap "not ok" "rep $REP allocator microbenchmark $mod"
	fi
}

zsbench_round() {
	local mods='' mod

	for mod in zsmalloc_bench zsmalloc_bench_kernel; do
		if have_module extra $mod; then
			mods="$mods $mod"
		elif [ "$REP" = 1 ]; then
			note "$mod.ko not built: no allocator microbenchmark"
		fi
	done
	[ -n "$mods" ] || return 0
	for mod in $(rotate $(((REP - 1) % $(echo $mods | wc -w))) $mods); do
		note "rep $REP/$REPS allocator microbenchmark $mod"
		zsbench_run $mod
	done
}

# The first corpus write of a boot costs 1.6% more guest instructions than
# every later one (a cold guest; measured with -icount, where it shows):
# pay it once, untimed, so that the first system measured is not the one
# that pays it.
warm_up() {	# warm_up SYS ALG
	SYS=$1 ALG=$2
	if ! load_system "$SYS" "$ALG"; then
		unload_system "$SYS" 2>/dev/null
		return
	fi
	dd if="$CORPUS" of="$DEV" bs=1M oflag=direct 2>/dev/null
	unload_system "$SYS"
}

# --- main ------------------------------------------------------------------

rotate() {	# rotate N WORDS...: the words, rotated left N times
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		set -- "$@" "$1"
		shift
		n=$((n - 1))
	done
	echo "$@"
}

if [ ! -r "$CORPUS" ]; then
	ktap "not ok" "corpus $CORPUS missing (run tools/testing/bench/run-bench)"
	exit 1
fi
# fio leaves JOB.prerun.txt files in the current directory.
cd "${TMPDIR:-/tmp}" || exit 1
CORPUS_BYTES=$(stat -c %s "$CORPUS")

systems=
if [ "$AA" = 1 ]; then
	note "A/A control run: \"ours\" is the kernel's zram.ko"
	kernel_available && systems=ours
elif ours_available; then
	systems=ours
else
	ktap ok "our zram # SKIP zram.ko not built"
fi
if kernel_available; then
	systems="$systems kernel"
	load_kernel_zram &&
		KERNEL_ALGS=$(tr -d '[]' < /sys/block/zram0/comp_algorithm)
	unload_system kernel
	note "the kernel's zram offers: $KERNEL_ALGS"
	keep_comparable_algs
else
	ktap ok "kernel zram # SKIP no zram.ko/zsmalloc.ko in this kernel"
fi
systems="$systems brd"

mkdir -p $CGROUP
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
echo "${CGROUP_MIB}M" > $CGROUP/memory.max

first_alg=${ALGS%% *}
note "bench: reps=$REPS runtime=${RUNTIME}s algs=$ALGS systems=$systems" \
     "corpus=$((CORPUS_BYTES >> 20))MiB swap=${SWAP_MIB}MiB/${CGROUP_MIB}MiB"
echo "config: reps=$REPS runtime=$RUNTIME algs=$(echo $ALGS | tr ' ' ,) aa=$AA" \
     "corpus_mib=$((CORPUS_BYTES >> 20)) swap_mib=$SWAP_MIB" \
     "cgroup_mib=$CGROUP_MIB kernel=$(uname -r) cpus=$(nproc)"

await_crypto_selftests
for sys in $systems; do
	warm_up "$sys" "$first_alg"
	break
done
REP=1
while [ $REP -le "$REPS" ]; do
	for alg in $ALGS; do
		if [ "$alg" = "$first_alg" ]; then
			set -- $systems
			phases="corpus-full special swap ext4"
		else
			set -- $(echo $systems | sed 's/ *brd//')
			phases=corpus
		fi
		[ -n "$ONLY_PHASES" ] && phases=$ONLY_PHASES
		order=$(rotate $(((REP - 1) % $#)) "$@")
		for phase in $phases; do
			for sys in $order; do
				note "rep $REP/$REPS $alg $phase: $sys"
				turn "$sys" "$alg" $phase
			done
		done
	done
	[ -z "$ONLY_PHASES" ] && zsbench_round
	REP=$((REP + 1))
done

rmdir $CGROUP
[ -n "$ONLY_PHASES" ] && exit 0
# Writeback to a backing device, ours against the kernel's.
BENCH_NESTED=1 /opt/zram/bench/writeback.sh && ktap ok "writeback benchmark" ||
	ktap "not ok" "writeback benchmark"
BENCH_NESTED=1 /opt/zram/bench/recompress.sh && ktap ok "recompression benchmark" ||
	ktap "not ok" "recompression benchmark"
/opt/zram/bench/fragmentation.sh
# Swap under pressure: our policy against a user-space writeback daemon.
BENCH_NESTED=1 /opt/zram/bench/policy.sh && ktap ok "policy benchmark" ||
	ktap "not ok" "policy benchmark"
exit 0
