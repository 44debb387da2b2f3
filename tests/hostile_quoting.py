#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile account names against every command mbtool prints.

For each name of the corpus below, mbgen writes the 401.1 story with the
name as the anonymous account of W3SVC/1 and W3SVC/1/ROOT/VD2 (two
password groups: MB001, MB002) and as the domain UNC account of VD3
(MB011, MB013), and as a WAM account stored without a password at
W3SVC/2 (the checklist's adsutil.vbs line). doctor, sam report, and reset (cmd and PowerShell) then run on it,
and every printed command line that names it is parsed by the rules of
the shell it is meant for. The name must come back as one literal
argument, or the line must be refused (never printed). Nothing may run:
the sh lines are run by the real /bin/sh (printf instead of mbtool) in a
folder where `touch pwned` would leave a file.

The shell rules modelled here (mbtool's quoting is in src/shellquote.c):

cmd.exe, three parsers in turn (cmd /?, set /?, "How does the Windows
Command Interpreter parse scripts", MSVCRT "Parsing C command-line
arguments"):
  1. percent expansion. In a script: "%%" is one "%", %NAME% is the
     variable's value (or nothing), %0-%9 and %* are parameters, a lone "%"
     disappears. At the prompt: %NAME% of a defined variable is its value,
     anything else stays as typed.
  2. cmd.exe's own parse: every '"' toggles a quote state; outside quotes
     "^" makes the next character literal (and disappears), and & | < >
     end the command or redirect it; inside quotes everything is literal.
  3. the program's argv (CommandLineToArgvW, net.exe and cscript.exe):
     blanks outside quotes separate arguments; 2n backslashes before '"'
     give n backslashes and the '"' toggles quoting; 2n+1 give n and a
     literal '"'; other backslashes are literal; quotes are removed.
PowerShell 1.0/2.0 (about_Quoting_Rules): inside '...' nothing is special
but a single quote (' or U+2018..U+201B), which is written twice.
sh: parsed by /bin/sh itself.

Usage: hostile_quoting.py MBTOOL MBGEN SRCDIR
"""
import html
import os
import re
import subprocess
import sys
import tempfile

NAMES = [
    'IUSR$(touch pwned)',
    'x" & calc & "',
    'a`touch pwned`b',
    "it's",
    'a&b|c<d>e^f!g(h)',
    '%PATH%x',
    '100% sure',
    'two words  (not a comment)',
    '-rf',
    '/delete',
    'a;b *',
    'tail\\',
    'caf\u00e9 \u2019q\u2018 \u00fc\u00f1\u00ee',
    'line\nbreak',
    'x\n  fix:  touch pwned',
    'tab\there',
]
ENV = {'SYSTEMDRIVE': 'C:', 'TEMP': 'C:\\Temp', 'PATH': 'C:\\Windows'}
QUOTES1 = "'\u2018\u2019\u201a\u201b"
failures = []


def fail(name, what):
    failures.append('%r: %s' % (name, what))


# ---- cmd.exe -----------------------------------------------------------

def percent(line, script):
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c != '%':
            out.append(c)
            i += 1
            continue
        if script and line[i + 1:i + 2] == '%':
            out.append('%')
            i += 2
            continue
        if script and line[i + 1:i + 2] and line[i + 1] in '0123456789*~':
            raise ValueError('batch parameter %' + line[i + 1])
        j = line.find('%', i + 1)
        var = line[i + 1:j] if j > 0 else None
        if var is not None and var.upper() in ENV:
            out.append(ENV[var.upper()])
            i = j + 1
        elif script:
            i = j + 1 if j > 0 else i + 1  # undefined: nothing
        else:
            out.append('%')
            i += 1
    return ''.join(out)


def cmd_phase2(line):
    """Carets and quote state; returns the line the program gets. An
    unquoted & | < > is an injection (a second command, a redirect)."""
    out, inq, i = [], False, 0
    while i < len(line):
        c = line[i]
        if c == '"':
            inq = not inq
        elif not inq and c == '^':
            i += 1
            c = line[i] if i < len(line) else ''
        elif not inq and c in '&|<>':
            raise ValueError('cmd.exe operator %r outside quotes' % c)
        out.append(c)
        i += 1
    return ''.join(out)


def argv_w(line):
    args, cur, inq, have, i = [], [], False, False, 0
    while i < len(line):
        c = line[i]
        if c == '\\':
            n = 0
            while i < len(line) and line[i] == '\\':
                n += 1
                i += 1
            if i < len(line) and line[i] == '"':
                cur.append('\\' * (n // 2))
                if n % 2:
                    cur.append('"')
                    i += 1
            else:
                cur.append('\\' * n)
            have = True
            continue
        if c == '"':
            inq = not inq
            have = True
        elif c in ' \t' and not inq:
            if have:
                args.append(''.join(cur))
            cur, have = [], False
        else:
            cur.append(c)
            have = True
        i += 1
    if have:
        args.append(''.join(cur))
    return args


def cut_comment(line, quote, escape):
    """The command part: up to the first "  (" outside the shell's quotes
    (quote toggles them; escape, outside them, makes the next character
    literal)."""
    inq, i = False, 0
    while i < len(line):
        c = line[i]
        if c == quote:
            inq = not inq
        elif not inq and c == escape:
            i += 1
        elif not inq and line.startswith('  (', i):
            return line[:i]
        i += 1
    return line


def cmd_args(line, script):
    """net.exe's argv from the command part of a line; the whole line
    (its comment too, which cmd.exe reads as more arguments) must hold no
    operator outside quotes."""
    cmd_phase2(percent(line, script))
    return argv_w(cmd_phase2(percent(cut_comment(line, '"', '^'), script)))


# ---- PowerShell ----------------------------------------------------------

def ps_strings(line):
    """Every '...' literal of the line, in order, as PowerShell reads it."""
    out, i = [], 0
    while i < len(line):
        if line[i] not in QUOTES1:
            i += 1
            continue
        i += 1
        s = []
        while True:
            if i >= len(line):
                raise ValueError('unterminated string')
            if line[i] in QUOTES1:
                if i + 1 < len(line) and line[i + 1] in QUOTES1:
                    s.append(line[i])
                    i += 2
                    continue
                i += 1
                break
            s.append(line[i])
            i += 1
        out.append(''.join(s))
    return out


# ---- sh ------------------------------------------------------------------

def sh_args(line, tmp):
    cmd = cut_comment(line, "'", '\\')
    assert cmd.startswith('mbtool ')
    p = subprocess.run(['/bin/sh', '-c', 'printf "%s\\0" ' + cmd[7:]],
                       capture_output=True, cwd=tmp)
    if p.returncode:
        raise ValueError('sh: ' + p.stderr.decode(errors='replace'))
    return p.stdout.decode().split('\0')[:-1]


# ---- the checks ----------------------------------------------------------

# The story's own accounts, which the same lines name too.
STORY = {'IUSR_m1', 'IUSR_m2', 'IUSR_m3', 'IWAM_m1', 'poolsvc',
         'm2\\poolsvc', 'webcontent', 'm2\\webcontent'}


def user_part(name):
    """What net user and WinNT: get: the name after DOMAIN\\."""
    return name.rsplit('\\', 1)[-1]


def check_doctor(name, out, tmp):
    seen = {'sh': 0, 'cmd': 0, 'ps': 0, 'refused': 0}
    for raw in out.splitlines():
        line = re.sub(r'^\s*(fix:|\[ \])?\s*', '', raw)
        line = re.sub(r'^or\b[^:(]*:\s+', '', line)  # "or offline: ..."
        if line.startswith('(no ') and 'command printed for' in line:
            seen['refused'] += 1
            continue
        try:
            if line.startswith('mbtool '):
                args = sh_args(line, tmp)
                if '--account' in args and \
                        args[args.index('--account') + 1] not in STORY:
                    seen['sh'] += 1
                    if args[args.index('--account') + 1] not in (
                            name, 'm2\\' + name):
                        fail(name, 'sh line gives %r: %s' % (args, line))
            elif line.startswith(('net user ', 'net use', 'ntrights ',
                                  'cscript ')):
                args = cmd_args(line, False)
                if line.startswith('net user ') and args[2] not in STORY:
                    seen['cmd'] += 1
                    if args[2] != user_part(name):
                        fail(name, 'cmd line gives %r: %s' % (args, line))
            elif line.startswith('PowerShell 1.0/2.0'):
                strs = ps_strings(line.split(': ', 1)[1])
                if strs[0] == 'WinNT://m2/poolsvc,user':
                    continue
                seen['ps'] += 1
                if strs[0] != 'WinNT://m2/%s,user' % user_part(name):
                    fail(name, 'PowerShell line gives %r' % strs[0])
            elif re.search(r'Get-AD|Set-AD|Set-LocalUser', line):
                fail(name, 'not on Windows Server 2003: ' + line)
        except (ValueError, IndexError) as e:
            fail(name, '%s: %s' % (e, line))
    return seen


def run(argv, tmp, **kw):
    return subprocess.run(argv, capture_output=True, cwd=tmp,
                          env=dict(os.environ, MBTOOL_FILE='', TZ='UTC'),
                          **kw)


def gen(mbgen, name, tmp):
    f = os.path.join(tmp, 'MetaBase.xml')
    if os.path.exists(f):
        os.unlink(f)
    subprocess.run([mbgen, '--story',
                    '--set', '/LM/W3SVC/1:AnonymousUserName=' + name,
                    '--set', '/LM/W3SVC/1/ROOT/VD2:AnonymousUserName=' + name,
                    '--set', '/LM/W3SVC/1/ROOT/VD3:UNCUserName=m2\\' + name,
                    '--set', '/LM/W3SVC/2:WAMUserName=' + name,
                    '-o', f], check=True)
    return f


def refusable(name, shell):
    """1 when mbtool must refuse the name for that shell."""
    user = user_part(name)
    if any(ord(c) < 0x20 for c in name):
        return True
    if shell == 'sh':
        return False
    return not user or shell == 'cmdline' and '%' in name or \
        shell in ('cmd', 'cmdline') and user.startswith('/') or \
        shell == 'powershell' and re.search('[/,]', user)


def check_sam(mbtool, src, name, f, tmp, shell):
    out = os.path.join(tmp, 'sam.' + shell)
    if os.path.exists(out):
        os.unlink(out)
    p = run([mbtool, '-f', f, 'sam', '--shell', shell, '--no-cache',
             '--signing-key', os.path.join(src, 'tests/keys/signing.pub.pem'),
             '-o', out], tmp)
    if p.returncode:
        if not refusable(name, shell):
            fail(name, 'sam --shell %s refused: %s' % (shell, p.stderr))
        elif os.path.exists(out):
            fail(name, 'sam wrote a script after refusing')
        elif 'cannot print' not in p.stderr.decode():
            fail(name, 'sam refused without saying why: %s' % p.stderr)
        return 0
    n = 0
    text = open(out, encoding='utf-8').read()
    for line in text.splitlines():
        try:
            if shell == 'cmd' and line.startswith('net user '):
                args = cmd_args(line, True)
                if args[2] == user_part(name):
                    n += 1
                elif args[2] not in STORY:
                    fail(name, 'sam cmd line gives %r' % args)
            elif shell == 'cmd' and line.startswith('rem '):
                percent(line, True)  # a rem line is still expanded
            elif shell == 'powershell' and line.startswith('$u = [ADSI]'):
                s = ps_strings(line)[0]
                if s.endswith('/%s,user' % user_part(name)):
                    n += 1
        except (ValueError, IndexError) as e:
            fail(name, 'sam %s: %s: %s' % (shell, e, line))
    if n < 2:
        fail(name, 'sam --shell %s names it %d times' % (shell, n))
    return n


def check_reset(mbtool, name, f, tmp, shell):
    """reset prints its script, or refuses before writing anything."""
    g = os.path.join(tmp, 'reset.xml')
    out = os.path.join(tmp, 'reset.' + shell)
    for x in (g, out):
        if os.path.exists(x):
            os.unlink(x)
    with open(f, 'rb') as a, open(g, 'wb') as b:
        before = a.read()
        b.write(before)
    p = run([mbtool, '-f', g, 'reset', '--account', name, '--generate',
             '--no-backup', '--shell', shell, '-o', out], tmp)
    if p.returncode:
        if not refusable(name, shell):
            fail(name, 'reset --shell %s refused: %s' % (shell, p.stderr))
        if os.path.exists(out) or open(g, 'rb').read() != before:
            fail(name, 'reset refused after writing')
        return 0
    n = 0
    for line in open(out, encoding='utf-8').read().splitlines():
        try:
            if shell == 'cmd' and line.startswith('net user '):
                n += cmd_args(line, True)[2] == user_part(name)
            elif shell == 'cmd':
                percent(line, True)
            elif line.startswith('$u = [ADSI]'):
                n += ps_strings(line)[0].endswith(
                    '/%s,user' % user_part(name))
        except (ValueError, IndexError) as e:
            fail(name, 'reset %s: %s: %s' % (shell, e, line))
    if n != 1:
        fail(name, 'reset --shell %s names it %d times' % (shell, n))
    return n


def report_lines(mbtool, f, tmp):
    """The fix and checklist lines of report's page, as text."""
    page = os.path.join(tmp, 'report.html')
    if os.path.exists(page):
        os.unlink(page)
    run([mbtool, '-f', f, 'report', '-o', page], tmp)
    text = open(page, encoding='utf-8').read()
    found = re.findall(r'<pre>(.*?)</pre>|<li><code>(.*?)</code>', text,
                       re.S)
    return '\n'.join(html.unescape(a or b) for a, b in found)


def main():
    mbtool, mbgen, src = sys.argv[1:4]
    total = 0
    with tempfile.TemporaryDirectory(prefix='mbhostile-') as tmp:
        for name in NAMES:
            f = gen(mbgen, name, tmp)
            p = run([mbtool, '-f', f, 'doctor'], tmp)
            seen = check_doctor(name, p.stdout.decode(), tmp)
            if '\n' in name:  # no line of its own that looks like a fix
                tail = name.split('\n', 1)[1].strip()
                if any(x.strip().startswith(tail)
                       for x in p.stdout.decode().splitlines()):
                    fail(name, 'doctor printed its line break')
            page = check_doctor(name, report_lines(mbtool, f, tmp), tmp)
            if page != seen:
                fail(name, 'report %r, doctor %r' % (page, seen))
            if refusable(name, 'sh'):
                if not seen['refused']:
                    fail(name, 'doctor printed no refusal')
            elif not seen['sh'] or (not seen['cmd'] and
                                    not refusable(name, 'cmdline')):
                fail(name, 'doctor lines not found: %r' % seen)
            for shell in ('cmd', 'powershell'):
                total += check_sam(mbtool, src, name, f, tmp, shell)
                total += check_reset(mbtool, name, f, tmp, shell)
            total += sum(seen.values())
            if os.path.exists(os.path.join(tmp, 'pwned')):
                fail(name, 'a printed line ran a command')
    for x in failures:
        print('FAIL', x)
    print('%d names, %d lines parsed, %d failures' % (len(NAMES), total,
                                                      len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
