#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build our modules for each installed Debian kernel that has headers, or
# for the releases given, each in build/obj/VER/ with the VM harness's own
# build (tools/testing/vm/lib.sh), so builds for different kernels never
# overwrite each other.  The .ko files end up in build/obj/VER/out/.
#
# usage: build-modules.sh [VER...]
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
HERE=$TOP/tools/testing/vm
. "$HERE/lib.sh"

if [ $# -eq 0 ]; then
	mapfile -t kvers < <("$TOP/scripts/kernel-version.sh" --all) || exit 1
	[ ${#kvers[@]} -gt 0 ] || exit 1
	set -- "${kvers[@]}"
fi
for VM_KVER in "$@"; do
	VM_KDIR=/usr/src/linux-headers-$VM_KVER
	[ -f "$VM_KDIR/Makefile" ] || { echo "build: no headers in $VM_KDIR" >&2; exit 1; }
	build_our_modules || exit 1
	echo "build: $(cd "$OBJDIR/out" && echo *.ko) in build/obj/$VM_KVER/out/"
done
