#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Render mbtool's HTML report in headless Chromium and check that the page
really shows its key tree.

   render_report.py MBTOOL METABASE

Writes the report of METABASE, then has Chromium (Debian package chromium,
installed by .ci/run) dump the DOM it built and take a screenshot. Fails
unless the DOM holds one tree node (<details class="key">) per key of the
file (its Location attributes), one account marker per identity set in the
file (AnonymousUserName, WAMUserName, UNCUserName under W3SVC or
MSFTPSVC), the lockout-risk marker when the file has one, and unless the
PNG screenshot decodes (zlib only, no imaging library) to an image with a
meaningful share of non-background pixels. The page must be
self-contained: no scripts, no external URLs. Exit 77 (skip) only when
Chromium is not installed."""
import collections
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

CHROMIUM_NAMES = ('chromium', 'chromium-browser')
# Chromium's own switches keep the run offline and free of first-run work.
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu',
                  '--disable-quic', '--no-first-run',
                  '--disable-background-networking',
                  '--disable-component-update', '--disable-sync',
                  '--window-size=1280,2000']
IDENTITY_PROPS = (('AnonymousUserName', 'AnonymousUserPass'),
                  ('WAMUserName', 'WAMUserPass'),
                  ('UNCUserName', 'UNCPassword'))
MIN_INK = 0.03   # share of pixels that differ from the background


def fail(msg):
    print('render_report: FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def effective(keys, loc, prop):
    """The value of prop at loc or, inherited, at its nearest ancestor."""
    while loc:
        el = keys.get(loc)
        if el is not None and el.get(prop) is not None:
            return el.get(prop)
        loc = loc.rsplit('/', 1)[0]
    return None


def expected_from(metabase):
    """Keys, identity setters, and setters of accounts at lockout risk (the
    same account with two different encrypted passwords) in the input."""
    keys = {el.get('Location').upper(): el
            for el in ET.parse(metabase).getroot().iter()
            if el.get('Location') is not None}
    setters = collections.defaultdict(list)
    for loc, el in keys.items():
        if not loc.startswith(('/LM/W3SVC', '/LM/MSFTPSVC')):
            continue
        for name, pw in IDENTITY_PROPS:
            if el.get(name):
                setters[(name, el.get(name).lower())].append(
                    effective(keys, loc, pw))
    lockout = sum(len(v) for v in setters.values()
                  if len(set(filter(None, v))) > 1)
    return len(keys), sum(map(len, setters.values())), lockout


class Dom(html.parser.HTMLParser):
    """Counts what the test asserts on in Chromium's serialised DOM."""

    def __init__(self):
        super().__init__()
        self.count = collections.Counter()
        self.paths = []
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get('class') or '').split()
        if tag == 'script':
            self.count['script'] += 1
        if tag == 'details' and 'key' in classes:
            self.count['tree'] += 1
            self.paths.append(a.get('data-path'))
        if tag == 'span' and 'acct' in classes:
            self.count['acct'] += 1
            if 'lockout' in classes:
                self.count['lockout'] += 1
        for name in ('src', 'href'):
            v = a.get(name)
            if v and not v.startswith('#'):
                self.urls.append(v)


def png_pixels(data):
    """(width, height, channels, rows) of an 8-bit PNG, rows unfiltered."""
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('the screenshot is not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    if not hdr or hdr[2] != 8 or hdr[3] not in (0, 2, 4, 6) or hdr[6]:
        fail('unsupported PNG layout %r' % (hdr,))
    w, h = hdr[0], hdr[1]
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[hdr[3]]
    return w, h, ch, unfilter(zlib.decompress(idat), w, h, ch)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, w, h, ch):
    stride, rows, prev = w * ch, [], bytearray(w * ch)
    for y in range(h):
        f = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - ch] if i >= ch else 0
            b, c = prev[i], prev[i - ch] if i >= ch else 0
            row[i] = (row[i] + (0, a, b, (a + b) >> 1, paeth(a, b, c))[f]
                      if f else row[i]) & 0xff
        rows.append(bytes(row))
        prev = row
    return rows


def ink_share(w, h, ch, rows):
    """Share of pixels that differ from the most common (background) one."""
    colours = collections.Counter()
    for row in rows[::2]:
        for x in range(0, w * ch, ch * 2):
            colours[row[x:x + min(ch, 3)]] += 1
    total = sum(colours.values())
    return 1.0 - colours.most_common(1)[0][1] / total if total else 0.0


def chromium(exe, tmp, url, *extra):
    p = subprocess.run([exe] + CHROMIUM_FLAGS + [
        '--user-data-dir=' + os.path.join(tmp, 'profile')] + list(extra) +
        [url], capture_output=True, timeout=90, cwd=tmp)
    if p.returncode:
        fail('chromium exited %d: %s' % (p.returncode,
                                         p.stderr.decode(errors='replace')))
    return p.stdout


def check_dom(dom_text, metabase):
    keys, setters, lockout = expected_from(metabase)
    dom = Dom()
    dom.feed(dom_text)
    if dom.count['tree'] != keys:
        fail('%d tree nodes for %d keys' % (dom.count['tree'], keys))
    if None in dom.paths or len(set(dom.paths)) != keys:
        fail('tree nodes without a distinct data-path')
    if dom.count['acct'] != setters:
        fail('%d account markers for %d identities set in the file' %
             (dom.count['acct'], setters))
    if dom.count['lockout'] != lockout:
        fail('%d lockout-risk markers, expected %d' % (dom.count['lockout'],
                                                        lockout))
    if dom.count['script'] or dom.urls:
        fail('not self-contained: %d scripts, URLs %r' %
             (dom.count['script'], dom.urls[:5]))
    return dom


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mbtool, metabase = sys.argv[1], os.path.abspath(sys.argv[2])
    exe = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if not exe:
        print('render_report: chromium is not installed: skipped')
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix='mbrender-')
    try:
        out = os.path.join(tmp, 'report.html')
        p = subprocess.run([mbtool, '-f', metabase, 'report', '-o', out],
                           capture_output=True)
        if p.returncode:
            fail('mbtool report exited %d: %s' % (p.returncode, p.stderr))
        url = 'file://' + out
        dom = check_dom(chromium(exe, tmp, url, '--dump-dom').decode(),
                        metabase)
        shot = os.path.join(tmp, 'shot.png')
        chromium(exe, tmp, url, '--screenshot=' + shot)
        w, h, ch, rows = png_pixels(open(shot, 'rb').read())
        ink = ink_share(w, h, ch, rows)
        if ink < MIN_INK:
            fail('the screenshot is nearly blank (%.1f%% ink)' % (ink * 100))
        print('render_report: %d tree nodes, %d account markers (%d '
              'lockout), %dx%d screenshot, %.1f%% ink' % (
                  dom.count['tree'], dom.count['acct'], dom.count['lockout'],
                  w, h, ink * 100))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
