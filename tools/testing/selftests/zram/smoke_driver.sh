#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the zram driver as a whole: load with four devices, swap on
# one, ext4 on another, data read back intact, the 6.1 error codes of the
# main attributes, reset, hot add/remove, unload.
if [ -z "$BASH_VERSION" ] && command -v bash > /dev/null; then
	exec bash "$0" "$@"
fi

SYS=/sys/block
N=0
FAILED=0

ok()
{
	N=$((N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $N - $2"
	else
		FAILED=$((FAILED + 1))
		echo "not ok $N - $2"
	fi
}

# expect_err ERRNO-NAME FILE VALUE: writing VALUE to FILE fails with ERRNO.
sysfs_write()
{
	printf '%s\n' "$2" > "$1"
}

expect_err()
{
	local got

	got=$( (printf '%s' "$3" > "$2") 2>&1)
	case "$got" in
	*"$1"*) return 0 ;;
	esac
	echo "# write '$3' > $2: expected '$1', got '$got'"
	return 1
}

echo "TAP version 13"
echo "1..25"

# Our zram carries its own zsmalloc: it must load beside the kernel's.
if modinfo zsmalloc > /dev/null 2>&1; then
	modprobe zsmalloc && grep -q '^zsmalloc ' /proc/modules
	ok $? "kernel's zsmalloc.ko loaded first"
else
	N=$((N + 1))
	echo "ok $N - kernel's zsmalloc.ko # SKIP not a module here"
fi

modprobe zram num_devices=4
ok $? "modprobe zram num_devices=4"
[ -b /dev/zram3 ] && [ ! -e /dev/zram4 ]
ok $? "four devices"

algs=$(cat $SYS/zram0/comp_algorithm)
echo "# comp_algorithm: $algs"
case "$algs" in "[lzo] "*) r=0 ;; *) r=1 ;; esac
ok $r "lzo is the default compressor"

echo 64M > $SYS/zram0/disksize && [ "$(cat $SYS/zram0/disksize)" = 67108864 ]
ok $? "disksize 64M"
expect_err "busy" $SYS/zram0/disksize 32M
ok $? "disksize again: EBUSY"
expect_err "busy" $SYS/zram0/comp_algorithm lz4
ok $? "comp_algorithm after init: EBUSY"
expect_err "Invalid argument" $SYS/zram1/comp_algorithm nosuchalg
ok $? "unknown comp_algorithm: EINVAL"

mkswap /dev/zram0 > /dev/null && swapon /dev/zram0 && grep -q zram0 /proc/swaps
ok $? "mkswap + swapon"
expect_err "busy" $SYS/zram0/reset 1
ok $? "reset of active swap: EBUSY"

# Push a tmpfs file through swap: a memory cgroup smaller than the file.
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/smoke
echo 24M > /sys/fs/cgroup/smoke/memory.max
mkdir -p /var/tmp/sw && mount -t tmpfs tmpfs /var/tmp/sw
seq 1 4000000 > /var/tmp/data.txt
sum=$(md5sum < /var/tmp/data.txt)
sh -c 'echo $$ > /sys/fs/cgroup/smoke/cgroup.procs
	cp /var/tmp/data.txt /var/tmp/sw/a
	head -c 20000000 /dev/urandom > /var/tmp/sw/b
	md5sum < /var/tmp/sw/a' > /var/tmp/sum2
[ "$(cat /var/tmp/sum2)" = "$sum" ]
ok $? "data swapped out and back in intact"
used=$(awk '$1 == "/dev/zram0" {print $4}' /proc/swaps)
echo "# swap used: ${used}K; mm_stat: $(cat $SYS/zram0/mm_stat)"
[ "${used:-0}" -gt 0 ]
ok $? "swap was used"
umount /var/tmp/sw
swapoff /dev/zram0
ok $? "swapoff"
echo "# after swapoff: $(cat $SYS/zram0/mm_stat)"

echo 128M > $SYS/zram1/disksize &&
	mkfs.ext4 -q /dev/zram1 && mkdir -p /mnt/z && mount /dev/zram1 /mnt/z
ok $? "mkfs.ext4 + mount"
cp /var/tmp/data.txt /mnt/z/text &&
	head -c 8000000 /dev/urandom > /var/tmp/rnd && cp /var/tmp/rnd /mnt/z/rnd &&
	dd if=/dev/zero of=/mnt/z/zero bs=1M count=8 2> /dev/null && sync
ok $? "write files"
expect_err "busy" $SYS/zram1/reset 1
ok $? "reset while mounted: EBUSY"
echo 3 > /proc/sys/vm/drop_caches
cmp /mnt/z/text /var/tmp/data.txt && cmp /mnt/z/rnd /var/tmp/rnd &&
	head -c 8388608 /dev/zero > /var/tmp/zero && cmp /mnt/z/zero /var/tmp/zero
ok $? "files read back intact after drop_caches"
mm=$(cat $SYS/zram1/mm_stat)
echo "# mm_stat: $mm"
echo "# io_stat: $(cat $SYS/zram1/io_stat)"
# shellcheck disable=SC2086 # split into fields
set -- $mm
[ $# -eq 9 ] && [ "$1" -gt "$2" ] && [ "$6" -gt 0 ]
ok $? "mm_stat: 9 fields, compressed < original, same pages"
umount /mnt/z

echo 1 > $SYS/zram1/reset && [ "$(cat $SYS/zram1/initstate)" = 0 ] &&
	[ "$(cat $SYS/zram1/disksize)" = 0 ]
ok $? "reset"
sysfs_write $SYS/zram0/reset 1
ok $? "reset swap device"

id=$(cat /sys/class/zram-control/hot_add)
[ "$id" = 4 ] && [ -b /dev/zram4 ]
ok $? "hot_add gives zram4"
exec 3< /dev/zram4
expect_err "busy" /sys/class/zram-control/hot_remove 4
r=$?
exec 3<&-
ok $r "hot_remove of an open device: EBUSY"
echo 4 > /sys/class/zram-control/hot_remove && [ ! -e /sys/block/zram4 ]
ok $? "hot_remove"

rmdir /sys/fs/cgroup/smoke
rmmod zram
ok $? "rmmod zram"
if grep -q '^zsmalloc ' /proc/modules; then
	rmmod zsmalloc
	ok $? "rmmod kernel's zsmalloc"
else
	N=$((N + 1))
	echo "ok $N - rmmod kernel's zsmalloc # SKIP not loaded"
fi

echo "# $((N - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
