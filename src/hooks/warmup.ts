/**
 * Warm-up of the code analyzer for the hook's start-up snapshot (src/hooks/snapshot.ts).
 *
 * V8 keeps compiled bytecode in a snapshot, so code that ran while the snapshot was built starts
 * ready, and code that did not is compiled on its first call, in every hook process: for a file
 * write that is the rule loop of the code analyzer and the Python value flow, some 10 ms. But
 * that code walks ast-grep trees, and ast-grep is native: it cannot load while a snapshot is
 * built. So the build (a normal process) parses a few sample files with the real ast-grep and
 * records each tree (kinds, fields, text, ranges) and what each active rule matched; the snapshot
 * builder then replays those recordings through a stand-in with ast-grep's node interface and
 * judges the sample writes. The stand-in exists only while the snapshot is built; nothing of it
 * decides a real call.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import {
  astGrep,
  astGrepLang,
  languageOf,
  registerParsers,
  withStandInAstGrep,
  type Language,
} from '../analyzers/code/languages.ts';
import { loadRules } from '../rules/loader.ts';
import { WARMUP_TEXTS } from './warmup-texts.ts';

export const WARMUP_RECORD = join(PACKAGE_ROOT, 'dist', 'hook-warmup.json');

/**
 * Written for the warm-up (not taken from any test or benchmark input): the constructs the Python
 * value flow interprets (assignments, branches, loops, try, comprehensions, f-strings, calls), and
 * sinks that the rules match.
 */
const SAMPLES: { path: string; language: Language; text: string }[] = [
  {
    path: 'inventory/service.py',
    language: 'python',
    text: `import os
import sqlite3
import subprocess
from pathlib import Path

DATA_DIR = "/srv/inventory"
LIMIT = 50


def find_items(conn: sqlite3.Connection, owner: str, page: int = 0):
    cur = conn.cursor()
    query = f"SELECT id, name FROM items WHERE owner = '{owner}' LIMIT {LIMIT}"
    if page > 0:
        query += " OFFSET %d" % (page * LIMIT)
    cur.execute(query)
    return [dict(zip(("id", "name"), row)) for row in cur.fetchall()]


def archive(name):
    target = os.path.join(DATA_DIR, name)
    if ".." in name or name.startswith("/"):
        raise ValueError("bad name")
    cmd = "tar czf /tmp/backup.tgz " + target
    subprocess.run(cmd, shell=True, check=True)
    return Path(target).read_text()


def report(items, fmt="csv"):
    lines = []
    for i, item in enumerate(items):
        try:
            lines.append(f"{i},{item['name']}")
        except KeyError as e:
            lines.append(str(e))
        else:
            continue
        finally:
            pass
    sep = "\\n" if fmt == "csv" else ";"
    with open(os.path.join(DATA_DIR, "report." + fmt), "w") as out:
        out.write(sep.join(lines))
    while len(lines) > LIMIT:
        lines.pop()
    total = sum(len(x) for x in lines) if lines else 0
    return {"count": len(lines), "total": total, "ok": not lines[:0]}


def run_tool(tool: str):
    allowed = {"fmt": "black .", "lint": "ruff check ."}
    command = allowed.get(tool, "true")
    subprocess.run(command, shell=True)
    os.system("git status")
    return eval(compile("1 + 1", "<expr>", "eval"))
`,
  },
  {
    path: 'web/routes.js',
    language: 'javascript',
    text: `const express = require('express');
const { exec } = require('child_process');
const app = express();

app.get('/files', (req, res) => {
  const name = req.query.name;
  exec('ls -la ' + name, (err, out) => res.send(out));
});

app.post('/eval', async (req, res) => {
  const total = [1, 2, 3].reduce((a, b) => a + b, 0);
  res.json({ total, value: eval(req.body.expr) });
});

module.exports = app;
`,
  },
];

type Sample = { path: string; language: Language; text: string; extra?: boolean };

/**
 * The samples, and the warm-up texts of src/hooks/warmup-texts.ts that are code in a parsed
 * language (`extra`: a build that must do without them skips those).
 */
function recordedSamples(): Sample[] {
  const texts = WARMUP_TEXTS.map((t) => ({ ...t, language: languageOf(t.path, t.text.slice(0, 200).split('\n')[0]) }));
  const code = texts.filter((t): t is Sample => t.language !== undefined).map((t) => ({ ...t, extra: true }));
  return [...SAMPLES, ...code];
}

interface RecordedNode {
  kind: string;
  named: boolean;
  text: string;
  range: {
    start: { line: number; column: number; index: number };
    end: { line: number; column: number; index: number };
  };
  children: number[];
  fields: Record<string, number[]>;
}
interface RecordedFile {
  extra?: boolean;
  path: string;
  language: Language;
  text: string;
  nodes: RecordedNode[];
  matches: Record<string, { node: number; vars: Record<string, number> }[]>;
}

type AnyNode = {
  id(): number;
  kind(): string;
  isNamed(): boolean;
  text(): string;
  range(): RecordedNode['range'];
  children(): AnyNode[];
  parent(): AnyNode | null;
  field(n: string): AnyNode | null;
  fieldChildren(n: string): AnyNode[];
  getMatch(n: string): AnyNode | null;
};

/** Field names of a tree-sitter grammar (from the parser package's node-types.json). */
function fieldNames(language: Language): string[] {
  if (language !== 'python') return [];
  const types = JSON.parse(
    readFileSync(join(PACKAGE_ROOT, 'node_modules', '@ast-grep', 'lang-python', 'src', 'node-types.json'), 'utf8'),
  ) as { fields?: Record<string, unknown> }[];
  return [...new Set(types.flatMap((t) => Object.keys(t.fields ?? {})))];
}

/** The build: parse the samples with the real ast-grep and write what the stand-in replays. */
export function writeWarmupRecord(file = WARMUP_RECORD): void {
  const rules = loadRules();
  const out: RecordedFile[] = [];
  for (const s of recordedSamples()) {
    registerParsers(s.language);
    const root = astGrep()
      .parse(astGrepLang(s.language) as never, s.text)
      .root() as unknown as AnyNode;
    const ids = new Map<number, number>();
    const nodes: RecordedNode[] = [];
    const names = fieldNames(s.language);
    const visit = (n: AnyNode): number => {
      const known = ids.get(n.id());
      if (known !== undefined) return known;
      const k = nodes.length;
      ids.set(n.id(), k);
      const rec: RecordedNode = {
        kind: n.kind(),
        named: n.isNamed(),
        text: n.text(),
        range: n.range(),
        children: [],
        fields: {},
      };
      nodes.push(rec);
      rec.children = n.children().map(visit);
      for (const f of names) {
        const fc = n.fieldChildren(f);
        if (fc.length) rec.fields[f] = fc.map(visit);
      }
      return k;
    };
    visit(root);
    const matches: RecordedFile['matches'] = {};
    for (const r of rules) {
      if (!r.languages.includes(s.language) || !('ast' in r) || !r.requires!.test(s.text)) continue;
      matches[r.id] = (root as unknown as { findAll(c: never): AnyNode[] }).findAll(r.ast as never).map((m) => {
        const vars: Record<string, number> = {};
        for (const name of [...(r.flow ? [r.flow.value] : []), ...(r.textConstraints ?? []).map(([n]) => n)]) {
          const v = m.getMatch(name);
          if (v) vars[name] = ids.get(v.id()) ?? visit(v);
        }
        return { node: ids.get(m.id()) ?? visit(m), vars };
      });
    }
    out.push({ path: s.path, language: s.language, text: s.text, nodes, matches, extra: s.extra });
  }
  writeFileSync(file, JSON.stringify(out));
}

/** A recorded tree with ast-grep's node interface (what the analyzers call on nodes). */
function standInTree(rec: RecordedFile, rules: Map<object, string>): AnyNode {
  const parents = new Map<number, number>();
  rec.nodes.forEach((n, i) => n.children.forEach((c) => parents.set(c, i)));
  const made = new Map<number, AnyNode>();
  const node = (i: number, vars: Record<string, number> = {}): AnyNode => {
    const n = rec.nodes[i];
    const self = {
      id: () => i,
      kind: () => n.kind,
      isNamed: () => n.named,
      text: () => n.text,
      range: () => n.range,
      children: () => n.children.map((c) => plain(c)),
      parent: () => (parents.has(i) ? plain(parents.get(i)!) : null),
      field: (f: string) => (n.fields[f]?.length ? plain(n.fields[f][0]) : null),
      fieldChildren: (f: string) => (n.fields[f] ?? []).map((c) => plain(c)),
      getMatch: (v: string) => (vars[v] !== undefined ? plain(vars[v]) : null),
      find: () => null,
      findAll: (config: object) =>
        rules.has(config) ? (rec.matches[rules.get(config)!] ?? []).map((m) => node(m.node, m.vars)) : [],
    };
    return self as AnyNode;
  };
  const plain = (i: number) => {
    let n = made.get(i);
    if (!n) made.set(i, (n = node(i)));
    return n;
  };
  return plain(0);
}

/**
 * The snapshot build: runs `fn` (which judges the sample writes) with the recorded trees standing
 * in for ast-grep, then puts the real loader back. No-op without a record.
 */
export async function withRecordedTrees(fn: (samples: Sample[]) => Promise<void>, file = WARMUP_RECORD): Promise<void> {
  let recs: RecordedFile[];
  try {
    recs = JSON.parse(readFileSync(file, 'utf8')) as RecordedFile[];
  } catch {
    return;
  }
  const rules = new Map<object, string>();
  for (const r of loadRules()) if ('ast' in r && r.ast) rules.set(r.ast as object, r.id);
  const byText = new Map(recs.map((r) => [r.text, r]));
  const standIn = {
    registerDynamicLanguage: () => undefined,
    parse: (_lang: string, text: string) => {
      const rec = byText.get(text);
      if (!rec) throw new Error('no recorded tree for this text');
      return { root: () => standInTree(rec, rules) };
    },
  };
  await withStandInAstGrep(standIn, () =>
    fn(recs.map(({ path, language, text, extra }) => ({ path, language, text, extra }))),
  );
}
