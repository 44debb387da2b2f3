#!/bin/sh
# SPDX-License-Identifier: MIT
# The hivetwin-known-* golden cases' setup: the web01 twin in h whose
# IUSR_WEB01 has PASSWORD (default: 18 random printable characters) and a
# one-site MetaBase.xml without AdminACLs that names it, with the same
# value as LogOdbcPassword so the documented default does not help either:
# the file's cribs alone cannot recover it; --known or the machine keys
# must. known.txt holds the password, wrong.txt one of the same length
# that differs in its last character (both mode 0600).
# Needs $HIVEGEN and $MBGEN (tests/meson.build sets them).
set -eu
pw=${1:-'Zx9!qWeR7kLmN2@vBt'}
printf 'user IUSR_WEB01 1003 pw=%s flags=210\n' "$pw" |
	sh "$(dirname "$0")/web01.sh" h
"$MBGEN" --sites 1 --vdirs 0 --no-acl -o MetaBase.xml \
	--set /LM/W3SVC:AnonymousUserName=IUSR_WEB01 \
	--secure "/LM/W3SVC:AnonymousUserPass=$pw" \
	--secure "/LM/W3SVC:LogOdbcPassword=$pw"
umask 077
printf '%s\n' "$pw" > known.txt
printf '%s~\n' "${pw%?}" > wrong.txt
