/**
 * The engine's judgement of one file (a `scan` event): picks the analyzers for the file, runs
 * each in isolation (an analyzer error becomes a note, never a silent pass), then applies the
 * configuration, inline suppressions and the changed-lines filter of diff scans.
 */
import type { Finding, Note } from './types.ts';
import type { Config } from './config.ts';
import { DEFAULT_CONFIG, ruleMatches } from './config.ts';
import { SourceFile, finding } from '../analyzers/source.ts';
import { languageOf, normaliseLanguage, type Language } from '../analyzers/code/languages.ts';
import { analyzeCode } from '../analyzers/code/index.ts';
import { analyzeBackdoors } from '../analyzers/backdoor/index.ts';
import { analyzeUnicode } from '../analyzers/unicode.ts';
import { analyzeCodeComments, analyzeInjection } from '../analyzers/injection/index.ts';
import { analyzeSecrets, redact, redactValues, secretValues } from '../analyzers/secrets/index.ts';
import { analyzeEncodedSecrets } from '../analyzers/secrets/encoded-scan.ts';
import { analyzeAgentConfig, isAgentConfigPath } from '../analyzers/agent-config.ts';
import { analyzeDependencies, manifestKind } from '../analyzers/deps/index.ts';
import { parseUnifiedDiff } from '../scan/diff.ts';

export interface FileResult {
  findings: Finding[];
  notes: Note[];
}

export interface ScanFileOptions {
  config?: Config;
  language?: string;
  /** Diff scans: only findings touching these 1-based lines are kept. */
  changedLines?: Set<number>;
  /**
   * The guard: the file as it was before the agent's change ('' for a new file). Inline suppressions
   * then count only where the same suppression stood there, and one the change adds is a finding.
   */
  before?: string;
  /** Minified bundles: the AST rules are skipped (slow on megabyte lines); the line-based checks still run. */
  noCodeRules?: boolean;
}

const SUPPRESS = /warden-ignore(?:\[|:)\s*([\w.*\-]+(?:\s*,\s*[\w.*\-]+)*)\s*\]?\s*(.*)$/;

/** The marker opening a comment (after `#`, `//`, `/*`, `<!--`, `--` or `;`) with no rule id after it. */
const BARE = /(?:#|\/\/|\/\*|<!--|--|;|^\s*\*)\s*warden-ignore\b(?!\s*[:[])/;

/** What the guard reports for a suppression the change adds (it says what happened, not how to get around it). */
const SUPPRESSION_ADDED = {
  ruleId: 'guard.suppression-added',
  title: 'Suppression added by the change',
  severity: 'high',
  confidence: 'high',
  category: 'backdoor',
  message:
    'The change adds a comment that would switch security findings off. Changes made by the agent cannot suppress findings; a person has to review this.',
  fix: 'Remove the comment and fix what was found, or ask the user to review the finding.',
} as const;

/**
 * Inline suppressions on the finding's line or the line above: reported, never silent. A bare
 * marker without a rule id suppresses nothing and says so in a note. With `before` (the guard), a
 * suppression counts only if the same suppression line stood there over the same code line, and
 * each suppression line the change adds is itself a finding.
 */
function applySuppressions(file: SourceFile, findings: Finding[], notes: Note[], before?: string): Finding[] {
  if (!file.text.includes('warden-ignore')) return findings;
  const trusted = before === undefined ? undefined : suppressionPairs(before);
  const line = (n: number) => file.line(n).trim();
  for (const f of findings) {
    for (const l of [f.line, f.line - 1]) {
      const m = SUPPRESS.exec(file.line(l));
      if (!m || !m[1].split(',').some((id) => ruleMatches(f.ruleId, id.trim()))) continue;
      if (trusted && !trusted.has(`${line(l)}\n${line(f.line)}`)) break;
      f.suppressed = { by: 'inline', reason: m[2].trim().replace(/\s*(\*\/|-->)\s*$/, '') || '(no reason given)' };
      break;
    }
  }
  const marked = file.matchingLines(/warden-ignore\b/g);
  for (const i of marked)
    if (BARE.test(file.lines[i]) && !SUPPRESS.test(file.lines[i]))
      notes.push({
        file: file.path,
        kind: 'partial',
        reason: `line ${i + 1}: warden-ignore without a rule id suppresses nothing (write warden-ignore: RULE-ID reason)`,
      });
  if (trusted) {
    const old = new Set(suppressionLines(before!));
    for (const i of marked)
      if (SUPPRESS.test(file.lines[i]) && !old.has(file.lines[i].trim())) findings.push(suppressionAdded(file, i));
  }
  return findings;
}

const BASELINE_WRITTEN = {
  ...SUPPRESSION_ADDED,
  ruleId: 'guard.baseline-written',
  title: 'Scanner baseline written by the change',
  message:
    'The change writes a Warden baseline, which switches findings off for later scans. A person has to create and review baselines.',
  fix: 'Leave baselines to the user; fix the findings instead.',
} as const;

/** A Warden baseline, whatever the file is called: JSON with a list of finding fingerprints. */
function isBaselineText(text: string): boolean {
  if (!text.includes('fingerprints')) return false;
  try {
    const fps = (JSON.parse(text) as { fingerprints?: unknown }).fingerprints;
    return Array.isArray(fps);
  } catch {
    return /"fingerprints"\s*:\s*\[/.test(text);
  }
}

/** The trimmed lines of a text that hold a suppression. */
function suppressionLines(text: string): string[] {
  if (!text.includes('warden-ignore')) return [];
  return text
    .split('\n')
    .filter((l) => SUPPRESS.test(l))
    .map((l) => l.trim());
}

/** Each suppression of a text as `suppression line\ncovered line` (itself, and the line below it). */
function suppressionPairs(text: string): Set<string> {
  if (!text.includes('warden-ignore')) return new Set();
  const lines = text.split('\n').map((l) => l.trim());
  const out = new Set<string>();
  lines.forEach((l, i) => {
    if (!SUPPRESS.test(l)) return;
    out.add(`${l}\n${l}`);
    if (i + 1 < lines.length) out.add(`${l}\n${lines[i + 1]}`);
  });
  return out;
}

/** A suppression the agent's change adds: it is not honoured, and a person has to look at it. */
function suppressionAdded(file: SourceFile, i: number): Finding {
  return finding(file, { ...SUPPRESSION_ADDED, line: i + 1, column: 1 });
}

/** Configuration: disabled rules go, severities are overridden. */
export function applyConfig(findings: Finding[], config: Config): Finding[] {
  const kept = findings.filter((f) => !config.disable.some((p) => ruleMatches(f.ruleId, p)));
  for (const f of kept)
    for (const [p, s] of Object.entries(config.severity)) if (ruleMatches(f.ruleId, p)) f.severity = s;
  return kept;
}

/** Code rules about hard-coded passwords and credentials (CWE-259, CWE-798). */
const isCredentialRule = (f: Finding): boolean =>
  f.category === 'vulnerability' && (f.cwe === 'CWE-259' || f.cwe === 'CWE-798');
/** Quoted literals of three or more characters, as such a rule's snippet shows the credential. */
const QUOTED = /"[^"\n]{3,}"|'[^'\n]{3,}'|`[^`\n]{3,}`/g;

const MAKEFILE = /(?:^|\/)(?:GNUmakefile|[Mm]akefile|[\w.-]+\.mk)$/;
const PATCH = /\.(?:diff|patch)$/i;
const PACKAGE_JSON = /(?:^|\/)package\.json$/;

/** A file's added code in a patch: the part's text, and for each of its lines the patch line (0-based) it is. */
export interface PatchedPart {
  text: string;
  at: number[];
}

/**
 * For each file a unified diff patches, its added lines (their leading + turned into a space) with
 * the lines between them in its sections blanked, so distances within a section stay; a section of
 * another file between two of its own is one blank line, and `at` maps each line back into the patch.
 * (Each part used to be the whole patch with other lines blanked: 2,000 one-line files patched in
 * 200 KB took 22 s, every part as long as the patch.)
 */
export function patchedCode(patch: string): Map<string, PatchedPart> {
  const byFile = new Map<string, PatchedPart & { lines: string[]; section: number }>();
  parseUnifiedDiff(patch).forEach((d, section) => {
    for (const [n, text] of d.lines) {
      const index = d.at.get(n)!;
      let part = byFile.get(d.path);
      // (line 1 stays blank, as the patch's header line was: a PHP part gets its <?php tag there)
      if (!part) byFile.set(d.path, (part = { text: '', at: [index - 1], lines: [''], section }));
      const last = part.at[part.at.length - 1];
      if (part.section !== section) (part.lines.push(''), part.at.push(index - 1));
      else for (let i = last + 1; i < index; i++) (part.lines.push(''), part.at.push(i));
      part.section = section;
      part.lines.push(' ' + text);
      part.at.push(index);
    }
  });
  return new Map([...byFile].map(([p, { lines, at }]) => [p, { text: lines.join('\n'), at }]));
}

/** Findings in a part of a patch, moved to the patch lines they stand on. */
function atPatchLines(findings: Finding[], at: number[]): Finding[] {
  for (const f of findings) {
    const line = at[f.line - 1];
    f.endLine = (at[f.endLine - 1] ?? line) + 1;
    f.line = line + 1;
  }
  return findings;
}

/**
 * A Makefile's recipes as the shell sees them, on their own lines (everything else blanked, so
 * line numbers stay): the tab and the @, - and + prefixes become spaces (columns stay too), and
 * make's `$$` is the shell's `$`.
 */
/**
 * A package.json's scripts as shell, each on the line where it is written (several scripts on one
 * line, as in a one-line file, are joined with `;`); every other line blank. Undefined when the file
 * is not JSON with scripts.
 */
export function packageScripts(text: string): string | undefined {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch {
    return undefined;
  }
  if (!scripts || typeof scripts !== 'object') return undefined;
  const lines = text.split('\n');
  const out: string[][] = lines.map(() => []);
  const strings = stringLines(lines);
  for (const [k, v] of Object.entries(scripts as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const value = JSON.stringify(v);
    // (the first line holding the key's string and the value: where the value is a string of that
    // line, without searching it; 20,000 scripts on one line searched once each took 20 s for 486 KB)
    const at = (strings.get(JSON.stringify(k)) ?? []).find(
      (i) => holds(strings.get(value), i) || lines[i].includes(value.slice(1, -1)),
    );
    if (at !== undefined) out[at].push(v);
  }
  return out.some((x) => x.length) ? out.map((x) => x.join(' ; ').replace(/\n/g, ' ')).join('\n') : undefined;
}

/**
 * The lines (0-based, ascending) where each JSON string is written, as a left-to-right reading finds
 * them: a key is looked up there, not searched for on every line (a string that only shows across
 * two, as `","` in `"a","b"`, is not a key's place).
 */
function stringLines(lines: string[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  lines.forEach((l, i) => {
    if (!l.includes('"')) return;
    for (const m of l.matchAll(/"(?:[^"\\\n]|\\.)*"/g)) {
      const list = at.get(m[0]) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      at.set(m[0], list);
    }
  });
  return at;
}

/** Whether an ascending list holds n (a binary search). */
function holds(list: number[] | undefined, n: number): boolean {
  if (!list) return false;
  let lo = 0,
    hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] === n) return true;
    if (list[mid] < n) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function makeRecipes(text: string): string {
  return text
    .split('\n')
    .map((l) =>
      l.startsWith('\t')
        ? ' ' +
          l
            .slice(1)
            .replace(/^[@+-]+/, (p) => ' '.repeat(p.length))
            .replace(/\$\$/g, '$')
        : '',
    )
    .join('\n');
}

export function scanText(path: string, text: string, opts: ScanFileOptions = {}): FileResult {
  const config = opts.config ?? DEFAULT_CONFIG;
  const notes: Note[] = [];
  const firstLine = text.slice(0, 200).split('\n')[0];
  let language: Language | undefined;
  if (opts.language) {
    language = normaliseLanguage(opts.language);
    if (!language)
      notes.push({
        file: path,
        kind: 'partial',
        reason: `unknown language '${opts.language}': only language-independent checks ran`,
      });
  } else language = languageOf(path, firstLine);
  const file = new SourceFile(path, text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, language);

  const run = (name: string, fn: () => Finding[]): Finding[] => {
    try {
      return fn();
    } catch (e) {
      notes.push({ file: path, kind: 'error', reason: `${name} analyzer failed: ${(e as Error).message}` });
      return [];
    }
  };
  let findings: Finding[] = [];
  if (opts.noCodeRules) {
    /* (the backdoor, Unicode and secret checks below still read every line) */
  } else if (language) findings.push(...run('code', () => analyzeCode(file, notes, undefined, opts.changedLines)));
  else if (MAKEFILE.test(path))
    findings.push(
      ...run('code', () =>
        analyzeCode(new SourceFile(path, makeRecipes(file.text), 'bash'), notes, undefined, opts.changedLines),
      ),
    );
  else if (PACKAGE_JSON.test(path)) {
    // Its scripts are shell command lines that `npm test` or `npm run …` runs.
    const scripts = packageScripts(file.text);
    if (scripts)
      findings.push(
        ...run('code', () => analyzeCode(new SourceFile(path, scripts, 'bash'), notes, undefined, opts.changedLines)),
      );
  } else if (PATCH.test(path)) {
    // A patch file's added code, per file it patches, in that file's language (lines stay the patch's own).
    for (const [target, { text, at }] of patchedCode(file.text)) {
      const lang = languageOf(
        target,
        text
          .slice(0, 200)
          .split('\n')
          .find((l) => l.trim()) ?? '',
      );
      if (!lang) continue;
      const part = new SourceFile(path, text, lang);
      const changed = opts.changedLines;
      const local = changed && new Set(at.flatMap((p, k) => (changed.has(p + 1) ? [k + 1] : [])));
      findings.push(
        ...atPatchLines(
          [
            ...run('code', () => analyzeCode(part, notes, undefined, local)),
            ...run('backdoor', () => analyzeBackdoors(part)),
          ],
          at,
        ),
      );
    }
  }
  if (
    language ||
    /\.(ya?ml|json|toml|ini|cfg|conf|env|properties|xml|gradle|tf|hcl|dockerfile)$|(^|\/)(Dockerfile|Makefile|Jenkinsfile)$/i.test(
      path,
    )
  )
    findings.push(...run('backdoor', () => analyzeBackdoors(file)));
  findings.push(...run('unicode', () => analyzeUnicode(file)));
  // Instructions aimed at the agent that will read this file (README, docs, data; code: its comments).
  findings.push(
    ...run('injection', () => (language ? analyzeCodeComments(path, file.text, language) : analyzeInjection(file))),
  );
  findings.push(...run('secrets', () => analyzeSecrets(file, opts.changedLines)));
  // (secrets committed in base64, hex or escapes: after the plain ones, which they must not repeat)
  findings.push(...run('secrets', () => analyzeEncodedSecrets(file, findings, opts.changedLines)));
  if (isAgentConfigPath(path)) findings.push(...run('agent-config', () => analyzeAgentConfig(file)));
  if (manifestKind(path)) findings.push(...run('dependencies', () => analyzeDependencies(file)));

  // Snippets of other findings must not carry the secrets found here (even if secret rules are disabled).
  const secrets = secretValues(file, findings);
  findings = applyConfig(findings, config);
  for (const f of findings) if (f.category !== 'secret' && secrets.length) f.snippet = redactValues(f.snippet, secrets);

  // A code rule's hard-coded-credential finding adds nothing on a line where the secrets analyzer
  // reports the value itself (with its format); elsewhere its snippet shows the literal redacted.
  const secretLines = new Set(findings.filter((f) => f.category === 'secret').map((f) => f.line));
  findings = findings.filter((f) => !(isCredentialRule(f) && secretLines.has(f.line)));
  for (const f of findings)
    if (isCredentialRule(f))
      f.snippet = f.snippet.replace(QUOTED, (q) => q[0] + redact(q.slice(1, -1)) + q[q.length - 1]);

  if (opts.changedLines) {
    const changed = opts.changedLines;
    findings = findings.filter((f) => {
      for (let l = f.line; l <= Math.max(f.line, f.endLine); l++) if (changed.has(l)) return true;
      return false;
    });
  }

  findings = applySuppressions(file, findings, notes, opts.before);
  if (opts.before !== undefined && opts.before !== text && isBaselineText(text))
    findings.push(finding(file, { ...BASELINE_WRITTEN, line: 1, column: 1, snippet: path }));
  // Code-unit order, not localeCompare: the first localeCompare loads ICU collation (~10 ms per process).
  findings.sort(
    (a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  return { findings, notes };
}
