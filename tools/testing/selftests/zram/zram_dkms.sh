#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run by tools/testing/pkg/test-dkms.sh in a VM whose updates/ holds the
# zram.ko DKMS built from the zram-dkms package: a plain "modprobe zram"
# loads that module, it is ours (its version is the package's, it has our
# zsmalloc_mapping parameter, it writes and reads lzo pages and writes lz4
# pages with our own codecs as the default build does), and data written to
# a device reads back.
# The package's version comes in on the kernel command line as
# zt.dkms_version=VERSION.

cd "$(dirname "$0")" && . ./lib.sh

want=
for arg in $(< /proc/cmdline); do
	case "$arg" in
	zt.dkms_version=*) want=${arg#zt.dkms_version=} ;;
	esac
done

ktap_plan 9

if [ -z "$want" ]; then
	diag "no zt.dkms_version= on the kernel command line"
	ktap_fail "the package's version is known"
else
	ktap_ok "the package's version is known ($want)"
fi
check_run "modprobe zram" zram_load || ktap_finish
check_eq "modprobe took zram.ko from updates/" \
	"/lib/modules/$(uname -r)/updates/zram.ko" "$(modinfo -n zram)"
check_eq "the loaded module's version is the package's" \
	"$want" "$(cat /sys/module/zram/version 2>&1)"
mapping=$(cat /sys/module/zram/parameters/zsmalloc_mapping 2>&1)
case "$mapping" in
copy | pgtable) ktap_ok "it has our zsmalloc_mapping parameter ($mapping)" ;;
*) diag "zsmalloc_mapping: $mapping"; ktap_fail "it has our zsmalloc_mapping parameter" ;;
esac

check_eq "it reads lzo pages with lzo_decode, as built by default" yes \
	"$(zram_has_symbol lzo_decode && echo yes)"
check_eq "it writes lzo pages with lzo_encode, as built by default" yes \
	"$(zram_has_symbol lzo_encode && echo yes)"
check_eq "it writes lz4 pages with lz4_encode, as built by default" yes \
	"$(zram_has_symbol lz4_encode && echo yes)"

data=$(make_random 4)
echo 16M > $SYS/zram0/disksize
dd if="$data" of=/dev/zram0 bs=1M oflag=direct status=none
check_run "4 MiB written to zram0 read back unchanged" \
	cmp -n $((4 << 20)) "$data" /dev/zram0
echo 1 > $SYS/zram0/reset
zram_unload
ktap_finish
