/**
 * One target of a folder or diff scan: read, decode, skip minified files, scan. Shared by the
 * main thread and the scan workers so both produce exactly the same results.
 */
import { readFileSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { Finding, Note } from '../engine/types.ts';
import { fileFinding } from '../analyzers/source.ts';
import { languageOf } from '../analyzers/code/languages.ts';
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
  oversize = false,
): TargetResult {
  // A minified bundle still gets the line-based checks (a payload hidden in one long line is found);
  // only the AST rules, slow on megabyte lines and noisy on generated code, are left out, with a note.
  // A file over max-file-size is read the same way.
  const minified = !oversize && looksMinified(display, text);
  const r = scanText(display, text, { config, changedLines, language, noCodeRules: minified || oversize });
  if (minified || oversize)
    r.notes.unshift({
      file: display,
      kind: 'partial',
      reason: oversize
        ? `larger than max-file-size (${config.maxFileSize} bytes): code rules skipped, backdoor, secret, injection and Unicode checks ran`
        : 'minified or generated (very long lines): code rules skipped, backdoor, secret and Unicode checks ran',
    });
  return { findings: r.findings, notes: r.notes, scanned: true, bytes: Buffer.byteLength(text) };
}

/**
 * The most a file over max-file-size is read: larger, it is not read at all, and that is a finding
 * (a text file this large is unusual, and what is in it passed unchecked): high for code.
 */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

function unreadFinding(display: string, size: number): Finding {
  const code = languageOf(display) !== undefined;
  return fileFinding(display, {
    ruleId: 'scan.file-not-read',
    title: 'File too large to read',
    severity: code ? 'high' : 'medium',
    confidence: 'high',
    category: 'analyzer-error',
    snippet: `${size} bytes`,
    message:
      `This file (${size} bytes) is larger than the ${MAX_READ_BYTES} bytes Warden reads: nothing in it was ` +
      'checked, and a payload padded past the limit would pass unseen.',
    fix: 'Review the file by other means, split it, or exclude it explicitly in .warden.yml if it is known data.',
  });
}

export function scanTarget(
  path: string,
  display: string,
  config: Config,
  changedLines?: Set<number>,
  kind?: 'model' | 'archive' | 'oversize',
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
    if (kind === 'oversize') {
      const size = statSync(path).size;
      if (size > MAX_READ_BYTES)
        return { findings: applyConfig([unreadFinding(display, size)], config), notes, scanned: false, bytes: 0 };
    }
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
  const r = scanDecoded(display, decode(buf, display, notes), config, changedLines, undefined, kind === 'oversize');
  r.notes.unshift(...notes);
  r.bytes = r.scanned ? buf.length : 0;
  return r;
}
