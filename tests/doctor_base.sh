# SPDX-License-Identifier: MIT
# Writes ./MetaBase.xml: the generated 401.1 story with its problems
# repaired (one anonymous account, set once; no UNC share; a local pool
# identity), on which doctor finds nothing. The doctor golden cases start
# from it and add the one change their rule is about; extra arguments go
# to mbgen (--set/--secure LOCATION:PROP=VALUE, applied after the story).
# Needs MBGEN and MB_BUILDDIR (set by meson test).
set -e
M="$MB_BUILDDIR/src/cli/mbtool"
"$MBGEN" --story --set '/LM/W3SVC/1/ROOT/VD3:Path=d:\sites\vd3' \
	--set /LM/W3SVC/AppPools/IntranetPool:WAMUserName=IWAM_m2 "$@" \
	-o MetaBase.xml
"$M" -f MetaBase.xml delete --no-backup w3svc/1/root/vd3/UNCUserName \
	>/dev/null
"$M" -f MetaBase.xml delete --no-backup w3svc/1/root/vd3/UNCPassword \
	>/dev/null
"$M" -f MetaBase.xml collapse --no-backup --account IUSR_m2 \
	--password-from w3svc/1 >/dev/null
