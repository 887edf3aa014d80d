import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  Literals,
  requiredLiterals,
  wholeFile,
  buildPrefilter,
  mayOccur,
  candidateLines,
  PREBUILT_LITERALS,
} from '../src/analyzers/literals.ts';
import { prefilterTableAsJson } from '../src/analyzers/prefilter-table.ts';
import { loadRules } from '../src/rules/loader.ts';
import { SECRET_PATTERNS } from '../src/analyzers/secrets/patterns.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';

const words = (re: RegExp) => requiredLiterals(re)?.words.sort();

test('the words a regex needs: alternations, sequences, optional and repeated parts', () => {
  assert.deepEqual(words(/\b(?:system|popen)\s*\(/), ['popen', 'system']);
  assert.deepEqual(words(/(?:flask\.)?request\.args/), ['request.args']);
  assert.deepEqual(words(/colou?r/), ['color', 'colour']);
  assert.deepEqual(words(/yaml\.load\(\s*\w+|pickle\.loads/), ['pickle.loads', 'yaml.load(']);
  assert.deepEqual(words(/[Hh]eader/), ['Header', 'header']);
  assert.deepEqual(words(/(?:ab){2}c/), ['ababc']);
  // an i regex: its words in lower case, compared without regard to case
  assert.deepEqual(requiredLiterals(/Passw(?:or)?d\s*=/i), { words: ['passwd', 'password'], fold: true });
  // lookarounds match no text: their words are not needed
  assert.deepEqual(words(/(?<=secret_)key(?!id)/), ['key']);
  // nothing every match needs: the regex always runs
  for (const re of [/a|bc/, /\w+\s*=/, /(?:eval)?\(/, /x*/, /[^"]{8,}/, /\bos\b|/, /k/iu, /(\w)\1/])
    assert.equal(requiredLiterals(re), null, String(re));
});

test('the automaton finds every word at every offset, case-folded where asked', () => {
  const ac = new Literals([
    { word: 'he', caseSensitive: true },
    { word: 'she', caseSensitive: true },
    { word: 'hers', caseSensitive: true },
    { word: 'Key', caseSensitive: false },
  ]);
  const hits: string[] = [];
  const text = 'ushers KEY key kEy Hers é-she';
  const found = ac.scan(text);
  found.tagged(Int32Array.from([0, 1, 2, 3]), (id, at) => hits.push(`${ac.words[id]}@${at}`));
  assert.deepEqual(hits.sort(), ['Key@11', 'Key@15', 'Key@7', 'he@2', 'he@27', 'hers@2', 'she@1', 'she@26'].sort());
  assert.deepEqual([...found.found], [1, 1, 1, 1]);
});

test("a text's hits by line (each line once, ascending, over several words) and in text order by tag", () => {
  const ac = new Literals([
    { word: 'eval', caseSensitive: true },
    { word: 'exec', caseSensitive: true },
    { word: 'token', caseSensitive: false },
  ]);
  const text = 'exec(a)\nx = 1\neval(b); eval(c)\n\nTOKEN = exec(d)\neval';
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const hits = ac.scan(text);
  assert.deepEqual(hits.lines([0, 1], starts), [0, 2, 4, 5]);
  assert.deepEqual(hits.lines([0], starts), [2, 5]);
  assert.deepEqual(hits.lines([2], starts), [4]);
  const seen: string[] = [];
  hits.tagged(Int32Array.from([7, -1, 9]), (tag, at) => seen.push(`${tag}@${at}`));
  assert.deepEqual(seen, ['7@14', '7@23', '9@32', '7@48']);
  // Many hits (the bucketed path) and few (the linear one) give the same lines.
  const big = Array.from({ length: 3000 }, (_, i) =>
    i % 7 === 0 ? 'eval(x) exec(y)' : i % 5 === 0 ? 'token' : 'plain',
  ).join('\n');
  const bigStarts = [0];
  for (let i = big.indexOf('\n'); i >= 0; i = big.indexOf('\n', i + 1)) bigStarts.push(i + 1);
  const bigLines = big.split('\n');
  const naive = (ws: string[]) => bigLines.flatMap((l, i) => (ws.some((w) => l.toLowerCase().includes(w)) ? [i] : []));
  const bigHits = ac.scan(big);
  assert.deepEqual(bigHits.lines([0, 1, 2], bigStarts), naive(['eval', 'exec', 'token']));
  assert.deepEqual(bigHits.lines([2], bigStarts), naive(['token']));
});

test('words only asked about are flagged, not placed; a regex then tried line by line gets its places from the next text on', () => {
  const ac = new Literals([
    { word: 'eval', caseSensitive: true, places: false },
    { word: 'exec', caseSensitive: true },
  ]);
  const hits = ac.scan('eval(a)\nexec(b)\neval(c)');
  assert.deepEqual([...hits.found], [1, 1]);
  assert.equal(hits.placed(0), false);
  assert.equal(hits.placed(1), true);
  const seen: string[] = [];
  hits.tagged(Int32Array.from([0, 1]), (tag, at) => seen.push(`${tag}@${at}`));
  assert.deepEqual(seen, ['1@8']);

  // The shared prefilter: a regex first asked about (its word joins, unplaced), then tried by line.
  const re = /\bzqxfrob\s*\(/;
  const lineStarts = (t: string) => () => [0, ...[...t.matchAll(/\n/g)].map((m) => m.index! + 1)];
  buildPrefilter();
  const t0 = 'nothing here',
    t1 = 'a\nzqxfrob(1)\nb',
    t2 = 'zqxfrob(2)\nb\nzqxfrob(3)';
  assert.equal(mayOccur(re, t0), true); // (not known to this automaton yet: the regex decides)
  assert.equal(mayOccur(re, t1), true);
  assert.equal(mayOccur(re, 'still nothing'), false);
  assert.equal(candidateLines(re, 'still nothing', lineStarts('still nothing')), undefined); // (occurrences not recorded: every line may)
  assert.deepEqual(candidateLines(re, t2, lineStarts(t2)), [0, 2]);
  assert.deepEqual(candidateLines(re, t1, lineStarts(t1)), [1]);
});

test("the build's table of words (dist/literals.json) is what the extraction gives now, for every built-in regex", () => {
  const fresh = JSON.parse(prefilterTableAsJson()) as Record<string, unknown>;
  assert.ok(Object.keys(fresh).length > 300);
  const built = JSON.parse(readFileSync(PREBUILT_LITERALS, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(built, fresh);
  for (const [key, lits] of Object.entries(built)) {
    const slash = key.indexOf('/');
    assert.deepEqual(requiredLiterals(new RegExp(key.slice(slash + 1), key.slice(0, slash))), lits, key);
  }
});

/** Every text file below a folder (small ones), as a corpus of real code and fixtures. */
function texts(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) texts(p, out);
    else if (e.isFile() && statSync(p).size < 300_000) {
      const t = readFileSync(p, 'utf8');
      if (!t.includes('\0')) out.push(t);
    }
  }
  return out;
}

test("a regex never matches a text without one of its words (every rule's regexes and the secret formats, on the rule fixtures and sources)", () => {
  const corpus = [
    ...texts(join(PACKAGE_ROOT, 'src')),
    ...texts(join(PACKAGE_ROOT, 'examples')),
    ...texts(join(PACKAGE_ROOT, 'test')),
  ];
  const regexes = loadRules().flatMap((r) => [
    ...(r.requires?.regexes ?? []),
    ...(r.regex ? [r.regex] : []),
    ...(r.notRegex ? [r.notRegex] : []),
  ]);
  regexes.push(...SECRET_PATTERNS.map((p) => p.re));
  let checked = 0,
    matched = 0;
  for (const re of regexes) {
    const lits = requiredLiterals(re);
    if (!lits) continue;
    const ac = new Literals(lits.words.map((word) => ({ word, caseSensitive: !lits.fold })));
    for (const t of corpus) {
      if (!wholeFile(re).test(t)) continue;
      matched++;
      assert.ok(
        ac.scan(t).found.some((f) => f === 1),
        `/${re.source}/ matched a text without any of ${JSON.stringify(lits.words)}`,
      );
    }
    checked++;
  }
  assert.ok(checked > 250 && matched > 500, `${checked} regexes, ${matched} matches`);
});

test('a folder scan finds exactly the same with the prefilter as without it', () => {
  const run = (env: Record<string, string>) => {
    const r = spawnSync(
      process.execPath,
      [
        join(PACKAGE_ROOT, 'bin', 'warden.js'),
        'scan',
        'src',
        'examples',
        'test',
        '--format',
        'json',
        '--no-progress',
        '--jobs',
        '1',
      ],
      { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } },
    );
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return (JSON.parse(r.stdout) as { findings: unknown[] }).findings.map((f) => JSON.stringify(f));
  };
  const on = run({}),
    off = run({ WARDEN_NO_LITERALS: '1' });
  assert.ok(on.length > 100);
  assert.deepEqual(on, off);
});

test('a large automaton (more table cells than 16 bits count) finds what a plain search finds, word by word', () => {
  // (pseudo-random words over a wide alphabet: thousands of states times dozens of classes)
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789_.-:/';
  const word = (n: number) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');
  const words = [...new Set(Array.from({ length: 3000 }, () => word(2 + rnd(9))))];
  const ac = new Literals(words.map((w) => ({ word: w, caseSensitive: false })));
  const text = Array.from({ length: 4000 }, () => (rnd(4) ? word(1 + rnd(6)) : words[rnd(words.length)])).join(' ');
  const got = new Set<string>();
  ac.scan(text).tagged(
    Int32Array.from(words, (_, i) => i),
    (id, at) => got.add(`${id}@${at}`),
  );
  const want = new Set<string>();
  words.forEach((w, id) => {
    for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) want.add(`${id}@${at}`);
  });
  assert.ok(want.size > 1000);
  assert.deepEqual([...got].sort(), [...want].sort());
});

test('the shared prefilter answers for a whole file the same after it was asked about a piece of that file', () => {
  const re = /\bzqxwhole\w*\s*\(/;
  buildPrefilter();
  // (the word joins the automaton with the next text, and its places are recorded from the one after)
  mayOccur(re, 'warm');
  candidateLines(re, 'warm 2', () => [0]);
  mayOccur(re, 'warm 3');
  const whole = 'a\nzqxwhole(1)\nb\n' + 'x'.repeat(5000),
    piece = 'no word here',
    other = 'zqxwholeX(2)';
  const starts = (t: string) => () => [0, ...[...t.matchAll(/\n/g)].map((m) => m.index! + 1)];
  for (let round = 0; round < 3; round++) {
    assert.equal(mayOccur(re, whole), true);
    assert.equal(mayOccur(re, piece), false);
    assert.deepEqual(candidateLines(re, whole, starts(whole)), [1]);
    assert.equal(mayOccur(re, other), true);
    assert.equal(mayOccur(re, piece), false);
    assert.deepEqual(candidateLines(re, other, starts(other)), [0]);
  }
});
