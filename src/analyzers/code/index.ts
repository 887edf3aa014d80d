/**
 * The code analyzer: runs the rule packs of src/rules on one file. AST rules parse the file once
 * with ast-grep (only when some rule's prefilter matched); regex rules run line by line.
 */
import { parse } from '@ast-grep/napi';
import type { Finding, Note } from '../../engine/types.ts';
import { loadRules, type Rule } from '../../rules/loader.ts';
import { SourceFile, finding } from '../source.ts';
import { astGrepLang, registerParsers, type Language } from './languages.ts';

/** Lines longer than this are not given to line regexes (minified code is skipped before). */
export const MAX_REGEX_LINE = 4000;

interface LangRules { ast: Rule[]; regex: Rule[] }
const split = new WeakMap<Rule[], Map<Language, LangRules>>();

/** The rules of one language, split by matcher kind; computed once per rule set. */
function rulesFor(lang: Language, rules: Rule[]): LangRules {
  let perLang = split.get(rules);
  if (!perLang) split.set(rules, (perLang = new Map()));
  let r = perLang.get(lang);
  if (!r) {
    r = { ast: [], regex: [] };
    for (const rule of rules) if (rule.languages.includes(lang)) (rule.ast ? r.ast : r.regex).push(rule);
    perLang.set(lang, r);
  }
  return r;
}

function fromRule(file: SourceFile, rule: Rule, line: number, column: number, endLine: number, endColumn: number): Finding {
  return finding(file, {
    ruleId: rule.id, title: rule.title, severity: rule.severity, confidence: rule.confidence,
    category: rule.category, cwe: rule.cwe, message: rule.message, fix: rule.fix,
    line, column, endLine, endColumn,
  });
}

export function analyzeCode(file: SourceFile, notes: Note[], rules: Rule[] = loadRules()): Finding[] {
  if (!file.language) return [];
  const { ast, regex } = rulesFor(file.language, rules);
  const out: Finding[] = [];

  const astActive = ast.filter((r) => r.requires!.test(file.text));
  if (astActive.length > 0) {
    registerParsers();
    let root;
    try {
      root = parse(astGrepLang(file.language) as never, file.text).root();
    } catch (e) {
      notes.push({ file: file.path, kind: 'error', reason: `parse failed (${file.language}): ${(e as Error).message}` });
    }
    if (root) {
      for (const rule of astActive) {
        try {
          for (const node of root.findAll(rule.ast as never)) {
            const r = node.range();
            const line = r.start.line + 1;
            if (rule.notRegex && rule.notRegex.test(file.line(line))) continue;
            out.push(fromRule(file, rule, line, r.start.column + 1, r.end.line + 1, r.end.column + 1));
          }
        } catch (e) {
          notes.push({ file: file.path, kind: 'error', reason: `rule ${rule.id} failed: ${(e as Error).message}` });
        }
      }
    }
  }

  for (const rule of regex) {
    if (rule.requires && !rule.requires.test(file.text)) continue;
    const re = rule.regex!;
    for (let i = 0; i < file.lines.length; i++) {
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
