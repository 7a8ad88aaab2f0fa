# SPDX-License-Identifier: GPL-2.0
#
# The fragmentation scenario of zram_migrate.sh and the benchmark's
# fragmentation.sh: scatter free memory, fill a zram device into the holes,
# free the rest, then measure what the zram pool costs the kernel in
# unmovable pageblocks and in 2 MiB pages it can still assemble.  Needs
# lib.sh sourced first (for free_kib, TMPDIR).

FRAG_READY=$TMPDIR/fraghog.ready
FRAG_PID=

# frag_hog_start MIB: fraghog over MIB MiB (at most three quarters of
# free memory), all but a page in 16 of it given back as holes.  The page
# allocator serves order-0 requests from the smallest free blocks first,
# so what is allocated next fills those holes before anything else.
# Call it in the script's own shell (not in $(...) or check_run): it
# leaves fraghog running in the background.
frag_hog_start()
{
	local mib=$1 most=$(($(free_kib) * 3 / 4 / 1024))

	[ "$mib" -le "$most" ] || mib=$most
	rm -f "$FRAG_READY"
	fraghog "$mib" "$FRAG_READY" > "$TMPDIR/fraghog.out" 2>&1 &
	FRAG_PID=$!
	wait_until 300 frag_hog_settled
	test -s "$FRAG_READY"
}

# True once fraghog is ready or has given up (then its output says why).
frag_hog_settled()
{
	test -s "$FRAG_READY" || ! kill -0 "$FRAG_PID" 2> /dev/null
}

frag_hog_stop()
{
	[ -n "$FRAG_PID" ] || return 0
	kill "$FRAG_PID" 2> /dev/null
	wait "$FRAG_PID" 2> /dev/null
	FRAG_PID=
}

# frag_fill DEV MIB: write MIB MiB of 60%-compressible data.
frag_fill()
{
	fio --output="$TMPDIR/frag.fio" --eta=never --filename="$1" \
		--ioengine=psync --name=fill --rw=write --bs=1M --size="$2"M \
		--direct=1 --refill_buffers --buffer_compress_percentage=60 ||
		{ tail -n 25 "$TMPDIR/frag.fio" | sed 's/^/# /'; return 1; }
}

# frag_sum DEV MIB: checksum of the first MIB MiB.  A failed read adds a
# marker that differs every time, so that two failures never match.
frag_sum()
{
	{
		dd if="$1" bs=1M count="$2" iflag=direct 2> /dev/null ||
			echo "read failed $(date +%s%N)"
	} | md5sum
}

# Pageblocks of migrate type Unmovable, over every zone.
frag_unmovable_blocks()
{
	awk '/^Number of blocks type/ { t = 1; next }
	     t && /^Node/ { n += $5 } END { print n + 0 }' /proc/pagetypeinfo
}

# How many 2 MiB pages nr_hugepages can get now; gives them back.  It
# asks for no more than free memory less FRAG_HEADROOM_MIB [256]: the
# kernel hands out every page it can, and with nothing left for this
# shell the OOM killer would have nothing to kill but init.
frag_huge_pages()
{
	local got want

	want=$((($(free_kib) / 1024 - ${FRAG_HEADROOM_MIB:-256}) / 2))
	[ "$want" -gt 0 ] || want=0
	echo "$want" > /proc/sys/vm/nr_hugepages
	got=$(cat /proc/sys/vm/nr_hugepages)
	echo 0 > /proc/sys/vm/nr_hugepages
	echo "$got"
}

# frag_outcome: "unmovable_blocks=N free_mib=N huge_pages=N"
frag_outcome()
{
	echo "unmovable_blocks=$(frag_unmovable_blocks)" \
	     "free_mib=$(($(free_kib) / 1024)) huge_pages=$(frag_huge_pages)"
}

# The kernel's zram.ko under its own name, beside nothing of ours: insmod,
# because modprobe would pick ours in updates/ (as the benchmark does).
frag_kernel_zram_load()
{
	local ko=/lib/modules/$(uname -r)/kernel/drivers/block/zram/zram.ko dep

	for dep in zsmalloc $(modinfo -F depends "$ko" | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$ko"
}

frag_kernel_zram_unload()
{
	echo 1 > /sys/block/zram0/reset
	rmmod zram
}
