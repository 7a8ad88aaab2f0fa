#!/bin/sh
# Print the release of the Debian kernel the project targets: the newest
# installed linux-headers-*-amd64 that has a matching /boot/vmlinuz.  The
# machine running this may boot another kernel, so never ask uname -r.
set -eu
for dir in $(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -rV); do
	ver=${dir#/usr/src/linux-headers-}
	if [ -e "/boot/vmlinuz-$ver" ]; then
		echo "$ver"
		exit 0
	fi
done
echo "kernel-version: no linux-headers-*-amd64 with a matching /boot/vmlinuz" >&2
echo "kernel-version: run scripts/install-deps.sh" >&2
exit 1
