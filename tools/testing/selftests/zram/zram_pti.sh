#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zsmalloc's page-table mapping and page table isolation (PTI).  Under PTI
# kernel PTEs are not global and the TLB keeps the per-CPU window's
# translation per address space (PCID); a module cannot flush them all,
# so pools fall back to copying, say so once in the kernel log and in
# debugfs, and the zsmalloc_mapping parameter reports copy.  Without PTI
# page-table mapping stays in use.
#
# Either way, several tasks map and unmap objects at once with the data
# checked: the test module's tests (concurrent mapping among them) with
# pgtable asked for, and fio verify on zram asking for each mapping.
#
# SUITE runs this twice: with pti=on, and on a normal boot, where QEMU's
# default CPU is not affected by Meltdown and PTI stays off.  QEMU's TCG
# (7.2) offers no PCID to the guest and drops its whole software TLB on
# every CR3 load, so the stale translation itself cannot be shown here;
# what is checked is the choice, which depends on PTI alone.

cd "$(dirname "$0")" && . ./lib.sh

DBG=/sys/kernel/debug
NOTICE='zsmalloc: pgtable mapping unsafe with page table isolation (PTI); pools copy instead'
OUT=$TMPDIR/fio-pti.out
MIB=$((16 / ZT_SCALE))

# notices MODULE: how often MODULE logged the fallback since this script
# started.
notices()
{
	dmesg | sed -n "/$MARK/,\$p" | grep -cF "$1: $NOTICE"
}

# pool_line DEV KEY: the KEY line of zram device DEV's pool in debugfs.
pool_line()
{
	grep "^$2:" $DBG/zsmalloc-zram/zram$1/pool 2>/dev/null
}

# fio_verify: four tasks write compressible data (objects of many sizes,
# many spanning two pages) to their own quarter of zram0 and verify it.
fio_verify()
{
	fio --output="$OUT" --eta=never --filename=/dev/zram0 --numjobs=4 \
		--offset_increment=$((MIB * 2))M --size=${MIB}M --name=pti \
		--rw=randwrite --bs=4k --direct=1 --ioengine=psync \
		--buffer_compress_percentage=60 --refill_buffers \
		--verify=crc32c --verify_backlog=256 --group_reporting ||
		{ tail -n 25 "$OUT"; return 1; }
}

# cpu_flag FLAG: 1 when /proc/cpuinfo lists FLAG (pti shows there even
# when forced on a CPU that Meltdown does not affect), else 0.
cpu_flag()
{
	grep -m 1 '^flags' /proc/cpuinfo | grep -qw "$1" && echo 1 || echo 0
}

pti=$(cpu_flag pti)
expect=pgtable
[ "$pti" = 1 ] && expect=copy
diag "PTI: $pti, PCID: $(cpu_flag pcid), meltdown:" \
	"$(cat /sys/devices/system/cpu/vulnerabilities/meltdown 2>/dev/null)"

ktap_plan 11

MARK="zram_pti.sh: run $$ $(date +%s)"
echo "$MARK" > /dev/kmsg

case " $(cat /proc/cmdline) " in
*" pti=on "*) check_eq "pti=on: the kernel isolates page tables" 1 "$pti" ;;
*) check_eq "normal boot: PTI is off" 0 "$pti" ;;
esac

[ -d /sys/module/zsmalloc_test ] && rmmod zsmalloc_test
modprobe zsmalloc_test zsmalloc_mapping=pgtable
log=$(module_log zsmalloc_test "$MARK")
# Every test but the one that needs fault_inject=1 (run with each
# mapping), which says it skipped.
check_eq "zsmalloc_test with pgtable asked for: every test passes" \
	"$(($(echo "$log" | sed -n 's/^1\.\.//p' | head -n 1) - 2)) 0 copy_kernel_fault_injection pgtable_kernel_fault_injection" \
	"$(echo "$log" | grep '^ok ' | grep -vc '# SKIP') $(echo "$log" | grep -c '^not ok ') \
$(echo "$log" | sed -n 's/^ok [0-9]* - \(.*\) # SKIP.*/\1/p' | xargs)"
echo "$log" | grep '^not ok ' | sed 's/^/# /'
check_eq "zsmalloc_test's parameter reports $expect" $expect \
	"$(cat /sys/module/zsmalloc_test/parameters/zsmalloc_mapping)"
rmmod zsmalloc_test

zram_load num_devices=2 zsmalloc_mapping=pgtable || ktap_finish
echo 64M > $SYS/zram0/disksize
echo 16M > $SYS/zram1/disksize
check_eq "zram's parameter reports $expect" $expect \
	"$(cat /sys/module/zram/parameters/zsmalloc_mapping)"
check_eq "both pools map with $expect (debugfs)" \
	"mapping: $expect mapping: $expect" "$(pool_line 0 mapping) $(pool_line 1 mapping)"
if [ $pti = 1 ]; then
	check_eq "debugfs says why: PTI" \
		"mapping_fallback: unsafe with page table isolation (PTI)" \
		"$(pool_line 0 mapping_fallback)"
	check_eq "the kernel log says so once per module" "1 1" \
		"$(notices zsmalloc_test) $(notices zram)"
else
	check_none "debugfs gives no fallback reason" \
		"$(pool_line 0 mapping_fallback)"
	check_eq "the kernel log has no fallback notice" "0 0" \
		"$(notices zsmalloc_test) $(notices zram)"
fi
check_run "4 fio tasks verify data on zram, pgtable asked for" fio_verify
zram_unload

zram_load zsmalloc_mapping=copy || ktap_finish
echo 64M > $SYS/zram0/disksize
check_eq "with copy asked for, the pool copies" "mapping: copy" \
	"$(pool_line 0 mapping)"
check_run "4 fio tasks verify data on zram, copy asked for" fio_verify
check_run "rmmod zram" zram_unload
ktap_finish
