#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fleet runs: mbtool over a folder of 50 generated metabases (varied
sizes, story files with doctor findings, one truncated file) must print
the same bytes and exit with the same status with --jobs 2 as with one
job, for read commands, --json, --jsonl, dry runs, stdin-fed batch and
real writes. Also: the progress bar appears when stderr is a terminal
and never when it is a pipe. Prints the wall time of each mode.
Usage: fleet.py MBTOOL   (env MBGEN: the generator)"""
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time

NFILES = 50
BAR = b'] 0/%d files' % NFILES


def generate(mbgen, folder):
    os.makedirs(folder)
    for i in range(1, NFILES + 1):
        out = os.path.join(folder, 'mb%02d.xml' % i)
        if i % 10 == 3:
            args = ['--story', '--seed', str(i)]
        else:
            args = ['--sites', str(1 + (i % 7) * 15), '--vdirs', str(i % 4),
                    '--seed', str(i)]
        subprocess.run([mbgen] + args + ['-o', out], check=True)
    # Truncated mid-file: still sniffed as a metabase, fails to parse.
    broken = os.path.join(folder, 'mb07.xml')
    with open(broken, 'rb') as f:
        data = f.read()
    with open(broken, 'wb') as f:
        f.write(data[:len(data) * 2 // 3])


def run(mbtool, args, stdin=b''):
    t = time.monotonic()
    p = subprocess.run([mbtool] + args, input=stdin, capture_output=True,
                       env=dict(os.environ, MBTOOL_FILE='', TZ='UTC'))
    return p, time.monotonic() - t


CASES = [
    (['get', 'w3svc/AnonymousUserName'], b''),
    (['get', '--local', 'w3svc/3/AnonymousUserName'], b''),
    (['find', '--values', 'AnonymousUserName'], b''),
    (['accounts', '--all-identities'], b''),
    (['secrets'], b''),
    (['doctor'], b''),
    (['--json', 'doctor'], b''),
    (['--jsonl', 'accounts'], b''),
    (['collapse', '--dry-run'], b''),
    (['batch', '--dry-run'], b'set w3svc/1/ServerComment "fleet"\n'
                             b'delete w3svc/1/root/AppFriendlyName\n'),
]


def same(mbtool, folder, args, stdin, times):
    """Run with one job and with two; returns a list of differences."""
    # --include-history: the dry-run writes take the generated exports too
    one, t1 = run(mbtool, ['-f', folder, '--include-history', '-j', '1'] +
                  args, stdin)
    two, t2 = run(mbtool, ['-f', folder, '--include-history', '--jobs',
                           '2'] + args, stdin)
    times.append((t1, t2))
    errs = []
    name = ' '.join(args)
    if one.stdout != two.stdout:
        errs.append('%s: stdout differs between --jobs 1 and 2' % name)
    if one.stderr != two.stderr:
        errs.append('%s: stderr differs:\n%s\n---\n%s' % (
            name, one.stderr.decode(), two.stderr.decode()))
    if one.returncode != two.returncode:
        errs.append('%s: exit %d vs %d' % (name, one.returncode,
                                           two.returncode))
    return errs + shape(name, args, one)


def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def shape(name, args, p):
    """One result per file, in the mode's format, and the summary."""
    errs = []
    if p.returncode not in (0, 1, 3, 4, 6):
        errs.append('%s: exit %d: %s' % (name, p.returncode, p.stderr))
    if args[0] == '--jsonl':
        lines = p.stdout.decode().splitlines()
        if len(lines) != NFILES or any(
                set(parse(x) or {}) != {'mbtool_json', 'command', 'file',
                                        'kind', 'exit', 'error', 'result'}
                for x in lines):
            errs.append('%s: not one JSON line per file' % name)
    elif args[0] == '--json':
        if len((parse(p.stdout) or {}).get('files', [])) != NFILES:
            errs.append('%s: not one JSON object per file' % name)
    elif p.stdout.count(b'==> ') != NFILES:
        errs.append('%s: not one header per file' % name)
    summary = b'mbtool: %d files: ' % NFILES
    if (summary in p.stderr) == args[0].startswith('--json'):
        errs.append('%s: summary line wrong: %r' % (name, p.stderr[-200:]))
    return errs


def writes(mbtool, folder, tmp):
    """A real write over the fleet: same resulting files either way."""
    trees = []
    for jobs in ('1', '2'):
        dst = os.path.join(tmp, 'w' + jobs)
        shutil.copytree(folder, dst)
        # the generated files are exports, not live MetaBase.xml files:
        # a write over the folder takes them with --include-history only
        p, _ = run(mbtool, ['-f', dst, '--include-history', '-j', jobs,
                            'set', '--no-backup', 'w3svc/1/ServerComment',
                            'fleet'])
        files = {n: open(os.path.join(dst, n), 'rb').read()
                 for n in sorted(os.listdir(dst))}
        trees.append((p.stdout.replace(dst.encode(), b'D'), p.returncode,
                      files))
    if trees[0] != trees[1]:
        return ['set: results differ between --jobs 1 and 2']
    if trees[0][2]['mb01.xml'] == open(os.path.join(folder, 'mb01.xml'),
                                       'rb').read():
        return ['set: nothing was written']
    return []


def on_tty(mbtool, args):
    """stderr on a pseudo-terminal: what the terminal saw."""
    master, slave = pty.openpty()
    p = subprocess.Popen([mbtool] + args, stdout=subprocess.DEVNULL,
                         stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b''
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    p.wait()
    os.close(master)
    return seen


def progress(mbtool, folder):
    errs = []
    for jobs in ('1', '2'):
        seen = on_tty(mbtool, ['-f', folder, '-j', jobs, 'doctor'])
        if BAR not in seen or b'] %d/%d files' % (NFILES, NFILES) \
                not in seen:
            errs.append('no progress bar on a terminal: %r' % seen[:200])
        tail = seen[seen.rfind(b'mbtool: %d files:' % NFILES):]
        head = seen[:len(seen) - len(tail)]
        if not tail or not head.endswith(b'\r'):
            errs.append('bar not erased before the summary: %r' %
                        seen[-300:])
    p, _ = run(mbtool, ['-f', folder, '-j', '2', 'doctor'])
    if b'files\r' in p.stderr or b'\r' in p.stderr or BAR in p.stderr:
        errs.append('progress bar on a pipe: %r' % p.stderr[:200])
    single = on_tty(mbtool, ['-f', os.path.join(folder, 'mb01.xml'),
                             'doctor'])
    if b'files' in single:
        errs.append('progress bar for one file: %r' % single[:200])
    return errs


def main():
    mbtool = os.path.abspath(sys.argv[1])
    mbgen = os.environ['MBGEN']
    tmp = tempfile.mkdtemp(prefix='mbfleet-')
    try:
        folder = os.path.join(tmp, 'fleet')
        generate(mbgen, folder)
        errs, times = [], []
        for args, stdin in CASES:
            errs += same(mbtool, folder, args, stdin, times)
        errs += writes(mbtool, folder, tmp)
        errs += progress(mbtool, folder)
        statuses = {run(mbtool, ['-f', os.path.join(folder, n), 'doctor'])
                    [0].returncode for n in os.listdir(folder)}
        if not {0, 1, 6} <= statuses:
            errs.append('the fleet lacks exit 0, 1 or 6: %r' % statuses)
        for (args, _), (t1, t2) in zip(CASES, times):
            print('%-40s --jobs 1 %.3fs  --jobs 2 %.3fs' % (
                ' '.join(args), t1, t2))
        print('total %d files x %d commands: --jobs 1 %.3fs, --jobs 2 '
              '%.3fs' % (NFILES, len(CASES), sum(t[0] for t in times),
                         sum(t[1] for t in times)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for e in errs:
        print('FAIL', e)
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
