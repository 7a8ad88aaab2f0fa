#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zram's own LZO1X decoder (lzo_decode.c).  Loads lzo_decode_test.ko, whose
# init decodes lib/lzo's lzo and lzo-rle streams, good, cut, malformed and
# mutated, in buffers of their exact sizes (KASAN watches them on the debug
# kernel) and compares every verdict with lib/lzo's, and reports each of
# its tests as a result of this script.  Then checks that zram reads its
# "lzo" and "lzo-rle" pages through that decoder, not the crypto API, and
# that they read back as written.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
TEXT=$TMPDIR/lzo_decode.text
EXTRA_TESTS=6

run_test_module lzo_decode_test $EXTRA_TESTS
rmmod lzo_decode_test

# The decoder is linked into zram only when it reads lzo pages with it.
zram_load
check_eq "zram decompresses lzo with lzo_decode" yes \
	"$(zram_has_symbol lzo_decode && echo yes)"

# crypto_users ALG: how many users the crypto API counts for ALG.
crypto_users()
{
	awk -v alg="$1" '/^name/ { name = $3 }
		/^refcnt/ && name == alg { n += $3 } END { print n + 0 }' /proc/crypto
}

# text_round_trip ALG: 8 MiB of text written with ALG and read back after
# the page cache is dropped, so that every page comes from zram's objects
# through lzo_decode().
text_round_trip()
{
	echo 1 > "$Z/reset"
	echo "$1" > "$Z/comp_algorithm"
	echo 16M > "$Z/disksize"
	dd if="$TEXT" of=$DEV bs=1M oflag=direct status=none
	echo 3 > /proc/sys/vm/drop_caches
	check_eq "8 MiB of text written with $1 read back intact" same \
		"$(dd if=$DEV bs=1M count=8 iflag=direct status=none |
		   cmp -s - "$TEXT" && echo same)"
	check_eq "$1: no failed reads" 0 "$(io zram0 1)"
}

seq 1 2000000 | head -c $((8 << 20)) > "$TEXT"
text_round_trip lzo
# lzo-rle is read by the same decoder, not through the crypto API.
users=$(crypto_users lzo-rle)
text_round_trip lzo-rle
check_eq "lzo-rle takes no crypto API transform" "$users" \
	"$(crypto_users lzo-rle)"
zram_unload
rm -f "$TEXT"
ktap_finish
