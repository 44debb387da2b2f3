#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Benchmark of mbtool against xmllint --noout (libxml2's own parse: the
# floor) and xmlstarlet sel (the XPath peer), SPEC section 5.
#
#   tests/bench/run.sh BUILDDIR [SIZES]
#   e.g. tests/bench/run.sh build            (1000 10000 50000 sites)
#        tests/bench/run.sh build "1000 5000"
#
# Needs BUILDDIR/tests/mbgen and BUILDDIR/src/cli/mbtool, /usr/bin/time and
# xmllint; xmlstarlet is skipped when absent. Installs nothing. Every time
# is the best of 3 wall-clock runs; peak RSS comes from /usr/bin/time -v.
# Columns: seconds, ratio to xmllint on the same file, peak MB, peak RSS
# divided by the file size. Work files go to $TMPDIR (removed at the end).
set -eu

BUILD=${1:?usage: tests/bench/run.sh BUILDDIR [SIZES]}
SIZES=${2:-"1000 10000 50000"}
MBGEN=$BUILD/tests/mbgen
MBTOOL=$BUILD/src/cli/mbtool
VDIRS=${VDIRS:-3}
for f in "$MBGEN" "$MBTOOL"; do
	[ -x "$f" ] || { echo "run.sh: $f not built" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "run.sh: needs xmllint" >&2; exit 2; }
XMLSTARLET=$(command -v xmlstarlet || true)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mbbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

now_ns() { date +%s%N; }

# measure NAME PREP CMD...: best-of-3 seconds and max peak RSS (kB) into
# $BEST and $RSS. PREP (a shell snippet, may be ':') runs untimed before
# each run (the set benchmark copies a fresh file).
measure() {
	prep=$1; shift
	BEST=
	RSS=0
	for i in 1 2 3; do
		eval "$prep"
		t0=$(now_ns)
		if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
			echo "run.sh: failed: $*" >&2
			sed 's/^/  /' "$WORK/err.txt" >&2
			BEST=FAIL
			return 0
		fi
		t1=$(now_ns)
		dt=$((t1 - t0))
		if [ -z "$BEST" ] || [ "$dt" -lt "$BEST" ]; then BEST=$dt; fi
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
		if [ "$r" -gt "$RSS" ]; then RSS=$r; fi
	done
}

row() { # label file_bytes floor_ns
	label=$1 fbytes=$2 floor=$3
	if [ "$BEST" = FAIL ]; then
		printf '%-34s %9s\n' "$label" FAILED
		return
	fi
	awk -v l="$label" -v t="$BEST" -v f="$floor" -v r="$RSS" -v b="$fbytes" \
		'BEGIN { printf "%-34s %9.3f %7.2fx %9.1f %7.2fx\n", l, t/1e9, t/f, r/1024, r*1024/b }'
}

printf '%-34s %9s %8s %9s %8s\n' "command" "seconds" "/xmllint" "peak MB" "/file"
for n in $SIZES; do
	f=$WORK/mb$n.xml
	"$MBGEN" --sites "$n" --vdirs "$VDIRS" --seed 7 -o "$f"
	bytes=$(wc -c <"$f")
	mid=$(( n / 2 > 0 ? n / 2 : 1 ))
	echo
	awk -v n="$n" -v v="$VDIRS" -v b="$bytes" 'BEGIN { printf "== %d sites x %d vdirs: %.1f MB\n", n, v, b/1048576 }'

	measure : xmllint --noout "$f"
	floor=$BEST
	row "xmllint --noout" "$bytes" "$floor"
	if [ -n "$XMLSTARLET" ]; then
		measure : "$XMLSTARLET" sel -t -v "count(//*[@AnonymousUserName])" "$f"
		row "xmlstarlet sel count(...)" "$bytes" "$floor"
	fi
	measure : "$MBTOOL" -f "$f" get "w3svc/$mid/root/AnonymousUserName"
	row "mbtool get" "$bytes" "$floor"
	measure : "$MBTOOL" -f "$f" find AnonymousUserName
	row "mbtool find" "$bytes" "$floor"
	for cmd in secrets accounts; do
		if "$MBTOOL" help "$cmd" >/dev/null 2>&1; then
			measure : "$MBTOOL" -f "$f" "$cmd"
			row "mbtool $cmd" "$bytes" "$floor"
		else
			printf '%-34s %9s\n' "mbtool $cmd" "(absent)"
		fi
	done
	measure "cp '$f' '$WORK/set.xml'" \
		"$MBTOOL" -f "$WORK/set.xml" set --no-backup \
		"w3svc/$mid/root/AnonymousUserName" IUSR_BENCH
	row "mbtool set --no-backup" "$bytes" "$floor"
	rm -f "$f" "$WORK/set.xml"
done
