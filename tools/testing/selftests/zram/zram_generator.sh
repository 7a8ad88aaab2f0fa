#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# systemd-zram-generator drives our module unchanged.  With no systemd in
# the VM, the test plays systemd's part: it runs the generator, reads the
# units it writes, runs what the units would run (--setup-device, then
# swapon or mount with the units' settings) and --reset-device.  zram0 is
# swap (size, algorithm, priority and writeback device from the
# configuration), zram1 an ext4 file system with a mount point.

cd "$(dirname "$0")" && . ./lib.sh

GEN=/usr/lib/systemd/system-generators/zram-generator
UNITS=/run/zram-generator
MNT=/mnt/zramfs

# unit_key FILE KEY: KEY's value in unit FILE.
unit_key()
{
	sed -n "s/^$2=//p" "$1" 2> /dev/null
}

ktap_plan 24

modprobe -q zsmalloc 2> /dev/null
modprobe -q loop 2> /dev/null
# writeback-device= names zram0's backing device: a loop device over tmpfs.
BACKING=${TMPDIR:-/var/tmp}/generator-backing
truncate -s 32M "$BACKING"
LOOP=$(losetup -f --show "$BACKING")
check_eq "a loop device to write back to" yes "$([ -b "$LOOP" ] && echo yes)"
mkdir -p /etc/systemd $MNT
cat > /etc/systemd/zram-generator.conf << CONF
[zram0]
zram-size = 80
compression-algorithm = lz4
swap-priority = 77
writeback-device = $LOOP

[zram1]
zram-size = 48
mount-point = /mnt/zramfs
fs-type = ext4
CONF

rm -rf $UNITS
mkdir -p $UNITS/normal $UNITS/early $UNITS/late
check_run "the generator writes units" $GEN $UNITS/normal $UNITS/early $UNITS/late
if zram_is_ours && [ -b /dev/zram0 ] && [ -b /dev/zram1 ]; then
	ktap_ok "it loaded our module, with zram0 and zram1"
else
	ktap_fail "it loaded our module, with zram0 and zram1"
fi

swap=$UNITS/normal/dev-zram0.swap
mount=$UNITS/normal/mnt-zramfs.mount
check_eq "dev-zram0.swap: What=/dev/zram0 Priority=77" "/dev/zram0 77" \
	"$(unit_key $swap What) $(unit_key $swap Priority)"
check_eq "swap.target wants dev-zram0.swap" "../dev-zram0.swap" \
	"$(readlink $UNITS/normal/swap.target.wants/dev-zram0.swap)"
check_eq "mnt-zramfs.mount: What=/dev/zram1 Where=$MNT" "/dev/zram1 $MNT" \
	"$(unit_key $mount What) $(unit_key $mount Where)"
check_eq "local-fs.target wants mnt-zramfs.mount" "../mnt-zramfs.mount" \
	"$(readlink $UNITS/normal/local-fs.target.wants/mnt-zramfs.mount)"

# systemd-zram-setup@zram0.service, then dev-zram0.swap.
check_run "zram-generator --setup-device zram0" $GEN --setup-device zram0
check_eq "zram0: disksize 80 MiB" $((80 << 20)) "$(< $SYS/zram0/disksize)"
check_eq "zram0: comp_algorithm selects lz4" lz4 "$(algorithm zram0)"
check_eq "zram0: backing_dev is the writeback-device" "$LOOP" \
	"$(< $SYS/zram0/backing_dev)"
check_eq "zram0 is formatted as swap" swap "$(blkid -o value -s TYPE /dev/zram0)"
opts=$(unit_key $swap Options)
check_run "swapon as dev-zram0.swap does" \
	swapon ${opts:+-o "$opts"} -p "$(unit_key $swap Priority)" /dev/zram0
check_eq "/proc/swaps has /dev/zram0 at priority 77" 77 \
	"$(swap_priority /dev/zram0)"

# systemd-zram-setup@zram1.service, then mnt-zramfs.mount.
check_run "zram-generator --setup-device zram1" $GEN --setup-device zram1
check_eq "zram1: disksize 48 MiB" $((48 << 20)) "$(< $SYS/zram1/disksize)"
check_eq "zram1 is formatted as ext4" ext4 "$(blkid -o value -s TYPE /dev/zram1)"
# The unit names no Type=: mount finds ext4 on the device itself.
opts=$(unit_key $mount Options)
check_run "mount as mnt-zramfs.mount does" \
	mount ${opts:+-o "$opts"} "$(unit_key $mount What)" "$(unit_key $mount Where)"
check_eq "$MNT is zram1's ext4" "/dev/zram1 ext4" \
	"$(findmnt -n -o SOURCE,FSTYPE $MNT | xargs)"
data=$(make_random 4)
cp "$data" $MNT/data && sync && echo 3 > /proc/sys/vm/drop_caches
check_run "a file on the mounted ext4 reads back unchanged" cmp "$data" $MNT/data
umount $MNT

# Stopping the services.
swapoff /dev/zram0
check_run "zram-generator --reset-device zram0" $GEN --reset-device zram0
check_run "zram-generator --reset-device zram1" $GEN --reset-device zram1
check_eq "both devices are uninitialised (initstate, disksize)" "0 0 0 0" \
	"$(< $SYS/zram0/initstate) $(< $SYS/zram0/disksize) $(< $SYS/zram1/initstate) $(< $SYS/zram1/disksize)"

check_eq "reset let the writeback device go" none "$(< $SYS/zram0/backing_dev)"

zram_unload
losetup -d "$LOOP"
rm -f "$BACKING"
ktap_finish
