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
A case whose cmd or setup mentions $CORPUS (MB_CORPUS, the meson option
'corpus') is skipped when the corpus is absent, and fails instead when
MB_REQUIRE_CORPUS=1 (CI, where the corpus is there).
Prints TAP (meson's protocol 'tap'), so meson counts each case and skip.
--corpus runs only the cases that need the corpus, --no-corpus only the
others: meson runs them as two tests, so that where the corpus is absent
its summary line counts the corpus test as skipped (every case skipped).
Usage: golden.py MBTOOL CASES_DIR [--update] [--corpus|--no-corpus]
       [NAME...]"""
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


def shell(script, env, tmp):
    """Runs a setup or check script in tmp: its status and output. The
    output goes to a file, not a pipe, as a script may leave a background
    reader behind; stdin is empty, standard output carries only TAP."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.run(['sh', '-e', '-c', expand(script.decode(), env)],
                           stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.STDOUT, cwd=tmp)
        out.seek(0)
        return p.returncode, out.read().decode(errors='replace')


def needs_corpus(case):
    text = (read(os.path.join(case, 'cmd'), b'') +
            read(os.path.join(case, 'setup'), b''))
    return b'$CORPUS' in text


def run_case(mbtool, case, env, update):
    cmd = read(os.path.join(case, 'cmd')).decode().strip()
    if needs_corpus(case) and not os.path.isdir(env['CORPUS']):
        if os.environ.get('MB_REQUIRE_CORPUS') == '1':
            return 'needs the corpus, absent at %s (MB_REQUIRE_CORPUS=1)' % (
                env['CORPUS'])
        return 'skip'
    tmp = tempfile.mkdtemp(prefix='mbgolden-')
    env = dict(env, TMP=tmp)
    try:
        setup = read(os.path.join(case, 'setup'))
        if setup:
            rc, text = shell(setup, env, tmp)
            if rc:
                return 'setup failed: ' + text
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
            rc, text = shell(check, env, tmp)
            if rc:
                errs.append('check failed: ' + text)
        return '\n'.join(errs) or 'ok'
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    flags = ('--update', '--corpus', '--no-corpus')
    args = [a for a in sys.argv[1:] if a not in flags]
    update = '--update' in sys.argv
    mbtool, cases = os.path.abspath(args[0]), os.path.abspath(args[1])
    src = os.path.dirname(os.path.dirname(cases))
    corpus = os.environ.get('MB_CORPUS',
                            os.path.join(src, '..', 'shared', 'corpus'))
    env = {'SAMPLES': os.path.join(src, 'samples'),
           'CORPUS': os.path.normpath(corpus), 'SRC': src}
    names = args[2:] or sorted(os.listdir(cases))
    for flag, want in (('--corpus', True), ('--no-corpus', False)):
        if flag in sys.argv:
            names = [n for n in names
                     if needs_corpus(os.path.join(cases, n)) == want]
    print('1..%d' % len(names))
    failed = 0
    for n, name in enumerate(names, 1):
        res = run_case(mbtool, os.path.join(cases, name), env, update)
        if res == 'ok':
            print('ok %d %s' % (n, name))
        elif res == 'skip':
            print('ok %d %s # SKIP corpus absent' % (n, name))
        else:
            failed += 1
            print('not ok %d %s' % (n, name))
            print('\n'.join('# ' + line for line in res.split('\n')))
        sys.stdout.flush()
    return 1 if failed else 0

if __name__ == '__main__':
    sys.exit(main())
