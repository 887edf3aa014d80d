/**
 * Rule packs are data: YAML files under src/rules/<pack>/, each next to an annotated fixture
 * (same base name, the language's extension) in which `ruleid: <id>` marks the next line as one
 * the rule must flag and `ok: <id>` one it must not. `test/rules.test.ts` holds every pack to it.
 *
 * A rule matches with either
 *   ast:   an ast-grep rule object (pattern/kind/has/inside/all/any/not), plus optional
 *          `constraints` and `utils`; it also needs `requires`, a regex the file text must
 *          contain before the file is parsed at all (the prefilter that keeps scans fast);
 *   regex: a JavaScript regex tried on each line (bounded length), optionally with `requires`.
 * `not-regex` drops a match whose line also matches it (placeholders, safe variants); `not-path`
 * keeps the rule off files whose path matches it (tests, for rules about production code).
 * `flow` (Python AST rules) drops a match whose metavariable `value` is provably a constant or
 * sanitised within its function (src/analyzers/code/flow-python.ts): `sanitizers` is a regex on
 * a call's function and first argument (`name.replace("'"`) whose result is safe for this sink,
 * `rejects` lists substrings whose presence check ends the path (`if "'" in v: return`), and
 * `confines: true` counts a `str(p).startswith(base)` check as confining `p`.
 */
import { UserError } from '../errors.ts';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYaml } from '../yaml.ts';
import { PACKAGE_ROOT, RULES_DIR } from '../paths.ts';
import {
  CATEGORIES, CONFIDENCES, SEVERITIES,
  type Category, type Confidence, type Severity,
} from '../engine/types.ts';
import { LANGUAGES, type Language } from '../analyzers/code/languages.ts';
import { mayOccur, prefilterProvider } from '../analyzers/literals.ts';
import { UNLESS } from '../analyzers/code/bounds-c.ts';

export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  category: Category;
  cwe?: string;
  message: string;
  fix?: string;
  languages: Language[];
  /** Prefilter on the whole file text. */
  /** File-level prefilter: every one of these must match the file's text. */
  requires?: Prefilter;
  /** The ast-grep matcher config, passed to findAll as it is. */
  ast?: { rule: object; constraints?: Record<string, object>; utils?: Record<string, object> };
  /**
   * The rule's plain `regex` constraints on metavariables, checked here on each match's text
   * (see textConstraints) instead of by ast-grep, which would compile them on every call.
   */
  textConstraints?: [string, RegExp][];
  regex?: RegExp;
  notRegex?: RegExp;
  /** Files the rule does not apply to (a regex on the path: tests, for rules about production code). */
  notPath?: RegExp;
  flow?: { value: string; sanitizers?: RegExp; rejects?: string[]; confines?: boolean };
  /** Built-in checks (src/analyzers/code/bounds-c.ts) any of which proves a match harmless: the match is dropped. */
  unless?: string[];
  /** Where the rule was defined, for error messages and the fixture test. */
  pack: string;
}

export class RuleError extends UserError {}

const RULE_KEYS = new Set([
  'id', 'title', 'severity', 'confidence', 'category', 'cwe', 'message', 'fix', 'languages',
  'requires', 'ast', 'constraints', 'utils', 'regex', 'not-regex', 'not-path', 'flags', 'flow', 'unless',
]);
const FLOW_KEYS = new Set(['value', 'sanitizers', 'rejects', 'confines']);
const PACK_KEYS = new Set(['languages', 'rules']);

function str(v: unknown, where: string, key: string, required = true): string | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new RuleError(`${where}: '${key}' must be a non-empty string`);
  return v;
}

/** JavaScript regexes, with Rust/PCRE's leading `(?i)` accepted as the `i` flag. */
function compile(src: string, flags: string, where: string): RegExp {
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    if (!flags.includes('i')) flags += 'i';
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new RuleError(`${where}: bad regex ${JSON.stringify(src)}: ${(e as Error).message}`);
  }
}

export function parsePack(text: string, pack: string): Rule[] {
  return compilePack(parseYaml(text), pack);
}

/** Defines obj[key] to be computed on first read (then kept as a plain property). */
function lazy<T extends object>(obj: T, key: keyof T & string, make: () => unknown): void {
  Object.defineProperty(obj, key, {
    configurable: true, enumerable: true,
    get() { const value = make(); Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true }); return value; },
  });
}

/**
 * Validates and compiles one pack's parsed document (from YAML, or from the build's JSON copy).
 * @param deferred compile regexes and the ast-grep config on first use (the prebuilt packs, which
 * the build has already compiled once: a process that scans Python never pays for the Go rules).
 */
export function compilePack(parsed: unknown, pack: string, deferred = false): Rule[] {
  const doc = parsed as Record<string, unknown>;
  if (!doc || typeof doc !== 'object') throw new RuleError(`${pack}: not a YAML mapping`);
  for (const k of Object.keys(doc)) if (!PACK_KEYS.has(k)) throw new RuleError(`${pack}: unknown key '${k}'`);
  const packLangs = doc.languages as string[] | undefined;
  if (!Array.isArray(doc.rules)) throw new RuleError(`${pack}: 'rules' must be a list`);
  return doc.rules.map((raw: Record<string, unknown>, i: number) => {
    const where = `${pack} rule #${i + 1}${typeof raw?.id === 'string' ? ` (${raw.id})` : ''}`;
    if (!raw || typeof raw !== 'object') throw new RuleError(`${where}: not a mapping`);
    for (const k of Object.keys(raw)) if (!RULE_KEYS.has(k)) throw new RuleError(`${where}: unknown key '${k}'`);
    const severity = raw.severity as Severity;
    if (!SEVERITIES.includes(severity)) throw new RuleError(`${where}: severity must be one of ${SEVERITIES.join(', ')}`);
    const confidence = (raw.confidence ?? 'medium') as Confidence;
    if (!CONFIDENCES.includes(confidence)) throw new RuleError(`${where}: confidence must be one of ${CONFIDENCES.join(', ')}`);
    const category = (raw.category ?? 'vulnerability') as Category;
    if (!CATEGORIES.includes(category)) throw new RuleError(`${where}: category must be one of ${CATEGORIES.join(', ')}`);
    const languages = (raw.languages ?? packLangs) as Language[] | undefined;
    if (!Array.isArray(languages) || languages.length === 0 || languages.some((l) => !LANGUAGES.includes(l)))
      throw new RuleError(`${where}: 'languages' must list some of ${LANGUAGES.join(', ')}`);
    const cwe = str(raw.cwe, where, 'cwe', false);
    if (cwe && !/^CWE-\d+$/.test(cwe)) throw new RuleError(`${where}: cwe must look like CWE-89`);
    const flags = typeof raw.flags === 'string' ? raw.flags : '';
    if (raw.ast === undefined && raw.regex === undefined) throw new RuleError(`${where}: needs 'ast' or 'regex'`);
    if (raw.ast !== undefined && raw.regex !== undefined) throw new RuleError(`${where}: 'ast' and 'regex' exclude each other`);
    if (raw.ast !== undefined && raw.requires === undefined)
      throw new RuleError(`${where}: an 'ast' rule needs 'requires' (a regex prefilter on the file text)`);
    const rule: Rule = {
      id: str(raw.id, where, 'id')!,
      title: str(raw.title, where, 'title')!,
      severity, confidence, category, cwe,
      message: str(raw.message, where, 'message')!,
      fix: str(raw.fix, where, 'fix', false),
      languages,
      pack,
    };
    const f = flags.replace('g', '');
    const fields: [keyof Rule & string, (() => unknown) | undefined][] = [
      ['requires', raw.requires !== undefined ? () => prefilter(raw.requires, f, where) : undefined],
      ['regex', raw.regex !== undefined ? () => compile(str(raw.regex, where, 'regex')!, f, where) : undefined],
      ['notRegex', raw['not-regex'] !== undefined ? () => compile(str(raw['not-regex'], where, 'not-regex')!, f, where) : undefined],
      ['notPath', raw['not-path'] !== undefined ? () => compile(str(raw['not-path'], where, 'not-path')!, '', where) : undefined],
    ];
    if (raw.ast !== undefined) {
      if (typeof raw.ast !== 'object' || raw.ast === null) throw new RuleError(`${where}: 'ast' must be a rule mapping`);
      const { native, text } = textConstraints(raw.constraints, where);
      if (text.length) rule.textConstraints = text;
      fields.push(['ast', () => asciiRegexes({
        rule: raw.ast as object,
        ...(native ? { constraints: native } : {}),
        utils: usedUtils(raw.ast as object, raw.constraints, raw.utils as Record<string, object> | undefined),
      })]);
    }
    if (raw.flow !== undefined) rule.flow = flowOf(raw.flow, raw, languages, where);
    if (raw.unless !== undefined) rule.unless = unlessOf(raw.unless, raw, where);
    for (const [key, make] of fields) {
      if (!make) continue;
      if (deferred) lazy(rule, key, make);
      else (rule as unknown as Record<string, unknown>)[key] = make();
    }
    return rule;
  });
}

/**
 * Splits a rule's constraints: a metavariable constrained by nothing but a regex is checked in
 * JavaScript on the text of each match (compiled once per process); everything else goes to
 * ast-grep. ast-grep compiles a rule's regexes on every call, and a constraint regex costs 40 to
 * 200 µs there (case-insensitive ones the most), which for a file write was most of the code
 * analyzer's time. The result is the same: ast-grep also checks constraints after the rule has
 * matched, on the metavariable's text, and skips metavariables the match did not bind.
 * Only regexes whose meaning is the same in both syntaxes move (a leading `(?i)` becomes the `i`
 * flag; Rust-only constructs stay with ast-grep).
 */
function textConstraints(constraints: unknown, where: string): { native?: Record<string, object>; text: [string, RegExp][] } {
  if (constraints === undefined) return { text: [] };
  if (typeof constraints !== 'object' || constraints === null) throw new RuleError(`${where}: 'constraints' must be a mapping`);
  const native: Record<string, object> = {};
  const text: [string, RegExp][] = [];
  for (const [name, c] of Object.entries(constraints as Record<string, object>)) {
    const re = c && typeof c === 'object' && Object.keys(c).length === 1 ? (c as { regex?: unknown }).regex : undefined;
    const portable = typeof re === 'string' && !/\\[pPAzZhHQEKGX]|\[\[:|\(\?(?![:=!])|&&|--|~~/.test(re.replace(/^\(\?i\)/, ''));
    if (!portable) { native[name] = c; continue; }
    try {
      text.push([name, re.startsWith('(?i)') ? new RegExp(re.slice(4), 'i') : new RegExp(re)]);
    } catch {
      native[name] = c; // not valid JavaScript: ast-grep judges it
    }
  }
  return { native: Object.keys(native).length ? native : undefined, text };
}

/** Whether a match passes the rule's regex constraints (textConstraints) on its metavariables. */
export function passesTextConstraints(rule: Rule, match: { getMatch(name: string): { text(): string } | null }): boolean {
  if (!rule.textConstraints) return true;
  for (const [name, re] of rule.textConstraints) {
    const v = match.getMatch(name);
    if (v && !re.test(v.text())) return false;
  }
  return true;
}

/**
 * The utils a rule really refers to (`matches: name`, from the rule, its constraints or another
 * used util). Packs share one utils block by YAML anchor, and ast-grep compiles every util it is
 * given on every call, so unused ones are left out.
 */
function usedUtils(rule: object, constraints: unknown, utils: Record<string, object> | undefined): Record<string, object> | undefined {
  if (!utils) return undefined;
  const used = new Set<string>();
  const visit = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key === 'matches' && v in utils && !used.has(v)) { used.add(v); visit(utils[v]); }
    } else if (Array.isArray(v)) v.forEach((x) => visit(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(rule);
  visit(constraints);
  return used.size ? Object.fromEntries(Object.entries(utils).filter(([k]) => used.has(k))) : undefined;
}

/** `unless:` names built-in checks of the AST rule's match (bounds-c.ts); an unknown name is an error. */
function unlessOf(raw: unknown, rule: Record<string, unknown>, where: string): string[] {
  if (rule.ast === undefined) throw new RuleError(`${where}: 'unless' needs an 'ast' rule`);
  const names = Array.isArray(raw) ? raw : [raw];
  for (const n of names)
    if (typeof n !== 'string' || !Object.hasOwn(UNLESS, n))
      throw new RuleError(`${where}: 'unless' names one of ${Object.keys(UNLESS).join(', ')}`);
  return names as string[];
}

function flowOf(raw: unknown, rule: Record<string, unknown>, languages: Language[], where: string): NonNullable<Rule['flow']> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new RuleError(`${where}: 'flow' must be a mapping`);
  const f = raw as Record<string, unknown>;
  for (const k of Object.keys(f)) if (!FLOW_KEYS.has(k)) throw new RuleError(`${where}: unknown key 'flow.${k}' (expected ${[...FLOW_KEYS].join(', ')})`);
  if (rule.ast === undefined || languages.some((l) => l !== 'python')) throw new RuleError(`${where}: 'flow' is for Python ast rules only`);
  const value = str(f.value, where, 'flow.value')!;
  if (!/^[A-Z][A-Z0-9_]*$/.test(value) || !JSON.stringify(rule.ast).includes(`$${value}`)) throw new RuleError(`${where}: 'flow.value' must name a metavariable of the pattern (without $)`);
  if (f.rejects !== undefined && (!Array.isArray(f.rejects) || f.rejects.some((x) => typeof x !== 'string' || x === '')))
    throw new RuleError(`${where}: 'flow.rejects' must be a list of non-empty strings`);
  if (f.confines !== undefined && typeof f.confines !== 'boolean') throw new RuleError(`${where}: 'flow.confines' must be true or false`);
  return {
    value,
    sanitizers: f.sanitizers !== undefined ? compile(str(f.sanitizers, where, 'flow.sanitizers')!, '', where) : undefined,
    rejects: f.rejects as string[] | undefined,
    confines: f.confines as boolean | undefined,
  };
}

export interface Prefilter { test(text: string): boolean; source: string; regexes: RegExp[] }

/** `requires`: one regex, or a list of regexes that must all occur in the file. */
function prefilter(raw: unknown, flags: string, where: string): Prefilter {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new RuleError(`${where}: 'requires' must not be an empty list`);
  // (one RegExp per distinct prefilter: rules share many, and a file's results are kept per RegExp)
  const res = list.map((x) => {
    const re = compile(str(x, where, 'requires')!, flags, where);
    const key = `${re.flags}/${re.source}`;
    return SHARED.get(key) ?? (SHARED.set(key, { re, slot: SHARED.size }), SHARED.get(key)!);
  });
  return {
    test: (text) => { for (const { re, slot } of res) if (!seenIn(re, slot, text)) return false; return true; },
    source: res.map((r) => r.re.source).join(' AND '),
    regexes: res.map((r) => r.re),
  };
}
/** One RegExp per distinct prefilter, with its slot in the results below. */
const SHARED = new Map<string, { re: RegExp; slot: number }>();

/**
 * Prefilter results for the file being scanned (rules share many of their `requires` regexes):
 * slot k holds its regex's result when seenAt[k] is the current text's number.
 */
let lastText: string | undefined;
let textNumber = 0;
const seenAt: number[] = [];
const seenResult: boolean[] = [];
function seenIn(re: RegExp, slot: number, text: string): boolean {
  if (text !== lastText) { lastText = text; textNumber++; }
  if (seenAt[slot] === textNumber) return seenResult[slot];
  // (a regex whose words are not in the text cannot match: see literals.ts)
  const r = mayOccur(re, text) && re.test(text);
  seenAt[slot] = textNumber;
  seenResult[slot] = r;
  return r;
}

const ASCII_CLASS: Record<string, string> = {
  w: '[0-9A-Za-z_]', d: '[0-9]', s: '[\\t\\n\\x0B\\f\\r ]',
  W: '[^0-9A-Za-z_]', D: '[^0-9]', S: '[^\\t\\n\\x0B\\f\\r ]',
  // Rust's \b is a Unicode word boundary by default, which costs compile time as well.
  b: '(?-u:\\b)', B: '(?-u:\\B)',
};

/**
 * ast-grep compiles a rule's regexes on every call, and a Unicode `\w`, `\s`, `\d` or `\b` costs
 * about 0.4 ms to compile (twenty times a plain class), which was most of a scan's time. Rule
 * regexes match source code, so their classes are rewritten to the ASCII ones (Rust's regex
 * syntax accepts a class nested in a class, so `[\w.]` stays valid).
 */
export function asciiRegex(re: string): string {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    if (re[i] !== '\\' || i + 1 >= re.length) { out += re[i]; continue; }
    const c = re[++i];
    out += ASCII_CLASS[c] ?? `\\${c}`;
  }
  return out;
}

function asciiRegexes<T>(v: T, key?: string): T {
  if (typeof v === 'string') return (key === 'regex' ? asciiRegex(v) : v) as T;
  if (Array.isArray(v)) return v.map((x) => asciiRegexes(x)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asciiRegexes(x, k)])) as T;
  return v;
}

/** Every `*.yml` file below a folder, sorted for stable output. */
export function packFiles(dir = RULES_DIR): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...packFiles(p));
    else if (name.endsWith('.yml')) out.push(p);
  }
  return out;
}

/** Fixture files of a pack: same folder and base name, any other extension. */
export function fixturesOf(packPath: string): string[] {
  const dir = dirname(packPath);
  const stem = basename(packPath, '.yml');
  return readdirSync(dir)
    .filter((n) => n !== basename(packPath) && extname(n) !== '.yml' && n.slice(0, n.length - extname(n).length) === stem)
    .map((n) => join(dir, n));
}

/**
 * The packs as JSON, written by the build (YAML parsing took most of a short command's start-up).
 * Each entry carries its source's modification time and is used only while that still matches.
 */
export const PREBUILT_PACKS = join(PACKAGE_ROOT, 'dist', 'rules.json');
function prebuiltPacks(): Record<string, { mtimeMs: number; doc: unknown }> | undefined {
  try {
    return JSON.parse(readFileSync(PREBUILT_PACKS, 'utf8')) as Record<string, { mtimeMs: number; doc: unknown }>;
  } catch {
    return undefined;
  }
}

/** What the build writes to PREBUILT_PACKS. */
export function packsAsJson(dir = RULES_DIR): string {
  const out: Record<string, { mtimeMs: number; doc: unknown }> = {};
  for (const file of packFiles(dir)) {
    const pack = file.slice(dir.length + 1);
    const doc = parseYaml(readFileSync(file, 'utf8'));
    compilePack(doc, pack); // a bad rule fails the build, not the first scan that needs it
    out[pack] = { mtimeMs: statSync(file).mtimeMs, doc };
  }
  return JSON.stringify(out);
}

let cache: Rule[] | undefined;
export function loadRules(dir = RULES_DIR): Rule[] {
  if (dir === RULES_DIR && cache) return cache;
  const rules: Rule[] = [];
  const seen = new Set<string>();
  const prebuilt = dir === RULES_DIR ? prebuiltPacks() : undefined;
  for (const file of packFiles(dir)) {
    const pack = file.slice(dir.length + 1);
    const pre = prebuilt?.[pack];
    const packRules = pre && pre.mtimeMs === statSync(file).mtimeMs ? compilePack(pre.doc, pack, true) : parsePack(readFileSync(file, 'utf8'), pack);
    for (const r of packRules) {
      if (seen.has(r.id)) throw new RuleError(`${pack}: duplicate rule id '${r.id}'`);
      seen.add(r.id);
      rules.push(r);
    }
  }
  if (dir === RULES_DIR) {
    cache = rules;
    // (the literal prefilter learns the words of every rule's regexes at once: see literals.ts)
    prefilterProvider(() => rules.flatMap((r) => r.requires?.regexes ?? []));
    prefilterProvider(() => rules.flatMap((r) => (r.regex ? [r.regex] : [])), true);
  }
  return rules;
}
