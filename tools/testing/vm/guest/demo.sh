#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo: what a distribution does with zram.  Four devices; swap on
# zram0, an ext4 /tmp on zram1; a program that needs more memory than its
# cgroup grants swaps to zram0, and the statistics are shown while its
# pages are out; then it checks its data and exits; files land in /tmp;
# then the statistics again.

# busybox sh runs its own applets before PATH; the demo wants the real
# util-linux and e2fsprogs tools, so it runs under bash.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"

set -e
step() { echo; echo "== $*"; }
SYS=/sys/block
tests=0

# result DESC COMMAND...: a KTAP line for the harness.
result() {
	local desc=$1

	shift
	tests=$((tests + 1))
	if "$@"; then
		echo "ok $tests - $desc"
	else
		echo "not ok $tests - $desc"
	fi
}

# show_stats DEV: what DEV holds, what that costs, and the raw files.
show_stats() {
	local ratio=-

	set -- "$1" $(cat $SYS/$1/mm_stat)
	[ "$3" -eq 0 ] || ratio=$(($2 * 100 / $3))
	[ "$ratio" = - ] || ratio=$((ratio / 100)).$(printf %02d $((ratio % 100)))
	echo "$1: data $(($2 >> 20)) MiB compressed to $(($3 >> 20)) MiB" \
	     "(ratio $ratio), $(($4 >> 20)) MiB of RAM used," \
	     "same-filled pages $7, huge pages $9"
	echo "$1 mm_stat: $(cat $SYS/$1/mm_stat)"
	echo "$1 io_stat: $(cat $SYS/$1/io_stat)"
}

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
# memhog -s stops itself once all its pages are written: most of them are
# then in swap, until it is told to go on, reads them back and exits.
sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs && exec memhog -s 400' &
hog=$!
state=
for _ in $(seq 600); do
	read -r _ _ state _ < /proc/$hog/stat || break
	[ "$state" = T ] && break
	sleep 1
done

step "while the program runs, its pages swapped out: zramctl"
zramctl
swapon --show
show_stats zram0
set -- $(cat $SYS/zram0/mm_stat)
# Most of the 400 MiB is out, and compressed: the program's pages are text
# that packs 2-3:1, every eighth page is zeros.
result "the program's pages are in zram0 while it runs ($(($1 >> 20)) MiB)" \
	test "$state" = T -a "$1" -ge $((200 << 20)) -a "$3" -lt $(($1 / 2))

step "the program reads its pages back, checks them and exits"
kill -CONT $hog
status=0
wait $hog || status=$?
result "the program got every page back intact" test "$status" = 0

step "files in /tmp: a copy of the guest's /usr and /lib"
cp -a /usr /lib /tmp/
sync
du -sh /tmp/usr /tmp/lib
result "the files read back identical" cmp /usr/bin/fio /tmp/usr/bin/fio

step "after the program exited: zramctl"
zramctl

step "compression statistics (mm_stat)"
show_stats zram0
show_stats zram1

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
result "demo finished" true
