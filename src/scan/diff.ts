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
