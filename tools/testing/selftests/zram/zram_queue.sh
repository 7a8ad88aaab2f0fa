#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The request queue zram sets up, as sysfs shows it: the same on 6.1 and
# 6.12, although 6.1 takes it as queue flags and setters and 6.12 as one
# queue_limits with features (zram_compat.h translates).  The block sizes
# and discard limits are checked in zram_badio.sh, swap's synchronous
# reads in zram_swap.sh.

cd "$(dirname "$0")" && . ./lib.sh

Q=$SYS/zram0/queue

ktap_plan 5

check_run "modprobe zram" zram_load || ktap_finish
check_eq "stable writes: swap's page must not change while it is compressed" \
	1 "$(< $Q/stable_writes)"
check_eq "not rotational, adds no entropy" "0 0" \
	"$(cat $Q/rotational $Q/add_random | xargs)"
check_eq "minimum and optimal I/O size: one page" "$PAGE $PAGE" \
	"$(cat $Q/minimum_io_size $Q/optimal_io_size | xargs)"
check_run "rmmod zram" zram_unload
ktap_finish
