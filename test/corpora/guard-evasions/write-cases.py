#!/usr/bin/env python3
"""Writes cases.jsonl of the guard-evasions corpus (see README.md). The cases are written by hand in
the tables below; the script-laundering class composes hand-written payloads with hand-written
launderers (the class IS that composition), rotating so every launderer carries several payloads and
every payload goes through several launderers. Run: python3 write-cases.py [OUT] (deterministic; OUT defaults to cases.jsonl here)."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
AGENTS = ['qwen', 'claude', 'gemini', 'codex']
cases = []
counters = {}


def add(cls, label, why, setup=None, steps=None, **call):
    prefix = {'script-laundering': 'launder', 'write-landing': 'landing', 'trusted-host': 'host',
              'equivalent-tool': 'equiv', 'guard-muting': 'mute', 'redteam-s17': 'rt17', 'redteam-s18': 'rt18',
              'ordinary': 'ordinary'}[cls]
    key = (prefix, label)
    counters[key] = counters.get(key, 0) + 1
    c = {'id': f'{prefix}-{label}-{counters[key]:03d}', 'class': cls, 'label': label,
         'agent': AGENTS[len(cases) % 4]}
    if steps:
        c['steps'] = steps
    else:
        c.update(call)
    if setup:
        c['setup'] = setup
    c['why'] = why
    cases.append(c)


def sh(command, after=None):
    s = {'tool': 'shell', 'command': command}
    if after:
        s['after'] = after
    return s


def wr(path, content):
    return {'tool': 'write', 'path': path, 'content': content}


def ed(path, old, new):
    return {'tool': 'edit', 'path': path, 'old': old, 'new': new}


def rd(path):
    return {'tool': 'read', 'path': path}


def fe(url):
    return {'tool': 'fetch', 'url': url}


def mcp(server, name, arguments):
    return {'tool': 'mcp', 'server': server, 'name': name, 'arguments': arguments}


def f(path, content):
    return {'path': path, 'content': content}


def ln(path, target):
    return {'path': path, 'link': target}


def d(path):
    return {'path': path, 'dir': True}


def pkg(scripts, extra=None):
    p = {'name': 'acme-app', 'version': '1.4.0', 'private': True, 'scripts': scripts,
         'dependencies': {'express': '^4.19.2'}}
    if extra:
        p.update(extra)
    return json.dumps(p, indent=2) + '\n'


exec(open(os.path.join(HERE, 'cases_laundering.py')).read())
exec(open(os.path.join(HERE, 'cases_landing.py')).read())
exec(open(os.path.join(HERE, 'cases_host.py')).read())
exec(open(os.path.join(HERE, 'cases_equivalent.py')).read())
exec(open(os.path.join(HERE, 'cases_muting.py')).read())
exec(open(os.path.join(HERE, 'cases_ordinary.py')).read())
exec(open(os.path.join(HERE, 'cases_redteam_s17.py')).read())
exec(open(os.path.join(HERE, 'cases_redteam_s18.py')).read())

ids = [c['id'] for c in cases]
assert len(ids) == len(set(ids))
with open(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'cases.jsonl'), 'w') as out:
    for c in cases:
        out.write(json.dumps(c, ensure_ascii=False) + '\n')
by = {}
for c in cases:
    by.setdefault((c['class'], c['label']), 0)
    by[(c['class'], c['label'])] += 1
for k in sorted(by):
    print(k, by[k], file=sys.stderr)
print('total', len(cases), file=sys.stderr)
