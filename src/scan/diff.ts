/**
 * Unified diffs, as `git diff` and agents emit them: which files changed, which lines were
 * added, and (for patches of files not on disk) the added text itself.
 */
export interface FileDiff {
  path: string;
  /** 1-based line numbers in the new file that were added or modified. */
  added: Set<number>;
  /** Added lines with their new line numbers, for scanning a patch without the file. */
  lines: Map<number, string>;
  /** For each added line (by its new line number), its 0-based line index in the patch text. */
  at: Map<number, number>;
  deleted: boolean;
}

export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let cur: FileDiff | undefined;
  let newLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('diff --git ')) {
      cur = undefined;
      return;
    }
    if (line.startsWith('+++ ')) {
      const p = line.slice(4).replace(/\t.*$/, '').trim();
      if (p === '/dev/null') {
        if (cur) cur.deleted = true;
        return;
      }
      cur = { path: p.replace(/^b\//, ''), added: new Set(), lines: new Map(), at: new Map(), deleted: false };
      files.push(cur);
      return;
    }
    if (line.startsWith('--- ')) return;
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (h) {
      newLine = Number(h[1]);
      return;
    }
    if (!cur || newLine === 0) return;
    if (line.startsWith('+')) {
      cur.added.add(newLine);
      cur.lines.set(newLine, line.slice(1));
      cur.at.set(newLine, index);
      newLine++;
    } else if (line.startsWith(' ') || line === '') newLine++;
    else if (line.startsWith('-') || line.startsWith('\\')) {
      /* removed line or "no newline" marker */
    }
  });
  return files.filter((f) => !f.deleted);
}

/** Text of a patched file reconstructed from its added lines (blank lines in between). */
export function textFromPatch(f: FileDiff): string {
  const max = Math.max(0, ...f.lines.keys());
  const out: string[] = [];
  for (let i = 1; i <= max; i++) out.push(f.lines.get(i) ?? '');
  return out.join('\n');
}

/**
 * Lines of `next` that are not in `old` (a multiset comparison: moved lines count as unchanged).
 * What an agent's write or edit changed, so only its own lines' findings hold the call back.
 */
export function changedLines(old: string, next: string): Set<number> {
  const count = new Map<string, number>();
  for (const l of old.split('\n')) count.set(l, (count.get(l) ?? 0) + 1);
  const out = new Set<number>();
  next.split('\n').forEach((l, i) => {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else out.add(i + 1);
  });
  return out;
}

/** The lines `>>` adds to a file: from the old last line (which the text may continue) on. */
export function appendedLines(old: string, next: string): Set<number> {
  const from = old.split('\n').length,
    to = next.split('\n').length;
  const out = new Set<number>();
  for (let l = from; l <= to; l++) out.add(l);
  return out;
}
