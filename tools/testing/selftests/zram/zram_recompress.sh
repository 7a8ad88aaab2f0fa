#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Recompression and algorithm parameters: recomp_algorithm (upstream's
# "#N: list [selected]" format), recompress and algorithm_params with the
# exact errno of every bad input (unknown algorithm, bad priority, bad
# level, missing or unreadable dictionary, too early or too late); huge and
# idle pages recompressed with their data intact, mem_used_total and
# huge_pages falling; threshold and max_pages honoured; a page never
# recompressed again by the priority that made it or a lower one; pages no
# algorithm shrinks flagged 'n' in block_state; levels and dictionaries
# (lz4, lz4hc; zstd where the kernel exports its dictionary calls) used and
# round-tripping.

cd "$(dirname "$0")" && . ./lib.sh

Z=$SYS/zram0
DEV=/dev/zram0
STATE=/sys/kernel/debug/zram/zram0/block_state
WORK=${TMPDIR:-/var/tmp}/recomp
# Regions of the device, in pages: A compresses to almost nothing, B is
# text lzo compresses to about a third, C hex digits of random bytes (huge
# for lzo, not for zstd), D random bytes nothing shrinks.
A=0 B=64 C=192 D=256 END=272
# lib/zstd exports its dictionary calls from 6.12 on; before, a zstd
# dictionary is EOPNOTSUPP.  Decided by the kernel, not by the answer, so
# that a driver refusing dictionaries on 6.12 fails.
kver=$(uname -r)
kmin=${kver#*.} kmin=${kmin%%.*}
if [ "${kver%%.*}" -gt 6 ] ||
	{ [ "${kver%%.*}" = 6 ] && [ "$kmin" -ge 12 ]; }; then
	ZSTD_DICT=yes
else
	ZSTD_DICT=no
fi
NO_ZSTD_DICT="this kernel's lib/zstd exports no dictionary calls (before 6.12)"

ktap_plan 61

# flags FIRST LAST CHAR: slots in FIRST..LAST whose block_state flags have
# CHAR.
flags()
{
	awk -v lo="$1" -v hi="$2" -v c="$3" \
		'$1 >= lo && $1 <= hi && index($3, c) { n++ } END { print n + 0 }' \
		"$STATE"
}

# sum FIRST COUNT: checksum of COUNT device pages from FIRST, read direct.
sum()
{
	dd if="$DEV" bs=4096 skip="$1" count="$2" iflag=direct status=none |
		md5sum | cut -d' ' -f1
}

fsum()
{
	md5sum < "$1" | cut -d' ' -f1
}

# write_at FIRST FILE: FILE to device pages FIRST... with O_DIRECT.
write_at()
{
	dd if="$2" of="$DEV" bs=4096 seek="$1" oflag=direct conv=notrunc \
		status=none
}

rc()
{
	sysfs_io write "$Z/recompress" "$1"
}

reset0()
{
	echo 1 > "$Z/reset"
}

mkdir -p "$WORK"
yes "zram recompression test line" | head -c $(((B - A) * PAGE)) > "$WORK/a"
seq 1 1000000 | head -c $(((C - B) * PAGE)) > "$WORK/b"
dd if=/dev/urandom bs=2048 count=$((D - C)) status=none |
	od -An -v -tx1 | tr -d ' \n' | head -c $(((D - C) * PAGE)) > "$WORK/c"
dd if=/dev/urandom of="$WORK/d" bs=4096 count=$((END - D)) status=none
head -c 65536 "$WORK/b" > "$WORK/dict"
head -c 98304 "$WORK/b" > "$WORK/bigdict"
dd if=/dev/urandom bs=4096 count=8 status=none | od -An -v -tx1 |
	tr -d ' \n' > "$WORK/hexdict"
awk 'BEGIN { srand(1); for (i = 0; i < 64; i++) for (j = 0; j < 5; j++)
		word[i] = word[i] sprintf("%c", 97 + int(rand() * 26))
	for (n = 0; n < 64 * 4096 / 5; n++) printf "%s", word[int(rand() * 64)]
}' | head -c $((64 * PAGE)) > "$WORK/words"
awk '{ srand(1); for (n = 0; n < 64 * 256; n++)
	printf "%s", substr($0, int(rand() * (length($0) - 15)) + 1, 16) }' \
	"$WORK/hexdict" > "$WORK/pieces"
: > "$WORK/empty"

check_run "load zram" zram_load
# The tests need the algorithms the module calls directly.
echo lzo > "$Z/comp_algorithm"

# --- recomp_algorithm -------------------------------------------------------
check_eq "recomp_algorithm lists nothing at first" "OK " \
	"$(sysfs_io read "$Z/recomp_algorithm")"
check_eq "recomp_algorithm: unknown algorithm is EINVAL" EINVAL \
	"$(sysfs_io write "$Z/recomp_algorithm" "algo=nosuch priority=1")"
check_eq "recomp_algorithm: priority 0, 4, -1, x are EINVAL" \
	"EINVAL EINVAL EINVAL EINVAL" \
	"$(for p in 0 4 -1 x; do sysfs_io write "$Z/recomp_algorithm" "algo=zstd priority=$p"; done | xargs)"
check_eq "recomp_algorithm: no algo, or algo without value, is EINVAL" \
	"EINVAL EINVAL" \
	"$(sysfs_io write "$Z/recomp_algorithm" "priority=1") $(sysfs_io write "$Z/recomp_algorithm" "algo= priority=1")"
check_eq "recomp_algorithm: lz4hc at 1, zstd at 2, deflate at 3" "OK OK OK" \
	"$(sysfs_io write "$Z/recomp_algorithm" "algo=lz4hc priority=1") $(sysfs_io write "$Z/recomp_algorithm" "algo=zstd priority=2") $(sysfs_io write "$Z/recomp_algorithm" "algo=deflate")"
list=$(sed 's/[][]//g; s/ *$//' "$Z/comp_algorithm")
expect=$(for a in 1:deflate 2:zstd; do
	echo "#${a%%:*}: $(echo "$list " | sed "s/\\b${a#*:} /[${a#*:}] /; s/ *$//")"
done)
check_eq "recomp_algorithm: priority 1 became deflate (no priority means 1)" \
	"$expect" "$(sed 's/ *$//' "$Z/recomp_algorithm")"
sysfs_io write "$Z/recomp_algorithm" "algo=lz4hc priority=3" > /dev/null
check_eq "recomp_algorithm: three priorities, one line each, selected in brackets" \
	"#1: #2: #3: [deflate] [zstd] [lz4hc]" \
	"$(cut -d' ' -f1 "$Z/recomp_algorithm" | xargs) $(grep -o '\[[^]]*\]' "$Z/recomp_algorithm" | xargs)"

# --- algorithm_params -------------------------------------------------------
P=$Z/algorithm_params
check_eq "algorithm_params: unknown algorithm, priority 4 and -1 are EINVAL" \
	"EINVAL EINVAL EINVAL" \
	"$(sysfs_io write "$P" "algo=lz4 level=3") $(sysfs_io write "$P" "priority=4 level=3") $(sysfs_io write "$P" "priority=-1 level=3")"
check_eq "algorithm_params: level x, level out of range, level for lzo are EINVAL" \
	"EINVAL EINVAL EINVAL EINVAL" \
	"$(sysfs_io write "$P" "algo=zstd level=x") $(sysfs_io write "$P" "algo=zstd level=23") $(sysfs_io write "$P" "algo=lz4hc level=17") $(sysfs_io write "$P" "priority=0 level=1")"
check_eq "algorithm_params: missing, directory and empty dictionary are EINVAL" \
	"EINVAL EINVAL EINVAL" \
	"$(sysfs_io write "$P" "algo=lz4hc dict=$WORK/nosuch") $(sysfs_io write "$P" "algo=lz4hc dict=$WORK") $(sysfs_io write "$P" "algo=lz4hc dict=$WORK/empty")"
check_eq "algorithm_params: a dictionary for lzo is EOPNOTSUPP" EOPNOTSUPP \
	"$(sysfs_io write "$P" "priority=0 dict=$WORK/dict")"
# A dictionary path naming one of the device's own attributes: its show
# takes init_lock, so a write reading it under init_lock would hang for
# good, and every reset and hot_remove of the device after it.  Files of
# kernel interfaces are refused unread (reading one inside a sysfs write
# nests seq_file and kernfs locks): EINVAL, for a proc file too.
sysfs_io write "$P" "algo=lz4hc dict=$Z/initstate" > "$WORK/own" &
own=$!
if ! wait_until 60 eval "! kill -0 $own 2> /dev/null"; then
	ktap_fail "algorithm_params: a dictionary that is the device's own initstate"
	diag "the write still hangs after 60 s; nothing after it can run"
	ktap_finish
fi
check_eq "algorithm_params: the device's own initstate or a proc file as dictionary: EINVAL" \
	"EINVAL EINVAL" \
	"$(cat "$WORK/own") $(sysfs_io write "$P" "algo=lz4hc dict=/proc/self/status")"
# A FIFO as dictionary: opening it waits for a writer, and the device
# could not be removed meanwhile.  It is refused unopened, like anything
# that is not a regular file; a writer releases a driver that waits.
mkfifo "$WORK/fifo"
sysfs_io write "$P" "algo=lz4hc dict=$WORK/fifo" > "$WORK/fifo_answer" &
fifo_user=$!
waited=no
if ! wait_until 10 eval "! kill -0 $fifo_user 2> /dev/null"; then
	waited=yes
	: > "$WORK/fifo"
	wait "$fifo_user"
fi
check_eq "algorithm_params: a FIFO as dictionary is EINVAL at once, unopened" \
	"EINVAL no" "$(cat "$WORK/fifo_answer") $waited"
check_eq "algorithm_params: levels for zstd (by algo) and lz4hc (by priority)" \
	"OK OK" \
	"$(sysfs_io write "$P" "algo=zstd level=8") $(sysfs_io write "$P" "priority=3 level=9")"

# --- recompress before and after initialisation ---------------------------
check_eq "recompress before disksize is EINVAL" EINVAL "$(rc "type=idle")"
echo 16M > "$Z/disksize"
check_eq "after disksize: recomp_algorithm, algorithm_params are EBUSY" \
	"EBUSY EBUSY" \
	"$(sysfs_io write "$Z/recomp_algorithm" "algo=lz4 priority=1") $(sysfs_io write "$P" "algo=zstd level=3")"
check_eq "recompress: bad type, threshold, max_pages, priority are EINVAL" \
	"EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL" \
	"$(rc "type=cold") $(rc "threshold=x") $(rc "threshold=4096") $(rc "max_pages=-1") $(rc "priority=4") $(rc "type")"
check_eq "recompress: an algorithm of no priority is EINVAL" EINVAL \
	"$(rc "algo=lz4")"

write_at $A "$WORK/a" && write_at $B "$WORK/b" && write_at $C "$WORK/c" && write_at $D "$WORK/d"
check_eq "written: A, B, C, D read back" \
	"$(fsum "$WORK/a") $(fsum "$WORK/b") $(fsum "$WORK/c") $(fsum "$WORK/d")" \
	"$(sum $A $((B - A))) $(sum $B $((C - B))) $(sum $C $((D - C))) $(sum $D $((END - D)))"
huge0=$(mm zram0 8)
diag "mm_stat before: $(< "$Z/mm_stat")"
check_eq "C and D are huge" "yes $((END - D))" \
	"$([ "$(flags $C $((D - 1)) h)" -gt $(((D - C) / 2)) ] && echo yes) $(flags $D $((END - 1)) h)"

# --- huge ----------------------------------------------------------------------
awk '$3 ~ /h/ { print $1 }' $STATE > "$WORK/huge"
echo 1 > "$Z/compact"
used0=$(mm zram0 3) compr0=$(mm zram0 2)
check_eq "recompress type=huge" OK "$(rc "type=huge")"
diag "mm_stat after huge: $(< "$Z/mm_stat")"
check_cmp "huge pages fell" "$(mm zram0 8)" -lt "$huge0"
check_eq "huge C pages are recompressed (r), D incompressible (n, no r)" \
	"0 $((END - D)) 0" \
	"$(awk -v lo=$C -v hi=$((D - 1)) '$1 >= lo && $1 <= hi && $3 ~ /h/ && $3 !~ /r/ { n++ } END { print n + 0 }' "$STATE") $(flags $D $((END - 1)) n) $(flags $D $((END - 1)) r)"
check_none "only huge slots were touched" \
	"$(awk '$3 ~ /r/ { print $1 }' $STATE | grep -vxFf "$WORK/huge")"
check_eq "C and D read back" "$(fsum "$WORK/c") $(fsum "$WORK/d")" \
	"$(sum $C $((D - C))) $(sum $D $((END - D)))"
check_cmp "compr_data_size fell" "$(mm zram0 2)" -lt "$compr0"
compr1=$(mm zram0 2)
check_eq "recompress type=huge again leaves the n and r pages alone" \
	"OK $compr1" "$(rc "type=huge") $(mm zram0 2)"

# --- idle, threshold, max_pages ------------------------------------------------
echo all > "$Z/idle"
# B may have had a huge page, recompressed above.
r_b=$(flags $B $((C - 1)) r)
# A read is an access: A is idle no more.
sum $A $((B - A)) > /dev/null
check_eq "idle: A is not idle after a read, B is" "0 $((C - B))" \
	"$(flags $A $((B - 1)) i) $(flags $B $((C - 1)) i)"
check_eq "recompress type=idle priority=1 (deflate) max_pages=20" OK \
	"$(rc "type=idle priority=1 max_pages=20")"
check_eq "max_pages: exactly 20 slots tried, all of them in B and recompressed" \
	"$((r_b + 20)) 0" "$(flags $B $((C - 1)) r) $(flags $A $((B - 1)) r)"
check_eq "max_pages=0: OK, and no slot tried, as upstream" "OK $((r_b + 20))" \
	"$(rc "type=idle priority=1 max_pages=0") $(flags $B $((C - 1)) r)"
check_eq "recompressing keeps a slot idle" "$((C - B))" \
	"$(flags $B $((C - 1)) i)"
echo all > "$Z/idle"
th=2000
check_eq "recompress type=idle priority=1 threshold=$th" OK \
	"$(rc "type=idle priority=1 threshold=$th")"
check_eq "threshold: A (objects far below $th bytes) untouched, all of B r" \
	"0 $((C - B))" "$(flags $A $((B - 1)) r) $(flags $B $((C - 1)) r)"
check_eq "A and B read back" "$(fsum "$WORK/a") $(fsum "$WORK/b")" \
	"$(sum $A $((B - A))) $(sum $B $((C - B)))"
compr2=$(mm zram0 2)
check_cmp "compr_data_size fell again" "$compr2" -lt "$compr1"

# --- never again with the same or a lower priority ---------------------------
echo all > "$Z/idle"
check_eq "recompress type=idle priority=1 again" OK "$(rc "type=idle priority=1 threshold=$th")"
check_eq "no B slot tried again by deflate: unchanged, none n" "$compr2 0" \
	"$(mm zram0 2) $(flags $B $((C - 1)) n)"
# From here on B alone is at a priority below the highest.
blkio "$DEV" discard $((A * PAGE)) $(((B - A) * PAGE)) > /dev/null
check_eq "recompress type=idle algo=zstd (priority 2)" OK "$(rc "type=idle algo=zstd")"
compr3=$(mm zram0 2)
check_cmp "zstd shrank B again" "$compr3" -lt "$compr2"
check_eq "algo=zstd and algo=deflate again: a page recompressed twice is left alone" \
	"OK OK $compr3 0" \
	"$(rc "type=idle algo=zstd") $(rc "type=idle algo=deflate") $(mm zram0 2) $(flags $B $((C - 1)) n)"
check_eq "B reads back after two recompressions" "$(fsum "$WORK/b")" \
	"$(sum $B $((C - B)))"
echo 1 > "$Z/compact"
diag "mm_stat at the end: $(< "$Z/mm_stat")"
check_cmp "mem_used_total fell" "$(mm zram0 3)" -lt "$used0"
check_eq "rewritten n pages lose n" 0 \
	"$(write_at $D "$WORK/d"; flags $D $((END - 1)) n)"
reset0
check_eq "reset forgets the recompression algorithms" "OK " \
	"$(sysfs_io read "$Z/recomp_algorithm")"

# --- levels and dictionaries ---------------------------------------------------
# compressed NAME PARAMS [FILE]: compr_data_size of FILE (B by default)
# written to a fresh device whose primary algorithm is NAME with
# algorithm_params PARAMS, or the error; and whether FILE read back intact.
compressed()
{
	local ret file=${3:-$WORK/b}

	reset0
	echo "$1" > "$Z/comp_algorithm"
	if [ -n "$2" ]; then
		ret=$(sysfs_io write "$P" "priority=0 $2")
		[ "$ret" = OK ] || { echo "$ret"; return; }
	fi
	echo 16M > "$Z/disksize"
	write_at 0 "$file"
	echo "$(mm zram0 2) $([ "$(sum 0 $(($(wc -c < "$file") / PAGE)))" = "$(fsum "$file")" ] && echo intact)"
}

# zstd at level 22 digests an 8 MiB dictionary into tables of about 256
# MiB.  With all but 160 MiB of memory held in a file on a tmpfs of its own
# (the root one takes at most half), which without swap nothing can reclaim
# or kill, the device cannot have them: its disksize write fails with
# ENOMEM, and the allocation neither warns nor wakes the OOM killer.
big_dictionary_out_of_reach()
{
	local fill answer marker="zram_recompress: dictionary out of reach"

	reset0
	dd if=/dev/urandom of="$WORK/dict8m" bs=1M count=8 status=none
	echo zstd > "$Z/comp_algorithm"
	sysfs_io write "$P" "priority=0 level=22 dict=$WORK/dict8m" > /dev/null
	echo "$marker" > /dev/kmsg
	fill=$((($(meminfo MemAvailable) >> 10) - 160))
	mkdir -p "$WORK/fill"
	mount -t tmpfs -o size=${fill}m zt-fill "$WORK/fill"
	dd if=/dev/zero of="$WORK/fill/zeros" bs=1M count=$fill status=none
	diag "$(meminfo MemAvailable) KiB available with $fill MiB held"
	answer=$(sysfs_io write "$Z/disksize" 16M)
	umount "$WORK/fill"
	rm -f "$WORK/dict8m"
	check_eq "zstd: a dictionary whose tables are out of reach: ENOMEM, no warning, no OOM kill" \
		"ENOMEM" \
		"$answer$(allocation_complaints "$marker")"
	reset0
}

# Two levels of each reach the library: the sizes differ.  (Higher is not
# always smaller: zstd 1 beats 19 on 4 KiB pages of this text.)
for spec in lz4:100:1 lz4hc:3:16 zstd:1:19 deflate:1:9; do
	algo=${spec%%:*} levels=${spec#*:}
	low=$(compressed "$algo" "level=${levels%:*}")
	high=$(compressed "$algo" "level=${levels#*:}")
	diag "$algo: level ${levels%:*} $low, level ${levels#*:} $high"
	check_eq "$algo: levels ${levels%:*} and ${levels#*:} differ, both read back" \
		"yes intact intact" \
		"$([ "${high% *}" != "${low% *}" ] && echo yes) ${low#* } ${high#* }"
done

# A dictionary of the data shrinks it.  lz4 looks only 64 KiB back, so of
# a longer dictionary it takes the last 64 KiB (the kernel's 6.12 zram
# takes such a dictionary, then fails every write).
for spec in lz4:dict lz4hc:dict zstd:dict lz4:bigdict lz4hc:bigdict; do
	algo=${spec%%:*} file=$WORK/${spec#*:}
	kib=$(($(wc -c < "$file") / 1024))
	plain=$(compressed "$algo" "")
	dict=$(compressed "$algo" "dict=$file")
	diag "$algo: without dictionary $plain, with a $kib KiB one $dict"
	if [ $algo = zstd ] && [ $ZSTD_DICT = no ]; then
		check_eq "zstd: a dictionary is EOPNOTSUPP before 6.12" \
			EOPNOTSUPP "$dict"
		continue
	fi
	check_eq "$algo: a $kib KiB dictionary of the data shrinks it; reads back" \
		"yes intact" \
		"$([ "${dict% *}" -lt "${plain% *}" ] && echo yes) ${dict#* }"
done

# Pages of 5-letter words from a vocabulary of 64: zstd finds them all
# only with a shortest match of 5 bytes, which ours takes at level 1 too
# (with 7, that of an input of unknown size, it stored 1.7 times more).
l1=$(compressed zstd "level=1" "$WORK/words")
l3=$(compressed zstd "level=3" "$WORK/words")
diag "zstd, 5-letter words: level 1 $l1, level 3 $l3"
check_eq "zstd: level 1 stores 5-letter words in under 1.25 times what level 3 does; read back" \
	"yes intact" \
	"$([ $((${l1% *} * 4)) -lt $((${l3% *} * 5)) ] && echo yes) ${l1#* }"

# 16-byte pieces from all over a 64 KiB dictionary of hex digits: zstd
# finds most of them only if the dictionary's tables are sized for the
# dictionary, not for a page (then it stores about half as much again).
# Then a level of each search strategy, fast to btultra2: the stream's
# context must have room for the dictionary's tables at every level.
plain=$(compressed zstd "" "$WORK/pieces")
dict=$(compressed zstd "dict=$WORK/hexdict" "$WORK/pieces")
diag "zstd, pieces of a dictionary: without it $plain, with it $dict"
if [ $ZSTD_DICT = no ]; then
	check_eq "zstd: pieces with a dictionary: EOPNOTSUPP before 6.12" \
		EOPNOTSUPP "$dict"
	ktap_skip "zstd: a dictionary at levels 1 to 22" "$NO_ZSTD_DICT"
	ktap_skip "zstd: a dictionary whose tables are out of reach" \
		"$NO_ZSTD_DICT"
else
	check_eq "zstd: pages of pieces from all over a dictionary take under 40% of what they take without it; read back" \
		"yes intact" \
		"$([ $((${dict% *} * 10)) -lt $((${plain% *} * 4)) ] && echo yes) ${dict#* }"
	check_eq "zstd: a dictionary at levels 1, 5, 9, 13, 15, 17, 19 and 22 writes, reads back" \
		"intact intact intact intact intact intact intact intact" \
		"$(for level in 1 5 9 13 15 17 19 22; do
			compressed zstd "level=$level dict=$WORK/dict" | cut -d' ' -f2
		done | xargs)"
	big_dictionary_out_of_reach
fi

# A dictionary at a secondary priority: recompressed pages read back.
reset0
echo lzo > "$Z/comp_algorithm"
second=$(sysfs_io write "$Z/recomp_algorithm" "algo=lz4hc priority=2")
params=$(sysfs_io write "$P" "algo=lz4hc level=12 dict=$WORK/dict")
echo 16M > "$Z/disksize"
write_at 0 "$WORK/b"
echo all > "$Z/idle"
# The dictionary is B's first 16 pages: lz4hc beats lzo there at least.
check_eq "lz4hc with a dictionary at priority 2 (both accepted) recompresses B; reads back" \
	"OK OK OK yes $(fsum "$WORK/b")" \
	"$second $params $(rc "type=idle") $([ "$(flags 0 $((C - B - 1)) r)" -ge 16 ] && echo yes) $(sum 0 $((C - B)))"
reset0

check_run "rmmod zram" zram_unload
ktap_finish
