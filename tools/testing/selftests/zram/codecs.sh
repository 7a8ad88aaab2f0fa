#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# zram's own codecs: the LZO1X decoder and encoder (lzo_decode.c,
# lzo_encode.c) and the LZ4 encoder (lz4_encode.c).  Loads codec_test.ko,
# whose init decodes lzo and lzo-rle streams of lib/lzo and of lzo_encode(),
# good, cut, malformed and mutated, and LZ4 blocks of lz4_encode(), in
# buffers of their exact sizes (KASAN watches them on the debug kernel),
# compares every verdict with lib/lzo's and lib/lz4's, and reports each of
# its tests as a result of this script.  Then checks that zram writes and
# reads its "lzo", "lzo-rle" and "lz4" pages through them, not the crypto
# API, and that they read back as written; and that zstd, deflate and lz4hc
# store random pages whole (incompressible.c spares them those) and
# compress the rest.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
TEXT=$TMPDIR/codecs.text
EXTRA_TESTS=18

run_test_module codec_test $EXTRA_TESTS
rmmod codec_test

# Each is linked into zram only when zram uses it; the calls are counted
# below, as zram writes and reads its pages.
zram_load
if kprobe_start zt_lzo_enc zram:lzo_encode &&
	kprobe_start zt_lzo_dec zram:lzo_decode &&
	kprobe_start zt_lz4_enc zram:lz4_encode; then
	COUNTED=yes
else
	COUNTED=
fi

# counted DESC PROBE PAGES: a check that kprobe PROBE has seen a call
# for nearly each of PAGES pages (a kprobe may miss a hit).
counted()
{
	if [ -n "$COUNTED" ]; then
		check_cmp "$1" "$(kprobe_hits "$2")" -ge $(($3 * 31 / 32))
	else
		kprobe_missing "$1"
	fi
}

# crypto_users ALG: how many users the crypto API counts for ALG.
crypto_users()
{
	awk -v alg="$1" '/^name/ { name = $3 }
		/^refcnt/ && name == alg { n += $3 } END { print n + 0 }' /proc/crypto
}

# round_trip FILE WHAT ALG [PARAMS]: the 8 MiB of FILE written with ALG
# (and its algorithm_params PARAMS), so through our encoder, and read back
# after the page cache is dropped, so that every page comes from zram's
# objects through the decoder.
round_trip()
{
	local file=$1 what=$2 params=OK

	echo 1 > "$Z/reset"
	echo "$3" > "$Z/comp_algorithm"
	[ -z "$4" ] ||
		params=$(sysfs_io write "$Z/algorithm_params" "algo=$3 $4")
	echo 16M > "$Z/disksize"
	dd if="$file" of=$DEV bs=1M oflag=direct status=none
	echo 3 > /proc/sys/vm/drop_caches
	check_eq "$what read back intact" "OK same" \
		"$params $(dd if=$DEV bs=1M count=8 iflag=direct status=none |
		   cmp -s - "$file" && echo same)"
}

# text_round_trip ALG [PARAMS]: 8 MiB of text.
text_round_trip()
{
	local what="$1${2:+ ($2)}"

	round_trip "$TEXT" "8 MiB of text written with $what" "$1" "$2"
	check_eq "$what: no failed reads" 0 "$(io zram0 1)"
}

seq 1 2000000 | head -c $((8 << 20)) > "$TEXT"
text_round_trip lzo
counted "zram compresses the lzo pages with lzo_encode" zt_lzo_enc 2048
counted "zram decompresses the lzo pages with lzo_decode" zt_lzo_dec 2048
# lzo-rle is read by the same decoder, not through the crypto API.
users=$(crypto_users lzo-rle)
text_round_trip lzo-rle
check_eq "lzo-rle takes no crypto API transform" "$users" \
	"$(crypto_users lzo-rle)"
text_round_trip lz4
counted "zram compresses the lz4 pages with lz4_encode" zt_lz4_enc 2048
# A level is lz4's acceleration, which our encoder takes as its step.
text_round_trip lz4 level=9

# random_round_trip ALG HUGE: 4 MiB of random bytes, 2 MiB of base64 and
# 2 MiB of text written with ALG, which must store HUGE pages whole.
# Random pages skip ALG's compressor, but base64, whose bytes are as
# unpredictable but fewer, goes through it: zstd and deflate code it in
# fewer bits, lz4hc, which only finds repeats, cannot shrink it either.
random_round_trip()
{
	round_trip "$MIXED" "$1: random, base64 and text pages" "$1"
	check_eq "$1: pages stored whole" "$2" "$(mm zram0 8)"
}

MIXED=$TMPDIR/codecs.mixed
{
	cat "$(make_random 4)"
	head -c $((3 << 19)) "$(make_random 4)" | base64 -w 0
	tail -c $((2 << 20)) "$TEXT"
} > "$MIXED"
random_round_trip zstd 1024
random_round_trip deflate 1024
random_round_trip lz4hc 1536
if [ -n "$COUNTED" ]; then
	for probe in zt_lzo_enc zt_lzo_dec zt_lz4_enc; do
		kprobe_stop $probe
	done
fi
zram_unload
rm -f "$TEXT" "$MIXED"
ktap_finish
