#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Races.  For a bounded time, shell loops write reset, disksize,
# comp_algorithm, compact, mem_limit, hot_add and hot_remove as fast as they
# can, all at once, while fio writes and verifies zram1 and a program swaps
# through zram0 and checks its pages.  zram2 is set up, used and torn down
# over and over by two loops at once (and hot-removed when idle); further
# devices come and go through hot_add and hot_remove.  The busy devices
# must refuse every reset, disksize, comp_algorithm and hot_remove and lose
# nothing; rmmod must be refused all along; no kernel report.
cd "$(dirname "$0")" || exit 1
. ./rel_lib.sh

SECONDS_TO_RUN=${REL_RACE_SECONDS:-$((20 + 20 / REL_SCALE))}
FIO_MIB=$((32 / REL_SCALE))
SWAP_MIB=$((96 / REL_SCALE))
RUN=$TMPDIR/rel-races
STOP=$RUN/stop

ktap_plan 10
start=$(date +%s)
rm -rf "$RUN"
mkdir -p "$RUN"

rel_load 3 || exit 1
ktap_ok "load zram"

# zram0: swap; zram1: fio verify; zram2: the churn device.
rel_setup zram0 160M && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
rel_setup zram1 96M lzo
# Between two fio runs zram1 would be idle, and resetting it allowed:
# keep it open all along.
exec 8</dev/zram1
cg=$(rel_cgroup rel-races $((SWAP_MIB * 2 / 5))M)

# --- the loops; each ends when $STOP appears and leaves its counts --------

# Writes to the busy devices that must all be refused.
busy_writer()
{
	local accepted=0 tries=0 dev

	while [ ! -e $STOP ]; do
		for dev in zram0 zram1; do
			echo 1 > $SYS/$dev/reset && accepted=$((accepted + 1))
			echo 64M > $SYS/$dev/disksize && accepted=$((accepted + 1))
			echo lz4 > $SYS/$dev/comp_algorithm &&
				accepted=$((accepted + 1))
			echo "${dev#zram}" > $CTL/hot_remove &&
				accepted=$((accepted + 1))
			tries=$((tries + 4))
		done
	done 2>/dev/null
	echo "$tries $accepted" > $RUN/busy
}

# Writes that are fine on any device at any time.
tuner()
{
	local n=0 dev

	while [ ! -e $STOP ]; do
		for dev in zram0 zram1 zram2; do
			echo 1 > $SYS/$dev/compact
			echo 512M > $SYS/$dev/mem_limit
			echo 0 > $SYS/$dev/mem_limit
			echo 0 > $SYS/$dev/mem_used_max
			echo all > $SYS/$dev/idle
			cat $SYS/$dev/mm_stat $SYS/$dev/io_stat \
				$SYS/$dev/debug_stat > /dev/null
		done
		n=$((n + 1))
	done 2>/dev/null
	echo "$n" > $RUN/tuner
}

# zram2: set up, write, read, reset, with another algorithm each time.
churn()
{
	local n=0 alg

	while [ ! -e $STOP ]; do
		for alg in lzo lzo-rle lz4 zstd; do
			echo $alg > $SYS/zram2/comp_algorithm
			echo 8M > $SYS/zram2/disksize
			# nocreat: while hotplug() has zram2 removed, a
			# plain dd would leave a regular file in its place.
			dd if=/dev/urandom of=/dev/zram2 bs=64k count=32 \
				oflag=direct conv=nocreat
			dd if=/dev/zram2 of=/dev/null bs=64k iflag=direct
			echo 1 > $SYS/zram2/reset
			n=$((n + 1))
		done
	done >/dev/null 2>&1
	echo "$n" > $RUN/churn
}

# Races with churn on zram2 itself.
churn_racer()
{
	local n=0

	while [ ! -e $STOP ]; do
		echo 1 > $SYS/zram2/reset
		echo 4M > $SYS/zram2/disksize
		echo zstd > $SYS/zram2/comp_algorithm
		echo 1 > $SYS/zram2/compact
		dd if=/dev/zram2 of=/dev/null bs=4k count=8 iflag=direct
		n=$((n + 1))
	done >/dev/null 2>&1
	echo "$n" > $RUN/churn_racer
}

# hot_add, use and hot_remove fresh devices; try to remove zram2 too.
hotplug()
{
	local n=0 id

	while [ ! -e $STOP ]; do
		id=$(cat $CTL/hot_add) || continue
		echo 1M > $SYS/zram$id/disksize
		dd if=/dev/zero of=/dev/zram$id bs=4k count=16 oflag=direct \
			conv=nocreat
		echo "$id" > $CTL/hot_remove
		n=$((n + 1))
		if [ $((n % 8)) = 0 ] && echo 2 > $CTL/hot_remove; then
			# It was idle: bring it back (the lowest free id).
			id=$(cat $CTL/hot_add)
			[ "$id" = 2 ] ||
				echo "hot_add gave zram$id, not zram2" >> $RUN/hotplug.log
		fi
	done >/dev/null 2>&1
	echo "$n" > $RUN/hotplug
}

# rmmod must never succeed while devices are busy.
unloader()
{
	local tries=0 unloaded=0

	while [ ! -e $STOP ]; do
		rmmod zram 2>/dev/null && unloaded=$((unloaded + 1))
		tries=$((tries + 1))
		sleep 1
	done
	echo "$tries $unloaded" > $RUN/unloader
}

# Fixed-size write-then-verify fio runs on zram1 until told to stop.
verifier()
{
	local runs=0 failed=0

	while [ ! -e $STOP ]; do
		fio --name=rel-verify --filename=/dev/zram1 --direct=1 \
			--ioengine=psync --rw=randwrite --bs=4k --size=${FIO_MIB}M \
			--numjobs=1 --verify=crc32c --verify_fatal=1 \
			--randseed=$runs --buffer_compress_percentage=50 \
			--refill_buffers --output=$RUN/fio.$runs >/dev/null 2>&1 ||
			{ failed=$((failed + 1)); cp $RUN/fio.$runs $RUN/fio.failed; }
		runs=$((runs + 1))
	done
	echo "$runs $failed" > $RUN/verifier
}

# Pages of a program pushed through swap on zram0 and checked.
swapper()
{
	local runs=0 failed=0

	while [ ! -e $STOP ]; do
		rel_in_cgroup "$cg" memhog $SWAP_MIB >> $RUN/memhog.log 2>&1 ||
			failed=$((failed + 1))
		runs=$((runs + 1))
	done
	echo "$runs $failed" > $RUN/swapper
}

busy_writer & tuner & churn & churn_racer & hotplug & unloader &
verifier & swapper &
sleep "$SECONDS_TO_RUN"
touch $STOP
wait
diag "raced for $SECONDS_TO_RUN s; loop counts:" \
	"tuner $(cat $RUN/tuner) churn $(cat $RUN/churn)" \
	"churn_racer $(cat $RUN/churn_racer) hotplug $(cat $RUN/hotplug)"

check_none "zram2 removed while idle comes back as the lowest free id" \
	"$(cat $RUN/hotplug.log 2> /dev/null)"
read -r runs failed < $RUN/verifier
[ -e $RUN/fio.failed ] && grep -iE 'verify|err|bad' $RUN/fio.failed | head -n 10 | sed 's/^/# /'
check_eq "fio verify on zram1: $runs runs of $FIO_MIB MiB, failures" 0 "$failed"
fio_runs=$runs
[ "$runs" -gt 0 ]
check_eq "fio ran at least once" 0 $?

read -r runs failed < $RUN/swapper
grep -v 'bad pages' $RUN/memhog.log | head -n 5 | sed 's/^/# /'
check_eq "swap on zram0: $runs memhog runs of $SWAP_MIB MiB in $((SWAP_MIB * 2 / 5)) MiB, failures" 0 "$failed"
swap_runs=$runs

read -r tries accepted < $RUN/busy
check_eq "busy devices refused reset/disksize/comp_algorithm/hot_remove ($tries tries)" 0 "$accepted"
read -r tries unloaded < $RUN/unloader
check_eq "rmmod refused while busy ($tries tries)" 0 "$unloaded"

exec 8<&-
swapoff /dev/zram0
check_cmp "zram0 failed_writes after swapoff" "$(io zram0 2)" -eq 0
rmdir "$cg"
for dev in $SYS/zram*; do
	echo 1 > "$dev/reset"
done
for dev in $SYS/zram*; do
	id=${dev##*zram}
	[ "$id" -gt 2 ] && echo "$id" > $CTL/hot_remove
done
check_run "zram unloads after the races" rmmod zram
rel_check_no_reports "no kernel reports"

rel_figure "races: ${SECONDS_TO_RUN}s, $fio_runs fio verify runs ($((fio_runs * FIO_MIB)) MiB verified), $swap_runs swap runs ($((swap_runs * SWAP_MIB)) MiB verified), $(cat $RUN/hotplug) hot_add/remove cycles"
rel_figure "rel_races took $(($(date +%s) - start)) s"
ktap_finish
