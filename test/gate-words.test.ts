/**
 * The injection tables' gates asked through their words (src/analyzers/injection/gate-words.ts): a gate
 * whose words are all absent is not run, so the words must be a necessary condition of every gate, in
 * every script. Written the attacker's way: text that opens a gate through a branch without words, or
 * through letters the automaton does not read, must still open it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gateWords, mayOpen } from '../src/analyzers/injection/gate-words.ts';
import * as signals from '../src/analyzers/injection/signals.ts';

const { read, GOALS, Signal } = signals;
const pad = (s: string) => `${'lorem ipsum dolor sit amet '.repeat(3)}${s}`;

test('a gate is skipped only where none of its words stands', () => {
  const g = gateWords([[/\b(?:deploy|publish)\b|release notes/]]);
  assert.equal(mayOpen(g, read(pad('please PUBLISH it'))), true);
  assert.equal(mayOpen(g, read(pad('the release notes say'))), true);
  assert.equal(mayOpen(g, read(pad('nothing here to do'))), false);
  // (a short text is always asked: the regex costs less than the automaton's pass)
  assert.equal(mayOpen(g, read('nothing')), true);
});

test('branches in other scripts, without words, or empty keep the gate running where they could match', () => {
  const intl = gateWords([[/send|用户|[^\x00-\x7f]/]]);
  assert.equal(mayOpen(intl, read(pad('ничего'))), true);
  assert.equal(mayOpen(intl, read(pad('nothing'))), false);
  const mixed = gateWords([[/\[\s*(?:user|사용자)/]]);
  assert.equal(mayOpen(mixed, read(pad('[사용자] 지금'))), true);
  assert.equal(mayOpen(mixed, read(pad('[ USER ] now'))), true);
  // (a branch with no word of two letters or more: the gate always runs)
  for (const re of [/\bi\s|install/, /(?:用户|)x/, /\w+=/, /.{3}/])
    assert.equal(mayOpen(gateWords([[re]]), read(pad('zzz'))), true, String(re));
  // (all of a clause's regexes must have their words; any clause opens)
  const both = gateWords([[/push/], [/send/, /token/]]);
  assert.equal(mayOpen(both, read(pad('send the token'))), true);
  assert.equal(mayOpen(both, read(pad('send the report'))), false);
  assert.equal(mayOpen(both, read(pad('git push'))), true);
  // (a gate written as a function with no words named: [[]] always opens)
  assert.equal(mayOpen(gateWords([[]]), read(pad('anything'))), true);
});

/** Paragraphs of every kind the analyzer's fixtures and held-out sets hold, in many languages. */
function paragraphs(): string[] {
  const out: string[] = [];
  const take = (text: string) => out.push(...text.split(/\n\s*\n/).filter((p) => p.trim()));
  take(readFileSync(new URL('../src/analyzers/fixtures/injection.md', import.meta.url), 'utf8'));
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) take(readFileSync(p, 'utf8'));
    }
  };
  for (const d of ['redteam-injection', 'redteam-injection-s20', 'redteam-injection-s21'])
    walk(new URL(`./fixtures/${d}`, import.meta.url).pathname);
  return out;
}

test('every table and goal gate: where the words say it cannot open, its regex fails (all fixtures)', () => {
  const gates: [string, RegExp[][]][] = [];
  for (const [name, v] of Object.entries(signals)) if (v instanceof Signal && v.gate) gates.push([name, [[v.gate]]]);
  for (const g of GOALS)
    if (g.gateNeed || g.gate instanceof RegExp) gates.push([g.goal, g.gateNeed ?? [[g.gate as RegExp]]]);
  assert.ok(gates.length >= 15, `${gates.length} gates`);
  const texts = paragraphs();
  assert.ok(texts.length > 500);
  let skipped = 0;
  for (const [name, clauses] of gates) {
    const words = gateWords(clauses);
    for (const p of texts) {
      const r = read(p);
      if (mayOpen(words, r)) continue;
      skipped++;
      const opens = clauses.some((c) => c.every((re) => re.test(r.lower)));
      assert.equal(opens, false, `${name} skipped on a text its regexes match: ${p.slice(0, 200)}`);
    }
  }
  // (the words do skip most gates on most paragraphs: else this module would be pointless)
  assert.ok(skipped > texts.length * 3, `${skipped} skipped`);
});

test('a gate registered after a text was read still opens on that text (its words were not in the pass)', () => {
  const r = read(pad('the quick brown fox jumps'));
  assert.equal(mayOpen(gateWords([[/\bfox\b/]]), r), true);
  // (registered after r's pass: r's flags do not know the word, which must not count as absent)
  const later = gateWords([[/\bzebra crossing\b/]]);
  assert.equal(mayOpen(later, r), true);
});

/** Every match of a table, with the tables and gates cut (signals.ts Part) or joined. */
function both(sig: InstanceType<typeof Signal>, text: string): [string, string] {
  const show = (on: boolean) => {
    signals.setCutting(on);
    try {
      return JSON.stringify(sig.matches(read(text)));
    } finally {
      signals.setCutting(true);
    }
  };
  return [show(true), show(false)];
}

test('a table whose entries are run alone finds what the joined table finds (every table, every fixture)', () => {
  const tables: [string, InstanceType<typeof Signal>][] = [];
  for (const [name, v] of Object.entries(signals)) if (v instanceof Signal) tables.push([name, v]);
  GOALS.forEach((g, i) => {
    for (const m of [g.re, g.plainSight]) if (m instanceof Signal) tables.push([`${g.goal} ${i}`, m]);
  });
  assert.ok(tables.length >= 15, `${tables.length} tables`);
  let compared = 0;
  for (const p of paragraphs()) {
    for (const [name, sig] of tables) {
      const [cut, joined] = both(sig, p);
      assert.equal(cut, joined, `${name} differs on: ${p.slice(0, 200)}`);
      if (joined !== '[]') compared++;
    }
    // (the goal gates too: cut into branches, they open where the joined gate opens)
    for (const g of GOALS) {
      const r = read(p);
      signals.setCutting(false);
      const joined = signals.gateOpens(g, r);
      signals.setCutting(true);
      assert.equal(signals.gateOpens(g, read(p)), joined, `${g.goal} gate differs on: ${p.slice(0, 200)}`);
    }
  }
  assert.ok(compared > 300, `${compared} paragraphs matched some table`);
});

test('entries run alone are merged as the alternation takes them (attacker cases)', () => {
  const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit; ';
  const cases: [string[], string[], string][] = [
    // (at one place the first entry that matches wins, the shorter one included)
    [[String.raw`\bsend it\b`, String.raw`\bsend it now\b`], [], 'please send it now to them'],
    [[String.raw`\bsend it now\b`, String.raw`\bsend it\b`], [], 'please send it now to them'],
    // (a match inside another's is not taken: the search goes on from the end of the first)
    [
      [String.raw`\bdelete the \w+ tables\b`, String.raw`\btables\b`, String.raw`\bthe \w+\b`],
      [],
      'delete the audit tables and the tables',
    ],
    // (an entry that matches the empty string, and one that matches at the very end)
    [[String.raw`x?`, String.raw`\bend$`], [], 'to the end'],
    // (a cased entry, its word written in another case in the text)
    [[String.raw`\bignore\b`], [String.raw`\bSYSTEM\b`, String.raw`\bADMIN\b`], 'the System says SYSTEM: ignore ADMIN'],
    // (words in other scripts, which the automaton does not read)
    [[String.raw`отправь\s+\S+`, String.raw`\bsend\b`, String.raw`用户`], [], 'отправь токен и send 用户'],
    // (a back-reference: the table is never cut)
    [[String.raw`\b(\w+) again\b`, String.raw`\bsay (\w+) \2\b`], [], 'say go go, then it again'],
  ];
  for (const [entries, cased, text] of cases) {
    const sig = new Signal(entries, cased);
    for (const t of [text, filler + text, filler + text + ' ' + filler + text.toUpperCase()]) {
      const [cut, joined] = both(sig, t);
      assert.equal(cut, joined, `${entries.join(' | ')} on: ${t}`);
    }
  }
});
