#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lint the repository ("make lint"):
#   1. checkpatch.pl --strict over every *.c and *.h git knows about or would
#      add (tracked plus untracked-but-not-ignored), none skipped;
#   2. a W=1 build with sparse on every file (C=2) against the headers of
#      every installed Debian kernel (6.1 and 6.12), once as configured by
#      default and once with the page-table mapping mode of zsmalloc
#      (-DCONFIG_ZSMALLOC_PGTABLE_MAPPING=1), so both sides of its #ifdefs
#      and of zram_compat.h are compiled and checked;
#   3. every reStructuredText file under Documentation/ parses without a
#      warning (Debian's docutils), so a merge leftover or a broken table
#      cannot hide in the documentation.
#
# checkpatch.pl and the files it reads come from Debian's linux-source
# tarball, unpacked once into build/linux-source-6.1/.
#
# The builds run in a private copy under build/lint/, so they neither delete
# nor race with the objects teammates build at the top of the tree.  Only
# diagnostics located in our own files are findings: sparse and W=1 also
# report problems inside the kernel headers themselves, which we can
# neither fix nor silence, so those lines are kept in the logs but ignored.
# modpost warnings are always ours (only our modules are built) and count.
#
# Exit status 0 and "lint: clean" when nothing was found, 1 and a list of
# findings otherwise, 2 when the lint itself cannot run.
#
# Options:
#   --allow-broken  sources that do not compile yet (teammates mid-work) or
#                   objects whose source does not exist yet are reported but
#                   do not fail the run; everything that does build must
#                   still be clean.  Without it (the default, used by
#                   "make lint") they are findings like any other.
# Environment: KVER (default: every installed Debian kernel), KDIR (default:
# the Debian headers of KVER), JOBS (2).
set -eu
# Plain ASCII quotes in compiler messages.
export LC_ALL=C LANG=C LC_CTYPE=C LC_MESSAGES=C

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

SRC_TARBALL=${SRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
KSRC=$TOP/build/linux-source-6.1
CHECKPATCH=$KSRC/scripts/checkpatch.pl
LINT=$TOP/build/lint
JOBS=${JOBS:-2}
ALLOW_BROKEN=0

die() {
	echo "lint: $*" >&2
	exit 2
}

for arg in "$@"; do
	case $arg in
	--allow-broken) ALLOW_BROKEN=1 ;;
	*) die "unknown argument '$arg' (only --allow-broken)" ;;
	esac
done

if [ -n "${KDIR:-}" ]; then
	KDIRS=$KDIR
else
	KDIRS=
	for v in ${KVER:-$(scripts/kernel-version.sh --all)}; do
		KDIRS="$KDIRS /usr/src/linux-headers-$v"
	done
fi
for KDIR in $KDIRS; do
	[ -f "$KDIR/Makefile" ] || die "no kernel build tree at $KDIR"
done
command -v sparse >/dev/null || die "sparse not installed (scripts/install-deps.sh)"

# Unpack checkpatch.pl with spelling.txt and const_structs.checkpatch beside
# it; again only when the tarball is newer than the last unpacking.
unpack_checkpatch() {
	if [ -f "$CHECKPATCH" ] && [ -f "$KSRC/.unpacked" ] &&
	   [ -z "$(find "$SRC_TARBALL" -newer "$KSRC/.unpacked")" ]; then
		return
	fi
	[ -r "$SRC_TARBALL" ] || die "$SRC_TARBALL missing (scripts/install-deps.sh)"
	echo "lint: unpacking checkpatch from $SRC_TARBALL"
	mkdir -p "$TOP/build"
	tar -xJf "$SRC_TARBALL" -C "$TOP/build" linux-source-6.1/scripts
	touch "$KSRC/.unpacked"
}

FINDINGS=$LINT/findings
BROKEN=$LINT/broken

# Our C sources, one per line, relative to the top.
our_sources() {
	git ls-files -co --exclude-standard -- '*.c' '*.h' |
		while IFS= read -r f; do
			[ -f "$f" ] && echo "$f"
		done
}

run_rst() {
	echo "lint: docutils on Documentation/"
	git ls-files 'Documentation/*.rst' | while IFS= read -r f; do
		/usr/bin/python3 -m docutils --halt=warning --report=warning \
			"$f" >/dev/null 2>"$LINT/rst.out" && continue
		sed "s|^|$f: |" "$LINT/rst.out" | head -n 5 >>"$FINDINGS"
	done
}

run_checkpatch() {
	echo "lint: checkpatch --strict on $(our_sources | wc -l) files"
	our_sources | while IFS= read -r f; do
		# The compat header's job is to compare kernel versions and to
		# wrap kernel helpers named in CamelCase, which checkpatch
		# (written for in-tree code) always flags.
		ignore=
		[ "$f" = zram_compat.h ] &&
			ignore=--ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON,CAMELCASE
		# The compression libraries' own names (LZ4_loadDict, cParams,
		# zlib_deflateInit2...), which checkpatch only knows in a tree.
		case "$f" in
		zcomp_*.c) ignore=--ignore=CAMELCASE ;;
		esac
		perl "$CHECKPATCH" --strict --no-tree --terse --show-types \
			--no-summary $ignore -f "$f" >"$LINT/checkpatch.out" 2>&1 &&
			continue
		sed "s|^|checkpatch: |" "$LINT/checkpatch.out" >>"$FINDINGS"
		# checkpatch can fail without printing anything (a perl error).
		[ -s "$LINT/checkpatch.out" ] ||
			echo "checkpatch: $f: checkpatch.pl failed" >>"$FINDINGS"
	done
}

# Copy what kbuild needs (every tracked or addable file, minus build/) into
# a fresh private tree, so every object is compiled and checked anew.
copy_tree() {
	dest=$1
	rm -rf "$dest"
	mkdir -p "$dest"
	git ls-files -co --exclude-standard -z |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null |
		tar -xf - -C "$dest"
}

# With --allow-broken, an error is tolerated when it is in a .c file whose
# object failed to build, or in a header while some object failed; all
# other diagnostics, warnings above all, still count.
split_broken() {
	pass=$1
	cp "$LINT/failed" "$LINT/$pass.broken"
	: >"$LINT/$pass.findings"
	while IFS= read -r line; do
		file=${line%%:*}
		case $line in
		*": error"*)
			case $file in
			*.c) grep -qxF "does not build: ${file%.c}.o" "$LINT/failed" ;;
			*) [ -s "$LINT/failed" ] ;;
			esac ;;
		*)
			false ;;
		esac && kind=broken || kind=findings
		echo "$line" >>"$LINT/$pass.$kind"
	done <"$LINT/diag"
}

# Turn one build log into this pass's findings and broken objects, in
# $LINT/$pass.findings and $LINT/$pass.broken.
sift_log() {
	pass=$1 tree=$2 log=$3

	# Compiler and sparse diagnostics in our files: path:line[:col]: text.
	# Warnings and errors inside kernel headers start with another path.
	grep -E "^$tree/[^:]+:[0-9]+(:[0-9]+)?: (warning|error)" "$log" |
		sed "s|^$tree/||" >"$LINT/diag" || true
	# modpost only ever looks at our modules.
	grep -E '^(WARNING|ERROR): modpost:' "$log" |
		sed "s|$tree/||g" >>"$LINT/diag" || true

	# Objects whose recipe failed, and objects with no source at all.
	grep -E "\*\*\* \[[^]]*: $tree/[^]]+\] Error" "$log" |
		sed -E "s|.*: $tree/([^]]+)\] Error.*|does not build: \1|" |
		sed 's|^does not build: Module.symvers$|modpost failed|' \
		>"$LINT/failed" || true
	grep -E "No rule to make target '$tree/[^']+'" "$log" |
		sed -E "s|.*target '$tree/([^']+)'.*|does not build: \1 (no source)|" \
		>>"$LINT/failed" || true

	if [ "$ALLOW_BROKEN" = 1 ]; then
		split_broken "$pass"
	else
		cat "$LINT/diag" "$LINT/failed" >"$LINT/$pass.findings"
		: >"$LINT/$pass.broken"
	fi
	if grep -q '^make failed$' "$log" && [ ! -s "$LINT/$pass.findings" ] &&
	   [ ! -s "$LINT/$pass.broken" ]; then
		# A failure none of the patterns above recognised.
		echo "build failed, see $log" >"$LINT/$pass.findings"
	fi
}

# One W=1 + sparse build of a copy against $2; $3... are extra make
# arguments.
run_build() {
	pass=$1 KDIR=$2
	shift 2
	tree=$LINT/$pass
	log=$LINT/$pass.log
	copy_tree "$tree"
	echo "lint: W=1 + sparse build ($pass) against $KDIR"
	# -k: keep going past a file that does not compile, to check the rest.
	make -k -j"$JOBS" -C "$KDIR" M="$tree" W=1 C=2 CHECK=sparse \
		CONFIG_ZRAM=m CONFIG_ZSMALLOC_TEST=m "$@" modules \
		>"$log" 2>&1 || echo "make failed" >>"$log"
	sift_log "$pass" "$tree" "$log"
}

# Merge the passes' lists ($1: findings or broken) into one: a line seen in
# every pass is labelled "build:", one seen in some "build (pass,...):".
merge_passes() {
	kind=$1
	shift
	for pass in "$@"; do
		sed "s|^|$pass\t|" "$LINT/$pass.$kind"
	done | awk -F '\t' -v npass=$# '
		!(($2) in seen) { order[n++] = $2 }
		{ seen[$2] = seen[$2] ? seen[$2] "," $1 : $1; count[$2]++ }
		END {
			for (i = 0; i < n; i++) {
				line = order[i]
				tag = count[line] == npass ? "build" : \
				      "build (" seen[line] ")"
				print tag ": " line
			}
		}'
}

report() {
	status=0
	if [ -s "$BROKEN" ]; then
		echo "lint: not built yet (tolerated by --allow-broken):"
		sed 's/^/  /' "$BROKEN"
	fi
	if [ -s "$FINDINGS" ]; then
		echo "lint: $(wc -l <"$FINDINGS") finding(s):"
		sed 's/^/  /' "$FINDINGS"
		echo "lint: FAILED (build logs: $LINT/*.log)"
		status=1
	else
		echo "lint: clean"
	fi
	return $status
}

mkdir -p "$LINT"
# Two teammates linting at once would share build/lint: take turns.
exec 9>"$LINT/.lock"
flock 9
unpack_checkpatch
: >"$FINDINGS"
run_checkpatch
run_rst
passes=
for KDIR in $KDIRS; do
	kver=${KDIR##*/linux-headers-}
	run_build "default-$kver" "$KDIR"
	run_build "pgtable-$kver" "$KDIR" \
		CONFIG_ZSMALLOC_PGTABLE_MAPPING=y
	passes="$passes default-$kver pgtable-$kver"
done
# shellcheck disable=SC2086 # one pass name per word
merge_passes findings $passes >>"$FINDINGS"
# shellcheck disable=SC2086
merge_passes broken $passes >"$BROKEN"
report
