# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the scenarios bench.sh runs after its own workloads
# (writeback.sh, recompress.sh, policy.sh): sourced, bash only.

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
