/**
 * Credentials in a text a call sends somewhere (a prompt to the model vendor, a URL to a host):
 * every finding, the ones that count, and a phrase naming them for a reason.
 */
import type { Finding } from '../../engine/types.ts';
import { severityRank } from '../../engine/types.ts';
import { SourceFile } from '../source.ts';
import { analyzeSecrets } from './index.ts';

/** Low findings are values in a credential's format that look typed in (placeholders, most likely): they do not count. */
export function secretsIn(label: string, text: string): { found: Finding[]; secrets: Finding[]; named: string } {
  const found = analyzeSecrets(new SourceFile(label, text, undefined));
  const secrets = found.filter((f) => severityRank(f.severity) >= severityRank('medium'));
  const titles = [...new Set(secrets.map((f) => f.title))].join(', ');
  return { found, secrets, named: `${secrets.length === 1 ? 'a secret' : `${secrets.length} secrets`} (${titles})` };
}
