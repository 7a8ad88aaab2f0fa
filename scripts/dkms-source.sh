#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Write the source tree DKMS builds zram.ko from into DIR: the driver, the
# allocator, include/, Makefile, Kconfig and dkms.conf with the version of
# debian/changelog filled in.  The allocator's test and benchmark modules
# stay out.  Used by debian/rules, and by hand for "dkms install":
#
#   sudo scripts/dkms-source.sh /usr/src/zram-VERSION
#   sudo dkms install zram/VERSION
#
# usage: dkms-source.sh DIR      (dkms-source.sh --version prints VERSION)
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
[ -n "$version" ] || { echo "dkms-source: no version in debian/changelog" >&2; exit 1; }
if [ "${1-}" = --version ]; then
	echo "$version"
	exit 0
fi
[ $# -eq 1 ] || { echo "usage: dkms-source.sh DIR | --version" >&2; exit 2; }
dest=$1

mkdir -p "$dest"
cd "$TOP"
for f in *.c *.h; do
	case "$f" in
	zsmalloc_test.c | zsmalloc_bench* | codec_test.c | lzo_decode_fuzz.h) ;;
	*) cp "$f" "$dest/" ;;
	esac
done
cp Makefile Kconfig "$dest/"
cp -r include "$dest/"
sed "s/#MODULE_VERSION#/$version/" dkms.conf > "$dest/dkms.conf"
