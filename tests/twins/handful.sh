#!/bin/sh
# SPDX-License-Identifier: MIT
# The reveal-handful golden case's setup: a MetaBase.xml in which the
# cribs determine no value, yet leave one value only a handful of
# plaintexts, so that the signing-key gcd still has something to hold
# against the SessionKey (issue 14, Deliver 2).
#   W3SVC      O:SYD:(A;;0x1f01ff;;;SY), 60 bytes, control 0x8004
#   W3SVC/N    an ASCII password of N+1 characters, N = 1..28: their
#              NUL endings are certain and make keystream bytes 8-63
#              known, so every byte of the AdminACL but its control low
#              byte (6) is certain, and every password but its second
#              character. No password is empty or one character long
#              (either would be certain outright).
#   character 2 of the passwords: 0 ~ } w v u. With them printable,
#              only three control values fit (its defaulted bits), and
#              the AdminACL has three plaintexts: a handful.
# With an argument, password 1 is that instead (reveal-handful-refuted:
# "w" and DEL, which is not printable, so the true control value is not
# among the three: the gcd refutes them and nothing wrong is shown).
# Needs $MBGEN (tests/meson.build sets it).
set -eu
one=${1-}
sd=0100048014000000000000000000000020000000 # header, DACL at 32
sd=${sd}010100000000000512000000               # owner S-1-5-18
sd=${sd}02001c000100000000001400ff011f00       # ACL, ACE 0x1f01ff
sd=${sd}010100000000000512000000               # ... to S-1-5-18
set -- --secure-hex "/LM/W3SVC:AdminACL=$sd"
n=0
while read -r pw; do
	n=$((n + 1))
	[ "$n" = 1 ] && [ -n "$one" ] && pw=$one
	set -- "$@" --secure "/LM/W3SVC/$n:AnonymousUserPass=$pw"
done <<'LIST'
w0
S~k
&}E{
*w2Ud
Evm1qE
#uZI<W8
-0ww_44!
!~A99KN?m
~}@<?WL%T[
9wG,PLus!t~
QvMSMeN<ed;+
FuSY%n[TVr#a)
<0?3EcRiSkFc1s
U~(^/@QivT6QIm/
M}M;.x7Me8*.tlY(
DwRFb{[6+y(gP@4p4
xv19^U7+[K6bw9jbfN
euKdY62Vl;xgQ</fHin
h0,Ss|(MTo}IfGKQ{;r#
d~FO}IcJhz~SRIzRZR;aT
P}6k9?TeJ.}[9vrj}[Lwny
Hw?8s_w{<B<x)dB9*52N<e>
nv[cRV|v-s@DU!RYIZ2nU(nv
LuKmiQrKS4[ZpzlUc68tVpe?5
u0R|!V1Opvm6OxpV]^BgKeVW8t
t~LgF[%NMfJ6e&3|w_EK)5X#elo
I}d(EfH7JKgudjzu3%4LJlQvKk&c
Rws4(!Fnb1m>#]]tqx{eWdX?Kc,L!
LIST
"$MBGEN" --mix --values "$n" --acls 0 --no-odbc --seed 1 -o MetaBase.xml \
	"$@"
