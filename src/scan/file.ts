/**
 * One target of a folder or diff scan: read, decode, skip minified files, scan. Shared by the
 * main thread and the scan workers so both produce exactly the same results.
 */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { Finding, Note } from '../engine/types.ts';
import type { Config } from '../engine/config.ts';
import { scanText, applyConfig } from '../engine/scan.ts';
import { BINARY_SAMPLE, looksBinary, looksMinified } from './walk.ts';
import { analyzeModelFile } from '../analyzers/models/index.ts';
import { analyzePackageArchive } from '../analyzers/package-archive.ts';

export interface TargetResult {
  findings: Finding[];
  notes: Note[];
  scanned: boolean;
  bytes: number;
}

export function decode(buf: Buffer, display: string, notes: Note[]): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  notes.push({ file: display, kind: 'partial', reason: 'not valid UTF-8: scanned as Latin-1' });
  return buf.toString('latin1');
}

export function scanDecoded(
  display: string,
  text: string,
  config: Config,
  changedLines?: Set<number>,
  language?: string,
): TargetResult {
  // A minified bundle still gets the line-based checks (a payload hidden in one long line is found);
  // only the AST rules, slow on megabyte lines and noisy on generated code, are left out, with a note.
  const minified = looksMinified(display, text);
  const r = scanText(display, text, { config, changedLines, language, noCodeRules: minified });
  if (minified)
    r.notes.unshift({
      file: display,
      kind: 'partial',
      reason: 'minified or generated (very long lines): code rules skipped, backdoor, secret and Unicode checks ran',
    });
  return { findings: r.findings, notes: r.notes, scanned: true, bytes: Buffer.byteLength(text) };
}

export function scanTarget(
  path: string,
  display: string,
  config: Config,
  changedLines?: Set<number>,
  kind?: 'model' | 'archive',
): TargetResult {
  if (kind === 'model' || kind === 'archive') {
    const r =
      kind === 'model'
        ? analyzeModelFile(path, display)
        : analyzePackageArchive(path, display, config, (p, text, cfg) => scanDecoded(p, text, cfg));
    return { findings: applyConfig(r.findings, config), notes: r.notes, scanned: true, bytes: 0 };
  }
  const notes: Note[] = [];
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return {
      findings: [],
      notes: [
        {
          file: display,
          kind: 'error',
          reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
      scanned: false,
      bytes: 0,
    };
  }
  if (looksBinary(buf, display))
    return {
      findings: [],
      notes: [
        {
          file: display,
          kind: 'skipped',
          reason: 'binary content (a binary format, or NUL bytes in bytes that are not text)',
        },
      ],
      scanned: false,
      bytes: 0,
    };
  // (Code that holds NUL bytes, which runtimes accept in comments and strings, is still code: scanned.)
  if (buf.subarray(0, BINARY_SAMPLE).includes(0))
    notes.push({
      file: display,
      kind: 'partial',
      reason: 'binary-looking content (NUL bytes): scanned as text, since its name says it is code',
    });
  const r = scanDecoded(display, decode(buf, display, notes), config, changedLines);
  r.notes.unshift(...notes);
  r.bytes = r.scanned ? buf.length : 0;
  return r;
}
