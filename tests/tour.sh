#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prints the README's command tour: every command run on samples/, with the
# real output. Usage: tests/tour.sh build/src/cli/mbtool > /tmp/tour.md
set -u
MB=$(readlink -f "${1:-build/src/cli/mbtool}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC/samples/MetaBase.xml" "$WORK/MetaBase.xml"
cd "$WORK"
has() { "$MB" help "$1" >/dev/null 2>&1; }
run() {
	local shown="$*"
	printf '$ mbtool %s\n' "${shown//$SRC\//}"
	"$MB" "$@" 2>&1
	local st=$?
	[ $st -eq 0 ] || printf '(exit %d)\n' $st
}
section() { printf '\n### %s\n\n```\n' "$1"; }
end() { printf '```\n'; }

section "Where is the anonymous account set, and what does each level see?"
run find AnonymousUserName
run get w3svc/1/root/vd3/AnonymousUserName
run get w3svc/2/root/AnonymousUserName
run get --local w3svc/2/root/AnonymousUserName
run get w3svc/1/root/AuthAnonymous
run get w3svc/1/root/Authorization
run get w3svc/AnonymousUserPass
run find --values AuthFlags
end
section "Keys, their properties, and the tree"
run enum w3svc/1
run enum --effective w3svc/1/root/vd2
run enum_all w3svc/2
run tree w3svc --prop AnonymousUserName --prop AuthFlags
run --json get w3svc/1/root/AnonymousUserName
end
if has secrets; then
section "Secure values: groups and reveal (sample keys are test keys)"
run secrets
run reveal --no-cache --signing-key "$SRC/tests/keys/signing.pub.pem" w3svc/1/AnonymousUserPass w3svc/1/root/vd2/AnonymousUserPass
end
section "With the server's machine keys (exported; here the test keys)"
printf '$ printf "%%s\\n" "Web-Anon-2026" > new.txt; chmod 600 new.txt\n'
printf '%s\n' "Web-Anon-2026" > new.txt; chmod 600 new.txt
run set --no-backup w3svc/1/root/vd2/AnonymousUserPass --exchange-key "$SRC/tests/keys/exchange.pvk" --signing-key "$SRC/tests/keys/signing.pvk" --password-file new.txt
run reveal --exchange-key "$SRC/tests/keys/exchange.pvk" --signing-key "$SRC/tests/keys/signing.pvk" w3svc/1/root/vd2/AnonymousUserPass
run secrets w3svc/1
cp "$SRC/samples/MetaBase.xml" MetaBase.xml
end
fi
if has accounts; then
section "Accounts, lockout risk and the doctor"
run accounts
run doctor
end
fi
if has sam; then
section "Commands that make Windows agree (sample passwords are invented)"
run sam --no-cache --signing-key "$SRC/tests/keys/signing.pub.pem" -o sam.cmd
printf '$ head -6 sam.cmd; ls -l sam.cmd | cut -c1-10\n'
head -6 sam.cmd; ls -l sam.cmd | cut -c1-10
end
fi
if has report; then
section "HTML report"
run report -o report.html
printf '$ grep -c "<details" report.html\n'
grep -c "<details" report.html
end
fi
section "Editing, always atomic, with a backup and byte splicing"
run set --dry-run w3svc/1/root/AuthFlags "AuthAnonymous|AuthNTLM"
run set --no-backup w3svc/1/root/AuthFlags "AuthAnonymous|AuthNTLM"
run set --no-backup w3svc/1/root/AuthNTLM False
run set w3svc/AnonymousUserPass secret
run create --no-backup w3svc/1/root/app1 IIsWebVirtualDir
run copy --no-backup w3svc/2 w3svc/3
run move --no-backup w3svc/3 w3svc/4
run delete --no-backup --yes w3svc/4/
run delete --no-backup w3svc/1/root/AuthFlags
printf '$ printf '"'"'set w3svc/2/ServerComment "Intranet"\\nset w3svc/2/ServerAutoStart FALSE\\n'"'"' | mbtool batch --no-backup\n'
printf 'set w3svc/2/ServerComment "Intranet"\nset w3svc/2/ServerAutoStart FALSE\n' | "$MB" batch --no-backup 2>&1
end
section "Many servers at once"
mkdir -p fleet/web1 fleet/web2 fleet/web3
cp "$SRC/samples/MetaBase.xml" fleet/web1/MetaBase.xml
cp "$SRC/samples/MetaBase.xml" fleet/web2/MetaBase.xml
head -c 2000 "$SRC/samples/MetaBase.xml" > fleet/web3/MetaBase.xml
printf '$ cp samples/MetaBase.xml fleet/web1/; cp samples/MetaBase.xml fleet/web2/; head -c 2000 samples/MetaBase.xml > fleet/web3/MetaBase.xml\n'
run -f fleet --jobs 2 get w3svc/1/root/vd2/AnonymousUserName
run -f fleet --jsonl get w3svc/AnonymousUserName
end
if has collapse; then
section "One global anonymous account"
run collapse --dry-run --account IUSR_m2 --password-from w3svc/1
run collapse --no-backup --account IUSR_m2 --password-from w3svc/1
run find AnonymousUserName
end
fi
if has sync-passwords; then
section "Or keep the levels, with one password per account"
cp "$SRC/samples/MetaBase.xml" MetaBase.xml
run sync-passwords --no-backup --account IUSR_m2 --from w3svc/1
run accounts
printf '$ printf "%%s\\n" "Intranet-2026-pw" > pw.txt; chmod 600 pw.txt\n'
printf '%s\n' "Intranet-2026-pw" > pw.txt; chmod 600 pw.txt
run reset --no-backup --account IUSR_m3 --password-file pw.txt
end
fi
section "Every command, and help on one"
run help
run help collapse
end
