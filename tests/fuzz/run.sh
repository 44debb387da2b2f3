#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Short libFuzzer runs, as CI does them (.ci/run):
#
#   tests/fuzz/run.sh TARGETS_DIR SECONDS
#   e.g. CC=clang meson setup build-fuzz -Dfuzz=true
#        meson compile -C build-fuzz
#        tests/fuzz/run.sh build-fuzz/tests/fuzz 60
#
# Runs every fuzz_<t> in TARGETS_DIR for SECONDS, one after the other (the
# machines are small), from a temp copy of tests/fuzz/seeds/<t>/ so that
# the repository is never written to (fuzz_doc also starts from the real
# metabases in ../shared/corpus/metabase, or $MB_CORPUS/metabase, when
# present; fuzz_hive also from $MB_CORPUS/hives, malformed and real), with tests/fuzz/<t>.dict (xml.dict for doc) when there is one. Exit status 1 if any target found a crash,
# a leak, a timeout (one input over 10 s) or used over 2 GB: the log's end
# is printed with the reproducer's path, which is kept (with the log) in
# the work folder named at the end; other runs leave nothing behind.
set -eu

DIR=${1:?usage: tests/fuzz/run.sh TARGETS_DIR SECONDS}
SECS=${2:?usage: tests/fuzz/run.sh TARGETS_DIR SECONDS}
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${MB_CORPUS:-$HERE/../../../shared/corpus}/metabase
HIVES=${MB_CORPUS:-$HERE/../../../shared/corpus}/hives
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mbfuzz.XXXXXX")
FAILED=0
RAN=0

# libFuzzer stops itself after SECS; this only bounds a run that hangs
# outside an input (the per-input -timeout covers those).
LIMIT=$((SECS * 2 + 60))

dict_for() {
	case $1 in
	doc) d=$HERE/xml.dict ;;
	*) d=$HERE/$1.dict ;;
	esac
	if [ -f "$d" ]; then
		echo "-dict=$d"
	fi
}

report_failure() {
	t=$1
	rc=$2
	w=$WORK/$t
	FAILED=1
	echo "FAIL    fuzz_$t (exit $rc); the end of its log ($w/log):"
	tail -n 40 "$w/log" | sed 's/^/    /'
	found=0
	for a in "$w"/artifacts/*; do
		[ -f "$a" ] || continue
		found=1
		echo "reproducer: $a"
		echo "  rerun it:  $DIR/fuzz_$t $a"
		echo "  keep it:   cp $a $HERE/seeds/$t/regress-NAME"
	done
	[ $found = 1 ] || echo "no reproducer written (the run hung or" \
		"was killed after $LIMIT s)"
}

run_one() {
	exe=$1
	t=${exe##*/fuzz_}
	w=$WORK/$t
	mkdir -p "$w/corpus" "$w/artifacts"
	[ -d "$HERE/seeds/$t" ] && cp "$HERE/seeds/$t"/* "$w/corpus/"
	# The real metabases of ../shared/corpus seed the document parser too
	# (not copied into the repository: they are not ours to ship).
	if [ "$t" = doc ] && [ -d "$CORPUS" ]; then
		for c in "$CORPUS"/*.xml; do
			[ -f "$c" ] && cp "$c" "$w/corpus/corpus-${c##*/}"
		done
	fi
	# fuzz_hive: the twins of seeds/hive (tests/hivegen.c's), and the
	# hostile hives and the real XP hives of the corpus when it is there.
	if [ "$t" = hive ]; then
		for c in "$HIVES"/malformed/* "$HIVES"/xp-*/S*; do
			[ -f "$c" ] && cp "$c" "$w/corpus/corpus-$(echo "${c#"$HIVES"/}" | tr / -)"
		done
		if [ -z "$(ls -A "$w/corpus")" ]; then
			echo "skip    fuzz_$t: no hives in $HIVES to seed it"
			rm -rf "$w"
			return
		fi
	fi
	rc=0
	# libregf's own leak on damaged hives (libregf.supp says which).
	supp=
	[ "$t" = hive ] && supp="suppressions=$HERE/libregf.supp"
	# shellcheck disable=SC2046 # the dict option is one word or none
	LSAN_OPTIONS=$supp timeout -k 10 "$LIMIT" "$exe" -max_total_time="$SECS" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$w/artifacts/" $(dict_for "$t") \
		"$w/corpus" >"$w/log" 2>&1 || rc=$?
	RAN=$((RAN + 1))
	if [ $rc != 0 ] || [ -n "$(ls -A "$w/artifacts")" ]; then
		report_failure "$t" $rc
	else
		echo "ok      fuzz_$t: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' \
			"$w/log" | sed 's/.*: //') inputs in ${SECS} s," \
			"$(find "$w/corpus" -type f | wc -l) in the corpus"
		rm -rf "$w"
	fi
}

for exe in "$DIR"/fuzz_*; do
	if [ -f "$exe" ] && [ -x "$exe" ]; then
		run_one "$exe"
	fi
done
if [ $RAN = 0 ]; then
	echo "run.sh: no fuzz_* programs in $DIR (CC=clang meson setup" \
		"DIR -Dfuzz=true)" >&2
	rmdir "$WORK" 2>/dev/null || true
	exit 2
fi
if [ $FAILED = 1 ]; then
	echo "fuzzing found problems; logs and reproducers are in $WORK"
	exit 1
fi
rm -rf "$WORK"
