#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The reveal solver measured against the bound of an ideal solver (issue 14).

    tests/bench/solver.py BUILDDIR [--groups a,b] [--files N] [-j N]
    tests/bench/solver.py BUILDDIR --key-only  (the rows with the key: ~30 s)
    tests/bench/solver.py BUILDDIR --smoke     (the meson test: 3 tiny files)
    meson compile -C BUILDDIR bench-solver     (the same as the first line)

Every file is written by tests/mbgen (--mix or --story, seeded: a seed and
the mbgen arguments name a file) with --truth, which lists the plaintext of
every secure value. BUILDDIR/tests/solvercheck runs the library's solver on
it, as `mbtool reveal --all --no-cache` does, and prints every value's bytes
with "??" where the solver shows nothing. Per group of files the table gives:

  values    secure values (the SessionKey not counted)
  revealed  values shown complete (status verified or consistent, or
            conflict with the stored value shown and proven: a wrong
            --known is reported as a conflict, the value itself revealed
            by the other cribs and its signature)
  verified  values shown proven by the signature
  wrong     values with at least one shown byte that is not the plaintext,
            whatever their status (verified, consistent, partial, conflict)
  bound     values an ideal solver reveals with certainty from the same
            cribs (below)
  short     values within the bound that the solver does not reveal
The goal (issue 14): wrong = 0 and short = 0 on every row. Every wrong or
short value is listed under the table with the mbgen arguments that make
its file, and so is a value revealed beyond the bound: verified, it is
certain all the same (the solver tried likely candidates first and met it
before the budget; the bound counts whole candidate sets), consistent, it
is a guess that happens to be right.

Rows marked "key" pass --signing-key (the modulus is given, no gcd); the
others reveal without any key, which is the main case, and pay the modulus
gcd (about 7 s of CPU) per file: no cache is read or written.

THE BOUND. Computed from the generator's ground truth (the plaintexts and so
the keystream K), never from the solver. All values of a file share K: value
v's ciphertext byte j is c_v[j] = p_v[j] ^ K[j] (j counts from the 4-byte
zero prefix). The cribs are those the solver has:

  certain    the zero prefix, the UTF-16 NUL ending every string, the
             value lengths;
  --known    a right --known plaintext is its value's one candidate; a
             wrong one is ignored (an ideal solver refutes it and goes on
             from the other cribs);
  per-unit   a password character is printable ASCII (low byte 0x20-0x7e,
  hypotheses high byte 0: 95 candidates), else any UTF-16 unit (65,536);
             LogOdbcPassword is the documented default "sqllog" (1);
  descriptor AdminACL grammar, with the solver's own vocabulary (mb/sd.h,
  grammar    read through solvercheck --grammar): revision 1, control low byte
             0-63 with its SACL and DACL present bits as the layout has
             them (a DACL at offset 0, NULL or absent: either), high
             byte 0x80-0xbf; the layout (component order, SID
             lengths 12/16/20/24/28, an absent owner or group, NULL DACL, ACE count and sizes) fixes
             offsets, ACL and ACE headers and SID headers; ACE type 0-2,
             flags 0-31, mask from the solver's 537 masks, SIDs from its
             table (a domain SID's 16 sub-authority bytes are free); a byte
             outside these classes is any of 256 (a mask: any of 2^32);
  signature  with the signing modulus, MD5(prefix || value) checks a
             candidate: a value is settled when its candidates number at
             most BUDGET (2^24, a few seconds of MD5).

For a set D of certain keystream positions, every position j outside D has
S(j), the keystream bytes every value over j allows under its true classes
(the intersection of c_v[j] ^ class_v(j)); inside D, S(j) = {K[j]}. A
descriptor takes part through its layouts: those of its length that the
grammar allows under S (offsets, ACL/ACE/SID headers, ACE type and flags,
SID table; any mask); at each position S is narrowed to the union of what
those layouts allow, so a byte all of them agree on is pinned, and this is
repeated until S holds still (the truth is always among the layouts, so
nothing true is ever cut). A value's candidate count is the product, over
its fields (a string unit, a control byte, an ACE type, flags or mask, a
SID), of the class members whose bytes all fall in S, times, for a string,
C(u, k) (which k of its u unknown units are the non-printable ones), and
for a descriptor, the number of its layouts under S.

The modulus is available with --signing-key, or when the file has a
SessionKey (its signed SIMPLEBLOB is in clear: a certain anchor) and some
value has at most GCD_SEEDS (4) candidates to pair with it (a gcd each),
or, without a SessionKey, two such values.

Starting from D = the certain positions, repeat until nothing changes: a
value is within the bound when all its positions are in D, or when the
modulus is available and its candidate count is at most BUDGET (the signature
then tells the one right candidate); its positions join D.

Exit status: 0; 1 with --smoke when a value is wrong or the table does not
parse; 2 on bad usage or a tool that fails.
"""
import argparse
import itertools
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

BUDGET = 1 << 24
GCD_SEEDS = 4
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
KEY = os.path.join(SRC, 'tests', 'keys', 'signing.pub.pem')

def handful_args():
    """tests/twins/handful.sh's file as mbgen arguments (its passwords and
    AdminACL; the seed is the row's): no value the cribs determine, one
    with three plaintexts left."""
    text = open(os.path.join(SRC, 'tests', 'twins', 'handful.sh')).read()
    sd = ''.join(re.findall(r'^sd=(?:\$\{sd\})?([0-9a-f]+)', text, re.M))
    pws = text.split("<<'LIST'\n", 1)[1].split('\nLIST\n', 1)[0].split('\n')
    args = ['--mix', '--values', str(len(pws)), '--acls', '0', '--no-odbc',
            '--secure-hex', '/LM/W3SVC:AdminACL=' + sd]
    for i, pw in enumerate(pws):
        args += ['--secure', '/LM/W3SVC/%d:AnonymousUserPass=%s' % (i + 1, pw)]
    return args


# ---- the groups: (name, mbgen arguments, signing key?, --known, files) ----
# known: None, 'right' or 'wrong' (the first AnonymousUserPass of the file,
# its plaintext as it is or with one character changed).
MIX = ['--mix']
GROUPS = [
    ('story', ['--story'], False, None, 1),
    ('lengths 0-64', MIX + ['--values', '8', '--pw-len', '0-64'], False,
     None, 1),
    ('lengths 0-64', MIX + ['--values', '8', '--pw-len', '0-64'], True,
     None, 6),
    ('latin1', MIX + ['--values', '6', '--charset', 'latin1'], False, None, 1),
    ('latin1', MIX + ['--values', '6', '--charset', 'latin1'], True, None, 4),
    ('cyrillic', MIX + ['--values', '6', '--charset', 'cyrillic'], False,
     None, 1),
    ('cjk', MIX + ['--values', '6', '--charset', 'cjk'], False, None, 1),
    ('emoji', MIX + ['--values', '6', '--charset', 'emoji'], False, None, 1),
    ('emoji', MIX + ['--values', '6', '--charset', 'emoji'], True, None, 4),
    ('acl 0-8 aces', MIX + ['--acls', '6', '--acl-variety', '--aces', '0-8'],
     False, None, 1),
    ('acl 0-8 aces', MIX + ['--acls', '6', '--acl-variety', '--aces', '0-8'],
     True, None, 6),
    ('null dacl', MIX + ['--acls', '3', '--acl-variety', '--null-dacl'],
     False, None, 1),
    ('domain sids', MIX + ['--acls', '4', '--acl-variety', '--domain-sids',
                           '--aces', '1-6'], False, None, 1),
    ('domain sids', MIX + ['--acls', '4', '--acl-variety', '--domain-sids',
                           '--aces', '1-6'], True, None, 4),
    ('few values', MIX + ['--values', '2', '--acls', '1', '--no-odbc'],
     False, None, 1),
    ('few values', MIX + ['--values', '1', '--acls', '1', '--no-odbc',
                          '--pw-len', '0-6'], True, None, 4),
    ('no session', MIX + ['--values', '6', '--no-session'], False, None, 1),
    ('many passwords', MIX + ['--values', '60', '--pw-len', '6-24'], False,
     None, 1),
    ('many passwords', MIX + ['--values', '60', '--pw-len', '6-24',
                              '--charset', 'latin1'], True, None, 2),
    ('known right', MIX + ['--values', '4', '--acls', '1', '--no-odbc'],
     False, 'right', 1),
    ('known wrong', MIX + ['--values', '4', '--acls', '1', '--no-odbc'],
     False, 'wrong', 1),
    ('known wrong', ['--story'], True, 'wrong', 2),
    ('handful', handful_args(), False, None, 2),
]
SMOKE = [
    ('smoke ascii', MIX + ['--values', '3', '--acls', '1'], True, None, 1),
    ('smoke cyrillic', MIX + ['--values', '2', '--acls', '0', '--charset',
                              'cyrillic', '--no-odbc'], True, 'wrong', 1),
    ('smoke known', MIX + ['--values', '2', '--acls', '0'], True, 'right', 1),
]

# ---- the solver's descriptor vocabulary (mb/sd.h, via solvercheck) ----
SIDS = []      # (length, fixed leading bytes, those bytes)
MASKS = set()  # 4-byte little-endian masks
MASK_LIST = []  # the same as tuples, for list fields
SID_LENS = ()


def load_grammar(build):
    global SID_LENS
    out = subprocess.run([os.path.join(build, 'tests', 'solvercheck'),
                          '--grammar'], check=True, capture_output=True)
    for line in out.stdout.decode().splitlines():
        f = line.split('\t')
        if f[0] == 'sid':
            SIDS.append((int(f[1]), int(f[2]), bytes.fromhex(f[3])))
        elif f[0] == 'mask':
            MASKS.add(bytes.fromhex(f[1]))
    SID_LENS = tuple(sorted({ln for ln, _, _ in SIDS}))
    MASK_LIST.extend(tuple(m) for m in sorted(MASKS))


ALL = frozenset(range(256))
PRINTABLE = frozenset(range(0x20, 0x7f))

# ---- ground truth --------------------------------------------------------


class Value:
    """One secure value: plaintext (prefix included), ciphertext, fields."""

    def __init__(self, loc, prop, plain, blob):
        self.loc, self.prop = loc, prop
        n = int.from_bytes(blob[8:12], 'little')
        self.c = blob[16:16 + n]
        self.p = bytes(4) + plain
        if len(self.p) != n:
            raise ValueError('%s %s: plaintext of %d bytes, blob %d'
                             % (loc, prop, len(self.p), n))
        self.n = n
        self.sd = prop.lower() == 'adminacl'
        self.known = None  # a --known plaintext (prefixed bytes) if right
        self.fields = []   # (positions, members or None, per-byte classes)
        self.layout = set()   # descriptor layout positions
        self.nonprint = []    # string units outside the printable class

    def name(self):
        return '%s %s' % (self.loc, self.prop)


def read_truth(path):
    values, session = [], False
    seen = {}
    with open(path) as f:
        for line in f:
            loc, prop, plain, blob = line.rstrip('\n').split('\t')
            if prop == 'SessionKey':
                session = True
                continue
            v = Value(loc, prop, bytes.fromhex(plain), bytes.fromhex(blob))
            key = (loc.lower(), prop.lower())
            if key in seen:
                values[seen[key]] = v
            else:
                seen[key] = len(values)
                values.append(v)
    keystream = {}
    for v in values:
        for j in range(v.n):
            k = v.c[j] ^ v.p[j]
            if keystream.setdefault(j, k) != k:
                raise ValueError('keystream differs at byte %d' % j)
    return values, session, keystream

# ---- crib classes from the true plaintext -------------------------------


def string_fields(v):
    units = (v.n - 4) // 2
    default = v.prop.lower() == 'logodbcpassword' and \
        v.p[4:] == 'sqllog'.encode('utf-16-le') + bytes(2)
    for i in range(units - 1):
        j = 4 + 2 * i
        cu = v.p[j] | v.p[j + 1] << 8
        if default:
            cls = [frozenset([v.p[j]]), frozenset([0])]
        elif 0x20 <= cu <= 0x7e:
            cls = [PRINTABLE, frozenset([0])]
        else:
            cls = [ALL, ALL]
            v.nonprint.append(j)
        v.fields.append(((j, j + 1), None, cls))


def list_field(v, start, members):
    """A field whose class is a list (members: bytes, None = free byte)."""
    ln = len(members[0])
    cls = [frozenset(ALL if any(m[k] is None for m in members) else
                     (m[k] for m in members)) for k in range(ln)]
    v.fields.append((tuple(range(start, start + ln)), members, cls))


def byte_field(v, j, allowed):
    if v.p[j] not in allowed:
        allowed = ALL
    v.fields.append(((j,), [(b,) for b in sorted(allowed)], [allowed]))


def sid_field(v, at):
    """A SID at descriptor offset at (prefixed position at + 4)."""
    j = 4 + at
    ln = 8 + 4 * v.p[j + 1]
    v.layout.update((j, j + 1))
    truth = v.p[j:j + ln]
    members = []
    for slen, fixed, b in SIDS:
        if slen != ln:
            continue
        members.append(tuple(list(b[2:fixed]) + [None] * (ln - fixed)))
    if not any(all(x is None or x == truth[2 + k] for k, x in enumerate(m))
               for m in members):
        members = [tuple([None] * (ln - 2))]
    list_field(v, j + 2, members)
    return ln


def acl_fields(v, at):
    j = 4 + at
    size = v.p[j + 2] | v.p[j + 3] << 8
    count = v.p[j + 4] | v.p[j + 5] << 8
    v.layout.update(range(j, j + 8))
    a = j + 8
    for _ in range(count):
        v.layout.update((a + 2, a + 3))
        byte_field(v, a, frozenset(range(3)))
        byte_field(v, a + 1, frozenset(range(32)))
        mask = v.p[a + 4:a + 8]
        if mask in MASKS:
            list_field(v, a + 4, MASK_LIST)
        else:
            list_field(v, a + 4, [tuple([None] * 4)])
        sid_field(v, a + 8 - 4)
        a += v.p[a + 2] | v.p[a + 3] << 8
    return size


def sd_fields(v):
    p = v.p
    v.fields.append(((4,), None, [frozenset([1])]))
    v.fields.append(((5,), None, [frozenset([0])]))
    off = [int.from_bytes(p[4 + k:8 + k], 'little') for k in (4, 8, 12, 16)]
    # control: a SACL (0x10) or DACL (0x04) present bit goes with the
    # layout, as in the solver (a DACL at offset 0 may be NULL, its bit
    # either way); the defaulted bits are free
    byte_field(v, 6, frozenset(x for x in range(64) if
                               bool(x & 0x10) == bool(off[2]) and
                               (x & 0x04 or not off[3])))
    byte_field(v, 7, frozenset(range(0x80, 0xc0)))
    v.layout.update(range(8, 24))
    for at in off[:2]:
        if at:
            sid_field(v, at)
    for at in off[2:]:
        if at:
            acl_fields(v, at)

# ---- descriptor layouts --------------------------------------------------


class Layouts:
    """The layouts of v's length the grammar allows under S: their number
    and, per position, the union of the plaintext bytes they allow there
    (a byte every layout agrees on narrows the keystream)."""

    def __init__(self, v, S):
        self.v, self.S = v, S
        self.count = 0
        self.union = {}
        self.sid_sets = lru_cache(maxsize=None)(self._sid_sets)
        self.ace_sets = lru_cache(maxsize=None)(self._ace_sets)
        for dacl in (True, False):  # an owner or group may be absent (0)
            for olen, glen in itertools.product((0,) + SID_LENS,
                                                (0,) + SID_LENS):
                self._sizes(dacl, olen, glen)
        if not self.count:
            raise ValueError('%s: the true layout is outside the grammar'
                             % v.name())

    def ok(self, rel, byte):
        j = 4 + rel
        return self.v.c[j] ^ byte in self.S.get(j, ALL)

    def fixed(self, rel, val, k, out):
        """The k little-endian bytes of val at rel, into out; False when S
        does not allow them."""
        for i in range(k):
            b = val >> 8 * i & 255
            if not self.ok(rel + i, b):
                return False
            out[rel + i] = frozenset([b])
        return True

    def _sid_sets(self, at, ln):
        out = {}
        if not self.fixed(at, 1, 1, out) or \
                not self.fixed(at + 1, (ln - 8) // 4, 1, out):
            return None
        fits = [(fixed, b) for slen, fixed, b in SIDS if slen == ln and
                all(self.ok(at + k, b[k]) for k in range(2, fixed))]
        if not fits:
            return None
        for k in range(2, ln):
            out[at + k] = ALL if any(k >= f for f, _ in fits) else \
                frozenset(b[k] for _, b in fits)
        return out

    def _ace_sets(self, p, s):
        out = {}
        types = frozenset(t for t in range(3) if self.ok(p, t))
        flags = frozenset(f for f in range(32) if self.ok(p + 1, f))
        sid = self.sid_sets(p + 8, s)
        if not (types and flags and sid and self.fixed(p + 2, 8 + s, 2, out)):
            return None
        out[p], out[p + 1] = types, flags
        for k in range(4):
            out[p + 4 + k] = ALL  # masks: any (the solver's list first)
        out.update(sid)
        return out

    def _sizes(self, dacl, olen, glen):
        dlen = self.v.n - 4 - 20 - olen - glen
        if (dacl and dlen < 8) or (not dacl and dlen != 0):
            return
        comps = [(c, ln) for c, ln in (('o', olen), ('g', glen)) if ln] + \
            ([('d', dlen)] if dacl else [])
        for perm in itertools.permutations(comps):
            at, off = 20, {'o': 0, 'g': 0}
            for c, ln in perm:
                off[c] = at
                at += ln
            out = {}
            if not (self.fixed(4, off['o'], 4, out) and
                    self.fixed(8, off['g'], 4, out) and
                    self.fixed(12, 0, 4, out) and
                    self.fixed(16, off.get('d', 0), 4, out)):
                continue
            so, sg = (self.sid_sets(off[c], ln) if ln else {}
                      for c, ln in (('o', olen), ('g', glen)))
            if so is None or sg is None:
                continue
            n = self._acl(off['d'], dlen, out) if dacl else 1
            if n:
                self.count += n
                for part in (out, so, sg):
                    for j, b in part.items():
                        self.union[j] = self.union.get(j, frozenset()) | b

    def _acl(self, d, dlen, out):
        """ACE sequences filling the DACL at d: their number; their bytes
        into out (the union over the sequences that fit)."""
        if not (self.fixed(d, 2, 1, out) and self.fixed(d + 1, 0, 1, out) and
                self.fixed(d + 2, dlen, 2, out) and
                self.fixed(d + 6, 0, 2, out)):
            return 0
        end = d + dlen
        count_ok = lambda k: self.ok(d + 4, k & 255) and self.ok(d + 5, k >> 8)

        @lru_cache(maxsize=None)
        def ways(p, k):
            if p == end:
                return int(count_ok(k))
            return sum(ways(p + 8 + s, k + 1) for s in SID_LENS
                       if p + 8 + s <= end and self.ace_sets(p, s))
        total = ways(d + 8, 0)
        if not total:
            return 0
        todo, seen, counts = [(d + 8, 0)], set(), set()
        while todo:
            p, k = todo.pop()
            if (p, k) in seen:
                continue
            seen.add((p, k))
            if p == end:
                counts.add(k)
                continue
            for s in SID_LENS:
                q = p + 8 + s
                if q <= end and self.ace_sets(p, s) and ways(q, k + 1):
                    for j, b in self.ace_sets(p, s).items():
                        out[j] = out.get(j, frozenset()) | b
                    todo.append((q, k + 1))
        for i in range(2):
            out[d + 4 + i] = frozenset(k >> 8 * i & 255 for k in counts)
        return total

# ---- the bound -----------------------------------------------------------


def keystream_sets(values, D, K):
    """S(j): K[j] in D, else what every value's classes allow, descriptors
    through their layouts, narrowed until it holds still."""
    base = {}

    def narrow(S, j, allowed):
        S[j] = S[j] & allowed if j in S else allowed

    for v in values:
        for pos, _, cls in v.fields if not v.sd else v.fields[:4]:
            for j, c in zip(pos, cls):
                if j not in D:
                    narrow(base, j, frozenset(v.c[j] ^ b for b in (
                        c if v.known is None else [v.known[j]])))
    for j in D:
        base[j] = frozenset([K[j]])
    S = dict(base)
    while True:
        before = sum(len(x) for x in S.values())
        for v in values:
            if v.sd:
                lay = Layouts(v, S)
                for rel, b in lay.union.items():
                    j = 4 + rel
                    narrow(S, j, frozenset(v.c[j] ^ x for x in b))
        if sum(len(x) for x in S.values()) == before:
            return S


def candidates(v, S, D):
    if v.known is not None:
        return 1
    total = 1
    for pos, members, _ in v.fields:
        if all(j in D for j in pos):
            continue
        if members is None:
            for j in pos:
                total *= len(S.get(j, ALL))
            continue
        n = 0
        for m in members:
            k = 1
            for j, b in zip(pos, m):
                s = S.get(j, ALL)
                k *= len(s) if b is None else int(v.c[j] ^ b in s)
            n += k
        total *= n
    if v.sd:
        total *= Layouts(v, S).count
    else:
        unk = [f for f in v.fields if not all(j in D for j in f[0])]
        k = sum(1 for j in v.nonprint if j not in D or j + 1 not in D)
        total *= math.comb(len(unk), k)
    return total


def bound(values, session, K, keyed):
    D = set(range(4))
    for v in values:
        if not v.sd:
            D.update((v.n - 2, v.n - 1))
    inside = set()
    while True:
        S = keystream_sets(values, D, K)
        cand = {id(v): candidates(v, S, D) for v in values
                if id(v) not in inside}
        seeds = sum(1 for v in values if id(v) in inside or
                    cand[id(v)] <= GCD_SEEDS)
        modulus = keyed or seeds >= (1 if session else 2)
        new = [v for v in values if id(v) not in inside and
               (all(j in D for j in range(v.n)) or
                (modulus and cand[id(v)] <= BUDGET))]
        if not new:
            return inside
        for v in new:
            inside.add(id(v))
            D.update(range(v.n))

# ---- running ---------------------------------------------------------------


def wrong_known(v):
    """The plaintext with one character changed (same length)."""
    s = v.p[4:-2].decode('utf-16-le')
    if not s:
        return 'x'
    i = len(s) // 2
    return s[:i] + ('b' if s[i] == 'a' else 'a') + s[i + 1:]


def run_file(build, work, row, name, args, keyed, known, seed):
    base = os.path.join(work, 'r%d-%s-%d' % (row, re.sub(r'\W+', '_', name),
                                             seed))
    gen = [os.path.join(build, 'tests', 'mbgen')] + args + [
        '--seed', str(seed), '-o', base + '.xml', '--truth', base + '.truth']
    subprocess.run(gen, check=True)
    values, session, K = read_truth(base + '.truth')
    for v in values:
        (sd_fields if v.sd else string_fields)(v)
    chk = [os.path.join(build, 'tests', 'solvercheck'), base + '.xml']
    if keyed:
        chk += ['--signing-key', KEY]
    if known:
        v = next(x for x in values if x.prop == 'AnonymousUserPass')
        text = v.p[4:-2].decode('utf-16-le')
        if known == 'right':
            v.known = v.p
        else:
            text = wrong_known(v)
        fd = os.open(base + '.known', os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write('%s\t%s\t%s\n' % (v.loc, v.prop, text))
        chk += ['--known-file', base + '.known']
    out = subprocess.run(chk, check=True, capture_output=True).stdout
    shown = {}
    for line in out.decode().splitlines():
        f = line.split('\t')
        if f[0] == 'value':
            shown[(f[1].lower(), f[2].lower())] = (f[3], f[4], f[5])
    inside = bound(values, session, K, keyed)
    rows = []
    for v in values:
        st, proven, hx = shown[(v.loc.lower(), v.prop.lower())]
        bad = len(hx) != 2 * (v.n - 4) or any(
            hx[2 * i:2 * i + 2] not in ('??', '%02x' % v.p[4 + i])
            for i in range(v.n - 4))
        if st == 'conflict' and proven == '1' and '??' not in hx:
            st = 'verified'  # the wrong --known is reported; see HEAD
        rows.append((v.name(), st, bad, id(v) in inside))
    cmd = 'mbgen %s --seed %d' % (' '.join(args), seed)
    return rows, cmd


def measure(build, groups, files, jobs):
    work = tempfile.mkdtemp(prefix='mbsolver.')
    tasks = []
    for row, (name, args, keyed, known, n) in enumerate(groups):
        for seed in range(1, (files or n) + 1):
            tasks.append((row, name, args, keyed, known, seed))
    try:
        with ThreadPoolExecutor(max_workers=jobs) as ex:
            res = list(ex.map(lambda t: run_file(build, work, *t), tasks))
    finally:
        shutil.rmtree(work)
    table, gaps = {}, []
    for (_, name, args, keyed, known, seed), (rows, cmd) in zip(tasks, res):
        key = (name, keyed, known)
        r = table.setdefault(key, [0, 0, 0, 0, 0, 0, 0])
        r[0] += 1
        r[1] += len(rows)
        r[2] += sum(st in ('verified', 'consistent') for _, st, _, _ in rows)
        r[3] += sum(st == 'verified' for _, st, _, _ in rows)
        r[4] += sum(bad for _, _, bad, _ in rows)
        r[5] += sum(ins for _, _, _, ins in rows)
        r[6] += sum(ins and st not in ('verified', 'consistent')
                    for _, st, _, ins in rows)
        for vname, st, bad, ins in rows:
            done = st in ('verified', 'consistent')
            what = 'WRONG (%s)' % st if bad else \
                'in the bound, solver %s' % st if ins and not done else \
                'beyond the bound, solver %s' % st if done and not ins \
                else None
            if what:
                gaps.append('%s%s%s: %s: %s' % (
                    cmd, ' --signing-key' if keyed else '',
                    ' --known %s' % known if known else '', vname, what))
    return table, gaps


HEAD = ('| group | key | files | values | revealed | verified | wrong | bound '
        '| short |')
ROW = re.compile(r'^\| ([a-z0-9 -]+?)(?: \(known (right|wrong)\))? \| '
                 r'(yes|no) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| '
                 r'(\d+) \| (\d+) \|$')


def render(table):
    lines = [HEAD, '|---|---|---|---|---|---|---|---|---|']
    for (name, keyed, known), r in table.items():
        label = name + (' (known %s)' % known if known and known not in
                        name else '')
        lines.append('| %s | %s | %d | %d | %d | %d | %d | %d | %d |' % (
            label, 'yes' if keyed else 'no', *r))
    return lines


def smoke_check(lines):
    """The table parses, its numbers hold together, nothing is wrong."""
    rows = [ROW.match(x) for x in lines[2:]]
    if lines[0] != HEAD or not rows or not all(rows):
        return 'the table does not parse'
    for m in rows:
        files, values, rev, ver, wrong, bnd, short = map(int,
                                                         m.groups()[3:])
        if not (files and values and ver <= rev <= values and
                short <= bnd <= values):
            return 'inconsistent row: ' + m.group(0)
        if wrong:
            return 'wrong values: ' + m.group(0)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--groups', help='comma-separated group names')
    ap.add_argument('--files', type=int, help='files per row (seeds 1..N)')
    ap.add_argument('-j', '--jobs', type=int, default=2)
    ap.add_argument('--smoke', action='store_true')
    ap.add_argument('--key-only', action='store_true',
                    help='only the rows with the signing key (no gcd)')
    a = ap.parse_args()
    for t in ('mbgen', 'solvercheck'):
        if not os.access(os.path.join(a.build, 'tests', t), os.X_OK):
            print('solver.py: %s/tests/%s not built' % (a.build, t),
                  file=sys.stderr)
            return 2
    groups = SMOKE if a.smoke else GROUPS
    if a.key_only:
        groups = [g for g in groups if g[2]]
    if a.groups:
        want = set(a.groups.split(','))
        groups = [g for g in groups if g[0] in want]
    t0 = time.monotonic()
    try:
        load_grammar(a.build)
        table, gaps = measure(a.build, groups, a.files, a.jobs)
    except (subprocess.CalledProcessError, ValueError) as e:
        print('solver.py: %s' % e, file=sys.stderr)
        return 2
    lines = render(table)
    print('\n'.join(lines))
    print('\n%d files in %.0f s (budget 2^%d MD5 per value, gcd seeds %d)'
          % (sum(r[0] for r in table.values()), time.monotonic() - t0,
             BUDGET.bit_length() - 1, GCD_SEEDS))
    for g in gaps:
        print('  ' + g)
    if a.smoke:
        why = smoke_check(lines)
        if why:
            print('solver.py --smoke: ' + why, file=sys.stderr)
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
