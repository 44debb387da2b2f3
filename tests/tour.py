#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README tour as a test: the '$ ' lines of README.md's "Tour on
samples/" blocks run literally, in order, with bash in one fresh folder
(holding links to this tree's samples/ and tests/, mbtool first on PATH,
an empty HOME), and each must print what the README shows under it
(standard output and error together, then '(exit N)' when N is not 0).
Prints TAP, one line per command. --update writes the real output into
README.md instead.
Usage: tour.py MBTOOL README.md [--update]"""
import os
import shutil
import subprocess
import sys
import tempfile

START, FENCE = '## Tour on samples/', '```'


def tour_steps(lines):
    """(index of the '$ ' line, command, [index of each output line])."""
    begin = lines.index(START)
    steps, inside = [], False
    for i in range(begin + 1, len(lines)):
        line = lines[i]
        if line.startswith('## '):
            break
        if line == FENCE:
            inside = not inside
        elif inside and line.startswith('$ '):
            steps.append((i, line[2:], []))
        elif inside and steps:
            steps[-1][2].append(i)
    return steps


def run(cmd, work, env):
    p = subprocess.run(['bash', '-c', cmd], cwd=work, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors='replace').splitlines()
    if p.returncode:
        out.append('(exit %d)' % p.returncode)
    return out


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv
    mbtool, readme = os.path.abspath(args[0]), os.path.abspath(args[1])
    src = os.path.dirname(readme)
    with open(readme) as f:
        lines = f.read().split('\n')
    steps = tour_steps(lines)
    work = tempfile.mkdtemp(prefix='mbtour-')
    for d in ('samples', 'tests'):
        os.symlink(os.path.join(src, d), os.path.join(work, d))
    os.mkdir(os.path.join(work, '.home'))
    env = dict(os.environ, HOME=os.path.join(work, '.home'), TZ='UTC',
               PATH=os.path.dirname(mbtool) + os.pathsep +
               os.environ.get('PATH', ''))
    env.pop('MBTOOL_FILE', None)
    print('1..%d' % len(steps))
    failed, new = 0, {}
    try:
        for n, (at, cmd, shown) in enumerate(steps, 1):
            got = run(cmd, work, env)
            want = [lines[i] for i in shown]
            name = cmd.replace('#', '.')[:70]
            new[at] = got
            if got == want or update:
                print('ok %d %s' % (n, name))
                continue
            failed += 1
            print('not ok %d %s' % (n, name))
            for line in ['README shows:'] + want + ['got:'] + got:
                print('#   ' + line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if update:
        out = []
        drop = {i for _, _, shown in steps for i in shown}
        for i, line in enumerate(lines):
            if i not in drop:
                out.append(line)
            if i in new:
                out.extend(new[i])
        with open(readme, 'w') as f:
            f.write('\n'.join(out))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
