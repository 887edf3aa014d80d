/**
 * The build's table of the prefilter's words (dist/literals.json, see literals.ts): every regex the
 * scan's analyzers hand the prefilter, loaded here in one module graph so that their providers are
 * registered with the same literals module that writes the table.
 */
import { loadRules } from '../rules/loader.ts';
import './backdoor/index.ts';
import { SECRET_PATTERNS } from './secrets/patterns.ts';
import { literalsAsJson, PREBUILT_LITERALS } from './literals.ts';

export { PREBUILT_LITERALS };
export function prefilterTableAsJson(): string {
  loadRules();
  return literalsAsJson(SECRET_PATTERNS.map((p) => p.re));
}
