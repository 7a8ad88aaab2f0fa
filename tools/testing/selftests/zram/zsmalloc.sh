#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zsmalloc selftest.  Loads zsmalloc_test.ko, whose init runs the in-kernel
# tests of the allocator for both mapping methods and logs KTAP results,
# and reports each of them as a result of this script.  Then checks from
# user space what the module cannot: the debugfs files of a live pool,
# that our zram (which carries its own zsmalloc) loads beside the kernel's
# zsmalloc.ko, and that the zsmalloc_mapping parameter reports and selects
# the mapping method.
#
# On a kernel with failslab and fail_page_alloc, they are armed for the
# test module's task only, so that its kernel_fault_injection test runs.
. ./lib.sh

DBG=/sys/kernel/debug
TEST_DBG=$DBG/zsmalloc-zsmalloc_test
ZRAM_DBG=$DBG/zsmalloc-zram
EXTRA_TESTS=10

# fault_attr NAME VALUE: set VALUE on failslab and fail_page_alloc.
fault_attr()
{
	local dir

	for dir in $DBG/failslab $DBG/fail_page_alloc; do
		echo "$2" > "$dir/$1" || return 1
	done
}

# Fail every allocation that cannot sleep, but only in tasks that ask for
# it (the test module sets make_it_fail on itself around one test).
arm_fault_injection()
{
	[ -d $DBG/failslab ] && [ -d $DBG/fail_page_alloc ] || return 1
	fault_attr task-filter Y && fault_attr probability 100 &&
		fault_attr interval 1 && fault_attr times -1 &&
		fault_attr space 0 && fault_attr verbose 0 &&
		echo 0 > $DBG/fail_page_alloc/min-order
}

disarm_fault_injection()
{
	fault_attr probability 0 2>/dev/null
}

# sum_column FILE NAME: total of the column headed NAME in a classes file.
sum_column()
{
	awk -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		{ s += $c } END { print s + 0 }' "$1"
}

fault=0
arm_fault_injection && fault=1
run_test_module zsmalloc_test $EXTRA_TESTS fault_inject=$fault
disarm_fault_injection
if [ -d $DBG/failslab ]; then
	check_eq "the kernel's fault injection armed for the module" 1 $fault
else
	ktap_skip "the kernel's fault injection armed for the module" \
		"no failslab in this kernel"
fi

# The module keeps a pool named "inspect" with 64 objects of 700 bytes.
classes=$TEST_DBG/inspect/classes
check_eq "debugfs: inspect pool lists its 64 objects" 64 \
	"$( [ -r $classes ] && sum_column $classes obj_used)"
check_eq "debugfs: zspage pages add up to the pool's pages" \
	"$(sed -n 's/^pages: //p' $TEST_DBG/inspect/pool 2>/dev/null)" \
	"$( [ -r $classes ] && sum_column $classes pages)"
# Our build maps by copying unless told otherwise (CONFIG_ZSMALLOC_PGTABLE_MAPPING).
check_eq "debugfs: pool reports the default mapping, copy" "copy mapping: copy" \
	"$(cat /sys/module/zsmalloc_test/parameters/zsmalloc_mapping 2>/dev/null) $(grep '^mapping:' $TEST_DBG/inspect/pool 2>/dev/null)"
rmmod zsmalloc_test
check_eq "debugfs: directory gone after unload" missing \
	"$( [ -e $TEST_DBG ] && echo present || echo missing)"

# Our zram next to the kernel's zsmalloc, a module on 6.1, built in on 6.12.
case "$(modinfo -F filename zsmalloc 2>/dev/null)" in
'')
	ktap_skip "kernel's zsmalloc.ko loads" "kernel has no zsmalloc" ;;
'(builtin)')
	ktap_skip "kernel's zsmalloc.ko loads" "zsmalloc is built into this kernel" ;;
*)
	modprobe zsmalloc
	check_eq "kernel's zsmalloc.ko loads" yes \
		"$( [ -d /sys/module/zsmalloc ] && echo yes)" ;;
esac
modprobe zram
check_eq "our zram loads beside it" yes \
	"$(zram_is_ours && [ -d /sys/module/zram ] && echo yes)"

# The build's default, unless the kernel command line overrides it for zram.
expect=copy
case " $(cat /proc/cmdline) " in
*" zram.zsmalloc_mapping=pgtable "*) expect=pgtable ;;
esac
check_eq "zsmalloc_mapping parameter reports the mode" "$expect" \
	"$(cat /sys/module/zram/parameters/zsmalloc_mapping 2>/dev/null)"
zram_unload

modprobe zram zsmalloc_mapping=pgtable
echo 16M > $SYS/zram0/disksize 2>/dev/null
pool=$(ls $ZRAM_DBG 2>/dev/null | head -n 1)
check_eq "zsmalloc_mapping=pgtable reaches zram's pool" "mapping: pgtable" \
	"$(grep '^mapping:' "$ZRAM_DBG/$pool/pool" 2>/dev/null)"
zram_unload

modprobe zram zsmalloc_mapping=bogus 2>/dev/null
check_eq "zsmalloc_mapping=bogus is refused" missing \
	"$( [ -d /sys/module/zram ] && echo loaded || echo missing)"
zram_unload
if [ -d /sys/module/zsmalloc ]; then
	rmmod zsmalloc
fi

ktap_finish
