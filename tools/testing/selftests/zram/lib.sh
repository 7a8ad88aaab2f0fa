# SPDX-License-Identifier: GPL-2.0
#
# Shared by the zram selftests (". ./lib.sh"): KTAP output, checks that say
# what they expected and what they got, and loading/unloading zram.  Every
# script loads zram itself and leaves it unloaded, so scripts do not depend
# on each other or on their order in a VM run.

# busybox sh runs its own applets (mount, dd, stat, rmmod...) in preference
# to the programs in PATH; run under bash so that the real util-linux,
# coreutils and kmod tools answer, as on a real system.
if [ -z "$BASH_VERSION" ] && command -v bash > /dev/null; then
	exec bash "$0" "$@"
fi

SYS=/sys/block
CTL=/sys/class/zram-control
# shellcheck disable=SC2034 # used by the scripts
PAGE=4096

# The debug kernel (KASAN, lockdep, kmemleak; recognised by kmemleak's
# debugfs file) does the same work many times slower under TCG.  Scripts
# divide their data sizes by ZT_SCALE: 4 there, 1 elsewhere, unless the
# environment sets it.
if [ -z "$ZT_SCALE" ]; then
	ZT_SCALE=1
	[ -e /sys/kernel/debug/kmemleak ] && ZT_SCALE=4
fi

ZT_PLANNED=0
ZT_RUN=0
ZT_FAILED=0

# --- KTAP ---------------------------------------------------------------

ktap_plan()
{
	ZT_PLANNED=$1
	echo "TAP version 13"
	echo "1..$1"
}

diag()
{
	echo "# $*"
}

ktap_ok()
{
	ZT_RUN=$((ZT_RUN + 1))
	echo "ok $ZT_RUN - $*"
}

ktap_fail()
{
	ZT_RUN=$((ZT_RUN + 1))
	ZT_FAILED=$((ZT_FAILED + 1))
	echo "not ok $ZT_RUN - $*"
}

# ktap_skip DESC REASON
ktap_skip()
{
	ZT_RUN=$((ZT_RUN + 1))
	echo "ok $ZT_RUN - $1 # SKIP $2"
}

# ktap_result STATUS DESC: ok when STATUS is 0.
ktap_result()
{
	local status=$1

	shift
	if [ "$status" -eq 0 ]; then
		ktap_ok "$@"
	else
		ktap_fail "$@"
	fi
}

# Call last.  A test that never ran is as bad as one that failed.
ktap_finish()
{
	if [ "$ZT_RUN" -ne "$ZT_PLANNED" ]; then
		diag "planned $ZT_PLANNED tests, ran $ZT_RUN"
		exit 1
	fi
	diag "$((ZT_RUN - ZT_FAILED)) passed, $ZT_FAILED failed"
	[ "$ZT_FAILED" -eq 0 ]
	exit
}

# --- Checks: each one is a test -----------------------------------------

# check_eq DESC EXPECTED ACTUAL.  An empty EXPECTED fails: it comes from a
# reading that found nothing, and would pass against another such reading.
check_eq()
{
	if [ -z "$2" ]; then
		diag "nothing expected: the reading it came from was empty"
		ktap_fail "$1"
	elif [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		diag "expected '$2', got '$3'"
		ktap_fail "$1"
	fi
}

# check_none DESC LIST: ok when LIST, what went wrong, is empty.
check_none()
{
	if [ -z "$2" ]; then
		ktap_ok "$1"
	else
		diag "expected nothing, got '$2'"
		ktap_fail "$1"
	fi
}

# check_cmp DESC A OP B: integer comparison, OP one of -eq -ne -lt -le -gt -ge.
check_cmp()
{
	if test "$2" "$3" "$4" 2> /dev/null; then
		ktap_ok "$1"
	else
		diag "expected $2 $3 $4"
		ktap_fail "$1"
	fi
}

# check_errno DESC EXPECTED PATH VALUE: write VALUE (plus a newline) to PATH
# and compare the outcome, "OK" or an errno name such as "EINVAL".
check_errno()
{
	check_eq "$1" "$2" "$(sysfs_io write "$3" "$4")"
}

# check_run DESC COMMAND...: ok when COMMAND succeeds; its output is kept
# as diagnostics when it fails, and slow commands say how long they took.
check_run()
{
	local desc=$1 out status start=$SECONDS

	shift
	out=$("$@" 2>&1)
	status=$?
	[ $((SECONDS - start)) -lt 3 ] || diag "took $((SECONDS - start)) s"
	if [ $status -eq 0 ]; then
		ktap_ok "$desc"
	else
		[ -n "$out" ] && echo "$out" | tail -n 15 | sed 's/^/# /'
		ktap_fail "$desc"
	fi
}

# wait_until SECONDS COMMAND...: poll COMMAND until it succeeds or time
# runs out; the status is COMMAND's last.
wait_until()
{
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# --- test modules ---------------------------------------------------------
#
# A test module runs its tests when it loads and logs KTAP lines prefixed
# with its name.

# kernel_log_since MARKER: the kernel log from the line MARKER on.
kernel_log_since()
{
	dmesg | sed -n "/$1/,\$p"
}

# allocation_complaints MARKER: what the kernel said since MARKER of an
# allocation it warned about, failed loudly or killed for (at most 3 lines).
allocation_complaints()
{
	kernel_log_since "$1" |
		grep -E 'WARNING|allocation failure|vmalloc error|Out of memory|oom-kill' |
		head -n 3
}

# module_log MODULE MARKER: MODULE's log lines since MARKER, without the prefix.
module_log()
{
	kernel_log_since "$2" | sed -n "s/^\[[^]]*\] $1: //p"
}

# report_module_results MODULE: re-report MODULE's KTAP results (on stdin)
# as ours; diagnostics pass through.
report_module_results()
{
	local line name

	while IFS= read -r line; do
		case "$line" in
		"# "*)
			echo "$line" ;;
		"ok "*"# SKIP"*)
			name=${line#ok * - }
			ktap_skip "$1: ${name%% # SKIP*}" "${line##*# SKIP}" ;;
		"ok "*)
			ktap_ok "$1: ${line#ok * - }" ;;
		"not ok "*)
			ktap_fail "$1: ${line#not ok * - }" ;;
		esac
	done
}

# run_test_module MODULE EXTRA [PARAM=VALUE...]: load MODULE afresh, plan
# its tests and EXTRA more of the caller's, and report its results, whether
# it loaded, and whether it ran every test it planned.
run_test_module()
{
	local module=$1 extra=$2 marker rc log planned

	shift 2
	[ -d "/sys/module/$module" ] && rmmod "$module"
	marker="run_test_module $module $$ $(date +%s)"
	echo "$marker" > /dev/kmsg
	modprobe "$module" "$@"
	rc=$?
	log=$(module_log "$module" "$marker")
	planned=$(echo "$log" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
	ktap_plan $((${planned:-0} + 2 + extra))
	check_eq "$module loads" 0 "$rc"
	report_module_results "$module" <<EOF
$log
EOF
	check_eq "$module ran every planned test" "${planned:-none}" \
		"$(echo "$log" | grep -cE '^(not )?ok [0-9]+ ')"
}

# --- zram -----------------------------------------------------------------

# True when the zram module modprobe picks is ours (installed in updates/)
# rather than the kernel's own.
zram_is_ours()
{
	case "$(modinfo -n zram 2>/dev/null)" in
	*/updates/*) return 0 ;;
	esac
	return 1
}

# zram_has_symbol NAME: the loaded zram module has a function NAME.
zram_has_symbol()
{
	grep -q " $1[[:space:]]*\[zram\]" /proc/kallsyms
}

# --- counting calls ---------------------------------------------------------

TRACE=/sys/kernel/tracing

# Calls of kernel functions are counted with kprobes (their hits in
# kprobe_profile), with tracing and the recording of task names off.  The
# function tracer, or an event that records task names, would hook the
# scheduler's sched_switch tracepoint, and patching the scheduler's text
# while the other vCPU runs it can leave that vCPU stuck in the int3 trap
# under TCG.

# kprobe_events: true where the kernel has kprobe events.
kprobe_events()
{
	[ -e $TRACE/kprobe_events ] || mount -t tracefs nodev $TRACE 2> /dev/null
	[ -w $TRACE/kprobe_events ]
}

# kprobe_start NAME FN: count the calls of FN as kprobe NAME.  Fails where
# the kernel has no kprobe events or cannot probe FN.
kprobe_start()
{
	kprobe_events || return 1
	echo 0 > $TRACE/tracing_on
	echo 0 > $TRACE/options/record-cmd
	echo "p:$1 $2" >> $TRACE/kprobe_events 2> /dev/null &&
		echo 1 > "$TRACE/events/kprobes/$1/enable"
}

# kprobe_hits NAME: the calls kprobe NAME has counted.
kprobe_hits()
{
	awk -v k="$1" '$1 == k { print $2 }' $TRACE/kprobe_profile
}

kprobe_stop()
{
	echo 0 > "$TRACE/events/kprobes/$1/enable"
	echo "-:$1" >> $TRACE/kprobe_events
}

# kprobe_missing DESC...: the checks that kprobe_start() failing left
# uncounted.  Skipped on a kernel without kprobe events; failed on one with
# them, where it means the function was renamed, inlined or left out.
kprobe_missing()
{
	local desc

	for desc; do
		if kprobe_events; then
			ktap_fail "$desc (its kprobe could not be placed)"
		else
			ktap_skip "$desc" "no kprobe events in this kernel"
		fi
	done
}

# zram_load [PARAM=VALUE...]: load zram, with the kernel's zsmalloc.ko
# beside it when the kernel has one (ours must coexist with it).
zram_load()
{
	modprobe -q zsmalloc 2>/dev/null
	modprobe zram "$@" || return 1
	[ -d "$CTL" ]
}

# Undo whatever a script left behind (swap, mounts) and unload zram.
zram_unload()
{
	local dev

	[ -d /sys/module/zram ] || return 0
	for dev in /dev/zram*; do
		[ -b "$dev" ] || continue
		swapoff "$dev" 2>/dev/null
		umount "$dev" 2>/dev/null
	done
	rmmod zram
}

# fields FILE N...: fields N... (1-based, whitespace-separated) of FILE's
# first line.  Shell builtins only: on the debug kernel every exec costs a
# tenth of a second.
fields()
{
	local words n out=

	read -ra words < "$1"
	shift
	for n in "$@"; do
		out="$out${out:+ }${words[n - 1]}"
	done
	echo "$out"
}

# field FILE N: one field.
field()
{
	fields "$1" "$2"
}

# mm DEV N / io DEV N: a field of mm_stat / io_stat.  The fields, 1-based:
# mm_stat: orig_data_size compr_data_size mem_used_total mem_limit
#          mem_used_max same_pages pages_compacted huge_pages huge_pages_since
# io_stat: failed_reads failed_writes invalid_io notify_free
mm()
{
	field "$SYS/$1/mm_stat" "$2"
}

io()
{
	field "$SYS/$1/io_stat" "$2"
}

# algorithm DEV: the compressor DEV's comp_algorithm shows in brackets.
algorithm()
{
	sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$SYS/$1/comp_algorithm"
}

# swap_priority PATH: the priority of swap device PATH in /proc/swaps, or "none".
swap_priority()
{
	local name prio _

	while read -r name _ _ _ prio; do
		[ "$name" = "$1" ] && echo "$prio" && return
	done < /proc/swaps
	echo none
}

# vmstat KEY: a /proc/vmstat counter.
vmstat()
{
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}

# meminfo KEY: a /proc/meminfo value in KiB.
meminfo()
{
	local key value _

	while read -r key value _; do
		[ "$key" = "$1:" ] && echo "$value" && return
	done < /proc/meminfo
}

# free_kib: free memory in KiB, MemFree plus the pages free on per-CPU
# lists, which MemFree leaves out.  Since 6.7 those lists grow to tens of
# MiB after a burst of frees such as a reset, so MemFree alone misses them.
free_kib()
{
	local key value pcp=0

	while read -r key value; do
		[ "$key" = count: ] && pcp=$((pcp + value))
	done < /proc/zoneinfo
	echo $(($(meminfo MemFree) + pcp * PAGE / 1024))
}

# make_random MIB: a file of incompressible data in $TMPDIR (a tmpfs),
# created once per boot; prints its path.
make_random()
{
	local file=${TMPDIR:-/var/tmp}/random.$1M

	[ -s "$file" ] || dd if=/dev/urandom of="$file" bs=1M count="$1" 2>/dev/null
	echo "$file"
}

# Reference image: tests that move pages between RAM and a backing device
# keep in $IMG what $DEV must read back, and compare the two.

# put FIRST COUNT FILE: COUNT pages of FILE to $DEV's pages FIRST... (with
# O_DIRECT) and to the same place in the reference image $IMG.
put()
{
	dd if="$3" of=$DEV bs=4096 seek="$1" count="$2" oflag=direct \
		conv=notrunc status=none &&
		dd if="$3" of="$IMG" bs=4096 seek="$1" count="$2" \
			conv=notrunc status=none
}

# intact [FIRST COUNT]: "yes" when $DEV, or COUNT pages of it from page
# FIRST, holds the reference image.  Reads with O_DIRECT, so that the data
# comes from zram and not the page cache; the whole device in 1 MiB reads.
intact()
{
	if [ $# -eq 0 ]; then
		dd if=$DEV bs=1M iflag=direct status=none | cmp -s - "$IMG"
	else
		dd if="$IMG" of="$WORK/part" bs=4096 skip="$1" count="$2" \
			status=none &&
			dd if=$DEV bs=4096 skip="$1" count="$2" iflag=direct \
				status=none | cmp -s - "$WORK/part"
	fi && echo yes || echo no
}
