#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ext4 on zram as /tmp: mkfs, mount, files written and read back after a
# remount (checksums), zero-filled file blocks stored as same pages, online
# discard and fstrim giving memory back, and a clean e2fsck at the end.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
MNT=/tmp
SUMS=$TMPDIR/ext4.sha256

ktap_plan 15

check_run "modprobe zram" zram_load || ktap_finish
echo 256M > "$Z/disksize"
check_run "mkfs.ext4 /dev/zram0" mkfs.ext4 -q /dev/zram0
check_run "mount it on /tmp" mount /dev/zram0 $MNT
chmod 1777 $MNT

# A tree of real files (programs, libraries, modules, scripts), a random
# and a zero-filled file.
(cd / && find usr lib opt -type f -print0 | xargs -0 sha256sum) > "$SUMS"
rand=$(make_random 32)
same0=$(mm zram0 6)
check_run "copy /usr /lib /opt and 64 MiB of random and zero data to /tmp" \
	bash -c "cp -a /usr /lib /opt $MNT/ && cp $rand $MNT/random &&
	       dd if=/dev/zero of=$MNT/zero bs=1M count=32 status=none && sync"
check_cmp "the zero file's blocks became same-filled pages (>= 8000)" \
	$(($(mm zram0 6) - same0)) -ge 8000

umount $MNT
mount /dev/zram0 $MNT
check_run "after a remount every file reads back with the same checksum" \
	bash -c "cd $MNT && sha256sum --quiet -c $SUMS && cmp $rand random &&
	       cmp -n $((32 << 20)) /dev/zero zero"
check_cmp "text and code compress: compr_data_size < orig_data_size" \
	"$(mm zram0 2)" -lt "$(mm zram0 1)"

used=$(mm zram0 3) free0=$(io zram0 4)
rm -rf "${MNT:?}"/usr "${MNT:?}"/lib "${MNT:?}"/opt $MNT/random $MNT/zero
sync
check_run "fstrim /tmp" fstrim $MNT
check_cmp "fstrim freed zram memory: mem_used_total below half" \
	"$(mm zram0 3)" -lt $((used / 2))
check_cmp "... counted in notify_free (>= 16384 pages)" \
	$(($(io zram0 4) - free0)) -ge 16384

# Online discard: deleting a file frees its pages.  ext4 issues the
# discards from its journal commit, a little after sync returns.
mount -o remount,discard $MNT
dd if="$rand" of=$MNT/random bs=1M status=none && sync
orig=$(mm zram0 1)
rm $MNT/random && sync
freed_30m()
{
	[ $((orig - $(mm zram0 1))) -ge $((30 << 20)) ]
}
wait_until 10 freed_30m
check_cmp "with -o discard, deleting 32 MiB lowers orig_data_size by >= 30 MiB" \
	$((orig - $(mm zram0 1))) -ge $((30 << 20))

check_run "umount /tmp" umount $MNT
check_run "e2fsck -fn finds the file system clean" e2fsck -fn /dev/zram0
check_eq "no failed I/O" "0 0" "$(io zram0 1) $(io zram0 2)"
check_run "rmmod zram" zram_unload
rm -f "$SUMS"
ktap_finish
