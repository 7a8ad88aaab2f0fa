#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debian's zram-tools drives our module unchanged: "zramswap start" reads
# /etc/default/zramswap (ALGO, SIZE in MiB or PERCENT of MemTotal,
# PRIORITY), sizes zram0 and swaps on it; "zramswap status" lists it;
# "zramswap stop" swaps off and unloads the module.

cd "$(dirname "$0")" && . ./lib.sh

ktap_plan 14

modprobe -q zsmalloc 2> /dev/null
mkdir -p /etc/default
cat > /etc/default/zramswap << 'CONF'
ALGO=lz4
SIZE=96
PRIORITY=42
CONF
check_run "zramswap start (ALGO=lz4 SIZE=96 PRIORITY=42)" zramswap start
if zram_is_ours && [ -e /sys/module/zram/parameters/zsmalloc_mapping ]; then
	ktap_ok "zramswap loaded our module"
else
	ktap_fail "zramswap loaded our module"
fi
check_eq "/proc/swaps has /dev/zram0 at priority 42" 42 \
	"$(swap_priority /dev/zram0)"
check_eq "comp_algorithm selects lz4" lz4 "$(algorithm zram0)"
check_eq "disksize is 96 MiB" $((96 << 20)) "$(< $SYS/zram0/disksize)"
status=$(zramswap status 2>&1)
echo "$status" | sed 's/^/# /'
check_eq "zramswap status lists /dev/zram0, lz4, 96M" "/dev/zram0 lz4 96M" \
	"$(echo "$status" | awk '$1 == "/dev/zram0" { print $1, $2, $3 }')"
check_run "zramswap stop" zramswap stop
check_eq "zram0 is no longer swap" none "$(swap_priority /dev/zram0)"
check_eq "zramswap stop unloaded zram" absent \
	"$([ -d /sys/module/zram ] && echo present || echo absent)"

# PERCENT takes precedence over SIZE.
cat > /etc/default/zramswap << 'CONF'
ALGO=zstd
SIZE=96
PERCENT=25
PRIORITY=5
CONF
check_run "zramswap start (ALGO=zstd PERCENT=25 PRIORITY=5)" zramswap start
check_eq "/proc/swaps has /dev/zram0 at priority 5" 5 \
	"$(swap_priority /dev/zram0)"
check_eq "comp_algorithm selects zstd" zstd "$(algorithm zram0)"
# The driver rounds disksize up to whole pages.
quarter=$(($(meminfo MemTotal) * 1024 * 25 / 100))
check_eq "disksize is 25% of MemTotal, page-aligned" \
	$(((quarter + PAGE - 1) / PAGE * PAGE)) "$(< $SYS/zram0/disksize)"
check_run "zramswap stop" zramswap stop

zram_unload
ktap_finish
