#!/bin/sh
# SPDX-License-Identifier: MIT
# The hivetwin-* golden cases' setup: twins of tests/twins/web01.spec in
# DIR (default h; extra spec lines on stdin, later lines win) and, with
# --metabase, a story MetaBase.xml whose identities name the twin's
# accounts: IUSR_WEB01 with its SAM password at W3SVC and another at
# W3SVC/1, IWAM_WEB01 with its own, and one account per check elsewhere.
# Needs $HIVEGEN and $MBGEN (tests/meson.build sets them).
set -eu
dir=h
mb=
for a in "$@"; do
	case $a in
	--metabase) mb=1 ;;
	*) dir=$a ;;
	esac
done
mkdir -p "$dir"
cp "$(dirname "$0")/web01.spec" "$dir/spec"
if [ ! -t 0 ]; then cat >> "$dir/spec"; fi
"$HIVEGEN" "$dir/spec" "$dir"
rm "$dir/spec"
[ -n "$mb" ] || exit 0
"$MBGEN" --story -o MetaBase.xml \
	--set /LM/W3SVC:AnonymousUserName=IUSR_WEB01 \
	--secure /LM/W3SVC:AnonymousUserPass=Secret1 \
	--set /LM/W3SVC:WAMUserName=IWAM_WEB01 \
	--secure /LM/W3SVC:WAMUserPass=Wam2pass \
	--set /LM/W3SVC/1:AnonymousUserName=IUSR_WEB01 \
	--secure /LM/W3SVC/1:AnonymousUserPass=Secret2 \
	--set /LM/W3SVC/1/ROOT:AnonymousUserName=expired1 \
	--set /LM/W3SVC/1/ROOT/VD1:AnonymousUserName=disabled1 \
	--set /LM/W3SVC/1/ROOT/VD2:AnonymousUserName=lockedold \
	--set /LM/W3SVC/1/ROOT/VD3:AnonymousUserName=hours1 \
	--set /LM/W3SVC/1/ROOT/VD3:UNCUserName=oldpw \
	--set /LM/W3SVC/2:AnonymousUserName=Guest \
	--set /LM/W3SVC/2/ROOT:AnonymousUserName=wsother \
	--set /LM/W3SVC/AppPools/IntranetPool:WAMUserName=mustchange
