#!/bin/sh
# SPDX-License-Identifier: MIT
# The reveal-machine-sid-* golden cases' setup: the web01 twin's hives in
# h and a story MetaBase.xml whose only AdminACLs are laid out like the
# real corpus files' (reference: corpus/metabase, 160 and 84 bytes):
#   W3SVC      O:BAG:BAD:(A;;0x89;;;LS)(A;;0x89;;;NS)
#              (A;;0x89;;;S-1-5-21-<web01's domain>-1100)(A;;0x8b;;;BA)
#              ACE 3 names the IIS_WPG group of web01.spec (RID 1100):
#              value bytes 88-103 are the machine's own sub-authorities
#              and RID, which no other value of the file supplies
#   W3SVC/1    O:BAG:BAD:(A;;0x400ab;;;BA)  (84 bytes: the keystream
#              up to byte 88 of a value)
# Needs $HIVEGEN and $MBGEN (tests/meson.build sets them).
set -eu
sh "$(dirname "$0")/web01.sh" h </dev/null
hdr=0100078080000000900000000000000014000000
dacl=02006c0004000000
ace=0000140089000000 # type, flags, size 20, mask 0x89
ls=${ace}010100000000000513000000
ns=${ace}010100000000000514000000
# S-1-5-21-1004336348-1177238915-682003330-1100, sub-authorities LE
wpg=000024008900000001050000000000051500000\
0dcf4dc3b833d2b46828ba6284c040000
ba=01020000000000052000000020020000
acl=$hdr$dacl$ls$ns${wpg}000018008b000000$ba$ba$ba
acl84=0100048034000000440000000000000014000000020020000100000000001800\
ab000400$ba$ba$ba
"$MBGEN" --story --no-acl -o MetaBase.xml \
	--secure-hex "/LM/W3SVC:AdminACL=$acl" \
	--secure-hex "/LM/W3SVC/1:AdminACL=$acl84"
