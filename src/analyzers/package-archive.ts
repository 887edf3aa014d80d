/**
 * Packages as artifacts: a .tgz / .tar.gz (npm), .whl / .zip (PyPI) or .gem is read statically
 * (never installed, imported or run) and every text member goes through the same analyzers as a
 * source tree (code, backdoor, secrets, unicode, malicious-package rules, manifests and install
 * scripts); pickles and models inside go to the model analyzer. Bounds: member and total sizes,
 * member count, compression ratio (bombs), and names that escape the archive are reported.
 */
import type { Finding, Note } from '../engine/types.ts';
import type { Config } from '../engine/config.ts';
import {
  FileBytes,
  gunzipBounded,
  isTar,
  isZip,
  tarMembers,
  unsafeMemberName,
  zipMembers,
  type ArchiveProblem,
  type Member,
} from './archive.ts';
import { MODEL_EXT, analyzeModelBytes } from './models/index.ts';
import { fileFinding } from './source.ts';

export const PACKAGE_ARCHIVE = /\.(?:tgz|tar\.gz|whl|gem|tar|crate|zip|egg)$/i;
const MAX_TOTAL = 512 * 1024 * 1024;
const TEXT_MEMBER =
  /\.(?:py|pyw|js|mjs|cjs|ts|jsx|tsx|rb|go|rs|php|java|cs|c|cc|cpp|h|sh|bash|json|toml|cfg|ini|ya?ml|txt|md|pth|gemspec)$|(?:^|\/)(?:Gemfile|Rakefile|Makefile|PKG-INFO|METADATA|RECORD|entry_points\.txt|setup\.py|extconf\.rb)$/i;

type ScanText = (path: string, text: string, cfg: Config) => { findings: Finding[]; notes: Note[] };

export function analyzePackageArchive(
  path: string,
  display: string,
  config: Config,
  scan: ScanText,
): { findings: Finding[]; notes: Note[] } {
  const findings: Finding[] = [],
    notes: Note[] = [];
  const problems: ArchiveProblem[] = [];
  let f: FileBytes;
  try {
    f = new FileBytes(path);
  } catch (e) {
    return {
      findings,
      notes: [
        {
          file: display,
          kind: 'error',
          reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
    };
  }
  try {
    const head = f.read(0, 512);
    let members: Member[];
    if (isZip(head)) members = zipMembers(f, problems);
    else {
      let buf = f.read(0, Math.min(f.size, MAX_TOTAL));
      if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipBounded(buf, MAX_TOTAL);
      if (!isTar(buf)) {
        notes.push({ file: display, kind: 'skipped', reason: 'not a zip or tar archive' });
        return { findings, notes };
      }
      members = tarMembers(buf, problems);
      // A .gem is a tar holding data.tar.gz and metadata.gz.
      const data = members.find((m) => m.name === 'data.tar.gz');
      if (data) {
        const inner = gunzipBounded(data.read(), MAX_TOTAL);
        members = [...members.filter((m) => m !== data), ...tarMembers(inner, problems)];
      }
      const meta = members.find((m) => m.name === 'metadata.gz');
      if (meta) {
        const text = gunzipBounded(meta.read(), 16 * 1024 * 1024).toString('utf8');
        members = members.filter((m) => m !== meta);
        findings.push(...scan(`${display}!metadata.gemspec.yml`, text, config).findings);
      }
    }
    let total = 0;
    for (const m of members) {
      const where = `${display}!${m.name}`;
      if (unsafeMemberName(m.name)) findings.push(traversal(where, m.name));
      if (m.name.endsWith('/')) continue;
      if (!(TEXT_MEMBER.test(m.name) || MODEL_EXT.test(m.name))) {
        // Unknown member types are sniffed for pickles only.
        let head: Buffer;
        try {
          head = m.read(2);
        } catch {
          continue;
        }
        if (!(head[0] === 0x80 && head[1] <= 5)) continue;
      }
      const model = MODEL_EXT.test(m.name) && !TEXT_MEMBER.test(m.name);
      let data: Buffer;
      try {
        data = m.read(model ? undefined : 8 * 1024 * 1024);
      } catch (e) {
        findings.push(unreadable(where, (e as Error).message));
        continue;
      }
      if (m.encrypted && !model) {
        findings.push(unreadable(where, 'the member is encrypted'));
        continue;
      }
      // A pickle under a text name (data.txt) is still a pickle.
      if (model || (data.length > 2 && data[0] === 0x80 && data[1] <= 5)) {
        const r = analyzeModelBytes(data, m.name, where);
        findings.push(...r.findings);
        notes.push(...r.notes);
        continue;
      }
      total += data.length;
      if (total > MAX_TOTAL) {
        notes.push({ file: display, kind: 'partial', reason: `stopped after ${MAX_TOTAL} bytes of members` });
        break;
      }
      const r = scan(where, data.toString('utf8'), config);
      findings.push(...r.findings);
      notes.push(...r.notes);
    }
    for (const p of problems) notes.push({ file: display, kind: 'partial', reason: p.message });
  } catch (e) {
    notes.push({ file: display, kind: 'error', reason: `cannot read the archive: ${(e as Error).message}` });
  } finally {
    f.close();
  }
  return { findings, notes };
}

function unreadable(where: string, why: string): Finding {
  return fileFinding(where, {
    ruleId: 'model.unreadable-member',
    title: 'Archive member that cannot be inspected',
    severity: 'medium',
    confidence: 'high',
    category: 'supply-chain',
    cwe: 'CWE-506',
    snippet: where,
    message: `${why}; it cannot be inspected, so what it does when used is unverified.`,
    fix: 'Get an unencrypted, standard copy and scan it.',
  });
}

function traversal(where: string, name: string): Finding {
  return fileFinding(where, {
    ruleId: 'archive.path-traversal',
    title: 'Archive member escapes the archive',
    severity: 'high',
    confidence: 'high',
    category: 'supply-chain',
    cwe: 'CWE-22',
    snippet: name,
    message: `member ${name} would be written outside the extraction folder`,
    fix: 'Never extract this archive; it is built to overwrite files elsewhere.',
  });
}
