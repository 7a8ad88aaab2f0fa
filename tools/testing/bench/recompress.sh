#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the recompression and levels benchmark (bench.sh runs it
# after writeback.sh; on its own: tools/testing/vm/run-vm --kver VER
# bench/recompress.sh, with build/bench-data made by run-bench).
#
# The first BENCH_RECOMP_MIB [64] MiB of the corpus, written with one
# O_DIRECT dd to our zram and to the kernel's, in rotating order, in these
# scenarios:
#   lzo-rle          lzo-rle as primary algorithm
#   lzo-rle+zstd     then every page marked idle and "type=idle" written to
#                    recompress, zstd (default level) as priority 1
#   zstd-N           zstd at level N (algorithm_params), N = 1, 3, 8
#   zstd-N+dict      the same with /opt/zram/data/zstd.dict, trained on
#                    the host from pages of the corpus (mkdict.sh)
#   lz4-N[+dict]     lz4 at acceleration N, lz4hc-N[+dict] lz4hc at level
#                    N, without or with the same dictionary (of which lz4
#                    takes the last 64 KiB); by default lz4-1+dict and
#                    lz4hc-9+dict
# What each zram can do is found out at run time: an algorithm it does not
# list, a missing attribute, a refused setting or, for the kernel's zram
# only, a failed write makes the scenario "n/a" for it (the kernel's level
# 3 without algorithm_params is its default level, zstd's own default,
# 3).  One line per measurement:
#   recbench: rep=R sys=S scen=X orig=B compr=B used=B op=write|recompress ms=T
#             [note=default-level]
#   recbench: rep=R sys=S scen=X op=read read_ms=T
#   recbench: rep=R sys=S scen=X na=WHAT   (WHAT it lacks)
# orig/compr/used are mm_stat's orig_data_size, compr_data_size and
# mem_used_total after the operation; ms is the guest clock around it
# (under -icount it counts instructions), read_ms that around one O_DIRECT
# read of what was written, then a summary per scenario.
# Settings from /opt/zram/data/bench.conf: BENCH_RECOMP_REPS [1] (the
# memory figures are exact, and under -icount the times repeat within 2%),
# BENCH_RECOMP_MIB, BENCH_RECOMP_SCENARIOS (some of the scenarios above).

# Run as "sh recompress.sh" by run-vm: bash is needed (EPOCHREALTIME).
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

DATA_DIR=/opt/zram/data
# shellcheck disable=SC1091
. "$(dirname "$0")/scenario_lib.sh"
# shellcheck disable=SC1091
[ -r "$DATA_DIR/bench.conf" ] && . "$DATA_DIR/bench.conf"
REPS=${BENCH_RECOMP_REPS:-1}
MIB=${BENCH_RECOMP_MIB:-64}
CORPUS=$DATA_DIR/corpus.bin
DICT=$DATA_DIR/zstd.dict
MODULES=/lib/modules/$(uname -r)
KERNEL_ZRAM=$MODULES/kernel/drivers/block/zram/zram.ko
Z=/sys/block/zram0
RESULTS=${TMPDIR:-/tmp}/recbench.results
SCENARIOS=${BENCH_RECOMP_SCENARIOS:-"lzo-rle zstd-1 zstd-3 zstd-8 zstd-1+dict zstd-3+dict zstd-8+dict lz4-1+dict lz4hc-9+dict"}
status=0

now_us()
{
	local t=${EPOCHREALTIME/./}

	echo "$t"
}

# The kernel's zram.ko with the modules it needs; insmod, because modprobe
# would pick ours in updates/.
load()	# load SYS
{
	local dep

	[ "$1" = ours ] && { modprobe zram; return; }
	for dep in zsmalloc $(modinfo -F depends "$KERNEL_ZRAM" | tr , ' '); do
		modprobe "$dep" 2> /dev/null
	done
	insmod "$KERNEL_ZRAM"
}

unload()	# unload SYS
{
	echo 1 > $Z/reset
	rmmod zram
	[ "$1" = kernel ] && rmmod zsmalloc 2> /dev/null
	return 0
}

# put ATTR VALUE: write a sysfs attribute; fails if it is missing or the
# write is refused.
put()
{
	[ -e "$Z/$1" ] && echo "$2" 2> /dev/null > "$Z/$1"
}

# configure SCEN: set up the device before disksize; prints what the
# system lacks for SCEN and fails if it cannot do it ("default-level" and
# success: the kernel's default stands in for level 3).
configure()
{
	local scen=$1 alg level params

	if [ "$scen" = lzo-rle ]; then
		put comp_algorithm lzo-rle || { echo lzo-rle; return 1; }
		return 0
	fi
	alg=${scen%%-*}
	level=${scen#*-}
	level=${level%+dict}
	put comp_algorithm "$alg" || { echo "$alg"; return 1; }
	params="algo=$alg level=$level"
	case $scen in
	*+dict) params="$params dict=$DICT" ;;
	esac
	put algorithm_params "$params" && return 0
	if [ ! -e "$Z/algorithm_params" ]; then
		# Without the attribute the kernel's zstd runs at level 3.
		[ "$scen" = zstd-3 ] && { echo default-level; return 0; }
		echo algorithm_params
	elif [ "$params" != "${params% dict=*}" ] &&
	     put algorithm_params "${params% dict=*}"; then
		echo "$alg-dict"
	else
		echo "$alg-level-$level"
	fi
	return 1
}

# report REP SYS SCEN OP MS [NOTE]: one recbench line from mm_stat.
report()
{
	local stat

	read -ra stat < $Z/mm_stat
	echo "recbench: rep=$1 sys=$2 scen=$3 orig=${stat[0]} compr=${stat[1]}" \
	     "used=${stat[2]} op=$4 ms=$5${6:+ note=$6}" | tee -a "$RESULTS"
}

na()	# na REP SYS SCEN WHAT
{
	echo "recbench: rep=$1 sys=$2 scen=$3 na=$4" | tee -a "$RESULTS"
}

# turn REP SYS SCEN: load SYS, measure SCEN, unload.
turn()
{
	local rep=$1 sys=$2 scen=$3 lacks t0 t1 rc=0

	load "$sys" || { echo "# recbench: cannot load $sys"; return 1; }
	if ! lacks=$(configure "$scen"); then
		na "$rep" "$sys" "$scen" "$lacks"
		[ "$scen" = lzo-rle ] && na "$rep" "$sys" lzo-rle+zstd "$lacks"
		unload "$sys"
		return 0
	fi
	if [ "$scen" = lzo-rle ] &&
	   ! put recomp_algorithm "algo=zstd priority=1"; then
		na "$rep" "$sys" lzo-rle+zstd recomp_algorithm
		scen=lzo-rle-only
	fi
	echo $((MIB * 2))M > $Z/disksize
	t0=$(now_us)
	if ! dd if="$CORPUS" of=/dev/zram0 bs=1M count="$MIB" oflag=direct \
		status=none; then
		# The kernel's zram failing is a finding; ours failing is a bug.
		unload "$sys"
		if [ "$sys" = kernel ]; then
			na "$rep" "$sys" "${scen%-only}" write-fails
			return 0
		fi
		echo "# recbench: $sys $scen: the write failed"
		return 1
	fi
	t1=$(now_us)
	report "$rep" "$sys" "${scen%-only}" write $(((t1 - t0) / 1000)) "$lacks"
	t0=$(now_us)
	dd if=/dev/zram0 of=/dev/null bs=1M count="$MIB" iflag=direct \
		status=none || rc=1
	t1=$(now_us)
	echo "recbench: rep=$rep sys=$sys scen=${scen%-only} op=read" \
	     "read_ms=$(((t1 - t0) / 1000))" | tee -a "$RESULTS"
	if [ "$scen" = lzo-rle ]; then
		echo all > $Z/idle
		t0=$(now_us)
		echo type=idle > $Z/recompress || rc=1
		t1=$(now_us)
		report "$rep" "$sys" lzo-rle+zstd recompress $(((t1 - t0) / 1000))
	fi
	if ! cmp -s -n $((MIB << 20)) "$CORPUS" /dev/zram0; then
		echo "# recbench: $sys $scen: the device does not read back the corpus"
		rc=1
	fi
	unload "$sys"
	return $rc
}

# The first corpus write of a boot costs more guest instructions than any
# later one (a cold guest): pay it once, untimed, with the first system, so
# that the first measurement is not the one that pays it.
warm_up()	# warm_up SYS
{
	load "$1" || return 0
	echo $((MIB * 2))M > $Z/disksize
	dd if="$CORPUS" of=/dev/zram0 bs=1M count="$MIB" oflag=direct \
		status=none
	unload "$1"
}

# median SYS SCEN FIELD: the median over the repetitions.
median()
{
	sed -n "s/.* sys=$1 scen=$2 \(.* \)*$3=\([0-9]*\).*/\2/p" "$RESULTS" |
		median_of
}

summary()	# summary SCEN
{
	local s orig used ms read out=

	for s in ours kernel; do
		orig=$(median $s "$1" orig) used=$(median $s "$1" used)
		ms=$(median $s "$1" ms) read=$(median $s "$1" read_ms)
		out="$out $s: ratio $(ratio "$orig" "$used") ${ms:-n/a} ms"
		out="$out, read ${read:-n/a} ms;"
		eval "used_$s=\$used"
	done
	# shellcheck disable=SC2154
	echo "recbench: summary $1:$out mem_used ours/kernel" \
	     "$(ratio "$used_ours" "$used_kernel" 3)"
}

if [ ! -r "$CORPUS" ]; then
	echo "not ok 1 - recompression benchmark # no $CORPUS (run-bench makes it)"
	exit 1
fi
bytes=$(stat -c %s "$CORPUS")
[ $((MIB << 20)) -le "$bytes" ] || MIB=$((bytes >> 20))
[ -r "$DICT" ] || echo "# recbench: no $DICT (mkdict.sh): the +dict scenarios fail"
rm -f "$RESULTS"
systems=ours
[ -e "$KERNEL_ZRAM" ] && systems="ours kernel"
echo "# recbench: ${MIB} MiB of the corpus, $REPS repetitions, systems: $systems"
# Which system goes first alternates from one measurement to the next.
reversed=$(echo "$systems" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
await_crypto_selftests
warm_up "${systems%% *}"
n=0
rep=1
while [ $rep -le "$REPS" ]; do
	for scen in $SCENARIOS; do
		order=$systems
		[ $((n % 2)) -eq 1 ] && order=$reversed
		n=$((n + 1))
		for sys in $order; do
			turn $rep "$sys" "$scen" || status=1
		done
	done
	rep=$((rep + 1))
done
for scen in lzo-rle lzo-rle+zstd ${SCENARIOS#lzo-rle }; do
	summary "$scen"
done
rm -f "$RESULTS"
scenario_exit "recompression benchmark" $status
