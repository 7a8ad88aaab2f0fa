#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the zram-dkms Debian package ("make deb") from a copy of the tree
# in build/deb/src, so that the work tree stays clean.  The package lands
# in build/deb/zram-dkms_VERSION_all.deb; its path is the last line printed.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/deb
STAGE=$OUT/src

for tool in dpkg-buildpackage dh_dkms; do
	command -v "$tool" >/dev/null ||
		{ echo "deb: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done

rm -rf "$OUT"
mkdir -p "$STAGE"
cd "$TOP"
mkdir -p "$STAGE/scripts"
cp scripts/dkms-source.sh "$STAGE/scripts/"
cp -r debian dkms.conf Makefile Kconfig include ./*.c ./*.h "$STAGE/"

version=$(scripts/dkms-source.sh --version)
cd "$STAGE"
# Binary only (-b), unsigned: a local build for this machine.
dpkg-buildpackage -b -us -uc >"$OUT/build.log" 2>&1 || {
	tail -n 30 "$OUT/build.log"
	echo "deb: dpkg-buildpackage failed (build/deb/build.log)" >&2
	exit 1
}
deb=$OUT/zram-dkms_${version}_all.deb
[ -f "$deb" ] || { echo "deb: $deb was not produced" >&2; exit 1; }
echo "$deb"
