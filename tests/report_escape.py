#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile names and values in report's page: every text and attribute is
escaped, so the page holds only the markup mbtool means and shows each
value as it is in the file.

   report_escape.py MBTOOL MBGEN

mbgen writes the 401.1 story; account names (anonymous, UNC, WAM), a Path
and a key's Location are then made of markup: tags, quotes of both kinds,
ampersands that look like entities, comments that look like mbtool's own
slot markers, line breaks and tabs. The metabase file's own name holds
markup too. The report of that file (whole tree: titles on markers and
badges) and of the same file padded past the folding limit (folded tree,
other code paths) must:

- parse to elements and attributes of a fixed list only (no script, no
  event handler, no element named in a value);
- carry each hostile account name exactly in its markers' data-account
  attribute and in the accounts table's text, the hostile Location in its
  node's data-path, and the hostile Path in the node's value line;
- hold no section twice (a value that looks like a slot stays text).
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

TAGS = {'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3',
        'p', 'span', 'code', 'nav', 'a', 'table', 'tr', 'th', 'td', 'br',
        'pre', 'div', 'dl', 'dt', 'dd', 'ul', 'li', 'details', 'summary'}
ATTRS = {'lang', 'charset', 'http-equiv', 'content', 'class', 'id', 'href',
         'title', 'data-path', 'data-account', 'open'}
ANON = '<script>alert("a")</script>&amp; \'q\' <!--mbtool-slot:tree-->'
UNC = 'm2\\<img src=x onerror="alert(1)">&lt;'
WAM = 'w"a\tm\' <b>&#60;</b>'
PATH = 'd:\\<svg onload=alert(2)>\\"x" & y\n<!-- z -->'
LEAF = 'VD1<i class="x">&</i>'   # the last part of a Location


def fail(msg):
    print('report_escape: FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def xml_attr(s):
    """s as the value of an XML attribute between double quotes."""
    return (s.replace('&', '&amp;').replace('<', '&lt;')
            .replace('"', '&quot;').replace('\n', '&#10;')
            .replace('\t', '&#9;'))


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []
        self.accounts = set()
        self.paths = set()
        self.text = []
        self.slots = 0

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.bad.append('element <%s>' % tag)
        for name, value in attrs:
            if name not in ATTRS:
                self.bad.append('attribute %s=%r on <%s>' % (name, value,
                                                           tag))
            if name == 'data-account':
                self.accounts.add(value)
            if name == 'data-path':
                self.paths.add(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.bad.append('comment %r' % data)


def write_metabase(mbgen, path, sites):
    base = os.path.join(os.path.dirname(path), 'story.xml')
    argv = [mbgen, '--story',
            '--set', '/LM/W3SVC/1:AnonymousUserName=' + ANON,
            '--set', '/LM/W3SVC/1/ROOT/VD2:AnonymousUserName=' + ANON,
            '--set', '/LM/W3SVC/1/ROOT/VD3:UNCUserName=' + UNC,
            '--set', '/LM/W3SVC/2:WAMUserName=' + WAM,
            '--set', '/LM/W3SVC/1/ROOT:Path=' + PATH, '-o', base]
    subprocess.run(argv, check=True)
    with open(base, encoding='utf-8') as f:
        text = f.read()
    old = 'Location ="/LM/W3SVC/1/ROOT/VD1"'
    if old not in text:
        old = 'Location="/LM/W3SVC/1/ROOT/VD1"'
    if old not in text:
        fail('no VD1 key in the story to rename')
    text = text.replace(old, old.replace('VD1"', xml_attr(LEAF) + '"'))
    if sites:
        # keys past the folding limit, inheriting everything
        extra = ''.join('<IIsWebVirtualDir Location="/LM/W3SVC/2/ROOT/'
                        'pad%d">\n</IIsWebVirtualDir>\n' % i
                        for i in range(sites))
        text = text.replace('</MBProperty>', extra + '</MBProperty>')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def check(mbtool, metabase, out, folded):
    p = subprocess.run([mbtool, '-f', metabase, 'report', '-o', out],
                       capture_output=True, text=True)
    if p.returncode:
        fail('report exited %d: %s' % (p.returncode, p.stderr))
    with open(out, encoding='utf-8') as f:
        raw = f.read()
    page = Page()
    page.feed(raw)
    page.close()
    what = 'folded' if folded else 'whole'
    if page.bad:
        fail('%s tree: %s' % (what, '; '.join(page.bad[:5])))
    for name in (ANON, UNC, WAM):
        if name not in page.accounts:
            fail('%s tree: no marker for account %r (markers: %r)' %
                 (what, name, sorted(page.accounts)[:8]))
    text = ''.join(page.text)
    for name in (ANON, UNC, WAM):
        if name not in text:
            fail('%s tree: account %r not shown as text' % (what, name))
    leaf = 'W3SVC/1/ROOT/' + LEAF
    if leaf not in page.paths:
        fail('%s tree: no node for key %r' % (what, leaf))
    if 'Path = "%s" (set here)' % PATH not in text:
        fail('%s tree: the Path value is not shown as it is' % what)
    if os.path.basename(metabase) not in text:
        fail('%s tree: the file name is not shown' % what)
    if len(re.findall(r'<div class="tree">', raw)) != 1 or \
            len(re.findall(r'<table>', raw)) != 1:
        fail('%s tree: a section is on the page twice' % what)
    return len(page.paths)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mbtool, mbgen = sys.argv[1:]
    work = tempfile.mkdtemp(prefix='mbescape.')
    try:
        for sites in (0, 2100):
            folder = os.path.join(work, 'f%d' % sites)
            os.mkdir(folder)
            metabase = os.path.join(folder, 'a<b>&"c\'.xml')
            write_metabase(mbgen, metabase, sites)
            n = check(mbtool, metabase, os.path.join(folder, 'r.html'),
                      sites > 0)
            print('report_escape: %s tree, %d nodes: ok' %
                  ('folded' if sites else 'whole', n))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
