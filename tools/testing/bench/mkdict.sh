#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Train the zstd dictionary of the recompression benchmark
# (tools/testing/bench/recompress.sh) on the host, next to the corpus, so
# that the VM image carries it to /opt/zram/data/zstd.dict.
#
# usage: mkdict.sh DIR     (DIR holds corpus.bin; run-bench passes it)
#
# zram compresses one 4 KiB page at a time, so the training samples are
# 4 KiB pages: the last SAMPLE_MIB MiB of the corpus, a quarter of the
# default 128 MiB (8 MiB trained a dictionary that made level 1 and 3
# worse than none).  The benchmark writes the corpus from its start, so
# the dictionary has not seen the pages it is measured on.  A dictionary
# newer than the corpus is kept.
set -eu

DIR=$1
CORPUS=$DIR/corpus.bin
DICT=$DIR/zstd.dict
SAMPLE_MIB=32

if ! command -v zstd > /dev/null; then
	echo "mkdict: zstd is missing (scripts/install-deps.sh installs it)" >&2
	exit 1
fi
if [ -s "$DICT" ] && [ "$DICT" -nt "$CORPUS" ]; then
	exit 0
fi
pages=$(($(stat -c %s "$CORPUS") / 4096))
sample=$((SAMPLE_MIB * 256))
[ "$sample" -le "$pages" ] || sample=$pages
samples=$(mktemp -d)
trap 'rm -rf "$samples"' EXIT
dd if="$CORPUS" bs=4096 skip=$((pages - sample)) count="$sample" status=none |
	split -b 4096 -a 5 - "$samples/p"
zstd --train -q "$samples"/p* -o "$DICT.tmp"
mv "$DICT.tmp" "$DICT"
echo "mkdict: $DICT: $(stat -c %s "$DICT") bytes from $sample pages of $CORPUS"
