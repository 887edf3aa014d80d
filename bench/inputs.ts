/**
 * Inputs the bench and the profiling scripts share, so that both measure the same things.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The npm packages whose sources make the scan bench's "npm tree" (the issue's own example of a large tree). */
export const NPM_TREE_PACKAGES = [
  'typescript',
  'openai',
  '@anthropic-ai/sdk',
  'yaml',
  '@opentelemetry/api',
  'json-schema-to-ts',
  'semver',
  'tsx',
  'undici-types',
];

/**
 * 1 MB of tool output of two kinds for the injection quarantine: source (this repository's own, which
 * speaks of agents on every page, so many paragraphs are read) and a build log.
 */
export function oneMbToolOutputs(root: string): { source: string; log: string } {
  const MB = 2 ** 20;
  const fill = (s: string) => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
  const files = ['src/gateway/server.ts', 'src/engine/judge.ts', 'src/hooks/adapters.ts'];
  const source = fill(files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n'));
  const lines = Array.from(
    { length: 500 },
    (_, i) => `#${i} [build ${i % 7}/7] RUN npm ci -- worker-${i} ok in ${i % 13}ms`,
  );
  return { source, log: fill(lines.join('\n')) };
}
