# SPDX-License-Identifier: GPL-2.0
#
# Shared by run-vm and run-suite: choosing the kernel, building our modules
# for it, and judging a finished VM run.  Sourced; expects $TOP and $HERE.

# Kernel reports that fail a run wherever they appear on the console.
KERNEL_REPORTS='BUG:|WARNING:|Oops|KASAN|UBSAN|unreferenced object|'
KERNEL_REPORTS+='possible circular locking|inconsistent lock state|'
KERNEL_REPORTS+='possible recursive locking|suspicious RCU usage|'
KERNEL_REPORTS+='INFO: task .* blocked|Kernel panic|general protection fault|'
KERNEL_REPORTS+='kernel BUG|rcu_sched self-detected stall|watchdog: BUG|'
KERNEL_REPORTS+='sleeping function called from invalid context|'
KERNEL_REPORTS+='scheduling while atomic|bad page state|list_del corruption'

# Set VM_KVER, VM_KERNEL, VM_MODDIR (the kernel's /lib/modules/VER) and
# VM_KDIR (the tree to build modules against).
select_kernel() {
	local debug=$1 kver=$2 dir

	if [ "$debug" = 1 ]; then
		dir=$("$TOP/scripts/build-debug-kernel.sh" --print-dir)
		"$TOP/scripts/build-debug-kernel.sh" || return 1
		VM_KVER=$(cat "$dir/release")
		VM_KERNEL=$dir/bzImage
		VM_MODDIR=$dir/modules/lib/modules/$VM_KVER
		VM_KDIR=$(ls -d "$dir"/linux-*/ | head -n 1)
	else
		VM_KVER=${kver:-$("$TOP/scripts/kernel-version.sh")} || return 1
		VM_KERNEL=/boot/vmlinuz-$VM_KVER
		VM_MODDIR=/lib/modules/$VM_KVER
		VM_KDIR=/usr/src/linux-headers-$VM_KVER
	fi
	for f in "$VM_KERNEL" "$VM_MODDIR" "$VM_KDIR"; do
		[ -e "$f" ] || { echo "vm: $f missing" >&2; return 1; }
	done
}

# Build zram.ko, the test modules and the harness's own WARN_ON module in
# build/obj/VER/, a copy of the sources, so that builds for different
# kernels never overwrite each other.  The .ko files end up in
# $OBJDIR/out.
build_our_modules() {
	OBJDIR=$TOP/build/obj/$VM_KVER
	local src=$OBJDIR/src warn=$OBJDIR/warn_on_load
	local cfg=${ZT_MODULE_CONFIG-"CONFIG_ZRAM=m CONFIG_ZSMALLOC_TEST=m"}

	mkdir -p "$src/include" "$warn" "$OBJDIR/out"
	(cd "$TOP" && cp -up Makefile Kconfig *.c *.h "$src/" 2>/dev/null)
	cp -rup "$TOP/include/." "$src/include/"
	cp -up "$HERE/warn_on_load/"* "$warn/"
	# A module this configuration does not build must not survive from
	# an earlier build with another one and be packed as if it were new.
	rm -f "$OBJDIR/out/"*.ko "$src/"*.ko

	echo "vm: building modules for $VM_KVER"
	# shellcheck disable=SC2086
	if ! make -s -C "$VM_KDIR" M="$src" $cfg -j2 modules \
			>"$OBJDIR/build.log" 2>&1; then
		tail -n 40 "$OBJDIR/build.log"
		echo "vm: building our modules failed (build/obj/$VM_KVER/build.log)"
		return 1
	fi
	make -s -C "$VM_KDIR" M="$warn" modules >>"$OBJDIR/build.log" 2>&1 ||
		{ tail -n 20 "$OBJDIR/build.log"; return 1; }
	cp "$warn"/*.ko "$OBJDIR/out/"
	for ko in "$src"/*.ko; do
		[ -e "$ko" ] && cp "$ko" "$OBJDIR/out/"
	done
	return 0
}

# with_build_lock COMMAND...: run COMMAND holding the lock of the build
# copy for $VM_KVER.  Runs for the same kernel share build/obj/VER/: two at
# once (two people, or run-suite and a manual run) would otherwise build
# over each other and pack each other's modules.  Hold it from the build
# until the initramfs is packed; the boot itself needs no lock.
with_build_lock() {
	local lock=$TOP/build/obj/$VM_KVER.lock fd rc

	mkdir -p "$TOP/build/obj"
	exec {fd}>"$lock" || return 1
	if ! flock -n "$fd"; then
		echo "vm: waiting for another run building for $VM_KVER"
		flock "$fd"
	fi
	"$@"
	rc=$?
	exec {fd}>&-
	return $rc
}

# Count the scripts' KTAP results and the kernel's reports for one run.
# Prints the verdict, writes OUTDIR/summary and returns non-zero on failure.
judge_run() {
	local outdir=$1 qemu_rc=$2 counts passed failed skipped reports

	counts=$(awk '
		function fail(why) { failed++; problems = problems "\n  " why }
		{ sub(/\r$/, "") }
		/^# START / { script = $3; open_script = 1; ok_s = 0; bad_s = 0; next }
		/^# EXIT / {
			rc = $4; sub("rc=", "", rc)
			if (bad_s == 0 && rc != 0)
				fail(script ": exited with status " rc)
			if (ok_s + bad_s == 0 && rc == 0)
				fail(script ": reported no results")
			open_script = 0; next
		}
		/^# DONE/ { done = 1 }
		/^1\.\.0 *# *SKIP/ { skipped++; ok_s++; next }
		/^ok / {
			if ($0 ~ /# *SKIP/) skipped++; else passed++
			ok_s++; next
		}
		/^not ok / { failed++; bad_s++; problems = problems "\n  " script ": " $0 }
		END {
			if (open_script) fail(script ": did not finish (hung or crashed)")
			else if (!done) fail("guest did not reach the end of its run")
			printf "%d %d %d%s\n", passed, failed, skipped, problems
		}' "$outdir/results.log")
	read -r passed failed skipped <<<"$(head -n 1 <<<"$counts")"

	reports=$(grep -aEn "$KERNEL_REPORTS" "$outdir/console.log" 2>/dev/null |
		  grep -v 'zt: ' | head -n 20)
	if [ -n "$reports" ]; then
		failed=$((failed + 1))
		echo "vm: kernel reports on the console (build/vm/$(basename "$outdir")/console.log):"
		echo "$reports" | sed 's/^/  /'
	fi
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		echo "vm: guest hung: killed after its time limit"
	fi
	# One line a failed check, script that failed or did not finish.
	tail -n +2 <<<"$counts" | sed 's/^ *//' > "$outdir/failures"
	if [ -s "$outdir/failures" ]; then
		echo "vm: failures:$(sed 's/^/  /' "$outdir/failures")"
	fi
	echo "$passed $failed $skipped" > "$outdir/summary"
	echo "vm: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
