import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectDirFromEnv } from '../src/agents/index.ts';

test("an agent's project folder comes from its environment variable; empty or absent is no folder", () => {
  assert.equal(projectDirFromEnv({ QWEN_PROJECT_DIR: '/w/app' }), '/w/app');
  assert.equal(projectDirFromEnv({ CLAUDE_PROJECT_DIR: '/w/other' }), '/w/other');
  assert.equal(projectDirFromEnv({ QWEN_PROJECT_DIR: '' }), undefined);
  assert.equal(projectDirFromEnv({}), undefined);
});
