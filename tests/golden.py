#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden command-line tests: tests/cases/<name>/ holds
   cmd       the arguments after 'mbtool', one shell-quoted line;
             $SAMPLES, $CORPUS, $TMP and $SRC are substituted
   expected  the exact standard output
   status    the exit status (default 0)
   stderr    optional: text that standard error must contain
   stdin     optional: fed to standard input
   setup     optional: shell commands run first in a fresh $TMP
   check     optional: shell commands run after; must exit 0
A case whose cmd mentions $CORPUS is skipped when the corpus is absent.
Usage: golden.py MBTOOL CASES_DIR [--update] [NAME...]"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile


def read(path, default=None):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return default


def expand(text, env):
    for k, v in env.items():
        text = text.replace('$' + k, v)
    return text


def run_case(mbtool, case, env, update):
    cmd = read(os.path.join(case, 'cmd')).decode().strip()
    setup_text = (read(os.path.join(case, 'setup'), b'')).decode()
    if ('$CORPUS' in cmd + setup_text and
            not os.path.isdir(env['CORPUS'])):
        return 'skip'
    tmp = tempfile.mkdtemp(prefix='mbgolden-')
    env = dict(env, TMP=tmp)
    try:
        setup = read(os.path.join(case, 'setup'))
        if setup:
            subprocess.run(['sh', '-e', '-c', expand(setup.decode(), env)],
                           check=True, cwd=tmp)
        args = [expand(a, env) for a in shlex.split(cmd)]
        p = subprocess.run([mbtool] + args, input=read(os.path.join(
            case, 'stdin'), b''), capture_output=True, cwd=tmp,
            env=dict(os.environ, MBTOOL_FILE='', TZ='UTC'))
        out = p.stdout
        for k in ('TMP', 'CORPUS', 'SAMPLES', 'SRC'):
            out = out.replace(env[k].encode(), b'$' + k.encode())
        if update:
            with open(os.path.join(case, 'expected'), 'wb') as f:
                f.write(out)
            if p.returncode:
                with open(os.path.join(case, 'status'), 'w') as f:
                    f.write('%d\n' % p.returncode)
            return 'ok'
        want = read(os.path.join(case, 'expected'), b'')
        status = int(read(os.path.join(case, 'status'), b'0').strip())
        errs = []
        if out != want:
            errs.append('stdout differs:\n--- expected\n%s\n--- got\n%s' %
                        (want.decode(errors='replace'),
                         out.decode(errors='replace')))
        if p.returncode != status:
            errs.append('exit %d, expected %d; stderr: %s' % (
                p.returncode, status, p.stderr.decode(errors='replace')))
        want_err = read(os.path.join(case, 'stderr'))
        if want_err and want_err.strip() not in p.stderr:
            errs.append('stderr lacks %r; got %r' % (want_err.strip(),
                                                     p.stderr))
        check = read(os.path.join(case, 'check'))
        if check:
            c = subprocess.run(['sh', '-e', '-c', expand(check.decode(),
                                                          env)], cwd=tmp)
            if c.returncode:
                errs.append('check failed')
        return '\n'.join(errs) or 'ok'
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv
    mbtool, cases = os.path.abspath(args[0]), os.path.abspath(args[1])
    src = os.path.dirname(os.path.dirname(cases))
    corpus = os.environ.get('MB_CORPUS',
                            os.path.join(src, '..', 'shared', 'corpus'))
    env = {'SAMPLES': os.path.join(src, 'samples'),
           'CORPUS': os.path.normpath(corpus), 'SRC': src}
    names = args[2:] or sorted(os.listdir(cases))
    passed = failed = skipped = 0
    for name in names:
        res = run_case(mbtool, os.path.join(cases, name), env, update)
        if res == 'ok':
            passed += 1
            print('ok      %s' % name)
        elif res == 'skip':
            skipped += 1
            print('skip    %s (corpus absent)' % name)
        else:
            failed += 1
            print('FAIL    %s\n%s' % (name, res))
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
