/**
 * The hook answers of Qwen Code, Claude Code, Gemini CLI and Codex stay what test/golden/hook-answers.jsonl
 * recorded (test/helpers/hook-golden.ts): exit code, stdout and stderr of every recorded payload,
 * the bare answer contract, the doctor's probes and what install writes. The agent modules in
 * src/agents/ were moved under this record; a change that means to change an answer re-records it
 * and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RECORD, hookAnswers } from './helpers/hook-golden.ts';

test('every recorded hook payload of the agents gets the same exit code, stdout and stderr', async () => {
  const recorded = readFileSync(RECORD, 'utf8').split('\n').filter(Boolean);
  const now = (await hookAnswers()).map((l) => JSON.stringify(l));
  const byId = new Map(recorded.map((l) => [(JSON.parse(l) as { id: string }).id, l]));
  const changed = now.filter((l) => byId.get((JSON.parse(l) as { id: string }).id) !== l);
  assert.equal(now.length, recorded.length, 'the record holds exactly the current cases');
  assert.deepEqual(changed.slice(0, 5), [], `${changed.length} answers changed`);
});
