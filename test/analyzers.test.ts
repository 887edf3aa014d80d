import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkAnalyzer } from '../src/rules/fixtures.ts';
import { analyzeBackdoors } from '../src/analyzers/backdoor.ts';

const FIX = join(import.meta.dirname, '../src/analyzers/fixtures');
const fixtures = (stem: string) => readdirSync(FIX).filter((f) => f.startsWith(stem + '.')).map((f) => join(FIX, f));
const fmt = (ps: { file: string; line?: number; problem: string }[]) => ps.map((p) => `${p.file.split('/').pop()}${p.line ? `:${p.line}` : ''} ${p.problem}`);

test('backdoor analyzer proves itself on its fixtures', () => {
  const ids = ['backdoor.decode-exec', 'backdoor.trigger-guard', 'backdoor.master-password', 'backdoor.credential-exfil', 'backdoor.reverse-shell', 'backdoor.debug-auth-bypass'];
  assert.deepEqual(fmt(checkAnalyzer(fixtures('backdoor'), ids, analyzeBackdoors)), []);
});
