/**
 * The fixture check behind `warden rules test` and test/rules.test.ts, in the manner of
 * Semgrep's annotated test files: in a fixture, a comment `ruleid: ID[, ID]` says the next code
 * line must be flagged by each ID, and `ok: ID` says it must not. Any other finding of the
 * pack's rules in a fixture is an unexpected one. Every rule needs at least one `ruleid` (it
 * fires) and one `ok` (a near miss it passes).
 */
import { readFileSync } from 'node:fs';
import type { Finding, Note } from '../engine/types.ts';
import { analyzeCode } from '../analyzers/code/index.ts';
import { parse } from '@ast-grep/napi';
import { astGrepLang, languageOf, registerParsers } from '../analyzers/code/languages.ts';
import { SourceFile } from '../analyzers/source.ts';
import { fixturesOf, parsePack, type Rule } from './loader.ts';

const ANNOTATION = /(?:#|\/\/|\/\*|--|<!--|;)\s*(ruleid|ok):\s*([\w.\-]+(?:\s*,\s*[\w.\-]+)*)/;

export interface FixtureProblem { file: string; line?: number; problem: string }

export function checkPack(packPath: string): { rules: Rule[]; problems: FixtureProblem[] } {
  const rules = parsePack(readFileSync(packPath, 'utf8'), packPath);
  const fixtures = fixturesOf(packPath);
  const notes: Note[] = [];
  const problems = checkAnalyzer(fixtures, rules.map((r) => r.id), (file) => analyzeCode(file, notes, rules));
  if (fixtures.length === 0) problems.push({ file: packPath, problem: 'no fixture file next to the pack' });
  for (const n of notes) problems.push({ file: n.file, problem: `analyzer note: ${n.reason}` });
  // A rule must compile for every language it claims, not only the fixtures' languages.
  registerParsers();
  for (const r of rules) {
    if (!r.ast) continue;
    for (const lang of r.languages) {
      try {
        parse(astGrepLang(lang) as never, '').root().findAll(r.ast as never);
      } catch (e) {
        problems.push({ file: packPath, problem: `${r.id} does not compile for ${lang}: ${(e as Error).message.split('\n').join(' ')}` });
      }
    }
  }
  return { rules, problems };
}

/** Compares one fixture's findings with its `ruleid:`/`ok:` annotations. */
function compareAnnotations(
  fx: string, text: string, findings: Finding[], known: Set<string>,
  problems: FixtureProblem[], fired: Set<string>, passed: Set<string>,
): void {
  const lines = text.split('\n');
  const expect = new Map<number, Set<string>>();
  const ok = new Map<number, Set<string>>();
  let pending: { kind: string; ids: string[] }[] = [];
  lines.forEach((l, i) => {
    const m = ANNOTATION.exec(l);
    // A comment line of its own (a closing `-->` or `*/` after the ids is allowed).
    if (m && l.trim().replace(/\s*(?:-->|\*\/)$/, '').length - m[0].length < 4) {
      pending.push({ kind: m[1], ids: m[2].split(',').map((s) => s.trim()) });
      return;
    }
    if (l.trim() === '' || pending.length === 0) return;
    for (const p of pending) {
      const map = p.kind === 'ruleid' ? expect : ok;
      const set = map.get(i + 1) ?? new Set<string>();
      p.ids.forEach((id) => set.add(id));
      map.set(i + 1, set);
    }
    pending = [];
  });
  for (const [line, ids] of [...expect, ...ok]) for (const id of ids)
    if (!known.has(id)) problems.push({ file: fx, line, problem: `annotation names unknown rule ${id}` });
  const got = new Map<number, Set<string>>();
  for (const f of findings) {
    if (!known.has(f.ruleId)) continue;
    const s = got.get(f.line) ?? new Set<string>();
    s.add(f.ruleId);
    got.set(f.line, s);
  }
  for (const [line, ids] of expect) for (const id of ids) {
    if (got.get(line)?.has(id)) fired.add(id);
    else problems.push({ file: fx, line, problem: `${id} should fire here but did not` });
  }
  for (const [line, ids] of ok) for (const id of ids) {
    if (got.get(line)?.has(id)) problems.push({ file: fx, line, problem: `${id} fired on an ok line` });
    else passed.add(id);
  }
  for (const [line, ids] of got) for (const id of ids)
    if (!expect.get(line)?.has(id) && !ok.get(line)?.has(id))
      problems.push({ file: fx, line, problem: `${id} fired on a line not annotated 'ruleid: ${id}'` });
}

/** The same check for an analyzer written in code: fixtures, its rule ids, and how to run it. */
export function checkAnalyzer(fixtures: string[], ruleIds: string[], analyze: (file: SourceFile) => Finding[]): FixtureProblem[] {
  const problems: FixtureProblem[] = [];
  const fired = new Set<string>();
  const passed = new Set<string>();
  for (const fx of fixtures) {
    const text = readFileSync(fx, 'utf8');
    const lang = languageOf(fx, text.split('\n')[0]);
    compareAnnotations(fx, text, analyze(new SourceFile(fx, text, lang)), new Set(ruleIds), problems, fired, passed);
  }
  for (const id of ruleIds) {
    if (!fired.has(id)) problems.push({ file: fixtures.join(', '), problem: `${id} has no fixture line where it fires` });
    if (!passed.has(id)) problems.push({ file: fixtures.join(', '), problem: `${id} has no 'ok:' near miss in a fixture` });
  }
  return problems;
}
