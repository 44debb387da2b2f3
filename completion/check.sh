#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The generated completion (build dir) against the program: every option
# `mbtool help CMD` lists is offered after CMD, and the commands are offered
# first. Usage: check.sh COMPLETION MBTOOL
set -u
source "$1"
MB=$2
fail=0
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mbtool
	printf '%s\n' "${COMPREPLY[@]}"
}
cmds=$("$MB" help | sed -n '/^commands/,/^$/s/^  \([a-z_-]*\) .*/\1/p')
got=$(complete_words mbtool "" | sort)
[ "$got" = "$(printf '%s\n' $cmds | sort)" ] || {
	echo "commands offered: $got"; fail=1; }
for c in $cmds; do
	[ "$c" = help ] && continue
	offered=$(complete_words mbtool "$c" -- | sort)
	for o in $("$MB" help "$c" | sed -n '/^options:/,/^$/p' |
		   grep -o -- '--[a-z-]*' | grep -v -- '--help'); do
		grep -qx -- "$o" <<<"$offered" || {
			echo "$c: $o not offered"; fail=1; }
	done
done
exit $fail
