#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hostile sysfs input.  Six devices are put in every state a device can be
# in: not initialised (zram0), initialised with data (zram1), initialised
# and empty (zram2, the one whose "reset" is fuzzed), held open (zram3),
# holding a mounted ext4 (zram4) and an active swap device (zram5).  Then
# rel_fuzz writes thousands of random and edge-case strings to each of
# their attributes and to hot_remove, and cycles hot_add/hot_remove; every
# answer must be success or a documented error.  Afterwards nothing may
# have changed: the data reads back, the file system is clean, swap works,
# every device is usable and zram unloads.
cd "$(dirname "$0")" || exit 1
. ./rel_lib.sh

SEED=${REL_SEED:-20240611}
# Random inputs per attribute and device; a long run passes more with
# run-vm --append zt.fuzz_randoms=N.
RANDOMS=${REL_FUZZ_RANDOMS:-$(rel_param fuzz_randoms)}
RANDOMS=${RANDOMS:-$((250 / REL_SCALE))}
MNT=/mnt/rel-fuzz
SWAP_MIB=$((96 / REL_SCALE))

ktap_plan 12
start=$(date +%s)

if ! rel_load 6; then
	ktap_fail "load zram with 6 devices"
	ktap_finish
fi
ktap_ok "load zram with 6 devices"

data=$(rel_make_data 16)
want=$(rel_sha "$data" 16)

# zram0 stays uninitialised; zram2 is initialised and empty.
rel_setup zram1 64M && rel_setup zram2 16M && rel_setup zram3 32M &&
	rel_setup zram4 64M && rel_setup zram5 128M
for dev in zram1 zram3; do
	dd if="$data" of=/dev/$dev bs=1M oflag=direct 2>/dev/null
done
mkfs.ext4 -q /dev/zram4 && mkdir -p $MNT && mount -o noatime /dev/zram4 $MNT &&
	cp -a /usr/bin $MNT/ && sync
files_sha=$(cd $MNT && find bin -type f | sort | xargs sha256sum | sha256sum)
mkswap /dev/zram5 >/dev/null && swapon /dev/zram5
exec 7</dev/zram3
files=$(find $MNT/bin -type f | wc -l)
check_eq "devices in every state: zram4 mounted with /usr/bin copied, zram5 swap" \
	"mounted copied /dev/zram5" \
	"$(grep -q "^/dev/zram4 $MNT " /proc/mounts && echo mounted) $([ "$files" -gt 0 ] && [ "$files" = "$(find /usr/bin -type f | wc -l)" ] && echo copied) $(swapon --show=NAME --noheadings)"

# Every name written to comp_algorithm is looked up, and an unknown one
# makes the kernel run modprobe: a second each on the debug kernel.  Load
# the compressors now and switch autoloading off while fuzzing.
for alg in lzo lzo-rle lz4 lz4hc zstd deflate 842; do
	modprobe -q "crypto-$alg" 2>/dev/null
done
modprobe_path=$(cat /proc/sys/kernel/modprobe)
echo > /proc/sys/kernel/modprobe

out=$TMPDIR/rel-fuzz.out
t0=$(date +%s)
rel_fuzz -s "$SEED" -n "$RANDOMS" -c 40 -H $((32 / REL_SCALE)) \
	zram0:uninit zram1:init zram2:fresh zram3:open zram4:mounted \
	zram5:swap > "$out" 2>&1
rc=$?
echo "$modprobe_path" > /proc/sys/kernel/modprobe
# What went wrong first, then the answers per attribute and state.
grep -E 'UNEXPECTED|stopping' "$out" | head -n 60
grep -E '^# zram0: |^# (zram[0-9]+ |/sys).* inputs|hot_add|rel_fuzz:' "$out"
diag "fuzzing took $(($(date +%s) - t0)) s"
check_eq "every answer documented (rel_fuzz exit status)" 0 "$rc"

check_eq "zram1 (initialised) data intact" "$want" "$(rel_sha /dev/zram1 16)"
check_eq "zram3 (open) data intact" "$want" "$(rel_sha /dev/zram3 16)"
exec 7<&-

now_sha=$(cd $MNT && find bin -type f | sort | xargs sha256sum | sha256sum)
check_eq "zram4 (mounted) files intact" "$files_sha" "$now_sha"
umount $MNT
check_run "zram4 file system clean after umount" e2fsck -fn /dev/zram4

cg=$(rel_cgroup rel-fuzz $((SWAP_MIB / 3))M)
out0=$(vmstat pswpout)
check_run "zram5 swap works: $SWAP_MIB MiB through a $((SWAP_MIB / 3)) MiB cgroup" \
	rel_in_cgroup "$cg" memhog $SWAP_MIB
check_cmp "zram5 took the $((SWAP_MIB * 2 / 3)) MiB the cgroup could not hold" \
	$(($(vmstat pswpout) - out0)) -ge $(((SWAP_MIB * 2 / 3) << 8))
rmdir "$cg"
swapoff /dev/zram5

# zram0 and zram2 went through thousands of inits and resets.
ok=0
echo 8M > $SYS/zram0/disksize &&
	dd if="$data" of=/dev/zram0 bs=1M count=8 oflag=direct 2>/dev/null &&
	[ "$(rel_sha /dev/zram0 8)" = "$(rel_sha "$data" 8)" ] &&
	dd if="$data" of=/dev/zram2 bs=1M count=8 oflag=direct 2>/dev/null &&
	[ "$(rel_sha /dev/zram2 8)" = "$(rel_sha "$data" 8)" ] || ok=1
check_eq "zram0 and zram2 usable after fuzzing" 0 "$ok"

for dev in 0 1 2 3 4 5; do
	echo 1 > $SYS/zram$dev/reset
done
check_run "zram unloads (no reference left behind)" rmmod zram
rel_check_no_reports "no kernel reports"

inputs=$(sed -n 's/^# rel_fuzz: \([0-9]*\) inputs.*/\1/p' "$out")
bad=$(sed -n 's/^# rel_fuzz: .* \([0-9]*\) unexpected.*/\1/p' "$out")
rel_figure "sysfs inputs tried: ${inputs:-0} (seed $SEED), unexpected answers: ${bad:-?}"
rel_figure "kernel reports: $(($(rel_kernel_reports) - REL_REPORTS_AT_START))"
rel_figure "rel_fuzz_sysfs took $(($(date +%s) - start)) s"
ktap_finish
