#!/bin/sh
# Print the release of the Debian kernel the project targets: the newest
# installed linux-headers-*-amd64 that has a matching /boot/vmlinuz.  With
# --all, every such release, newest first, one a line.  The machine running
# this may boot another kernel, so never ask uname -r.
set -eu
all=0
[ "${1:-}" = --all ] && all=1
found=0
for dir in $(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -rV); do
	ver=${dir#/usr/src/linux-headers-}
	if [ -e "/boot/vmlinuz-$ver" ]; then
		echo "$ver"
		found=1
		[ "$all" = 1 ] || exit 0
	fi
done
[ "$found" = 1 ] && exit 0
echo "kernel-version: no linux-headers-*-amd64 with a matching /boot/vmlinuz" >&2
echo "kernel-version: run scripts/install-deps.sh" >&2
exit 1
