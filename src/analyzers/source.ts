/**
 * A file as the analyzers see it: its text, its language, and fast offset→line/column lookup.
 * Every analyzer builds its findings through `finding()` so that the shape stays the same.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity, Confidence, Category } from '../engine/types.ts';
import type { Language } from './code/languages.ts';

export const MAX_SNIPPET = 240;

export class SourceFile {
  readonly lines: string[];
  private starts: number[] | undefined;
  constructor(
    readonly path: string,
    readonly text: string,
    readonly language: Language | undefined,
  ) {
    this.lines = text.split('\n');
  }

  /** Offset of the start of each line (0-based). */
  lineStarts(): number[] {
    if (!this.starts) {
      const s = new Array<number>(this.lines.length);
      for (let i = 0, at = 0; i < this.lines.length; i++) {
        s[i] = at;
        at += this.lines[i].length + 1;
      }
      this.starts = s;
    }
    return this.starts;
  }

  /** 0-based line of a UTF-16 offset. */
  lineIndex(offset: number): number {
    return pieceAt(this.lineStarts(), offset);
  }

  /**
   * The lines (0-based, ascending, each once) where a global regex that never crosses a line break
   * matches. (Its matches do not overlap, but a line where it matches at all holds the first match
   * from the line's start.)
   */
  matchingLines(re: RegExp): number[] {
    const out: number[] = [];
    re.lastIndex = 0;
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) {
      const line = this.lineIndex(m.index);
      if (out[out.length - 1] !== line) out.push(line);
      if (m[0].length === 0) re.lastIndex++;
    }
    return out;
  }

  /** 1-based line and column of a UTF-16 offset. */
  position(offset: number): { line: number; column: number } {
    const lo = this.lineIndex(offset);
    return { line: lo + 1, column: offset - this.lineStarts()[lo] + 1 };
  }

  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }
}

export interface FindingSpec {
  ruleId: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  category: Category;
  cwe?: string;
  message: string;
  fix?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Overrides the snippet taken from the source lines (e.g. a redacted secret). */
  snippet?: string;
}

/** A finding about a whole file, archive member or command (no source lines to point into). */
export function fileFinding(
  file: string,
  spec: Omit<FindingSpec, 'line' | 'column'> & { snippet: string; line?: number },
): Finding {
  const line = spec.line ?? 1;
  const snippet = clip(spec.snippet.trim());
  return {
    ruleId: spec.ruleId,
    title: spec.title,
    severity: spec.severity,
    confidence: spec.confidence,
    category: spec.category,
    ...(spec.cwe ? { cwe: spec.cwe } : {}),
    file,
    line,
    column: 1,
    endLine: spec.endLine ?? line,
    endColumn: spec.endColumn ?? 1,
    snippet,
    message: spec.message,
    ...(spec.fix ? { fix: spec.fix } : {}),
    fingerprint: fingerprintOf(spec.ruleId, file, snippet),
  };
}

/** A finding's identity across runs and line shifts: rule, file and snippet (whitespace folded). */
function fingerprintOf(ruleId: string, file: string, snippet: string): string {
  return createHash('sha256')
    .update(`${ruleId}\0${file}\0${snippet.replace(/\s+/g, ' ')}`)
    .digest('hex')
    .slice(0, 32);
}

/** Letters turned by 13 places (ROT13, its own inverse): how encoded secrets, loaders and orders are read back. */
export function rot13(s: string): string {
  return s.replace(/[A-Za-z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

export function clip(s: string, max = MAX_SNIPPET): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function finding(file: SourceFile, spec: FindingSpec): Finding {
  const endLine = spec.endLine ?? spec.line;
  const raw = spec.snippet ?? file.lines.slice(spec.line - 1, Math.min(endLine, spec.line + 4)).join('\n');
  const snippet = clip(raw.trim());
  return {
    ruleId: spec.ruleId,
    title: spec.title,
    severity: spec.severity,
    confidence: spec.confidence,
    category: spec.category,
    ...(spec.cwe ? { cwe: spec.cwe } : {}),
    file: file.path,
    line: spec.line,
    column: spec.column,
    endLine,
    endColumn: spec.endColumn ?? spec.column,
    snippet,
    message: spec.message,
    ...(spec.fix ? { fix: spec.fix } : {}),
    fingerprint: fingerprintOf(spec.ruleId, file.path, snippet),
  };
}

/** The index of the piece holding offset `at`, given the pieces' ascending start offsets (a binary search). */
export function pieceAt(starts: readonly number[], at: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
