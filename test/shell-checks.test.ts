/**
 * Every shell check proves itself with the case file beside its family module
 * (src/analyzers/shell/checks/<family>.cases.sh, and src/analyzers/shell/line.cases.sh for the
 * line-wide checks of index.ts): a command under `# flag: <check id>` must be reported with that
 * id, a command under `# ok: <why>` must get no finding of the file's family. Every check id the
 * code reports must be flagged by some case, and every family module must have its case file.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeShell } from '../src/analyzers/shell/index.ts';
import { plan, registeredChecks } from '../src/analyzers/shell/checks/index.ts';

const SHELL = join(import.meta.dirname, '..', 'src', 'analyzers', 'shell');
const CHECKS = join(SHELL, 'checks');
// The workspace holds the links paths.cases.sh names (links are judged by where they lead, so the
// files they lead to exist, in a home folder of the test's own).
const root = mkdtempSync(join(tmpdir(), 'warden-shell-cases-'));
const workspace = join(root, 'project');
const home = join(root, 'home');
for (const [link, to] of [
  ['key-link.txt', '.ssh/id_rsa'],
  ['settings-link.json', '.qwen/settings.json'],
  ['cred-link', '.aws/credentials'],
  ['rc-link', '.bashrc'],
  ['notes-link.txt', 'notes.txt'],
]) {
  mkdirSync(dirname(join(home, to)), { recursive: true });
  writeFileSync(join(home, to), 'x\n');
  mkdirSync(workspace, { recursive: true });
  symlinkSync(join(home, to), join(workspace, link));
}
// Links to folders, for new files written through them (the file itself does not exist yet).
for (const [link, to] of [
  ['ssh-dir', '.ssh'],
  ['share-dir', '/usr/share'],
]) {
  // (the test's home is under the temp folder, where writes are scratch: a system folder is outside)
  if (!to.startsWith('/')) mkdirSync(join(home, to), { recursive: true });
  symlinkSync(to.startsWith('/') ? to : join(home, to), join(workspace, link));
}
// (project files the effects and sources cases read: compose files and manifests)
for (const [file, text] of [
  [
    'host-root.compose.yml',
    'services:\n  x:\n    image: alpine\n    privileged: true\n    volumes:\n      - /:/host\n',
  ],
  ['plain.compose.yml', 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n'],
  ['git-dep-project/package.json', '{"dependencies": {"fs": "github:qx-devtools/fastsetup"}}'],
  ['plain-project/package.json', '{"dependencies": {"express": "^4.19.2"}}'],
]) {
  mkdirSync(dirname(join(workspace, file)), { recursive: true });
  writeFileSync(join(workspace, file), text);
}
const ctx = { cwd: workspace, workspace, home };

interface Case {
  file: string;
  line: number;
  family: string;
  flag?: string;
  command: string;
}

function caseFiles(): { dir: string; file: string }[] {
  return [SHELL, CHECKS].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.cases.sh'))
      .map((file) => ({ dir, file })),
  );
}

/** The annotated commands of one case file (each annotation holds for the next non-comment line). */
function readCases(dir: string, file: string): Case[] {
  const family = file.replace(/\.cases\.sh$/, '');
  const out: Case[] = [];
  let pending: { flag?: string; ok: boolean } | undefined;
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const flag = /^#\s*flag:\s*(\S+)\s*$/.exec(text);
      if (flag) pending = { flag: flag[1], ok: false };
      else if (/^#\s*ok:/.test(text)) pending = { ok: true };
      else if (text.trim() && !text.startsWith('#')) {
        assert.ok(pending, `${file}:${i + 1}: a command without a # flag: or # ok: annotation`);
        out.push({ file, line: i + 1, family, flag: pending.flag, command: text });
        pending = undefined;
      }
    });
  return out;
}

const checksOf = (command: string) =>
  analyzeShell(command, ctx)
    .actions.map((a) => a.check)
    .filter((c): c is string => !!c);

const allCases = () => caseFiles().flatMap(({ dir, file }) => readCases(dir, file));

test('every flagged case in the shell case files is reported with its check id', () => {
  const wrong = allCases()
    .filter((c) => c.flag && !checksOf(c.command).includes(c.flag))
    .map((c) => `${c.file}:${c.line} ${c.flag} not reported for: ${c.command} (got ${checksOf(c.command).join(', ')})`);
  assert.deepEqual(wrong, []);
});

test('every ok case in the shell case files gets no finding of its family', () => {
  const wrong = allCases()
    .filter((c) => !c.flag)
    .flatMap((c) => {
      const own = checksOf(c.command).filter((id) => id.startsWith(`${c.family}.`));
      return own.length ? [`${c.file}:${c.line} ${own.join(', ')} reported for the near miss: ${c.command}`] : [];
    });
  assert.deepEqual(wrong, []);
});

test('every check id the shell judge reports is flagged by a case, and every case file has a near miss', () => {
  const sources = [
    ...readdirSync(CHECKS)
      .filter((f) => f.endsWith('.ts') && !/^(?:order|registry|index)\.ts$/.test(f))
      .map((f) => join(CHECKS, f)),
    join(SHELL, 'index.ts'),
  ];
  const families = new Set(caseFiles().map((f) => f.file.replace(/\.cases\.sh$/, '')));
  const reported = new Set<string>();
  for (const f of sources)
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (/^\s*id: '/.test(line)) continue; // (a registration names the check, its reports name findings)
      for (const m of line.matchAll(/'([a-z]+)\.([a-z0-9-]+)'/g))
        if (families.has(m[1])) reported.add(m[0].slice(1, -1));
    }
  const cases = allCases();
  const flagged = new Set(cases.map((c) => c.flag));
  assert.deepEqual(
    [...reported].filter((id) => !flagged.has(id)).sort(),
    [],
    'check ids reported in code with no flagged case',
  );
  assert.deepEqual(
    [...families].filter((f) => !cases.some((c) => c.family === f && !c.flag)),
    [],
    'case files without a near miss',
  );
});

test('every family module under checks/ has its case file beside it', () => {
  const modules = readdirSync(CHECKS)
    .filter((f) => f.endsWith('.ts') && !/^(?:order|registry|index)\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''));
  const files = new Set(readdirSync(CHECKS).filter((f) => f.endsWith('.cases.sh')));
  assert.deepEqual(
    modules.filter((m) => !files.has(`${m}.cases.sh`)),
    [],
  );
  // (and each registered check's id names its own family module)
  assert.deepEqual(
    registeredChecks()
      .map((c) => c.id.split('.')[0])
      .filter((f) => !modules.includes(f)),
    [],
  );
});

after(() => rmSync(root, { recursive: true, force: true }));

test('the dispatcher runs only the checks registered for a command name (plus the generic ones)', () => {
  const generic = registeredChecks().filter((c) => !c.names && !c.match).length;
  assert.ok(plan('ls').length === generic, `ls runs ${plan('ls').length} checks, ${generic} generic`);
  assert.ok(plan('git').some((c) => c.id === 'git.command'));
  assert.ok(!plan('ls').some((c) => c.id === 'git.command'));
  assert.ok(plan('git').length < registeredChecks().length / 2);
});
