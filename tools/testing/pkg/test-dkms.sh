#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The zram-dkms package end to end on this machine: build it ("make deb"),
# install it, check that DKMS built our zram.ko into updates/ for every
# installed kernel the tree supports (dkms.conf's BUILD_EXCLUSIVE_KERNEL)
# and left the other kernels alone, purge it and check that every kernel's
# own zram is back; then boot each supported kernel with the module DKMS
# built and run zram_dkms.sh in it.  The route without the package
# (scripts/dkms-source.sh, dkms install) must use the package's tree.
#
# The package stays installed only from install to purge, and a trap purges
# it whatever happens: the VM harness packs modules from /lib/modules, so a
# DKMS copy left behind would stand in for the kernel's zram in every other
# test and benchmark.  The module is copied out before the purge and the VMs
# boot afterwards.
#
# usage: test-dkms.sh [--name NAME]          (as root, or with sudo)
#
# KTAP on stdout.  The totals of the host checks and of the VM runs go to
# build/vm/NAME/summary ("PASSED FAILED SKIPPED"), where run-suite counts
# them as it counts a run-vm run.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)

NAME=pkg-dkms
while [ $# -gt 0 ]; do
	case "$1" in
	--name) NAME=$2; shift 2 ;;
	*) echo "test-dkms: unknown option $1" >&2; exit 2 ;;
	esac
done

OUTDIR=$TOP/build/vm/$NAME
rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=300)
[ "$(id -u)" -eq 0 ] || APT=(sudo -E "${APT[@]}")

passed=0 failed=0 skipped=0 n=0

ok()
{
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $*"
}

not_ok()
{
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $*"
}

# check DESC COMMAND...: one test, ok when COMMAND succeeds.
check()
{
	local desc=$1

	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL.  An empty EXPECTED fails: it comes from a
# reading that found nothing, and would pass against another such reading.
check_eq()
{
	[ -n "$2" ] || echo "# nothing expected: the reading it came from was empty"
	[ "$2" = "$3" ] || echo "# expected '$2', got '$3'"
	check "$1" [ -n "$2" -a "$2" = "$3" ]
}

# check_none DESC LIST: ok when LIST, what went wrong, is empty.
check_none()
{
	[ -z "$2" ] || echo "# expected nothing, got '$2'"
	check "$1" [ -z "$2" ]
}

finish()
{
	echo "1..$n"
	echo "$passed $failed $skipped" > "$OUTDIR/summary"
	echo "test-dkms: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

installed()
{
	dpkg-query -W -f='${Status}' zram-dkms 2>/dev/null |
		grep -q 'install ok installed'
}

install_deb()
{
	"${APT[@]}" install "$1" >> "$OUTDIR/apt.log" 2>&1
}

purge()
{
	"${APT[@]}" purge zram-dkms >> "$OUTDIR/apt.log" 2>&1
}

# Whatever happens, nothing of ours stays in /lib/modules.
# shellcheck disable=SC2317 # run by the trap
cleanup()
{
	if dpkg-query -W zram-dkms > /dev/null 2>&1; then
		echo "# test-dkms: purging zram-dkms"
		purge
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The package is machine-wide: two runs at once (two work trees) would
# install and purge it under each other.  Wait for the other to finish.
exec 8> /var/lock/zram-dkms-test.lock
flock 8

# zram modules in KVER's updates/ tree (DKMS's or anyone's).
updates_copies()
{
	find "/lib/modules/$1/updates" -name 'zram.ko*' 2>/dev/null
}

version=$("$TOP/scripts/dkms-source.sh" --version)
supported_re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$TOP/dkms.conf")
supported=() unsupported=()
for dir in $(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V); do
	kver=${dir#/usr/src/linux-headers-}
	[ -e "/boot/vmlinuz-$kver" ] || continue
	if [[ $kver =~ $supported_re ]]; then
		supported+=("$kver")
	else
		unsupported+=("$kver")
	fi
done
echo "TAP version 13"
echo "# zram-dkms $version; kernels the tree supports (\"$supported_re\"):" \
	"${supported[*]:-none}; other installed kernels: ${unsupported[*]:-none}"
check "dkms.conf names the kernels the tree supports" [ -n "$supported_re" ]
check "at least one installed kernel is supported" [ ${#supported[@]} -gt 0 ]

if installed; then
	echo "# zram-dkms was installed before the test: purging it first"
	purge
fi
leftovers=$(for k in "${supported[@]}" "${unsupported[@]}"; do updates_copies "$k"; done)
check_none "no zram.ko in any kernel's updates/ before the test" "$leftovers"

# --- The package -----------------------------------------------------------

deb=$("$TOP/scripts/build-deb.sh" 2> "$OUTDIR/build-deb.err" | tail -n 1)
check_eq "make deb builds build/deb/zram-dkms_${version}_all.deb" \
	"$TOP/build/deb/zram-dkms_${version}_all.deb" "$deb"
[ -f "$deb" ] || { cat "$OUTDIR/build-deb.err"; finish; }

check_eq "the package's version is debian/changelog's" \
	"$version" "$(dpkg-deb -f "$deb" Version)"
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
src=./usr/src/zram-$version
missing=
for f in dkms.conf Makefile Kconfig zram_drv.c zram_io.c zsmalloc.c \
	 lzo_decode.c lzo_encode.c lzo_stream.h lz4_encode.c codec_common.h \
	 include/linux/zsmalloc.h; do
	grep -qx "$src/$f" <<< "$contents" || missing="$missing $f"
done
check_none "it ships the module's sources in /usr/src/zram-$version" "$missing"
extra=$(grep -E '_test\.c|_fuzz\.h|zsmalloc_bench|/tools/|/debian/|/scripts/|\.sh$' \
	<<< "$contents")
check_none "it ships no tests, benchmarks or scripts" "$extra"
check_eq "its dkms.conf carries the same version" "PACKAGE_VERSION=\"$version\"" \
	"$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "$src/dkms.conf" |
	   grep '^PACKAGE_VERSION=')"

# --- DKMS alone, as README describes -----------------------------------------

# scripts/dkms-source.sh writes the tree "dkms install" builds; the package
# must ship exactly that tree, so the two routes build the same module.
scratch=$OUTDIR/dkms-alone
"$TOP/scripts/dkms-source.sh" "$scratch/alone/zram-$version"
mkdir -p "$scratch/deb"
dpkg-deb -x "$deb" "$scratch/deb"
check_none "the package's /usr/src/zram-$version is what dkms-source.sh writes" \
	"$(diff -r "$scratch/alone/zram-$version" \
		"$scratch/deb/usr/src/zram-$version" 2>&1)"
rm -rf "$scratch"

# --- Installed ---------------------------------------------------------------

start=$SECONDS
check "apt-get install ./zram-dkms_${version}_all.deb" install_deb "$deb"
echo "# installing took $((SECONDS - start)) s (log: build/vm/$NAME/apt.log)"
for kver in "${supported[@]}"; do
	ko=$(updates_copies "$kver" | head -n 1)
	check_eq "$kver: dkms status says installed" \
		"zram/$version, $kver, x86_64: installed" \
		"$(dkms status -m zram -v "$version" -k "$kver" 2> /dev/null | head -n 1)"
	check "$kver: zram.ko is in updates/dkms/" \
		[ "${ko%/zram.ko*}" = "/lib/modules/$kver/updates/dkms" ]
	check_eq "$kver: modprobe would load it" "$ko" \
		"$(modinfo -k "$kver" -n zram 2>&1)"
	check_eq "$kver: modinfo shows the package's version" "$version" \
		"$(modinfo -k "$kver" -F version zram 2>&1)"
	check "$kver: modinfo shows our zsmalloc_mapping parameter" \
		grep -q '^zsmalloc_mapping:' <<< "$(modinfo -k "$kver" -F parm zram)"
	mkdir -p "$OUTDIR/ko-$kver"
	[ -n "$ko" ] && cp "$ko" "$OUTDIR/ko-$kver/"
done
for kver in "${unsupported[@]}"; do
	check_none "$kver (not supported): DKMS left the kernel's zram in effect" \
		"$(updates_copies "$kver")"
done

# refused DESC KVER HEADERS_CONFIG [DKMS_OPTION...]: "dkms build" for KVER,
# whose .config is HEADERS_CONFIG, must stop at dkms.conf's BUILD_EXCLUSIVE
# lines (exit 77).
refused()
{
	local desc=$1 kver=$2 headers=$OUTDIR/headers-$2 rc

	mkdir -p "$headers" && echo "$3" > "$headers/.config"
	shift 3
	dkms build -m zram -v "$version" -k "$kver" "$@" \
		--kernelsourcedir "$headers" > "$headers.log" 2>&1
	rc=$?
	check_eq "$kver ($desc): DKMS refuses to build" "77 1" \
		"$rc $(grep -c BUILD_EXCLUSIVE "$headers.log")"
}

# A realtime build of a supported version: the module would sleep with
# preemption off.  Debian's 32-bit kernels are 6.1 too: zsmalloc needs
# 64-bit words.
refused PREEMPT_RT "${supported[0]%-amd64}-rt-amd64" CONFIG_PREEMPT_RT=y
refused i386 "${supported[0]%-amd64}-686-pae" "" -a i386

# --- Purged -------------------------------------------------------------------

check "apt-get purge zram-dkms" purge
check "zram-dkms is no longer installed" eval '! installed'
check_none "DKMS no longer knows zram" "$(dkms status -m zram 2> /dev/null)"
check "/usr/src/zram-$version is gone" [ ! -e "/usr/src/zram-$version" ]
for kver in "${supported[@]}" "${unsupported[@]}"; do
	check_none "$kver: no zram.ko left in updates/" "$(updates_copies "$kver")"
	case "$(modinfo -k "$kver" -n zram 2>&1)" in
	"/lib/modules/$kver/kernel/"*) ok "$kver: the kernel's own zram is back" ;;
	*) not_ok "$kver: the kernel's own zram is back" ;;
	esac
done

flock -u 8

# --- Booted -------------------------------------------------------------------

for kver in "${supported[@]}"; do
	ko=$(ls "$OUTDIR/ko-$kver"/zram.ko* 2>/dev/null | head -n 1)
	name=$NAME-$kver
	echo "# booting $kver with the module DKMS built"
	"$TOP/tools/testing/vm/run-vm" --kver "$kver" --ko "$ko" --name "$name" \
		--timeout 300 --append "zt.dkms_version=$version" zram_dkms.sh |
		sed 's/^/    /'
	read -r p f s < "$TOP/build/vm/$name/summary" 2>/dev/null || p=0 f=1 s=0
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	echo "# $kver: $p passed, $f failed in the VM (build/vm/$name/)"
done
for kver in "${unsupported[@]}"; do
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n - $kver: boot with the DKMS module # SKIP the tree does not" \
		"build for $kver (dkms.conf BUILD_EXCLUSIVE_KERNEL)"
done

finish
