/**
 * Inputs the bench and the profiling scripts share, so that both measure the same things.
 */
import { readdirSync, readFileSync } from 'node:fs';
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
 * 1 MB of tool output of four kinds for the injection quarantine: source (this repository's own, which
 * speaks of agents on every page, so many paragraphs are read), a build log, and two other projects'
 * sources as an agent reads them: a library (yaml's build, agents named nowhere) and a model SDK
 * (openai's src, naming assistants, tools and system prompts throughout).
 */
export function oneMbToolOutputs(root: string): { source: string; log: string; library: string; sdk: string } {
  const MB = 2 ** 20;
  const fill = (s: string) => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
  const files = ['src/gateway/server.ts', 'src/engine/judge.ts', 'src/hooks/adapters.ts'];
  const source = fill(files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n'));
  const lines = Array.from(
    { length: 500 },
    (_, i) => `#${i} [build ${i % 7}/7] RUN npm ci -- worker-${i} ok in ${i % 13}ms`,
  );
  return {
    source,
    log: fill(lines.join('\n')),
    library: fill(sourcesUnder(join(root, 'node_modules', 'yaml', 'dist'), MB)),
    sdk: fill(sourcesUnder(join(root, 'node_modules', 'openai', 'src'), MB)),
  };
}

/** The .js/.ts files under `dir` (not declarations), in name order, joined up to `max` characters. */
function sourcesUnder(dir: string, max: number): string {
  let out = '';
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= max) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(?:[cm]?js|ts)$/.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) out += readFileSync(p, 'utf8') + '\n';
    }
  };
  walk(dir);
  return out || '// (no sources found)\n';
}
