# SPDX-License-Identifier: GPL-2.0
#
# Shared by the reliability scripts (rel_*.sh), on top of lib.sh: the
# kernel's own reports, kmemleak, fault injection through debugfs, memory
# cgroups and the "# rel:" figures each script ends with.

. ./lib.sh

DBG=/sys/kernel/debug
CG=/sys/fs/cgroup

# The kernel reports the harness fails a run for (tools/testing/vm/lib.sh).
REL_REPORTS='BUG:|WARNING:|Oops|KASAN|UBSAN|unreferenced object'
REL_REPORTS="$REL_REPORTS|possible circular locking|inconsistent lock state"
REL_REPORTS="$REL_REPORTS|possible recursive locking|suspicious RCU usage"
REL_REPORTS="$REL_REPORTS|INFO: task .* blocked|general protection fault"
REL_REPORTS="$REL_REPORTS|kernel BUG|self-detected stall|watchdog: BUG"
REL_REPORTS="$REL_REPORTS|sleeping function called from invalid context"
REL_REPORTS="$REL_REPORTS|scheduling while atomic|bad page state"
REL_REPORTS="$REL_REPORTS|list_del corruption"

# Kernel reports in the log so far.
rel_kernel_reports()
{
	dmesg | grep -cE "$REL_REPORTS"
}

# rel_check_no_reports DESC: a test that no report appeared since the
# script started; the harness would fail the run anyway, this says where.
rel_check_no_reports()
{
	local n

	n=$(rel_kernel_reports)
	n=$((n - REL_REPORTS_AT_START))
	if [ "$n" -ne 0 ]; then
		dmesg | grep -E "$REL_REPORTS" | tail -n 5 | sed 's/^/# /'
	fi
	check_eq "$1" 0 "$n"
}

REL_REPORTS_AT_START=$(rel_kernel_reports)

# Print one quotable figure: "# rel: NAME: VALUE".
rel_figure()
{
	echo "# rel: $*"
}

# --- zram ---------------------------------------------------------------

# Load zram with N devices; fails if it is loaded already.
rel_load()
{
	[ -d /sys/module/zram ] && zram_unload
	zram_load num_devices="$1"
}

# rel_setup DEV SIZE [ALG]: initialise a device.
rel_setup()
{
	[ -z "$3" ] || echo "$3" > "$SYS/$1/comp_algorithm" || return 1
	echo "$2" > "$SYS/$1/disksize"
}

# --- reference data -------------------------------------------------------

# rel_make_data MIB: a file of mixed content (binaries, which compress
# about 2:1, then random bytes, then zeros), once per boot; prints its path.
rel_make_data()
{
	local f=$TMPDIR/rel-data.$1M quarter=$(($1 / 4))

	[ "$quarter" -gt 0 ] || quarter=1
	if [ ! -s "$f" ]; then
		{
			for i in 1 2 3 4 5 6 7 8; do
				cat /usr/bin/* /usr/sbin/* 2>/dev/null
			done | head -c $((quarter * 2 << 20))
			head -c $((quarter << 20)) /dev/urandom
		} > "$f"
		# The rest zeros, and exactly MIB long.
		truncate -s "$1M" "$f"
	fi
	echo "$f"
}

# rel_sha DEV_OR_FILE MIB: sha256 of the first MIB MiB.
rel_sha()
{
	dd if="$1" bs=1M count="$2" 2>/dev/null | sha256sum | cut -d' ' -f1
}

# --- kmemleak ---------------------------------------------------------------

# Is there kmemleak to ask?
rel_have_kmemleak()
{
	[ -w "$DBG/kmemleak" ]
}

# Forget what is known so far: only leaks from now on count.
rel_kmemleak_clear()
{
	rel_have_kmemleak && echo clear > "$DBG/kmemleak"
}

# rel_kmemleak_scan: scan twice (objects must be a few seconds old to be
# reported), print what was found and succeed only if nothing was.
rel_kmemleak_scan()
{
	local leaks

	echo scan > "$DBG/kmemleak"
	sleep 6
	echo scan > "$DBG/kmemleak"
	leaks=$(cat "$DBG/kmemleak")
	[ -z "$leaks" ] && return 0
	echo "$leaks" | head -n 40 | sed 's/^/# /'
	return 1
}

# --- fault injection ----------------------------------------------------------

# Is fault injection built in (the debug kernel)?
rel_have_faults()
{
	[ -d "$DBG/failslab" ] && [ -d "$DBG/fail_page_alloc" ]
}

# rel_faults_on WHICH PERCENT [SLEEPING]: inject failures into WHICH
# (failslab or fail_page_alloc) with probability PERCENT, only in tasks
# that set /proc/PID/make-it-fail, quietly.  SLEEPING=1 also fails
# allocations that may sleep (GFP_KERNEL, GFP_NOIO), not only atomic and
# no-reclaim ones.
rel_faults_on()
{
	local d=$DBG/$1 wait=Y

	[ "${3:-0}" = 1 ] && wait=N
	echo 0 > "$d/verbose"
	echo Y > "$d/task-filter"
	echo 1 > "$d/interval"
	echo -1 > "$d/times"
	echo 0 > "$d/space"
	echo "$wait" > "$d/ignore-gfp-wait"
	[ -e "$d/ignore-gfp-highmem" ] && echo N > "$d/ignore-gfp-highmem"
	[ -e "$d/min-order" ] && echo 0 > "$d/min-order"
	echo "$2" > "$d/probability"
}

rel_faults_off()
{
	local d

	for d in failslab fail_page_alloc; do
		[ -d "$DBG/$d" ] || continue
		echo 0 > "$DBG/$d/probability"
		echo N > "$DBG/$d/task-filter"
	done
}

# --- memory cgroups -----------------------------------------------------------

# rel_cgroup NAME MAX: a memory cgroup limited to MAX; prints its path.
rel_cgroup()
{
	echo +memory > "$CG/cgroup.subtree_control" 2>/dev/null
	mkdir -p "$CG/$1"
	echo "$2" > "$CG/$1/memory.max"
	echo "$CG/$1"
}

# rel_in_cgroup CGROUP COMMAND...: run COMMAND inside CGROUP.
rel_in_cgroup()
{
	local cg=$1

	shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}
