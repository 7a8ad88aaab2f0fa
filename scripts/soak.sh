#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The long soak ("make soak"): rel_soak.sh in one VM of 1 GiB, on the
# debug kernel (KASAN, lockdep, kmemleak, UBSAN) by default.  fio verify
# in large and small blocks, swap under memory pressure, ext4 file churn,
# compaction, page migration, writeback and recompression run together;
# then rel_oom.sh fills a 4 GiB device until memory runs out (too slow
# on the debug kernel for the test suite).  The run fails on any verify
# error, e2fsck complaint, kernel report or leak.
#
# usage: scripts/soak.sh [--debian] [--seconds N] [--gib N] [--smp N]
#                       [--name NAME]
#   --debian      Debian's kernel instead of the debug kernel
#   --seconds N   how long the loads run at most (default 600); the guest
#                 reads it from "zt.soak=N" on its kernel command line
#   --gib N       stop the loads once N GiB are verified, and fail if the
#                 time runs out first ("zt.soak_gib=N")
#   --smp N       virtual CPUs (run-vm's default otherwise)
#   --name NAME   logs in build/vm/NAME/ instead of build/vm/soak/
#
# The soak ends with a line "# soak verified: ..." giving the data
# verified per load, the rate and the verify errors.
#
# Logs: build/vm/soak/ by default (console.log, results.log).  Exit status
# 0 only if the soak passed.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
RUN_VM=$TOP/tools/testing/vm/run-vm
KERNEL=--debug NAME=debug SECONDS_TO_RUN=600 GIB= SMP= LOGS=soak
USAGE="usage: scripts/soak.sh [--debian] [--seconds N] [--gib N] [--smp N] [--name NAME]"

while [ $# -gt 0 ]; do
	case "$1" in
	--debian) KERNEL='' NAME=Debian; shift ;;
	--seconds) SECONDS_TO_RUN=${2-}; shift 2 ;;
	--gib) GIB=${2-}; shift 2 ;;
	--smp) SMP=${2-}; shift 2 ;;
	--name) LOGS=${2-}; shift 2 ;;
	*) echo "$USAGE" >&2; exit 2 ;;
	esac
done
for n in "$SECONDS_TO_RUN" "${GIB:-1}" "${SMP:-1}"; do
	case "$n" in
	''|*[!0-9]*) echo "soak: --seconds, --gib and --smp take a number" >&2
		exit 2 ;;
	esac
done

set -- --append "zt.soak=$SECONDS_TO_RUN"
[ -z "$GIB" ] || set -- "$@" --append "zt.soak_gib=$GIB"
[ -z "$SMP" ] || set -- "$@" --smp "$SMP"

# Per script: the loads, then setup, checks and the kmemleak scans of a
# debug kernel.
timeout=$((SECONDS_TO_RUN + 900))
echo "soak: ${GIB:+$GIB GiB verified within }$SECONDS_TO_RUN s on the $NAME kernel"
# shellcheck disable=SC2086
exec "$RUN_VM" $KERNEL --mem 1G --name "$LOGS" --timeout "$timeout" "$@" \
	rel_soak.sh rel_oom.sh
