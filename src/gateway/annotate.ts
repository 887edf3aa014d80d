/** Code in a model's answer, scanned: high and critical findings are named in a note after the text. */
import { scanText } from '../engine/scan.ts';

// (`before: ''`: a suppression comment the model writes is its own, so it silences nothing.)
const scanCodeText = (path: string, text: string) =>
  scanText(path, text, { before: '' }).findings.filter((f) => !f.suppressed);

const FENCE = /```([\w+#.-]*)\n([\s\S]*?)```/g;
const FENCE_EXT: Record<string, string> = {
  python: 'py',
  py: 'py',
  javascript: 'js',
  js: 'js',
  typescript: 'ts',
  ts: 'ts',
  go: 'go',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  'c++': 'cpp',
  csharp: 'cs',
  cs: 'cs',
  php: 'php',
  ruby: 'rb',
  rb: 'rb',
  rust: 'rs',
  rs: 'rs',
  bash: 'sh',
  sh: 'sh',
  shell: 'sh',
};

/**
 * A function that scans the fenced code of one text and appends a note for high and critical
 * findings, and the count of findings noted so far.
 */
export function codeAnnotator(): { annotate: (text: string) => string; count: () => number } {
  let total = 0;
  const annotate = (text: string): string => {
    if (!text.includes('```')) return text;
    const notes: string[] = [];
    for (const m of text.matchAll(FENCE)) {
      const ext = FENCE_EXT[m[1].toLowerCase()];
      if (!ext) continue;
      const found = scanCodeText(`response.${ext}`, m[2]).filter(
        (f) => f.severity === 'high' || f.severity === 'critical',
      );
      total += found.length;
      for (const f of found)
        notes.push(`- ${f.ruleId} (${f.severity}), line ${f.line} of a ${m[1]} block: ${f.message}`);
    }
    return notes.length ? `${text}\n\nWarden found problems in the code above:\n${notes.join('\n')}` : text;
  };
  return { annotate, count: () => total };
}
