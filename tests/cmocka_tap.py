#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs a cmocka test program with TAP output for meson (protocol 'tap'),
so meson counts each test and each skip. cmocka 1.1 writes a skipped test
as 'not ok N # SKIP name', which TAP readers (meson among them) count as a
failure; it becomes 'ok N name # SKIP'. Everything else passes unchanged,
and the exit status is the program's.
Usage: cmocka_tap.py PROGRAM [ARGS...]"""
import os
import re
import subprocess
import sys

SKIPPED = re.compile(r'^not ok (\d+) # SKIP\s*(.*)$')


def main():
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT='TAP')
    p = subprocess.Popen(sys.argv[1:], env=env, stdout=subprocess.PIPE)
    for raw in p.stdout:
        line = raw.decode(errors='replace').rstrip('\n')
        m = SKIPPED.match(line)
        print('ok %s %s # SKIP' % m.groups() if m else line, flush=True)
    return p.wait()


if __name__ == '__main__':
    sys.exit(main())
