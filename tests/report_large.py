#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HTML report of a hosting-size metabase: folded, small, complete.

   report_large.py MBTOOL MBGEN [SITES]

Generates a metabase with mbgen (20,000 sites x 3 vdirs, about 100,000
keys and 21 MB), writes its report and checks, from the file itself:

- the page is at most MAX_BYTES (the whole tree was 56 MB);
- every key that sets AnonymousUserName (or another identity, password,
  AuthFlags, LogonMethod or AppPoolIdentityType) is a tree node, and each
  AnonymousUserName setter carries its account marker;
- every other key is either shown or counted exactly once: each "+ N keys"
  line says how many keys have that node as their nearest shown ancestor,
  and the shown and folded numbers add up to the file's keys;
- the page states its folding rule;
- peak memory (GNU time %M, when /usr/bin/time is there; not in sanitizer
  builds) is at most MAX_RSS_RATIO times the file size.
"""
import collections
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MAX_BYTES = 16 * 1024 * 1024
MAX_RSS_RATIO = 4.0
IDENTITY = ('AnonymousUserName', 'AnonymousUserPass', 'WAMUserName',
            'WAMUserPass', 'UNCUserName', 'UNCPassword', 'AuthFlags',
            'LogonMethod', 'AppPoolIdentityType')
FOLDED = re.compile(r'^\+ ([0-9,]+) keys? that inherits? their identity '
                    r'from here$')


def fail(msg):
    print('report_large: FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def display(loc):
    """mb_path_display: /LM/W3SVC/1 is shown as W3SVC/1, / as IIS_ROOT and
    . as IIS_Global."""
    if loc == '/':
        return 'IIS_ROOT'
    if loc == '.':
        return 'IIS_Global'
    return loc[4:] if loc.upper().startswith('/LM/') and loc[4:] else loc


class Page(html.parser.HTMLParser):
    """Tree nodes, their account markers and the folded lines (by the
    path of the node they are in)."""

    def __init__(self):
        super().__init__()
        self.nodes = set()
        self.accounts = collections.defaultdict(list)
        self.folded = {}
        self.stack = []        # open <details>: a key's path, or None
        self.in_acct = self.in_fold = None
        self.text = ''
        self.rule = ''
        self.in_rule = False

    def key(self):
        return next((p for p in reversed(self.stack) if p), None)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get('class') or '').split()
        if tag == 'details':
            path = a.get('data-path') if 'key' in classes else None
            if path is not None:
                if path in self.nodes:
                    fail('two tree nodes for %s' % path)
                self.nodes.add(path)
            self.stack.append(path)
        elif tag == 'span' and 'acct' in classes:
            self.accounts[self.key()].append(a.get('data-account'))
        elif tag == 'div' and 'folded' in classes:
            self.in_fold, self.text = self.key(), ''
        elif tag == 'p' and 'rule' in classes:
            self.in_rule = True

    def handle_endtag(self, tag):
        if tag == 'details':
            self.stack.pop()
        elif tag == 'div' and self.in_fold is not None:
            m = FOLDED.match(' '.join(self.text.split()))
            if not m or self.in_fold in self.folded:
                fail('bad folded line under %s: %r' % (self.in_fold,
                                                       self.text))
            self.folded[self.in_fold] = int(m.group(1).replace(',', ''))
            self.in_fold = None
        elif tag == 'p':
            self.in_rule = False

    def handle_data(self, data):
        if self.in_fold is not None:
            self.text += data
        if self.in_rule:
            self.rule += data


def parent_of(keys, loc):
    """The nearest existing ancestor Location, as src/doc.c links keys."""
    if loc in ('', '.', '/'):
        return None
    n = len(loc)
    while n > 0:
        while n > 0 and loc[n - 1] != '/':
            n -= 1
        if n == 0:
            return None
        n -= 1
        if n == 0:
            return '/' if '/' in keys else None
        if loc[:n] in keys:
            return loc[:n]
    return None


def check(page, metabase):
    root = ET.parse(metabase).getroot()
    keys = {el.get('Location').upper(): el for el in root.iter()
            if el.get('Location') is not None}
    shown = {loc for loc, el in keys.items()
             if display(el.get('Location')) in page.nodes}
    if len(page.nodes) != len(shown):
        fail('%d tree nodes, %d of them keys of the file' %
             (len(page.nodes), len(shown)))
    anon = 0
    for loc, el in keys.items():
        path = display(el.get('Location'))
        if any(el.get(p) is not None for p in IDENTITY) and \
                path not in page.nodes:
            fail('%s sets an identity but is not in the tree' % path)
        name = el.get('AnonymousUserName')
        if name is not None:
            anon += 1
            if name not in page.accounts.get(path, []):
                fail('%s sets AnonymousUserName %s: no marker' %
                     (path, name))
    counted = collections.Counter()
    for loc in keys:
        if loc in shown:
            continue
        up = parent_of(keys, loc)
        while up is not None and up not in shown:
            up = parent_of(keys, up)
        if up is None:
            fail('%s is neither shown nor under a shown key' % loc)
        counted[display(keys[up].get('Location'))] += 1
    if dict(counted) != page.folded:
        bad = [p for p in set(counted) | set(page.folded)
               if counted.get(p) != page.folded.get(p)]
        fail('folded counts differ at %d nodes, e.g. %s: page %s, file %s'
             % (len(bad), bad[0], page.folded.get(bad[0]),
                counted.get(bad[0])))
    if len(page.nodes) + sum(page.folded.values()) != len(keys):
        fail('shown + folded != %d keys' % len(keys))
    if len(page.nodes) * 2 > len(keys):
        fail('%d of %d keys shown: nothing much was folded' %
             (len(page.nodes), len(keys)))
    if 'A file of more than' not in page.rule:
        fail('the page does not state its folding rule: %r' % page.rule)
    return len(keys), anon


def run_report(mbtool, metabase, out):
    """Run report; its peak RSS in kB (None where it is not measured)."""
    argv = [mbtool, '-f', metabase, 'report', '-o', out]
    timed = os.access('/usr/bin/time', os.X_OK) and \
        os.environ.get('MB_SANITIZE', 'none') in ('', 'none')
    if timed:
        argv = ['/usr/bin/time', '-f', '%M'] + argv
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode:
        fail('mbtool report exited %d: %s' % (p.returncode, p.stderr))
    return int(p.stderr.strip().splitlines()[-1]) if timed else None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    mbtool, mbgen = sys.argv[1], sys.argv[2]
    sites = sys.argv[3] if len(sys.argv) > 3 else '20000'
    work = tempfile.mkdtemp(prefix='mbreport.')
    try:
        metabase = os.path.join(work, 'MetaBase.xml')
        out = os.path.join(work, 'report.html')
        subprocess.run([mbgen, '--sites', sites, '--vdirs', '3', '--seed',
                        '7', '-o', metabase], check=True)
        rss = run_report(mbtool, metabase, out)
        size, file_kb = os.path.getsize(out), os.path.getsize(metabase) / 1024
        if size > MAX_BYTES:
            fail('the page is %d bytes (at most %d)' % (size, MAX_BYTES))
        if rss is not None and rss > MAX_RSS_RATIO * file_kb:
            fail('peak RSS %d kB is over %.0fx the file (%.0f kB)' %
                 (rss, MAX_RSS_RATIO, file_kb))
        page = Page()
        with open(out, encoding='utf-8') as f:
            page.feed(f.read())
        nkeys, anon = check(page, metabase)
        print('report_large: %d keys, %d shown, %d folded, %d '
              'AnonymousUserName setters marked; page %d bytes, peak %s kB'
              % (nkeys, len(page.nodes), sum(page.folded.values()), anon,
                 size, rss if rss is not None else '(not measured)'))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
