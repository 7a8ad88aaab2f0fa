# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the benchmark's guest scripts: bench.sh, the scenarios it
# runs after its own workloads (writeback.sh, recompress.sh, policy.sh)
# and the profiles (readprof.sh, swapprof.sh, spread.sh).  Sourced, bash
# only.

# await_crypto_selftests: returns once the crypto self-tests the boot left
# running are done.  The kernel tests each algorithm as it registers, in a
# thread of its own: Debian's 6.12 was still testing Diffie-Hellman
# (dh-generic) 45 guest seconds into the boot, and up to 2.7 guest
# seconds of it (340 million instructions) went to whatever was measured
# first.  Every script calls it before its first measurement (under
# bench.sh the scenarios find nothing left to wait for).  Prints what it
# waited as a "# " line.
await_crypto_selftests()
{
	local tenths=0

	while grep -qsx cryptomgr_test /proc/[0-9]*/comm; do
		if [ "$tenths" -ge 1200 ]; then
			echo "# crypto self-tests still running after 120 s; going on"
			return
		fi
		sleep 0.1
		tenths=$((tenths + 1))
	done
	echo "# waited $((tenths / 10)).$((tenths % 10)) s for the boot's crypto self-tests"
}

# median_of: the median of the numbers on standard input.
median_of()
{
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# ratio A B [DIGITS]: A / B, or "n/a" without both.
ratio()
{
	awk -v a="$1" -v b="$2" -v d="${3:-2}" \
		'BEGIN { if (a != "" && b > 0) printf "%." d "f", a / b; else print "n/a" }'
}

# rotate_turns REPS SYSTEMS...: "turn REP SYS" for every system in each of
# REPS repetitions, each system going first in turn so that none always
# meets a fresh (or a used) machine.  Fails if a turn failed.
rotate_turns()
{
	local reps=$1 rep=1 i status=0

	shift
	while [ "$rep" -le "$reps" ]; do
		for ((i = 0; i < $#; i++)); do
			local n=$(((i + rep - 1) % $# + 1))

			turn "$rep" "${!n}" || status=1
		done
		rep=$((rep + 1))
	done
	return $status
}

# scenario_exit NAME STATUS: ends the scenario with STATUS, with a KTAP
# verdict of its own when run alone (bench.sh gives one when nested).
scenario_exit()
{
	if [ -z "${BENCH_NESTED:-}" ]; then
		[ "$2" -eq 0 ] && echo "ok 1 - $1" || echo "not ok 1 - $1"
	fi
	exit "$2"
}
