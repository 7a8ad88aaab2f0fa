#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build, once, the debug kernel the test suite runs under "make check-debug":
# Debian's linux-source 6.1 configured from tinyconfig plus
# scripts/debug-kernel.config (KASAN, lockdep, kmemleak, UBSAN, fault
# injection; zram and zsmalloc left out).
#
# Everything lands in the cache directory that "--print-dir" prints, outside
# the work tree so that every clone on the machine shares one build
# ($DEBUG_KERNEL_DIR, else $XDG_CACHE_HOME/zram-debug-kernel, else
# ~/.cache/zram-debug-kernel):
#   linux-<version>/   the built tree (bzImage, modules, Module.symvers), for
#                      "make -C <dir>/linux M=$PWD modules"
#   linux              symlink to that tree
#   bzImage            copy of the kernel image
#   release            output of "make kernelrelease"
#   modules/           INSTALL_MOD_PATH: modules/lib/modules/<release>/
#   config.log         output of the last configuration
#   build.log          output of the last build
#
# A stamp records a hash of the fragment and of the source tarball; when
# neither changed and the outputs exist, the script only prints
# "debug kernel: cached".  A changed fragment rebuilds incrementally in the
# same tree; a changed tarball starts from a fresh tree.
#
# Options: --force  rebuild even if cached;
#          --print-dir  print the cache directory and exit.
# Environment: JOBS (default 2), SRC_TARBALL, DEBUG_KERNEL_DIR.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC_TARBALL=${SRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
OUT=${DEBUG_KERNEL_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/zram-debug-kernel}
FRAGMENT=$TOP/scripts/debug-kernel.config
JOBS=${JOBS:-2}
FORCE=0

die() {
	echo "debug kernel: $*" >&2
	exit 1
}

for arg in "$@"; do
	case $arg in
	--force) FORCE=1 ;;
	--print-dir) echo "$OUT"; exit 0 ;;
	*) die "unknown argument '$arg' (--force or --print-dir)" ;;
	esac
done

[ -r "$SRC_TARBALL" ] ||
	die "$SRC_TARBALL missing: install linux-source (scripts/install-deps.sh)"
[ -r "$FRAGMENT" ] || die "$FRAGMENT missing"

mkdir -p "$OUT"

# Two callers (say, two "make check-debug") must not build in one tree at once.
exec 9>"$OUT/.lock"
if ! flock -n 9; then
	echo "debug kernel: another build is running, waiting for it"
	flock 9
fi

hash_of() {
	sha256sum "$1" | cut -d' ' -f1
}

TAR_HASH=$(hash_of "$SRC_TARBALL")
WANT="fragment=$(hash_of "$FRAGMENT") tarball=$TAR_HASH"

if [ "$FORCE" = 0 ] && [ -f "$OUT/stamp" ] && [ -f "$OUT/bzImage" ] &&
   [ -f "$OUT/release" ] && [ "$(cat "$OUT/stamp")" = "$WANT" ]; then
	echo "debug kernel: cached ($(cat "$OUT/release"), $OUT/bzImage)"
	exit 0
fi
rm -f "$OUT/stamp"

# Unpack the source unless the tree already holds this very tarball.
TREE=""
if [ -f "$OUT/source.stamp" ] && [ "$(cat "$OUT/source.stamp")" = "$TAR_HASH" ]; then
	TREE=$(readlink -f "$OUT/linux" 2>/dev/null || true)
	[ -n "$TREE" ] && [ -f "$TREE/Makefile" ] || TREE=""
fi
if [ -z "$TREE" ]; then
	echo "debug kernel: unpacking $SRC_TARBALL"
	rm -rf "$OUT"/linux "$OUT"/linux-* "$OUT/source.stamp" "$OUT/unpack"
	mkdir "$OUT/unpack"
	tar -xJf "$SRC_TARBALL" -C "$OUT/unpack"
	set -- "$OUT"/unpack/*
	if [ $# != 1 ] || [ ! -f "$1/Makefile" ]; then
		die "unexpected layout in $SRC_TARBALL"
	fi
	version=$(make -s -C "$1" kernelversion)
	TREE=$OUT/linux-$version
	mv "$1" "$TREE"
	rmdir "$OUT/unpack"
	ln -sfn "linux-$version" "$OUT/linux"
	echo "$TAR_HASH" >"$OUT/source.stamp"
fi

# LOCALVERSION set (even empty) stops setlocalversion from appending "+"
# when it spots a git checkout around the tree.
kmake() {
	make -C "$TREE" LOCALVERSION= "$@"
}

# Every fragment line must be in the final .config: a symbol whose
# dependencies are unmet would otherwise vanish without a word.
check_config() {
	missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			grep -qxF "$line" "$TREE/.config" && continue ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -q "^$sym=" "$TREE/.config" || continue ;;
		*)
			continue ;;
		esac
		got=$(grep "^$sym=\|^# $sym is not set" "$TREE/.config" ||
		      echo "absent")
		echo "debug kernel: config wants '$line', got '$got'" >&2
		missing=1
	done <"$FRAGMENT"
	return $missing
}

configure() {
	log=$OUT/config.log
	if ! { kmake -s tinyconfig &&
	       (cd "$TREE" && scripts/kconfig/merge_config.sh -m -O "$TREE" \
			.config "$FRAGMENT") &&
	       kmake -s olddefconfig; } >"$log" 2>&1; then
		cat "$log" >&2
		die "configuration failed"
	fi
	check_config || die "fragment not fully applied (see above)"
}

install_modules() {
	rm -rf "$OUT/modules"
	kmake -s INSTALL_MOD_PATH="$OUT/modules" INSTALL_MOD_STRIP=1 \
		modules_install
	# The build/source links point back into the tree: drop them so the
	# directory can be packed into an initramfs as it is.
	rm -f "$OUT"/modules/lib/modules/*/build "$OUT"/modules/lib/modules/*/source
}

build() {
	start=$(date +%s)
	echo "debug kernel: configuring $TREE"
	configure
	echo "debug kernel: building with -j$JOBS (log: $OUT/build.log)"
	if ! kmake -j"$JOBS" bzImage modules >"$OUT/build.log" 2>&1; then
		tail -n 40 "$OUT/build.log" >&2
		die "build failed, full log in $OUT/build.log"
	fi
	install_modules
	# Replace, never rewrite in place: a VM may be starting from the old one.
	cp "$TREE/arch/x86/boot/bzImage" "$OUT/bzImage.new"
	mv -f "$OUT/bzImage.new" "$OUT/bzImage"
	kmake -s kernelrelease >"$OUT/release.new"
	mv -f "$OUT/release.new" "$OUT/release"
	echo "$WANT" >"$OUT/stamp"
	echo "debug kernel: built $(cat "$OUT/release") in" \
	     "$(($(date +%s) - start)) s: $OUT/bzImage"
}

build
