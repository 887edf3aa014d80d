/**
 * Reports: text for people, JSON for tools, SARIF 2.1.0 for code-scanning services.
 */
import type { Finding, Note, Severity } from '../engine/types.ts';
import { SEVERITIES, severityRank } from '../engine/types.ts';
import { loadRules } from '../rules/loader.ts';
import { VENDORED_REASON } from '../scan/walk.ts';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ScanStats {
  files: number;
  bytes: number;
  skipped: number;
  errors: number;
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  durationMs: number;
}

export interface ScanReport {
  findings: Finding[];
  notes: Note[];
  stats: ScanStats;
  /** The folder that SARIF locations are relative to (the scan's root), and the one paths are relative to. */
  root?: string;
  cwd?: string;
}

export function computeStats(
  findings: Finding[],
  notes: Note[],
  files: number,
  bytes: number,
  durationMs: number,
): ScanStats {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressed) suppressed++;
    else bySeverity[f.severity]++;
  }
  return {
    files,
    bytes,
    skipped: notes.filter((n) => n.kind === 'skipped').length,
    errors: notes.filter((n) => n.kind === 'error').length,
    findings: findings.length - suppressed,
    suppressed,
    bySeverity,
    durationMs: Math.round(durationMs),
  };
}

export function toJson(r: ScanReport): string {
  return JSON.stringify({ findings: r.findings, notes: r.notes, stats: r.stats }, null, 2) + '\n';
}

const COLOR: Record<Severity, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

export function toText(r: ScanReport, color: boolean): string {
  const c = (code: string, s: string) => (color ? `${code}${s}\x1b[0m` : s);
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of r.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, fs] of byFile) {
    out.push(c('\x1b[1m', file));
    for (const f of fs.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.line - b.line)) {
      const sev = f.suppressed
        ? c('\x1b[2m', `suppressed (${f.suppressed.by}: ${f.suppressed.reason})`)
        : c(COLOR[f.severity], f.severity.toUpperCase());
      out.push(
        `  ${f.line}:${f.column}  ${sev}  ${f.title}  ${c('\x1b[2m', `[${f.ruleId}${f.cwe ? ', ' + f.cwe : ''}]`)}`,
      );
      out.push(`      ${c('\x1b[2m', '│')} ${f.snippet.split('\n')[0]}`);
      out.push(`      ${f.message}`);
      if (f.fix) out.push(`      ${c('\x1b[32m', 'fix:')} ${f.fix}`);
    }
    out.push('');
  }
  const notes = r.notes.filter((n) => n.kind !== 'skipped' || n.reason !== VENDORED_REASON);
  if (r.notes.length) {
    out.push(c('\x1b[1m', 'Notes'));
    for (const n of notes.slice(0, 50)) out.push(`  ${n.kind}: ${n.file}: ${n.reason}`);
    if (notes.length > 50) out.push(`  … and ${notes.length - 50} more (see --format json)`);
    const vendored = r.notes.length - notes.length;
    if (vendored) out.push(`  skipped ${vendored} vendored/dependency folder(s)`);
    out.push('');
  }
  const s = r.stats;
  const sev = SEVERITIES.slice()
    .reverse()
    .filter((k) => s.bySeverity[k])
    .map((k) => c(COLOR[k], `${s.bySeverity[k]} ${k}`))
    .join(', ');
  out.push(
    `${s.findings} finding(s)${sev ? ` (${sev})` : ''}, ${s.suppressed} suppressed, in ${s.files} file(s) (${(s.bytes / 1e6).toFixed(2)} MB) in ${(s.durationMs / 1000).toFixed(2)} s; ${s.skipped} skipped, ${s.errors} error(s).`,
  );
  return out.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

const SRCROOT = 'SRCROOT';

/**
 * A SARIF artifact location: a relative URI against the scan root (`uriBaseId`), or an absolute
 * file:// URI for a file outside it. SARIF wants URIs, never plain absolute paths (SARIF1004).
 */
function artifactLocation(file: string, r: ScanReport): { uri: string; uriBaseId?: string } {
  const abs = resolve(r.cwd ?? process.cwd(), file);
  const rel = r.root ? relative(r.root, abs).split(sep).join('/') : undefined;
  if (rel !== undefined && rel !== '' && !rel.startsWith('../') && rel !== '..' && !isAbsolute(rel))
    return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(abs).href };
}

export function toSarif(r: ScanReport, version: string): string {
  const known = new Map(loadRules().map((x) => [x.id, x]));
  const ids = [...new Set(r.findings.map((f) => f.ruleId))].sort();
  const rules = ids.map((id) => {
    const f = r.findings.find((x) => x.ruleId === id)!;
    const rule = known.get(id);
    const tags = ['security', f.category, ...(f.cwe ? [`external/cwe/${f.cwe.toLowerCase()}`] : [])];
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)/g, (_, ch: string) => ch.toUpperCase()),
      shortDescription: { text: rule?.title ?? f.title },
      fullDescription: { text: rule?.message ?? f.message },
      help: {
        text: `${rule?.message ?? f.message}\nFix: ${rule?.fix ?? f.fix ?? 'review the code'}`,
        markdown: `${rule?.message ?? f.message}\n\n**Fix:** ${rule?.fix ?? f.fix ?? 'review the code'}`,
      },
      defaultConfiguration: { level: SARIF_LEVEL[rule?.severity ?? f.severity] },
      properties: {
        tags,
        precision: f.confidence === 'high' ? 'high' : f.confidence === 'medium' ? 'medium' : 'low',
        'security-severity': SECURITY_SEVERITY[rule?.severity ?? f.severity],
      },
    };
  });
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = r.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.title}: ${f.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file, r),
          region: {
            startLine: f.line,
            startColumn: f.column,
            endLine: Math.max(f.line, f.endLine),
            endColumn: Math.max(f.endColumn, 1),
            snippet: { text: f.snippet },
          },
        },
      },
    ],
    partialFingerprints: { 'wardenFingerprint/v1': f.fingerprint },
    ...(f.suppressed
      ? {
          suppressions: [
            { kind: f.suppressed.by === 'inline' ? 'inSource' : 'external', justification: f.suppressed.reason },
          ],
        }
      : {}),
  }));
  return (
    JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'Warden',
                version,
                semanticVersion: version,
                informationUri: 'https://github.com/warden-security/warden',
                rules,
              },
            },
            ...(r.root ? { originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(r.root + sep).href } } } : {}),
            results,
            invocations: [
              {
                executionSuccessful: r.stats.errors === 0,
                toolExecutionNotifications: r.notes
                  .filter((n) => n.kind === 'error')
                  .map((n) => ({ level: 'warning', message: { text: `${n.file}: ${n.reason}` } })),
              },
            ],
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}
