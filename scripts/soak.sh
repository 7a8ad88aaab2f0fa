#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The long soak ("make soak"): rel_soak.sh in one VM of 1 GiB, on the
# debug kernel (KASAN, lockdep, kmemleak, UBSAN) by default.  fio verify,
# swap under memory pressure, ext4 file churn and compaction run together;
# then rel_oom.sh fills a 4 GiB device until memory runs out (too slow on
# the debug kernel for the test suite).  The run fails on any verify
# error, e2fsck complaint, kernel report or leak.
#
# usage: scripts/soak.sh [--debian] [--seconds N]
#   --debian      Debian's kernel instead of the debug kernel
#   --seconds N   how long the loads run (default 600); the guest reads it
#                 from "zt.soak=N" on its kernel command line, which needs
#                 run-vm's --append; without it only 600 is possible
#
# Logs: build/vm/soak/ (console.log, results.log).  Exit status 0 only if
# the soak passed.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
RUN_VM=$TOP/tools/testing/vm/run-vm
KERNEL=--debug NAME=debug SECONDS_TO_RUN=600

while [ $# -gt 0 ]; do
	case "$1" in
	--debian) KERNEL='' NAME=Debian; shift ;;
	--seconds) SECONDS_TO_RUN=$2; shift 2 ;;
	*) echo "usage: scripts/soak.sh [--debian] [--seconds N]" >&2; exit 2 ;;
	esac
done
case "$SECONDS_TO_RUN" in
''|*[!0-9]*) echo "soak: --seconds needs a number" >&2; exit 2 ;;
esac

set --
if [ "$SECONDS_TO_RUN" != 600 ]; then
	if ! grep -q -- '--append' "$RUN_VM"; then
		echo "soak: run-vm has no --append to pass zt.soak=$SECONDS_TO_RUN" >&2
		exit 2
	fi
	set -- --append "zt.soak=$SECONDS_TO_RUN"
fi

# Per script: the loads, then setup, checks and the kmemleak scans of a
# debug kernel.
timeout=$((SECONDS_TO_RUN + 900))
echo "soak: $SECONDS_TO_RUN s on the $NAME kernel"
# shellcheck disable=SC2086
exec "$RUN_VM" $KERNEL --mem 1G --name soak --timeout "$timeout" "$@" \
	rel_soak.sh rel_oom.sh
