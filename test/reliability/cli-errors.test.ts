// Errors a person can read: every command answers --help/-h (before doing any work), its help lists
// every flag its parser accepts, and every error is one line that says what to do, never a stack
// (unless WARDEN_DEBUG=1). All through the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/help.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'warden.js');

/** The real CLI in an empty home (nothing it creates can touch the real ~/.warden). */
function warden(args: string[], opts: { cwd?: string; env?: Record<string, string>; home?: string } = {}) {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'warden-cli-home-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? home,
    input: '',
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, HOME: home, WARDEN_HOME: join(home, '.warden'), WARDEN_DEBUG: '', ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: performance.now() - t0, home };
}

/** Every `warden CMD` and `warden CMD SUB` that has a help entry. */
const INVOCATIONS: string[][] = Object.entries(COMMANDS).flatMap(([cmd, h]) => [
  [cmd],
  ...Object.keys(h.subcommands ?? {}).map((sub) => [cmd, sub]),
]);
/** A positional some commands check before their flags would matter (an agent name). */
const AGENT_ARG: Record<string, string[]> = {
  hook: ['claude-code'],
  install: ['claude-code'],
  uninstall: ['claude-code'],
};

const flagsIn = (help: string) => new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));

/** The options a command's parser accepts, as its own error for an unknown option lists them. */
function parserFlags(inv: string[]): string[] {
  const r = warden([...inv, ...(AGENT_ARG[inv[0]] ?? []), '--zz-not-an-option']);
  assert.equal(r.code, 2, `${inv.join(' ')}: ${r.err}`);
  const m = /unknown option --zz-not-an-option \((?:options: ([^)]*)|this command takes no options)\)/.exec(r.err);
  assert.ok(m, `${inv.join(' ')} does not list its options: ${r.err}`);
  return m[1] ? m[1].split(' ').map((f) => f.replace(/^--/, '')) : [];
}

function assertOneLine(err: string, what: string) {
  const lines = err.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `${what}: expected one line, got:\n${err}`);
  assert.match(lines[0], /^warden: /, what);
  assert.doesNotMatch(err, /\n\s+at |node:internal|\.ts:\d+:\d+/, `${what}: a stack trace`);
}

test('every command dispatched in main.ts has a help entry (a new command cannot ship without one)', () => {
  const src = readFileSync(join(ROOT, 'src', 'cli', 'main.ts'), 'utf8');
  const dispatched = [...src.matchAll(/cmd === '([a-z]+)'/g)].map((m) => m[1]).filter((c) => c !== 'help');
  assert.ok(dispatched.length >= 11, dispatched.join(' '));
  for (const c of dispatched) assert.ok(COMMANDS[c], `warden ${c} has no entry in src/cli/help.ts`);
});

test('every command and subcommand answers --help and -h with usage, options and 2-3 examples, exit 0', () => {
  for (const inv of INVOCATIONS)
    for (const flag of ['--help', '-h']) {
      const r = warden([...inv, flag]);
      const what = `warden ${inv.join(' ')} ${flag}`;
      assert.equal(r.code, 0, `${what}: ${r.err}`);
      assert.equal(r.err, '', what);
      assert.match(r.out, new RegExp(`^warden ${inv.join(' ')}: `), what);
      for (const part of ['Usage:', 'Options:', 'Examples:', '--help'])
        assert.ok(r.out.includes(part), `${what}: ${part}`);
      const examples = r.out
        .split('Examples:\n')[1]
        .split('\n')
        .filter((l) => /^  \S/.test(l));
      assert.ok(examples.length >= 2 && examples.length <= 3, `${what}: ${examples.length} examples`);
    }
  const r = warden(['help', 'audit', 'verify']);
  assert.equal(r.out, warden(['audit', 'verify', '--help']).out, 'warden help CMD SUB is CMD SUB --help');
});

test("every flag a command's parser accepts is in its --help; its help shows no flag the parser rejects", () => {
  for (const [cmd, h] of Object.entries(COMMANDS)) {
    const subs = Object.keys(h.subcommands ?? {});
    const accepted = new Set([
      'help',
      ...(subs.length ? subs.flatMap((s) => parserFlags([cmd, s])) : parserFlags([cmd])),
    ]);
    const top = flagsIn(warden([cmd, '--help']).out);
    for (const f of accepted) assert.ok(top.has(f), `warden ${cmd} accepts --${f}, but its --help does not show it`);
    for (const f of top) assert.ok(accepted.has(f), `warden ${cmd} --help shows --${f}, which its parser rejects`);
    for (const s of subs)
      for (const f of flagsIn(warden([cmd, s, '--help']).out))
        assert.ok(accepted.has(f), `warden ${cmd} ${s} --help shows --${f}, which its parser rejects`);
  }
});

test('--help does no work: no audit database or key is created, no port opened, no stdin read, within 10 s', () => {
  for (const inv of [
    ['audit', 'verify'],
    ['audit', 'checkpoint'],
    ['gateway'],
    ['daemon'],
    ['hook', 'claude-code'],
    ['judge'],
  ]) {
    const r = warden([...inv, '--help', '--upstream', 'http://127.0.0.1:1']);
    assert.equal(r.code, 0, `${inv.join(' ')}: ${r.err}`);
    assert.ok(r.ms < 10_000, `${inv.join(' ')} --help took ${Math.round(r.ms)} ms`);
    assert.deepEqual(readdirSync(r.home), [], `${inv.join(' ')} --help wrote ${readdirSync(r.home).join(', ')}`);
  }
});

test('an unexpected error is one line with "set WARDEN_DEBUG=1", exit 2; the stack only with WARDEN_DEBUG=1', () => {
  // A settings file that is a folder: the installer's read fails with EISDIR, an error no command expects.
  const home = mkdtempSync(join(tmpdir(), 'warden-cli-home-'));
  mkdirSync(join(home, '.claude', 'settings.json'), { recursive: true });
  const r = warden(['install', 'claude-code', '--scope', 'project'], { home });
  assert.equal(r.code, 2);
  assertOneLine(r.err, 'install over a folder');
  assert.match(r.err, /EISDIR.*a folder was given where a file is needed; set WARDEN_DEBUG=1 for details\)$/m);
  const d = warden(['install', 'claude-code', '--scope', 'project'], { home, env: { WARDEN_DEBUG: '1' } });
  assert.equal(d.code, 2);
  assert.match(d.err, /^warden: EISDIR/);
  assert.match(d.err, /\n\s+at /, 'WARDEN_DEBUG=1 shows the stack');
});

test('bad options, missing values, a flag as a value, an escape in a name: one line saying what to do', () => {
  const cases: [string[], RegExp][] = [
    [['scan', '--colour'], /unknown option --colour \(options: .*--no-color.*\) \(see warden scan --help\)$/],
    [
      ['audit', 'show', '--sesion', 'x'],
      /unknown option --sesion \(options: --session .*\) \(see warden audit --help\)$/,
    ],
    [['gateway', '--port'], /option --port needs a value \(see warden gateway --help\)$/],
    [
      ['scan', '--output', '--format', 'json'],
      /option --output needs a value before --format \(see warden scan --help\)$/,
    ],
    [['rules', 'list', '--all'], /unknown option --all \(this command takes no options\) \(see warden rules --help\)$/],
    [['policy', 'check'], /usage: warden policy check FILE \(see warden policy --help\)$/],
    // Every agent of the registry (src/agents/index.ts) is named.
    [['hook', 'cursor'], /usage: warden hook qwen-code\|claude-code\|gemini-cli\|codex \(see warden hook --help\)$/],
    [['frobnicate'], /unknown command 'frobnicate' \(try warden --help\)$/],
    // A name with a newline and a terminal escape stays one line, and the escape is not passed through.
    [['policy', 'check', 'evil\n\x1b[2Jname.yml'], /policy file not found: evil\?\?\[2Jname\.yml/],
  ];
  for (const [args, re] of cases) {
    const r = warden(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assertOneLine(r.err, args.join(' '));
    assert.match(r.err.trim(), re, args.join(' '));
    assert.doesNotMatch(r.err, /\x1b/, `${args.join(' ')}: a raw escape character`);
  }
});

test('a gateway failing after its port is open (bad upstream) prints one line and exits 2 within 10 s', () => {
  const r = warden(['gateway', '--upstream', 'notaurl', '--port', '0']);
  assert.equal(r.code, 2, r.err);
  assertOneLine(r.err, 'gateway --upstream notaurl');
  assert.ok(r.ms < 10_000, `took ${Math.round(r.ms)} ms`);
});
