/**
 * The npm packages whose sources make the scan bench's "npm tree" (the issue's own example of a large
 * tree). One list, so the bench and the profiling scripts measure the same files.
 */
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
