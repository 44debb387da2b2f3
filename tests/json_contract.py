#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The JSON contract (doc/json.md): every command's --json and --jsonl
output, on one file, on two (-f a -f b) and on a folder, validates against
doc/mbtool.schema.json, and the envelope agrees with itself: one entry per
file in input order, each with its own exit status and error, the
document's exit the worst of them and the process's exit status; the
--jsonl lines say the same per file as the --json entries. sam and reset
carry their commands byte for byte as the text output prints them.

The --hives cases read registry twins that HIVEGEN writes from
tests/twins/web01.spec (the sample's accounts are not in that SAM, so
doctor reports them missing with its MB020 fix).

doctor --json on a hosting file (MBGEN, its findings past the 64 KB at
which the text output starts going out as it is made) is one document.

A command listed by `mbtool help` without a case here fails the test.
Usage: json_contract.py MBTOOL SRCDIR HIVEGEN MBGEN"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print('json_contract: python3-jsonschema is not installed: skipped')
    sys.exit(77)

MBTOOL, SRC, HIVEGEN, MBGEN = sys.argv[1:5]
SAMPLE = os.path.join(SRC, 'samples', 'MetaBase.xml')
HIVES = tempfile.mkdtemp(prefix='mbjson-hives-')
SIGN = os.path.join(SRC, 'tests', 'keys', 'signing.pub.pem')
PASS = 'pass  with  two spaces '

# Every command, with arguments that reach its result (and some failures).
CASES = [
    ['get', 'W3SVC/1/ROOT/AnonymousUserName'],
    ['get', '--local', 'W3SVC/1/ROOT/AnonymousUserName'],
    ['get', 'W3SVC/9/ServerComment'],
    ['find', '--values', 'AnonymousUserName'],
    ['enum', 'W3SVC/1'],
    ['enum_all', 'W3SVC/1/ROOT', '--effective'],
    ['tree', 'W3SVC/1', '--prop', 'AnonymousUserName'],
    ['secrets'],
    ['reveal', 'W3SVC/AnonymousUserPass'],
    ['reveal', '--all'],
    ['set', 'W3SVC/1/ServerComment', 'two  spaces'],
    ['set', '--dry-run', 'W3SVC/1/ServerAutoStart', 'False'],
    ['set', 'W3SVC/1/NoSuchProperty', 'x'],
    ['delete', 'W3SVC/1/ServerComment'],
    ['delete', '--yes', 'W3SVC/2/'],
    ['create', 'W3SVC/1/ROOT/NEW', 'IIsWebVirtualDir'],
    ['copy', 'W3SVC/1/ROOT/VD1', 'W3SVC/1/ROOT/VDX'],
    ['move', 'W3SVC/1/ROOT/VD1', 'W3SVC/1/ROOT/VDY'],
    ['batch', '$SCRIPT'],
    ['accounts', '--all-identities'],
    ['collapse', '--dry-run', '--account', 'IUSR_m2', '--password-from',
     'W3SVC/1'],
    ['sync-passwords', '--account', 'IUSR_m2', '--from', 'W3SVC/1'],
    ['sam'],
    ['sam', '--shell', 'powershell', '-o', '$OUT'],
    ['reset', '--account', 'IUSR_m3', '--password-file', '$PW'],
    ['reset', '--dry-run', '--account', 'IUSR_m2', '--generate', '--shell',
     'powershell'],
    ['doctor'],
    ['accounts', '--hives', '$HIVES'],
    ['doctor', '--hives', '$HIVES'],
    ['doctor', '--hives', '$HIVES', '--no-cache', '--signing-key', SIGN,
     '--known', 'W3SVC/AnonymousUserPass', '--password-file', '$PW'],
    ['sam', '--hives', '$HIVES'],
    ['report', '-o', '-', '--hives', '$HIVES'],
    ['report', '-o', '-'],
    ['report', '-o', '$OUT'],
    ['help'],
    ['help', 'get'],
]

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


def validator(schema, part):
    return jsonschema.Draft202012Validator(
        {'$ref': '#/$defs/' + part, '$defs': schema['$defs']})


def check_schema(v, doc, what):
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:3]:
        fail('%s: %s at %s' % (what, e.message[:300],
                               '/'.join(map(str, e.absolute_path))))
    return not errs


class Run:
    """A fresh folder with the files for one run."""

    def __init__(self, layout):
        self.tmp = tempfile.mkdtemp(prefix='mbjson-')
        self.files = []
        names = {'one': ['one/MetaBase.xml'],
                 'two': ['a/MetaBase.xml', 'b/MetaBase.xml'],
                 'folder': ['dir/a/MetaBase.xml', 'dir/b/MetaBase.xml'],
                 'broken': ['a/MetaBase.xml', 'c/MetaBase.xml']}[layout]
        for n in names:
            p = os.path.join(self.tmp, n)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            shutil.copyfile(SAMPLE, p)
            self.files.append(p)
        if layout == 'broken':
            with open(self.files[1], 'w') as f:
                f.write('<configuration><MBProperty><IIsWebService')
        self.args = (['-f', os.path.join(self.tmp, 'dir')]
                     if layout == 'folder' else
                     sum((['-f', p] for p in self.files), []))
        with open(os.path.join(self.tmp, 'pw'), 'w') as f:
            f.write(PASS)
        with open(os.path.join(self.tmp, 'script'), 'w') as f:
            f.write('set W3SVC/1/ServerComment "batch  comment"\n'
                    'create W3SVC/1/ROOT/B1\n')

    def expand(self, args):
        sub = {'$SCRIPT': os.path.join(self.tmp, 'script'),
               '$PW': os.path.join(self.tmp, 'pw'),
               '$OUT': os.path.join(self.tmp, 'out'),
               '$HIVES': HIVES}
        return [sub.get(a, a) for a in args]

    def run(self, mode, args):
        out = os.path.join(self.tmp, 'out')
        if os.path.exists(out):
            os.unlink(out)
        p = subprocess.run([MBTOOL] + self.args + mode + self.expand(args),
                           capture_output=True, cwd=self.tmp,
                           env=dict(os.environ, MBTOOL_FILE=''))
        return p

    def close(self):
        shutil.rmtree(self.tmp)


def nfiles(run, args):
    return 1 if args[0] == 'help' else len(run.files)


def check_document(v, run, args, what):
    p = run.run(['--json'], args)
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        fail('%s: not one JSON document (%s): %r' % (what, e,
                                                      p.stdout[:200]))
        return None
    if not check_schema(v, doc, what):
        return None
    files = doc['files']
    if len(files) != nfiles(run, args):
        fail('%s: %d entries for %d files' % (what, len(files),
                                               nfiles(run, args)))
    if args[0] != 'help':
        want = [os.path.join(run.tmp, 'dir', 'a', 'MetaBase.xml'),
                os.path.join(run.tmp, 'dir', 'b', 'MetaBase.xml')] \
            if run.args[1].endswith('dir') else run.files
        got = [os.path.normpath(f['file']) for f in files]
        if got != [os.path.normpath(w) for w in want]:
            fail('%s: files %r, want %r' % (what, got, want))
    worst = max(f['exit'] for f in files)
    if doc['exit'] != worst or p.returncode != worst:
        fail('%s: exit %d (document) %d (process), files worst %d' %
             (what, doc['exit'], p.returncode, worst))
    for f in files:
        # 1 (doctor's findings) and 3 (not set) are answers, not failures:
        # the text output says them on stdout.
        if f['exit'] not in (0, 1, 3) and \
                f['error']['reason'].encode() not in p.stderr:
            fail('%s: error reason not on stderr too' % what)
    return doc


def check_lines(v, run, args, what, doc, doc_tmp):
    p = run.run(['--jsonl'], args)
    lines = p.stdout.decode().splitlines()
    if len(lines) != nfiles(run, args):
        fail('%s: %d lines for %d files' % (what, len(lines),
                                             nfiles(run, args)))
    got = []
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
        except ValueError as e:
            fail('%s: line %d is not JSON (%s)' % (what, i + 1, e))
            continue
        check_schema(v, obj, '%s line %d' % (what, i + 1))
        got.append(obj)
    if doc is None or len(got) != len(doc['files']):
        return
    # Write commands changed the first run's files: compare only the
    # entries of a read. Each run has its own folder: paths differ by it.
    for a, b in zip(got, doc['files']):
        a = json.loads(json.dumps(a).replace(run.tmp, 'TMP'))
        b = json.loads(json.dumps(b).replace(doc_tmp, 'TMP'))
        keys = ('file', 'kind', 'exit', 'error')
        if args[0] in ('get', 'find', 'enum', 'secrets', 'accounts',
                       'doctor', 'tree', 'help'):
            keys += ('result',)
        for k in keys:
            if a[k] != b[k]:
                fail('%s: --jsonl %s %r, --json %r' % (what, k, a[k], b[k]))
        if a['command'] != doc['command']:
            fail('%s: command %r in a line, %r in the document' %
                 (what, a['command'], doc['command']))


def text_commands(text, ps):
    """The lines of a script that are not comments or blank."""
    c = '#' if ps else 'rem'
    return [ln for ln in text.split('\n')
            if ln and ln != '@echo off' and not ln.startswith(c + ' ')]


def check_scripts():
    """sam/reset --json carry the text output's commands byte for byte."""
    run = Run('one')
    try:
        p = run.run([], ['reset', '--dry-run', '--account', 'IUSR_m3',
                         '--password-file', '$PW'])
        text = p.stdout.decode()
        j = json.loads(run.run(['--json'], [
            'reset', '--dry-run', '--account', 'IUSR_m3',
            '--password-file', '$PW']).stdout)
        res = j['files'][0]['result']
        cmds = text_commands(text[text.index('@echo off'):], False)
        if res['commands'] != cmds:
            fail('reset --json commands %r, text %r' % (res['commands'],
                                                         cmds))
        if not any(PASS in c for c in res['commands']):
            fail('reset --json: the password lost its spaces')
        p = run.run([], ['sam'])
        text = p.stdout.decode()
        j = json.loads(run.run(['--json'], ['sam']).stdout)
        for a in j['files'][0]['result']['accounts']:
            if a['password'] == 'recovered':
                for c in a['commands']:
                    if c + '\n' not in text:
                        fail('sam --json command %r not in the text' % c)
        j = json.loads(run.run(['--json'], ['sam', '-o', '$OUT']).stdout)
        for a in j['files'][0]['result']['accounts']:
            if a['commands'] is not None:
                fail('sam -o FILE --json shows commands: passwords the '
                     'text output does not show')
    finally:
        run.close()


# Runs that stop before any file is read: (arguments, exit status). $EMPTY
# is a folder with no metabase, $NONE a path that does not exist.
EARLY = [
    (['bogus'], 2),
    (['bogus', '--json'], 2),
    ([], 2),
    (['-j', 'x', 'get', 'W3SVC/1/ServerComment'], 2),
    (['get', '--bogus', 'W3SVC/1/ServerComment'], 2),
    (['--keep-backups', '0', 'get', 'W3SVC/1/ServerComment'], 2),
    (['--schema', '$NONE', 'get', 'W3SVC/1/ServerComment'], 6),
    (['-f', '$EMPTY', 'get', 'W3SVC/1/ServerComment'], 6),
]


def check_early_one(v, out, p, what, status):
    """One document (or line) whose one entry carries the error."""
    try:
        doc = json.loads(out)
    except ValueError as e:
        fail('%s: not one JSON document (%s): %r' % (what, e, out[:200]))
        return
    if not check_schema(v, doc, what):
        return
    entries = doc['files'] if 'files' in doc else [doc]
    if len(entries) != 1 or p.returncode != status or \
            doc['exit'] != status or entries[0]['exit'] != status:
        fail('%s: %d entries, exit %d (document) %d (process), want %d' %
             (what, len(entries), doc['exit'], p.returncode, status))
        return
    e = entries[0]
    # no command at all: stderr has the usage, not a message line
    said = e['error']['reason'].encode() in p.stderr or \
        p.stderr.startswith(b'usage: ')
    if e['file'] is not None or e['result'] is not None or not said:
        fail('%s: entry %r: want file and result null, the error of '
             'stderr %r' % (what, e, p.stderr))


def check_early(vdoc, vline):
    """A run that fails before it reads a file still prints JSON."""
    tmp = tempfile.mkdtemp(prefix='mbjson-')
    try:
        os.mkdir(os.path.join(tmp, 'empty'))
        sub = {'$EMPTY': os.path.join(tmp, 'empty'),
               '$NONE': os.path.join(tmp, 'none.xml')}
        for args, status in EARLY:
            args = [sub.get(a, a) for a in args]
            for mode, v in (('--json', vdoc), ('--jsonl', vline)):
                what = 'early %s %s' % (mode, ' '.join(args))
                p = subprocess.run([MBTOOL, mode] + args, cwd=tmp,
                                   capture_output=True,
                                   env=dict(os.environ, MBTOOL_FILE=''))
                check_early_one(v, p.stdout, p, what, status)
    finally:
        shutil.rmtree(tmp)


def line_text(ln):
    """A doctor fix/check line as the text output prints it."""
    if ln['command'] is None:
        return ln['note']
    return ((ln['lead'] + ' ' if ln['lead'] else '') + ln['command'] +
            ('  (%s)' % ln['note'] if ln['note'] is not None else ''))


def text_fixes(text):
    """doctor's text output: its fix lines and its checklist lines."""
    fixes, checks, in_fix = [], [], False
    for ln in text.split('\n'):
        if ln.startswith('  fix:  ') or (in_fix and ln.startswith(' ' * 8)):
            fixes.append(ln[8:])
            in_fix = True
            continue
        in_fix = False
        if ln.startswith('  [ ] '):
            checks.append(ln[6:])
    return fixes, checks


def check_doctor(args):
    """doctor --json: fix and check lines by their parts (a command
    without its comment, its shell, the note), which make the text
    output's lines again."""
    run = Run('one')
    try:
        text = run.run([], args).stdout.decode()
        res = json.loads(run.run(['--json'], args).stdout)
        res = res['files'][0]['result']
        fixes = [ln for f in res['findings'] for ln in f['fix']]
        checks = res['windows_checks']
        if not all(isinstance(ln, dict) for ln in fixes + checks):
            fail('doctor --json: fix and check lines are display text, '
                 'not {command, shell, note, lead}')
            return
        for ln in fixes + checks:
            if ln['command'] is not None and '  (' in ln['command']:
                fail('doctor --json: a comment in the command %r' %
                     ln['command'])
        if not any(ln['command'] and ln['note'] for ln in fixes) or \
                not any(ln['command'] and ln['note'] for ln in checks):
            fail('doctor --json: no command with a note on the sample')
        want = text_fixes(text)
        got = ([line_text(ln) for ln in fixes],
               [line_text(ln) for ln in checks])
        if got != want:
            fail('doctor --json lines %r do not make the text %r' %
                 (got, want))
    finally:
        run.close()


def check_large_doctor():
    """doctor prints its findings as the rules make them: with --json
    they stay inside the one document, as many as the text counts."""
    tmp = tempfile.mkdtemp(prefix='mbjson-large-')
    try:
        mb = os.path.join(tmp, 'MetaBase.xml')
        subprocess.run([MBGEN, '--sites', '500', '--vdirs', '1', '--seed',
                        '7', '--per-site', '-o', mb], check=True)
        text = subprocess.run([MBTOOL, '-f', mb, 'doctor'],
                              capture_output=True).stdout.decode()
        out = subprocess.run([MBTOOL, '-f', mb, '--json', 'doctor'],
                             capture_output=True).stdout
        if len(out) < 1 << 16:
            fail('doctor --json on 500 sites: only %d bytes' % len(out))
        try:
            res = json.loads(out)['files'][0]['result']
        except ValueError as e:
            fail('doctor --json on 500 sites is not one document: %s' % e)
            return
        count = '\n%d findings\n' % len(res['findings'])
        if count not in text:
            fail('doctor --json on 500 sites: %d findings, the text '
                 'counts otherwise' % len(res['findings']))
    finally:
        shutil.rmtree(tmp)


def check_coverage():
    p = subprocess.run([MBTOOL, '--json', 'help'], capture_output=True)
    try:
        names = [c['name'] for c in
                 json.loads(p.stdout)['files'][0]['result']['commands']]
    except (ValueError, KeyError, IndexError, TypeError):
        fail('help --json does not list the commands')
        return
    covered = {c[0] for c in CASES}
    for n in names:
        if n not in covered:
            fail('command %s has no JSON contract case' % n)


def make_hives():
    p = subprocess.run([HIVEGEN, os.path.join(SRC, 'tests', 'twins',
                                              'web01.spec'), HIVES],
                       capture_output=True)
    if p.returncode:
        fail('hivegen: %r' % p.stderr)


def main():
    make_hives()
    with open(os.path.join(SRC, 'doc', 'mbtool.schema.json')) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    vdoc, vline = validator(schema, 'document'), validator(schema, 'line')
    check_coverage()
    for layout in ('one', 'two', 'folder'):
        for args in CASES:
            what = '%s %s' % (layout, ' '.join(args))
            # a fresh copy of the files for each mode: writes change them
            run, again = Run(layout), Run(layout)
            try:
                doc = check_document(vdoc, run, args, what)
                check_lines(vline, again, args, what, doc, run.tmp)
            finally:
                run.close()
                again.close()
    for args in (['get', 'W3SVC/1/ServerComment'], ['doctor']):
        run = Run('broken')
        try:
            what = 'broken file: ' + ' '.join(args)
            doc = check_document(vdoc, run, args, what)
            if doc and (doc['files'][1]['exit'] != 6 or
                        doc['files'][1]['kind'] is not None or
                        doc['files'][1]['result'] is not None):
                fail('%s: the unreadable file is not exit 6, kind and '
                     'result null' % what)
            check_lines(vline, run, args, what, doc, run.tmp)
        finally:
            run.close()
    check_scripts()
    check_doctor(['doctor'])
    check_doctor(['doctor', '--hives', '$HIVES'])
    check_large_doctor()
    check_early(vdoc, vline)
    print('json_contract: %d cases x 3 layouts, %d failures' %
          (len(CASES), len(failures)))
    shutil.rmtree(HIVES)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
