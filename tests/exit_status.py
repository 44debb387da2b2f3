#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Exit statuses by meaning (README, mbtool(1) EXIT STATUS): an account no
key sets is "not found" (4) for collapse, sync-passwords and reset, told in
one line without the usage; a declined y/N question is 8 with nothing
changed, a yes is 0; an unknown option stays a usage error (2). Every
line mbtool writes to stderr for a failure has the one message shape
(src/cli/msg.c): mbtool: [warning: |note: ]<what>[ '<subject>']: <reason>.

Usage: exit_status.py MBTOOL SRCDIR"""
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

MBTOOL, SRC = sys.argv[1], sys.argv[2]
failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


def run(args, cwd):
    return subprocess.run([MBTOOL, '-f', 'MetaBase.xml'] + args, cwd=cwd,
                          capture_output=True, stdin=subprocess.DEVNULL)


def on_pty(args, cwd, answer):
    """args run with stdin and stderr on a terminal that answers."""
    master, slave = pty.openpty()
    p = subprocess.Popen([MBTOOL, '-f', 'MetaBase.xml'] + args, cwd=cwd,
                         stdin=slave, stderr=slave,
                         stdout=subprocess.DEVNULL)
    os.close(slave)
    seen = b''
    while b'[y/N]' not in seen:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.write(master, answer + b'\n')
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            seen += chunk
    except OSError:  # EIO: the child closed its end
        pass
    os.close(master)
    return p.wait(), seen


def unknown_accounts(tmp):
    for args in (['collapse', '--account', 'nobody'],
                 ['sync-passwords', '--account', 'nobody', '--from',
                  'W3SVC/1'],
                 ['reset', '--account', 'nobody', '--generate']):
        what = ' '.join(args)
        p = run(args, tmp)
        lines = p.stderr.decode().splitlines()
        if p.returncode != 4:
            fail('%s: exit %d, want 4 (not found)' % (what, p.returncode))
        if len(lines) != 1 or 'usage' in p.stderr.decode() or \
                not lines[0].startswith("mbtool: %s 'nobody': " % args[0]):
            fail('%s: stderr is not one message line: %r' % (what,
                                                             p.stderr))
        j = run(['--json'] + args, tmp)
        try:
            f = json.loads(j.stdout)['files'][0]
        except (ValueError, KeyError, IndexError):
            f = None
        if not f or f['exit'] != 4 or f['error']['subject'] != 'nobody':
            fail('%s --json: %r' % (what, f or j.stdout))
    p = run(['collapse', '--bogus'], tmp)
    if p.returncode != 2:
        fail('an unknown option is not a usage error (2): %d %r'
             % (p.returncode, p.stderr))


def declined(tmp):
    path = os.path.join(tmp, 'MetaBase.xml')
    with open(path, 'rb') as f:
        before = f.read()
    rc, seen = on_pty(['delete', 'W3SVC/2/'], tmp, b'n')
    with open(path, 'rb') as f:
        after = f.read()
    if rc != 8 or after != before:
        fail('declined delete: exit %d (want 8), file %s' %
             (rc, 'unchanged' if after == before else 'CHANGED'))
    if b'not confirmed; nothing changed' not in seen:
        fail('declined delete: no message: %r' % seen)
    rc, seen = on_pty(['delete', 'W3SVC/2/'], tmp, b'y')
    with open(path, 'rb') as f:
        after = f.read()
    if rc != 0 or after == before:
        fail('confirmed delete: exit %d, file %s' %
             (rc, 'unchanged' if after == before else 'changed'))


SHAPE = re.compile(r"^mbtool: (?:(?:warning|note): )?[^':]+(?: '.*?')?: \S.*$")

# Failures of every kind, from argument parsing to a worker's file.
FAILING = [
    ['-j', 'x', 'get', 'W3SVC/1/ServerComment'],
    ['frobnicate'],
    ['get'],
    ['get', '--bogus', 'X'],
    ['get', 'W3SVC/9/X'],
    ['get', 'W3SVC/1/NoSuchProp'],
    ['--schema', '/nonexistent/MBSchema.xml', 'get', 'W3SVC'],
    ['-f', 'missing.xml', 'get', 'W3SVC/1/ServerComment'],
    ['-f', 'missing.xml', '-j', '2', 'get', 'W3SVC/1/ServerComment'],
    ['set', 'W3SVC/1/AnonymousUserPass', 'x'],
    ['delete', 'W3SVC/1/'],
    # a known value of the wrong length: a conflict (7)
    ['reveal', '--known', 'W3SVC/AnonymousUserPass', '--password-file',
     '/dev/null', 'W3SVC/AnonymousUserPass'],
    ['help', 'nosuch'],
    ['--file'],
]


def message_shape(tmp):
    for args in FAILING:
        p = run(args, tmp)
        lines = p.stderr.decode().splitlines()
        if p.returncode == 0 or not lines:
            fail('%s: exit %d, stderr %r' % (args, p.returncode, p.stderr))
        for ln in lines:
            if not SHAPE.match(ln):
                fail('%s: not a message line: %r' % (' '.join(args), ln))


def main():
    tmp = tempfile.mkdtemp(prefix='mbexit-')
    try:
        shutil.copyfile(os.path.join(SRC, 'samples', 'MetaBase.xml'),
                        os.path.join(tmp, 'MetaBase.xml'))
        unknown_accounts(tmp)
        message_shape(tmp)
        declined(tmp)
    finally:
        shutil.rmtree(tmp)
    print('exit_status: %d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
