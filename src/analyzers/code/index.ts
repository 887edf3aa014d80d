/**
 * The code analyzer: runs the rule packs of src/rules on one file. AST rules parse the file once
 * with ast-grep (only when some rule's prefilter matched); regex rules run line by line.
 *
 * Speed: a rule runs only on files its `requires` prefilter matches (and those regexes are
 * skipped on files without their words: literals.ts). (A combined walk of all the rules active on
 * a file once named the few worth running; with prefilters this tight it cost as much as it saved,
 * and far more on large bundled files, so each active rule simply runs.)
 */
import type { Finding, Note } from '../../engine/types.ts';
import { loadRules, passesTextConstraints, type Rule } from '../../rules/loader.ts';
import { SourceFile, finding } from '../source.ts';
import { candidateLines, occurs } from '../literals.ts';
import { astGrep, astGrepLang, registerParsers, type Language } from './languages.ts';
import { mayCarryData, type FlowCache } from './flow-python.ts';
import { closingSuffix } from './fragment.ts';
import { clearBoundsCache, UNLESS, type CNode } from './bounds-c.ts';

/** Lines longer than this are not given to line regexes (minified code is skipped before). */
export const MAX_REGEX_LINE = 4000;

interface LangRules {
  ast: Rule[];
  regex: Rule[];
}

const split = new WeakMap<Rule[], Map<Language, LangRules>>();

/** The rules of one language, split by matcher kind; computed once per rule set. */
function rulesFor(lang: Language, rules: Rule[]): LangRules {
  let perLang = split.get(rules);
  if (!perLang) split.set(rules, (perLang = new Map()));
  let r = perLang.get(lang);
  if (!r) {
    r = { ast: [], regex: [] };
    // ('ast' in rule: reading rule.ast would compile it, and most rules never run on a given file.)
    for (const rule of rules) if (rule.languages.includes(lang)) ('ast' in rule ? r.ast : r.regex).push(rule);
    perLang.set(lang, r);
  }
  return r;
}

function fromRule(
  file: SourceFile,
  rule: Rule,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): Finding {
  return finding(file, {
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    confidence: rule.confidence,
    category: rule.category,
    cwe: rule.cwe,
    message: rule.message,
    fix: rule.fix,
    line,
    column,
    endLine,
    endColumn,
  });
}

const PHP_OPEN = '<?php ';
const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** The triple quote (of Python's two) that occurs an odd number of times in the text, if any. */
function oddTripleQuote(text: string): string | undefined {
  for (const q of ['"""', "'''"]) {
    let n = 0;
    for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + 3)) n++;
    if (n % 2 === 1) return q;
  }
  return undefined;
}

const parseRoot = (lang: Language, text: string) =>
  astGrep()
    .parse(astGrepLang(lang) as never, text)
    .root();

const errorCount = (root: { findAll(c: never): unknown[] }): number =>
  root.findAll({ rule: { kind: 'ERROR' } } as never).length;

/** Function-like nodes: the context a diff scan analyses around each changed line. */
const FUNCTION_KINDS = new Set([
  'function_definition',
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'generator_function_declaration',
  'method_definition',
  'method_declaration',
  'constructor_declaration',
  'func_literal',
  'function_item',
  'method',
  'singleton_method',
  'local_function_statement',
  'lambda_expression',
  'anonymous_function_creation_expression',
  'function_def',
]);
type Node = {
  getMatch(name: string): Node | null;
  find(c: never): Node | null;
  text(): string;
  kind(): string;
  range(): {
    start: { line: number; column: number; index: number };
    end: { line: number; column: number; index: number };
  };
  children(): Node[];
  parent(): Node | null;
  findAll(c: never): Node[];
};

/**
 * The parts of a file a diff scan needs: for each changed line, the nearest enclosing function (with
 * its decorators), or the top-level statement holding it. Falls back to the whole file when the
 * parts would be most of it anyway.
 */
function changedUnits(root: Node, changed: Set<number>, lineCount: number): Node[] {
  const units: Node[] = [];
  const covered = (l: number) =>
    units.some((u) => {
      const r = u.range();
      return r.start.line <= l && l <= r.end.line;
    });
  for (const line of [...changed].sort((a, b) => a - b)) {
    const l = line - 1;
    if (covered(l)) continue;
    let node = root,
      top: Node | undefined,
      fn: Node | undefined;
    for (let depth = 0; depth < 64 && !fn; depth++) {
      const next = node.children().find((c) => {
        const r = c.range();
        return r.start.line <= l && l <= r.end.line;
      });
      if (!next) break;
      if (node === root) top = next;
      if (FUNCTION_KINDS.has(next.kind())) fn = next;
      node = next;
    }
    let unit = fn ?? top;
    if (!unit) continue;
    const parent = unit.parent();
    if (parent && /^decorated_definition$|^decorated_/.test(parent.kind())) unit = parent;
    units.push(unit);
  }
  const lines = units.reduce((n, u) => n + u.range().end.line - u.range().start.line + 1, 0);
  return lines > lineCount / 2 ? [root] : units;
}

/**
 * The node a rule's metavariable names inside a match. (A constraint that repeats `pattern: $P`
 * elsewhere in the function can leave the binding on that other node: then the node of the same
 * kind and text inside the match is the one meant.) Undefined when it cannot be found.
 */
function flowValue(match: Node, name: string): Node | undefined {
  const v = match.getMatch(name);
  if (!v) return undefined;
  const m = match.range(),
    r = v.range();
  if (m.start.index <= r.start.index && r.end.index <= m.end.index) return v;
  const escaped = v.text().replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return match.find({ rule: { kind: v.kind(), regex: `^${escaped}$` } } as never) ?? undefined;
}

/** The tree analyzeCode parsed for a file (with the text it put before the file), for the other analyzers. */
export const parsedTrees = new WeakMap<SourceFile, { root: unknown; prefix: string }>();

export function analyzeCode(
  file: SourceFile,
  notes: Note[],
  rules: Rule[] = loadRules(),
  changed?: Set<number>,
): Finding[] {
  if (!file.language) return [];
  // TypeScript declaration files hold types only: no statement or call a code rule looks for, and
  // nothing in one runs (TypeScript refuses code in them). The code rules do not read them; the
  // secret, Unicode, injection and backdoor checks still do, and code that loads one as a module
  // (the way to run a payload kept there) is a finding of its own (js.declaration-file-loaded).
  if (DECLARATION_FILE.test(file.path)) return [];
  const { ast, regex } = rulesFor(file.language, rules);
  const out: Finding[] = [];

  const astActive = ast.filter((r) => r.requires!.test(file.text) && !r.notPath?.test(file.path));
  if (astActive.length > 0) {
    registerParsers(file.language);
    let root: ReturnType<typeof parseRoot> | undefined,
      prefix = '';
    try {
      // A PHP fragment without its <?php tag (a snippet, a patch hunk) parses as HTML text: give
      // it the tag on its first line, so line numbers stay (columns on line 1 are corrected below).
      if (file.language === 'php' && !/<\?(?:php\b|=)?/.test(file.text)) prefix = PHP_OPEN;
      root = parseRoot(file.language, prefix + file.text);
      // A fragment cut off inside a block does not parse at all: parse it again with the brackets
      // it leaves open closed after its last line (see fragment.ts).
      if (root.kind() === 'ERROR') {
        const suffix = closingSuffix(prefix + file.text, file.language);
        if (suffix) root = parseRoot(file.language, `${prefix}${file.text}\n${suffix}`);
      }
      // A Python fragment that starts or ends inside a docstring turns code into string and
      // string into code: with an odd number of triple quotes, one more at the start or after
      // the end is tried, and the reading with the fewest parse errors wins.
      // (Between readings with as few errors, the one with more top-level statements, that is
      // less text swallowed into one string, wins.)
      const quote = file.language === 'python' ? oddTripleQuote(file.text) : undefined;
      if (quote) {
        const score = (r: ReturnType<typeof parseRoot>) => errorCount(r) * 1e6 - r.children().length;
        let best = score(root);
        const opened = parseRoot(file.language, quote + file.text),
          closed = parseRoot(file.language, `${file.text}\n${quote}`);
        const o = score(opened),
          c = score(closed);
        if (o < best) {
          root = opened;
          prefix = quote;
          best = o;
        }
        if (c < best) root = closed;
      }
    } catch (e) {
      notes.push({
        file: file.path,
        kind: 'error',
        reason: `parse failed (${file.language}): ${(e as Error).message}`,
      });
    }
    if (root) {
      // (the backdoor checks read the same tree: one parse per file)
      parsedTrees.set(file, { root, prefix });
      let flowCache: FlowCache | undefined;
      clearBoundsCache(); // (the C proofs' facts are kept per scope of this file's tree)
      const units: Node[] = changed
        ? changedUnits(root as unknown as Node, changed, file.lines.length)
        : [root as unknown as Node];
      for (const rule of astActive) {
        try {
          for (const node of units.flatMap((u) => u.findAll(rule.ast as never))) {
            if (!passesTextConstraints(rule, node as never)) continue;
            const r = node.range();
            const line = r.start.line + 1;
            if (rule.notRegex && rule.notRegex.test(file.line(line))) continue;
            if (
              rule.flow &&
              file.language === 'python' &&
              !mayCarryData(
                flowValue(node, rule.flow.value) as never,
                rule.flow,
                (flowCache ??= { nodes: new Map(), scopes: new Map() }),
              )
            )
              continue;
            if (rule.unless?.some((name) => UNLESS[name](node as unknown as CNode))) continue;
            const shift = (l: number) => (l === 0 ? prefix.length : 0);
            // (a match can reach into the brackets added after a cut fragment: it ends with the text)
            const past = r.end.line >= file.lines.length;
            const endLine = past ? file.lines.length : r.end.line + 1;
            const endColumn = past
              ? file.lines[file.lines.length - 1].length + 1
              : r.end.column + 1 - shift(r.end.line);
            out.push(fromRule(file, rule, line, r.start.column + 1 - shift(r.start.line), endLine, endColumn));
          }
        } catch (e) {
          notes.push({ file: file.path, kind: 'error', reason: `rule ${rule.id} failed: ${(e as Error).message}` });
        }
      }
    }
  }

  // Line rules: every line, or only the changed ones in a diff scan; of those, only lines that hold
  // one of the words the rule's regex needs (see literals.ts).
  const lineStarts = () => file.lineStarts();
  let scope: number[] | undefined; // every line, or the changed ones (made when first needed)
  for (const rule of regex) {
    if ((rule.requires && !rule.requires.test(file.text)) || rule.notPath?.test(file.path)) continue;
    const re = rule.regex!;
    const words = candidateLines(re, file.text, lineStarts);
    // (a regex without such words: one test of the whole file before going line by line)
    if (!words && !occurs(re, file.text)) continue;
    const lines = words
      ? words.filter((k) => !changed || changed.has(k + 1))
      : (scope ??= changed
          ? [...changed].filter((l) => l >= 1 && l <= file.lines.length).map((l) => l - 1)
          : file.lines.map((_, i) => i));
    for (const i of lines) {
      const text = file.lines[i];
      if (text.length > MAX_REGEX_LINE) continue;
      const m = re.exec(text);
      if (!m) continue;
      if (rule.notRegex && rule.notRegex.test(text)) continue;
      out.push(fromRule(file, rule, i + 1, m.index + 1, i + 1, m.index + m[0].length + 1));
    }
  }
  return out;
}
