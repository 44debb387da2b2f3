#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The note before the signing-key gcd: on a terminal only.

Recovering the signing key takes seconds of silence, so reveal tells a
user at a terminal why; on a pipe (scripts, tests, --json consumers)
stderr stays clean. Runs `reveal --all --no-cache` on samples/ once with
stderr on a pty and once on a pipe.

Usage: gcd_note.py MBTOOL SAMPLES_DIR"""
import os
import pty
import subprocess
import sys

NOTE = b'recovering the signing key'


def on_pty(argv):
    """stderr of argv run with stderr on a pty (stdout discarded)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave,
                         stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b''
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    p.wait()
    return p.returncode, out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    argv = [sys.argv[1], '-f', os.path.join(sys.argv[2], 'MetaBase.xml'),
            'reveal', '--all', '--no-cache']
    rc, err = on_pty(argv)
    if rc not in (0, 7) or NOTE not in err:
        sys.exit('FAIL: no note on a terminal (exit %d): %r' % (rc, err))
    p = subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if p.returncode not in (0, 7) or NOTE in p.stderr:
        sys.exit('FAIL: note on a pipe (exit %d): %r'
                 % (p.returncode, p.stderr))
    print('ok: note on a terminal, none on a pipe')
    return 0


if __name__ == '__main__':
    sys.exit(main())
