#!/bin/sh
# Install every Debian package the project needs; skip what is present.
# Idempotent: both README commands call it.
set -eu

# Both of bookworm's kernels: 6.1 (linux-*-amd64) and 6.12 (linux-*-6.12-amd64).
PKGS="linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64
linux-headers-6.12-amd64 qemu-system-x86 busybox-static
e2fsprogs util-linux fio kmod cpio gzip xz-utils make gcc libc6-dev sparse
python3 linux-source flex bison bc libelf-dev libssl-dev dwarves perl
gnuplot-nox dkms dh-dkms debhelper dpkg-dev openssl zram-tools systemd
systemd-zram-generator dmsetup python3-docutils zstd valgrind"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	     grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all $(echo $PKGS | wc -w) packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
echo "deps: done"
