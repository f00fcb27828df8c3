#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate a git format-patch series from the plain files developers edit.

usage: mk-series.py --pristine DIR --patches DIR --plain-root DIR
                    [--plain-dir SUBDIR | --plain FILE...] [--own N:PATH]...
                    [--drop PATH]...
                    [--out DIR] [--quiet]

The committed series (PATCHES/series and its NNNN-*.patch) is the input for
everything that is not a plain file: each patch's message, author and date,
and its hunks on files of the pristine tree.  A plain file (a file of the
project, at PLAIN-ROOT/PATH, that appears in the tree at PATH) is a new file:
exactly one patch creates it, no patch changes it, and its content always
comes from the plain file, never from the committed patch.  The patch that
owns a plain file is the one whose committed version creates it, unless
--own N:PATH gives it to the Nth patch of the series (1-based, or the
patch's file name prefix such as 0003); that is how a new plain file enters
the series, or moves to another patch.  A new file that a patch creates in
a directory of plain files must be a plain file; --drop PATH takes one
whose plain file was deleted out of the series.

A scratch git repository holds the pristine version of every file the series
touches; each patch is applied there in turn (its hunks on pre-existing and
patch-only files with git apply, its plain files copied in) and committed
with the patch's author, date and message; git format-patch then writes the
series with fixed options (--zero-commit, --full-index, no signature), so
that running it again with no edits changes no byte.

Without --out the series is rewritten in place: only files whose content
changed are written (the others keep their mtimes), patch files no longer in
the series are removed, and PATCHES/series is rewritten (touched) whenever
any of them changed or is newer than it, so make rules can depend on it
alone.  With --out DIR the
series is written into DIR (which must be empty or absent) for comparison.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

DIFF_RE = re.compile(r'^diff --git a/(\S+) b/(\S+)$')
PATCH_NAME_RE = re.compile(r'^\d{4}-.*\.patch$')
PRISTINE_DATE = '@0 +0000'


def die(msg):
    print('mk-series: ERROR: ' + msg, file=sys.stderr)
    sys.exit(1)


def read_series(patchdir):
    path = os.path.join(patchdir, 'series')
    if not os.path.isfile(path):
        die('no series file at %s' % path)
    names = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line.split()[0])
    for n in names:
        if not os.path.isfile(os.path.join(patchdir, n)):
            die('%s is listed in %s but does not exist' % (n, path))
    return names


def split_sections(text):
    """Split a patch's diff part into (path, is_new, text) per file."""
    lines = text.splitlines(keepends=True)
    sections = []
    cur = None
    for line in lines:
        m = DIFF_RE.match(line.rstrip('\n'))
        if m:
            cur = [m.group(2), False, [line]]
            sections.append(cur)
        elif cur is not None:
            if line.startswith('new file mode') and len(cur[2]) <= 2:
                cur[1] = True
            cur[2].append(line)
    return [(p, new, ''.join(t)) for p, new, t in sections]


class Git:
    def __init__(self, repo, tmphome):
        self.repo = repo
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith('GIT_'):
                del self.env[k]
        self.env.update({
            'HOME': tmphome, 'GIT_CONFIG_NOSYSTEM': '1',
            'GIT_CONFIG_GLOBAL': os.devnull, 'LC_ALL': 'C', 'TZ': 'UTC',
        })

    def run(self, *args, env=None, stdin=None, capture=True):
        e = dict(self.env)
        if env:
            e.update(env)
        r = subprocess.run(['git', '-C', self.repo] + list(args), env=e,
                           input=stdin, capture_output=capture, text=True)
        if r.returncode != 0:
            die('git %s failed:\n%s%s' % (' '.join(args[:2]), r.stdout,
                                          r.stderr))
        return r.stdout


def mailinfo(git, patchfile, work):
    msg = os.path.join(work, 'msg')
    diff = os.path.join(work, 'diff')
    with open(patchfile) as f:
        out = git.run('mailinfo', msg, diff, stdin=f.read())
    info = {}
    for line in out.splitlines():
        k, _, v = line.partition(': ')
        info[k] = v
    for k in ('Author', 'Email', 'Subject', 'Date'):
        if not info.get(k):
            die('%s has no %s in its header' % (os.path.basename(patchfile),
                                                k))
    with open(msg) as f:
        body = f.read().strip('\n')
    with open(diff) as f:
        difftext = f.read()
    return info, body, difftext


def patch_key(names, key):
    if key.isdigit() and len(key) < 4:
        i = int(key)
        if 1 <= i <= len(names):
            return i - 1
    for i, n in enumerate(names):
        if n.startswith(key):
            return i
    die('--own %s: no such patch in the series' % key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pristine', required=True)
    ap.add_argument('--patches', required=True)
    ap.add_argument('--plain-root', required=True)
    ap.add_argument('--plain-dir')
    ap.add_argument('--plain', nargs='*', default=[])
    ap.add_argument('--own', action='append', default=[])
    ap.add_argument('--drop', action='append', default=[])
    ap.add_argument('--own-var', default='--own')
    ap.add_argument('--drop-var', default='--drop')
    ap.add_argument('--out')
    ap.add_argument('--quiet', action='store_true')
    a = ap.parse_args()

    patchdir = os.path.abspath(a.patches)
    root = os.path.abspath(a.plain_root)
    pristine = os.path.abspath(a.pristine)
    if not os.path.isdir(pristine):
        die('no pristine tree at %s' % pristine)

    plain = set(a.plain)
    if a.plain_dir:
        base = os.path.join(root, a.plain_dir)
        for d, _, files in os.walk(base):
            for f in files:
                plain.add(os.path.relpath(os.path.join(d, f), root))
    for p in plain:
        if not os.path.isfile(os.path.join(root, p)):
            die('plain file %s does not exist under %s' % (p, root))
        if os.path.lexists(os.path.join(pristine, p)):
            die('plain file %s also exists in the pristine tree' % p)

    names = read_series(patchdir)
    tmp = tempfile.mkdtemp(prefix='mk-series.')
    try:
        return generate(a, names, patchdir, root, pristine, plain, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generate(a, names, patchdir, root, pristine, plain, tmp):
    repo = os.path.join(tmp, 'repo')
    work = os.path.join(tmp, 'work')
    os.makedirs(repo)
    os.makedirs(work)
    git = Git(repo, tmp)

    parsed = []
    for n in names:
        info, body, diff = mailinfo(git, os.path.join(patchdir, n), work)
        parsed.append((n, info, body, split_sections(diff)))

    # Ownership of plain files: the patches that create them, or --own.
    creators = {}
    for i, (n, _, _, secs) in enumerate(parsed):
        for path, new, _ in secs:
            if path in plain:
                if not new:
                    die('%s changes plain file %s: a plain file is only '
                        'created, by one patch, and then edited as a file'
                        % (n, path))
                creators.setdefault(path, []).append(i)
    owner = {}
    for o in a.own:
        key, _, path = o.partition(':')
        if path not in plain:
            die('--own %s: %s is not a plain file' % (o, path))
        owner[path] = patch_key(names, key)
    for p in sorted(plain):
        if p in owner:
            continue
        c = creators.get(p, [])
        if not c:
            die('plain file %s is created by no patch of %s/series; give it '
                'to the patch N that introduces it: %s=N:%s'
                % (p, patchdir, a.own_var, p))
        if len(c) > 1:
            die('plain file %s is created by %s: one patch only'
                % (p, ', '.join(names[i] for i in c)))
        owner[p] = c[0]

    # A new file in a directory of plain files is a plain file: one that
    # a patch creates there without a plain file was deleted (or never
    # was one), so say so rather than keep a stale copy in the series.
    plain_dirs = set(os.path.dirname(p) for p in plain)
    drop = set(a.drop)
    for n, _, _, secs in parsed:
        for path, new, _ in secs:
            if (new and path not in plain and path not in drop
                    and os.path.dirname(path) in plain_dirs):
                die('%s creates %s, which has no plain file at %s: restore '
                    'the file, or take it out of the series with %s=%s'
                    % (n, path, os.path.join(root, path), a.drop_var, path))

    # The scratch repository: pristine versions of every touched file.
    touched = set(plain)
    for _, _, _, secs in parsed:
        touched.update(p for p, _, _ in secs)
    git.run('init', '-q')
    for p in sorted(touched):
        src = os.path.join(pristine, p)
        if os.path.isfile(src):
            dst = os.path.join(repo, p)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
    ident = {'GIT_AUTHOR_NAME': 'pristine', 'GIT_AUTHOR_EMAIL': 'pristine',
             'GIT_COMMITTER_NAME': 'pristine',
             'GIT_COMMITTER_EMAIL': 'pristine',
             'GIT_AUTHOR_DATE': PRISTINE_DATE,
             'GIT_COMMITTER_DATE': PRISTINE_DATE}
    git.run('add', '-A')
    git.run('commit', '-q', '--allow-empty', '-m', 'pristine', env=ident)
    base = git.run('rev-parse', 'HEAD').strip()

    for i, (n, info, body, secs) in enumerate(parsed):
        keep = [t for p, new, t in secs
                if p not in plain and not (new and p in drop)]
        if keep:
            pf = os.path.join(work, 'apply.diff')
            with open(pf, 'w') as f:
                f.write(''.join(keep))
            r = subprocess.run(['git', '-C', repo, 'apply', '--index',
                                '--whitespace=nowarn', pf], env=git.env,
                               capture_output=True, text=True)
            if r.returncode != 0:
                die('%s does not apply to the pristine files (and the '
                    'patches before it):\n%s' % (n, r.stderr.rstrip()))
        mine = sorted(p for p in plain if owner[p] == i)
        for p in mine:
            dst = os.path.join(repo, p)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(root, p), dst)
            shutil.copymode(os.path.join(root, p), dst)
        if mine:
            git.run('add', '--', *mine)
        msgfile = os.path.join(work, 'commit-msg')
        with open(msgfile, 'w') as f:
            f.write(info['Subject'] + '\n')
            if body:
                f.write('\n' + body + '\n')
        env = {'GIT_AUTHOR_NAME': info['Author'],
               'GIT_AUTHOR_EMAIL': info['Email'],
               'GIT_AUTHOR_DATE': info['Date'],
               'GIT_COMMITTER_NAME': info['Author'],
               'GIT_COMMITTER_EMAIL': info['Email'],
               'GIT_COMMITTER_DATE': info['Date']}
        git.run('commit', '-q', '--allow-empty', '--cleanup=verbatim',
                '-F', msgfile, env=env)
        if not a.quiet:
            print('  %s%s' % (n, ''.join('\n    + ' + p for p in mine)))

    outdir = os.path.join(tmp, 'out')
    git.run('-c', 'diff.algorithm=myers', '-c', 'diff.renames=false',
            'format-patch', '-q', '--zero-commit', '--full-index',
            '--no-signature', '--no-renames', '--stat=80',
            '--numbered', '--subject-prefix=PATCH', '--no-cover-letter',
            '-o', outdir, '%s..HEAD' % base)
    new = sorted(os.listdir(outdir))
    series = ''.join(x + '\n' for x in new)
    return write_out(a, patchdir, outdir, new, series)


def write_out(a, patchdir, outdir, new, series):
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        if os.listdir(a.out):
            die('--out %s is not empty' % a.out)
        for x in new:
            shutil.copyfile(os.path.join(outdir, x), os.path.join(a.out, x))
        with open(os.path.join(a.out, 'series'), 'w') as f:
            f.write(series)
        return 0
    changed = []
    for x in new:
        src = os.path.join(outdir, x)
        dst = os.path.join(patchdir, x)
        with open(src, 'rb') as f:
            data = f.read()
        old = None
        if os.path.isfile(dst):
            with open(dst, 'rb') as f:
                old = f.read()
        if old != data:
            with open(dst, 'wb') as f:
                f.write(data)
            changed.append(x)
    for x in sorted(os.listdir(patchdir)):
        if PATCH_NAME_RE.match(x) and x not in new:
            os.unlink(os.path.join(patchdir, x))
            changed.append(x + ' (removed)')
    sp = os.path.join(patchdir, 'series')
    with open(sp) as f:
        old_series = f.read()
    # A patch edited by hand (and already in generated form) is newer
    # than series: touch it too, since make rules depend on series only.
    newer = any(os.path.getmtime(os.path.join(patchdir, x)) >
                os.path.getmtime(sp) for x in new)
    if changed or newer or old_series != series:
        with open(sp, 'w') as f:
            f.write(series)
        os.utime(sp)
    if changed:
        print('mk-series: rewrote %s' % ', '.join(changed))
    elif not a.quiet:
        print('mk-series: %s unchanged' % patchdir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
