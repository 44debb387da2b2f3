#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Benchmark of mbtool against xmllint --noout (libxml2's own parse: the
# floor) and xmlstarlet sel (the XPath peer), SPEC section 5.
#
#   tests/bench/run.sh BUILDDIR [SIZES]
#   e.g. tests/bench/run.sh build            (1000 10000 50000 sites)
#        tests/bench/run.sh build "1000 5000"
#        LAYOUT=per-site tests/bench/run.sh build   (10000 50000 200000)
#        LAYOUT=per-site BENCH_CPU=1 tests/bench/run.sh build "10000 50000"
#        HOSTILE=1 tests/bench/run.sh build ""   (the hostile files only)
#
# LAYOUT=global (default): one anonymous account for most sites;
# LAYOUT=per-site: the hosting layout, each site its own account (mbgen
# --per-site; its passwords come from a pool of 16, as many hosts reuse a
# few); LAYOUT=distinct: the same with a password of its own for every
# site (mbgen --per-site --distinct: one value per site for reveal and
# sam to prove by its signature). Every account command is measured in
# every layout. HOSTILE=1 adds
# the time bounds of issue 15: small files built to force long work.
#
# Needs BUILDDIR/tests/mbgen and BUILDDIR/src/cli/mbtool, /usr/bin/time and
# xmllint; xmlstarlet is skipped when absent. Installs nothing. Every time
# is the best of 3 runs (wall-clock, or CPU time with BENCH_CPU=1); peak
# RSS comes from /usr/bin/time -v.
# Columns: seconds, ratio to xmllint on the same file, peak MB, peak RSS
# divided by the file size. Work files go to $TMPDIR (removed at the end).
set -eu

BUILD=${1:?usage: tests/bench/run.sh BUILDDIR [SIZES]}
# The hosting layout is measured where SPEC section 5 sets its bar: 50k
# and 200k sites (200k takes minutes per command set on 2 cores).
if [ "${LAYOUT:-global}" != global ]; then
	SIZES=${2-"10000 50000 200000"}
else
	SIZES=${2-"1000 10000 50000"}
fi
MBGEN=$BUILD/tests/mbgen
MBTOOL=$BUILD/src/cli/mbtool
VDIRS=${VDIRS:-3}
LAYOUT=${LAYOUT:-global}
KEYS=$(dirname "$0")/../keys
for f in "$MBGEN" "$MBTOOL"; do
	[ -x "$f" ] || { echo "run.sh: $f not built" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "run.sh: needs xmllint" >&2; exit 2; }
XMLSTARLET=$(command -v xmlstarlet || true)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mbbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

now_ns() { date +%s%N; }

# measure PREP CMD...: best-of-3 time and max peak RSS (kB) into $BEST
# and $RSS. PREP (a shell snippet, may be ':') runs untimed before each run
# (the set benchmark copies a fresh file). The time is CPU time (user +
# system, in ns) with BENCH_CPU=1, which holds on a machine shared with
# other work; wall-clock otherwise.
measure() {
	prep=$1; shift
	BEST=
	RSS=0
	for i in 1 2 3; do
		eval "$prep"
		t0=$(now_ns)
		st=0
		/usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || st=$?
		# doctor exits 1 when it finds problems (the generated files have some)
		if [ "$st" -gt 1 ]; then
			echo "run.sh: failed: $*" >&2
			sed 's/^/  /' "$WORK/err.txt" >&2
			BEST=FAIL
			return 0
		fi
		t1=$(now_ns)
		dt=$((t1 - t0))
		if [ "${BENCH_CPU:-0}" = 1 ]; then
			dt=$(awk -F': ' '/User time|System time/ { s += $2 }
				END { printf "%.0f", s * 1e9 }' "$WORK/time.txt")
		fi
		if [ -z "$BEST" ] || [ "$dt" -lt "$BEST" ]; then BEST=$dt; fi
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
		if [ "$r" -gt "$RSS" ]; then RSS=$r; fi
	done
	# A zero floor (CPU time under 10 ms) would divide by zero.
	if [ "$BEST" = 0 ]; then BEST=1; fi
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

# The account commands, on the per-site layout (each site its own account).
accounts_rows() { # file bytes floor
	f=$1
	for cmd in "accounts --all-identities" doctor enum_all \
		"enum_all --effective"; do
		# shellcheck disable=SC2086 # cmd is words
		measure : "$MBTOOL" -f "$f" $cmd
		row "mbtool $cmd" "$2" "$3"
	done
	measure : "$MBTOOL" -f "$f" report -o "$WORK/report.html"
	row "mbtool report -o FILE" "$2" "$3"
	measure : "$MBTOOL" -f "$f" sam --signing-key "$KEYS/signing.pem"
	row "mbtool sam --signing-key" "$2" "$3"
	measure "cp '$f' '$WORK/set.xml'" \
		"$MBTOOL" -f "$WORK/set.xml" collapse --no-backup
	row "mbtool collapse --no-backup" "$2" "$3"
	# the dry run's diff of the whole file (peak memory: SPEC's 3x)
	measure : "$MBTOOL" -f "$f" collapse --dry-run
	row "mbtool collapse --dry-run" "$2" "$3"
	# an account set at several levels in each layout (mbgen: per-site
	# IUSR_S10 at W3SVC/10 and its ROOT; global IUSR_m2 at every third site)
	if [ "$LAYOUT" != global ]; then acct=IUSR_S10 from=w3svc/10
	else acct=IUSR_m2 from=w3svc/3; fi
	measure "cp '$f' '$WORK/set.xml'" \
		"$MBTOOL" -f "$WORK/set.xml" sync-passwords --no-backup \
		--account "$acct" --from "$from"
	row "mbtool sync-passwords --no-backup" "$2" "$3"
}

# Issue 15's hostile files: each must end (exit 6) in well under a second.
# Columns: seconds and the exit status (no xmllint floor: the point is the
# bound, and xmllint itself takes minutes on some of them).
hostile() { # label, then the command
	label=$1; shift
	t0=$(now_ns)
	st=0
	"$@" >/dev/null 2>"$WORK/err.txt" || st=$?
	t1=$(now_ns)
	awk -v l="$label" -v t="$((t1 - t0))" -v s="$st" \
		'BEGIN { printf "%-34s %9.3f   exit %d\n", l, t/1e9, s }'
}

hostile_rows() {
	echo
	echo "== hostile inputs (seconds, exit status)"
	h=$WORK/hostile.xml
	head='<?xml version="1.0"?><configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0"><MBProperty>'
	tail='</MBProperty></configuration>'
	{ printf '%s<IIsConfigObject Location="/LM' "$head"
	  awk 'BEGIN { for (i = 0; i < 500000; i++) printf "/a" }'
	  printf '"></IIsConfigObject>%s' "$tail"; } >"$h"
	hostile "500,000-level Location (1 MB)" "$MBTOOL" -f "$h" get /LM/AuthFlags
	{ printf '%s<IIsWebService Location="/LM/W3SVC"' "$head"
	  awk 'BEGIN { for (i = 0; i < 500000; i++) printf " A%d=\"\"", i }'
	  printf '></IIsWebService>%s' "$tail"; } >"$h"
	hostile "500,000 attributes on one element" "$MBTOOL" -f "$h" get w3svc/AuthFlags
	"$MBGEN" --story -o "$h"
	python3 - "$h" <<'PY'
import re, struct, sys
s = open(sys.argv[1]).read()
def sig512(m):
    raw = bytes.fromhex(m.group(2))
    if raw[:4] != b'IcDb':
        return m.group(0)
    n = struct.unpack('<I', raw[8:12])[0]
    body = struct.pack('<II', n, 512) + raw[16:16 + n] + \
        b'\0' * ((8 - n % 8) % 8) + bytes(range(256)) * 2
    blob = raw[:4] + struct.pack('<I', len(body)) + body
    return '%s="%s"' % (m.group(1), blob.hex())
open(sys.argv[1], 'w').write(re.sub(r'(\w+)="([0-9a-f]{64,})"', sig512, s))
PY
	hostile "512-byte signatures: reveal --all" env HOME="$WORK" XDG_CACHE_HOME="$WORK" \
		"$MBTOOL" -f "$h" reveal --all
	hostile "512-byte signatures: sam" env HOME="$WORK" XDG_CACHE_HOME="$WORK" \
		"$MBTOOL" -f "$h" sam
	hostile "-f /dev/zero" "$MBTOOL" -f /dev/zero get w3svc/AuthFlags
	mkfifo "$WORK/fifo"
	hostile "-f FIFO (no writer)" "$MBTOOL" -f "$WORK/fifo" get w3svc/AuthFlags
	rm -f "$h" "$WORK/fifo"
}

printf '%-34s %9s %8s %9s %8s\n' "command" "seconds" "/xmllint" "peak MB" "/file"
for n in $SIZES; do
	f=$WORK/mb$n.xml
	# shellcheck disable=SC2046 # no flag or one
	"$MBGEN" --sites "$n" --vdirs "$VDIRS" --seed 7 -o "$f" \
		$([ "$LAYOUT" != global ] && echo --per-site) \
		$([ "$LAYOUT" = distinct ] && echo --distinct)
	bytes=$(wc -c <"$f")
	mid=$(( n / 2 > 0 ? n / 2 : 1 ))
	echo
	awk -v n="$n" -v v="$VDIRS" -v b="$bytes" -v l="$LAYOUT" 'BEGIN { printf "== %d sites x %d vdirs (%s): %.1f MB\n", n, v, l, b/1048576 }'

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
	# every command in both layouts (SPEC section 5)
	accounts_rows "$f" "$bytes" "$floor"
	rm -f "$f" "$WORK/set.xml" "$WORK/report.html"
done

# The hive checks (doctor --hives, issue 11: under 50 ms added): doctor on
# the story metabase with and without the real XP hives of the corpus
# ($MB_CORPUS/hives/xp-rawr, else ../shared/corpus next to the source);
# skipped when they are absent. doctor exits 1 on findings: that is not
# a failure here.
hive_rows() {
HIVES=${MB_CORPUS:-$(dirname "$0")/../../../shared/corpus}/hives/xp-rawr
echo
if [ -f "$HIVES/SAM" ]; then
	f=$WORK/story.xml
	"$MBGEN" --story -o "$f" --set /LM/W3SVC:AnonymousUserName=elwood \
		--secure /LM/W3SVC:AnonymousUserPass=bench
	bytes=$(wc -c <"$f")
	echo "== the Windows side: doctor on the story metabase, hives $HIVES"
	measure : xmllint --noout "$f"
	floor=$BEST
	row "xmllint --noout" "$bytes" "$floor"
	measure : sh -c '"$0" -f "$1" doctor >/dev/null; [ $? -le 1 ]' \
		"$MBTOOL" "$f"
	plain=$BEST
	row "mbtool doctor" "$bytes" "$floor"
	measure : sh -c '"$0" -f "$1" doctor --hives "$2" >/dev/null; [ $? -le 1 ]' \
		"$MBTOOL" "$f" "$HIVES"
	row "mbtool doctor --hives" "$bytes" "$floor"
	[ "$BEST" != FAIL ] && [ "$plain" != FAIL ] &&
		awk -v a="$BEST" -v b="$plain" \
			'BEGIN { printf "%-34s %9.1f ms added by the hive checks\n", "", (a-b)/1e6 }'
else
	echo "== the Windows side: skipped (no hives at $HIVES)"
fi
}
hive_rows
[ "${HOSTILE:-0}" = 1 ] && hostile_rows
exit 0
