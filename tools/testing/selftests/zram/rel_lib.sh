# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
#
# Shared by the reliability scripts (rel_*.sh), on top of lib.sh: the
# kernel's own reports, kmemleak, fault injection through debugfs, memory
# cgroups and the "# rel:" figures each script ends with.

. ./lib.sh

DBG=/sys/kernel/debug
CG=/sys/fs/cgroup
# Data sizes and counts are divided by this: the debug kernel under TCG
# is several times slower (lib.sh sets ZT_SCALE to 4 there).
REL_SCALE=${ZT_SCALE:-1}

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

# rel_param NAME: VALUE of "zt.NAME=VALUE" on the kernel command line
# (run-vm --append), or nothing: how long runs reach the guest.
rel_param()
{
	local arg

	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		zt.$1=*) echo "${arg#*=}" ;;
		esac
	done
}

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
			for _ in 1 2 3 4 5 6 7 8; do
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

# rel_jiffies: the kernel's jiffies now.
rel_jiffies()
{
	awk '/^jiffies:/ { print $2; exit }' /proc/timer_list
}

# Remember when the script started: rel_kmemleak_scan judges only what was
# allocated from then on.  (kmemleak's own "clear" would need a scan first,
# a minute under TCG.)  The periodic scans stop too: they only slow the
# test down, the end of the run is scanned anyway.
rel_kmemleak_mark()
{
	rel_have_kmemleak || return 0
	echo scan=off > "$DBG/kmemleak"
	REL_KMEMLEAK_SINCE=$(rel_jiffies)
}

# Leaks of Linux 6.1 itself that our tests can reach, by a function in
# their backtrace:
#   sysfs_slab_add: when kmem_cache_create() fails in kobject_add (fault
#   injection in the setup of a zsmalloc pool), SLUB never puts the
#   kobject, and its name leaks.
REL_KNOWN_LEAKS='sysfs_slab_add'

# rel_kmemleak_scan: after a pause (objects younger than 5 s are not
# reported), scan twice (an object whose contents changed since the last
# scan is not reported either), then sort what was found: leaks known to
# be the kernel's own, leaks from before rel_kmemleak_mark, and the rest,
# which fail.  Known leaks and those of the boot are then cleared so
# that the harness's own scan does not report them again.
rel_kmemleak_scan()
{
	local out=$TMPDIR/rel-kmemleak n_known n_old n_boot n_new

	sleep 6
	echo scan > "$DBG/kmemleak"
	echo scan > "$DBG/kmemleak"
	cat "$DBG/kmemleak" > "$out"
	rm -f "$out".*
	awk -v known="$REL_KNOWN_LEAKS" -v since="${REL_KMEMLEAK_SINCE:-0}" \
	    -v out="$out" '
		function flush() {
			if (rec == "")
				return
			if (rec ~ known)
				f = "known"
			else if (jiffies + 0 < since + 0)
				f = boot ? "boot" : "old"
			else
				f = "new"
			printf "%s", rec > (out "." f)
			rec = ""
		}
		/^unreferenced object/ { flush(); boot = 0 }
		/^  comm / {
			jiffies = $NF
			boot = $0 ~ /"swapper\//
		}
		{ rec = rec $0 "\n" }
		END { flush() }' "$out"
	n_known=$(grep -c '^unreferenced' "$out.known" 2>/dev/null)
	n_boot=$(grep -c '^unreferenced' "$out.boot" 2>/dev/null)
	n_old=$(grep -c '^unreferenced' "$out.old" 2>/dev/null)
	n_new=$(grep -c '^unreferenced' "$out.new" 2>/dev/null)
	echo "# kmemleak: ${n_new:-0} new, ${n_known:-0} known leaks of Linux 6.1 ($REL_KNOWN_LEAKS), ${n_boot:-0} from boot, ${n_old:-0} from earlier scripts"
	# Earlier scripts' leaks stay for the harness to report.
	[ "${n_old:-0}" -eq 0 ] && echo clear > "$DBG/kmemleak"
	[ "${n_new:-0}" -eq 0 ] && return 0
	head -n 60 "$out.new" | sed 's/^/# /'
	return 1
}

# rel_check_kmemleak DESC: rel_kmemleak_scan as a test, its summary shown.
rel_check_kmemleak()
{
	local out rc

	out=$(rel_kmemleak_scan)
	rc=$?
	echo "$out"
	check_eq "$1" 0 $rc
}

# --- fault injection ----------------------------------------------------------

# Is fault injection built in (the debug kernel)?
rel_have_faults()
{
	[ -d "$DBG/failslab" ] && [ -d "$DBG/fail_page_alloc" ]
}

# Faults each injector may inject before it stops: as good as no limit,
# and counting down, so that rel_faults_fired can tell how many it did.
REL_FAULT_TIMES=1000000

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
	echo $REL_FAULT_TIMES > "$d/times"
	echo 0 > "$d/space"
	echo "$wait" > "$d/ignore-gfp-wait"
	[ -e "$d/ignore-gfp-highmem" ] && echo N > "$d/ignore-gfp-highmem"
	[ -e "$d/min-order" ] && echo 0 > "$d/min-order"
	echo "$2" > "$d/probability"
}

# rel_faults_fired NAME: how many faults NAME has injected since it was
# turned on (each one takes one of its "times").
rel_faults_fired()
{
	echo $((REL_FAULT_TIMES - $(cat "$DBG/$1/times")))
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
