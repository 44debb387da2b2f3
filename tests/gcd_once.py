#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One signing-key gcd per SessionKey per run (issues 12 and 14).

Four generated files in one `reveal --all --no-cache -j 2` run: two copies
of a file whose gcd succeeds and two copies of one whose gcd fails (its
only plaintexts are wrong guesses). The workers share the outcome through
the run's private cache, each entry locked while its gcd runs: of each
pair, exactly one file computes the gcd and the other reads the result,
success or failure. The run's cache folder is gone afterwards.

Usage: gcd_once.py MBTOOL MBGEN"""
import os
import shutil
import subprocess
import sys
import tempfile

# Every string is made of letters where "sqllog" and "SqlLog" differ, so the
# documented default of LogOdbcPassword (really "SqlLog", like IUSR_m2's
# levels) fits every crib: the only candidate for the gcd is wrong.
FAILING = ['--story', '--no-acl'] + [
    a for v in ('/LM/W3SVC:LogOdbcPassword=SqlLog',
                '/LM/W3SVC:AnonymousUserPass=KqwRztyuiopasd',
                '/LM/W3SVC/1/ROOT/VD3:UNCPassword=NkwReTyuiopas',
                '/LM/W3SVC:WAMUserPass=HxqMpqWtzzRtyuio',
                '/LM/W3SVC/1:AnonymousUserPass=SqlLog',
                '/LM/W3SVC/1/ROOT/VD3:AnonymousUserPass=SqlLog',
                '/LM/W3SVC/2:AnonymousUserPass=SqlLog',
                '/LM/W3SVC/1/ROOT/VD1:AnonymousUserPass=WatEccQwertyuiop',
                '/LM/W3SVC/1/ROOT/VD2:AnonymousUserPass=SqlLog',
                '/LM/W3SVC/AppPools/IntranetPool:WAMUserPass='
                'TrsGyHjklPoiuytrewq')
    for a in ('--secure', v)]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mbtool, mbgen = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix='mbgcdonce-')
    try:
        files = []
        for name, args in (('ok', ['--story', '--seed', '5']), ('bad', FAILING)):
            first = os.path.join(tmp, name + '1.xml')
            subprocess.run([mbgen] + args + ['-o', first], check=True)
            second = os.path.join(tmp, name + '2.xml')
            shutil.copy(first, second)
            files += [first, second]
        runtmp = os.path.join(tmp, 'run')
        os.mkdir(runtmp)
        argv = [mbtool, '-j', '2']
        for f in files:
            argv += ['-f', f]
        argv += ['reveal', '--all', '--no-cache']
        p = subprocess.run(argv, capture_output=True,
                           env=dict(os.environ, TMPDIR=runtmp,
                                    XDG_CACHE_HOME=os.path.join(tmp, 'c')))
        out = p.stdout.decode()
        errs = []
        for text, want in (('modulus: recovered from the file (gcd)', 1),
                           ('modulus: cache', 1),
                           ('signing key not recovered: no 512-bit', 1),
                           ('the same gcd failed before (cached)', 1)):
            if out.count(text) != want:
                errs.append('%r appears %d times, not %d' %
                            (text, out.count(text), want))
        if os.listdir(runtmp):
            errs.append('left behind: %s' % os.listdir(runtmp))
        if os.path.exists(os.path.join(tmp, 'c')):
            errs.append('--no-cache wrote the user cache')
        if errs:
            print(out)
            print('\n'.join(errs))
            return 1
        print('ok: one gcd per SessionKey, shared by the workers')
        return 0
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    sys.exit(main())
