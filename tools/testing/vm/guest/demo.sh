#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo: what a distribution does with zram.  Four devices; swap on
# zram0, an ext4 /tmp on zram1; a program that needs more memory than its
# cgroup grants swaps to zram0 and checks its data; files land in /tmp;
# then the statistics.

# busybox sh runs its own applets before PATH; the demo wants the real
# util-linux and e2fsprogs tools, so it runs under bash.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"

set -e
step() { echo; echo "== $*"; }
SYS=/sys/block

step "modprobe zram num_devices=4"
modprobe zram num_devices=4
ls -d $SYS/zram*
echo "mapping: $(cat /sys/module/zram/parameters/zsmalloc_mapping 2>/dev/null || echo unknown)"

step "swap on zram0 (512M)"
echo 512M > $SYS/zram0/disksize
mkswap /dev/zram0 > /dev/null
swapon -p 100 /dev/zram0
swapon --show

step "ext4 /tmp on zram1 (512M)"
echo 512M > $SYS/zram1/disksize
mkfs.ext4 -q /dev/zram1
mount -o discard /dev/zram1 /tmp
df -h /tmp

step "a 400 MiB program in a 128 MiB memory cgroup: it swaps to zram0"
mkdir -p /sys/fs/cgroup/demo
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
echo 128M > /sys/fs/cgroup/demo/memory.max
sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs && exec memhog 400'

step "files in /tmp: a copy of the guest's /usr and /lib"
cp -a /usr /lib /tmp/
sync
du -sh /tmp/usr /tmp/lib
cmp /usr/bin/fio /tmp/usr/bin/fio && echo "read back: identical"

step "zramctl"
zramctl

step "compression statistics (mm_stat)"
for dev in zram0 zram1; do
	set -- $(cat $SYS/$dev/mm_stat)
	echo "$dev: data $(($1 >> 20)) MiB stored in $(($3 >> 20)) MiB" \
	     "(compressed $(($2 >> 20)) MiB), same-filled pages $6," \
	     "huge pages $8"
	echo "$dev mm_stat: $(cat $SYS/$dev/mm_stat)"
	echo "$dev io_stat: $(cat $SYS/$dev/io_stat)"
done

step "delete the files, trim, compact: memory comes back"
echo "zram1 mem_used_total before: $(($(cat $SYS/zram1/mem_used_total) >> 20)) MiB"
rm -rf /tmp/usr /tmp/lib
# ext4 frees the blocks when the journal commits; sync commits it now.
sync
fstrim -v /tmp
echo 1 > $SYS/zram1/compact
echo "zram1 mem_used_total after: $(($(cat $SYS/zram1/mem_used_total) >> 20)) MiB"

umount /tmp
swapoff /dev/zram0
echo 1 > $SYS/zram0/reset
echo 1 > $SYS/zram1/reset
echo
echo "ok 1 - demo"
