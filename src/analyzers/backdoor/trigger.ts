/**
 * Trigger × effect (issue 21, item 1): a guard that only a rare, attacker-chosen condition opens
 * (a moment in time, a calendar day, a counter or version threshold, a magic request/identity/env
 * value, a suffix or length test on an identity, a marker file, a remote kill switch) AND a guarded
 * block that does harm (deletes, turns a check off, grants a role, moves money, sends data out,
 * runs a command, or says yes from a function that decides). Either half alone is ordinary code:
 * licence banners, date-windowed feature flags and retention jobs with configured periods are not
 * findings, and the same condition guarding a log line is not one either.
 * Fixtures: src/analyzers/fixtures/backdoor.trigger.*
 */
import type { Finding } from '../../engine/types.ts';
import { type SourceFile, finding } from '../source.ts';
import { occurs } from '../literals.ts';
import {
  STRING_LITERAL,
  bodiesOf,
  expand,
  expandedGuards,
  zeroedSettings,
  type Guard,
  type Structure,
} from './structure.ts';
import {
  ALL_GRANTED,
  DECIDER,
  DENIER,
  EFFECTS,
  GRANT,
  MOMENT,
  MOMENT_G,
  PERMISSION_FN,
  REFUSAL_LIFTED,
  SUCCESS,
  TIME_WORD,
  literals,
  triggerOf,
  type Trigger,
} from './vocabulary.ts';

export function triggerEffects(file: SourceFile, s: Structure): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const g of expandedGuards(s)) {
    if (seen.has(g.line)) continue;
    // (a helper's constants are read too: `return now() > SUPPORT_END` with `SUPPORT_END = 1811808000L`)
    const helpers = helpersOf(g.condition, s);
    // (the helpers those call are read only when the first do not make a trigger: a condition's own helper
    // is judged as it is, short)
    const deeper = () => {
      const more = helpersOf(g.condition, s, true);
      return more === helpers
        ? undefined
        : triggerOf(g.condition, g.expanded, expand(more, s.values), s.text, s.values);
    };
    const t =
      triggerOf(g.condition, g.expanded, helpers && expand(helpers, s.values), s.text, s.values) ??
      (helpers ? deeper() : undefined);
    if (!t) continue;
    const effect = effectOf(g, t, s);
    if (!effect) continue;
    seen.add(g.line);
    out.push(
      finding(file, {
        ruleId: 'backdoor.trigger-effect',
        title: 'Harmful code behind a rare trigger',
        severity: 'high',
        confidence: 'medium',
        category: 'backdoor',
        cwe: 'CWE-511',
        line: g.line + 1,
        column: 1,
        snippet: file.lines[g.line].trim(),
        message: `Only a rare, chosen condition (${describe(t)}) opens code that ${effect}: the shape of a logic bomb or a hidden trigger.`,
        fix: 'Remove the trigger; if the behaviour is meant, make it explicit configuration that is reviewed and documented.',
      }),
    );
  }
  return out;
}

function describe(t: Trigger): string {
  switch (t.kind) {
    case 'date':
      return 'a date or time past a constant';
    case 'calendar':
      return 'one calendar day or hour';
    case 'counter':
      return 'a counter or version threshold';
    case 'marker-file':
      return 'a marker file';
    case 'remote-switch':
      return 'one answer from a remote server';
    case 'length':
      return 'the length of an identity or secret';
    case 'identity-suffix':
      return 'a prefix or suffix of a request or identity value';
    case 'account':
      return 'whether one named account exists';
    default:
      return 'a magic request, identity or environment value';
  }
}

/** The text of the file's own functions a condition calls (a trigger kept in a helper: `if expired():`). */
function helpersOf(condition: string, s: Structure, deep = false): string {
  const out: string[] = [];
  // (a shell condition calls its function by a bare name: `if ! owners_present; then`)
  const calls = /^\s*!?\s*[A-Za-z_]\w*\s*$/.test(condition) ? /([A-Za-z_]\w*)/g : /([A-Za-z_]\w*)\s*\(/g;
  for (const m of condition.matchAll(calls)) {
    const body = s.bodies.get(m[1]);
    if (body && body.length < 2000 && !out.includes(body)) out.push(body);
  }
  // (and the helpers those call, one level more: `if self.is_expired(meta)` whose body asks
  // `self.predates_schema(meta)`, where the date is; at most 4000 characters in all)
  if (!deep) return out.join('\n');
  let size = out.reduce((n, b) => n + b.length, 0);
  for (const body of [...out])
    for (const m of body.slice(body.indexOf('\n') + 1).matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
      const inner = s.bodies.get(m[1]);
      if (!inner || out.includes(inner) || size + inner.length > 4000) continue;
      out.push(inner);
      size += inner.length;
    }
  return out.join('\n');
}

/** What the guarded code does that matters, or undefined when it only logs, warns or does ordinary work. */
function effectOf(g: Guard, t: Trigger, s: Structure): string | undefined {
  const bodies = [g.bodyText, g.leaves ? g.after : '', g.elseText].filter(Boolean);
  for (const raw of bodies) {
    let body = stripComments(raw);
    // (a value chosen by the condition is judged by what the names it picks hold)
    if (g.ternary) body = expand(body, s.values);
    // A cleaner that deletes the very path it tested is housekeeping, not a trigger.
    if (t.kind === 'marker-file' && literals(g.condition).some((p) => p.length > 1 && body.includes(p))) continue;
    // (a plain word compared opens harm only when it hands out a role: `user == "factory"` → admin)
    if (t.weak) {
      if (!t.deletesOnly && GRANT.test(body)) return 'grants a role or privilege';
      // (one person or one machine name that deletes data when it is, or is not, there)
      if (t.identity && EFFECTS[0][1].test(body)) return EFFECTS[0][0];
      continue;
    }
    for (const [what, re] of EFFECTS) if (re.test(body)) return what;
    // Saying yes counts from a function that decides, or after a test of an outsider's value.
    if (SUCCESS.test(body) && (t.input || DECIDER.test(g.fn)))
      return 'lets the caller through (says yes without the check)';
    if (ALL_GRANTED.test(body) && PERMISSION_FN.test(g.fn)) return 'hands out every permission';
    if (REFUSAL_LIFTED.test(body) && DENIER.test(g.fn)) return 'lifts a refusal (a lockout or block check says no)';
    // A fixed moment that picks a number (a window, a limit, an amount) changes what the code does from then on.
    if (g.ternary && !t.input && /(?:^|\n)\s*-?\d+(?:\.\d+)?\s*(?:\n|$)/.test(raw))
      return 'switches a number (a window, a limit or an amount)';
    // The harm may sit in a helper of this file that the guarded code calls.
    for (const m of body.matchAll(/([A-Za-z_]\w*)\s*\(|^\s*([A-Za-z_][\w-]*)\s*$/gm)) {
      const name = m[1] ?? m[2];
      const helper = s.bodies.get(name);
      if (!helper || name === g.fn) continue;
      const inner = stripComments(helper);
      for (const [what, re] of EFFECTS) if (re.test(inner)) return `${what} (in ${name})`;
    }
  }
  // (a setting zeroed by the trigger and then used by what follows: `retentionDays = 0` above a delete of
  // everything older than that many days; the deletion is the harm, the guard only picks its size)
  const zeroed = zeroedSettings(g.bodyText);
  if (zeroed.length && !g.ternary) {
    const after = stripComments(g.after);
    const uses = after.split('\n').filter((l) => zeroed.some((v) => new RegExp(`\\b${v}\\b`).test(l)));
    if (uses.some((l) => EFFECTS[0][1].test(l) || STORE_DELETE.test(l)))
      return `deletes or wipes data (${zeroed[0]} set by the trigger)`;
    // (a setting the trigger zeroes may be read by another function of the file: a test of it there that
    // opens a deletion on the next lines, `if [[ "$RETAIN_DAYS" -eq 0 ]]; then find … -delete`)
    const text = s.text.split('\n');
    for (const [k, l] of text.entries())
      if (
        zeroed.some((v) => new RegExp(`\\b${v}\\b`).test(l)) &&
        /\b(?:if|elif|when|unless)\b|\?/.test(l) &&
        text.slice(k, k + 3).some((t) => EFFECTS[0][1].test(t) || STORE_DELETE.test(t))
      )
        return `deletes or wipes data (${zeroed[0]} set by the trigger, read at line ${k + 1})`;
  }
  // (a machine's own name or environment is no outsider's request: its helper's answer is followed to the
  // caller; a plain word tested on it counts, as in the block itself, only when what follows deletes)
  const machine = MACHINE.test(g.condition + helpersOf(g.condition, s) + g.expanded);
  if ((t.weak && !t.identity && !machine) || (t.input && !machine)) return undefined;
  const caller = callerEffect(g, s, t);
  return t.weak && caller && !caller.startsWith('deletes') ? undefined : caller;
}

/** Where a machine's own identity is read: its environment, its host name, its user. */
const MACHINE =
  /\b(?:getenv|Getenv|environ|ENV|env::var|process\.env|GetEnvironmentVariable|hostname|gethostname|MachineName|getuser|whoami)\b/;

/** A function's answer switched to a constant (`return 0`, `return true`, `return nil`) by the trigger. */
const CONSTANT_ANSWER =
  /^\s*[{(]?\s*return\s+(?:-?\d+(?:\.\d+)?|true|false|True|False|nil|None|null|0L?|""|'')\s*;?\s*[})]?\s*$/;

/** Where each name stands before `(` in a structure's text (offsets of the name), found in one pass. */
const callIndex = new WeakMap<Structure, Map<string, number[]>>();

/**
 * The calls of `name` (`name(`, `obj.name(`, `Mod::name(`, `p->name(`), as a regex over the whole
 * text finds them, but read only on the lines where the name stands before a bracket: one such regex
 * per helper over the whole text took 4.4 s for 3,000 helpers in 268 KB.
 */
function* callsOf(s: Structure, name: string): Generator<RegExpMatchArray> {
  let index = callIndex.get(s);
  if (!index) {
    index = new Map();
    for (const m of s.text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const at = index.get(m[1]) ?? [];
      at.push(m.index ?? 0);
      index.set(m[1], at);
    }
    callIndex.set(s, index);
  }
  const re = new RegExp(`(?<![\\w.])(?:\\w+(?:\\.|::|->))?${name}\\s*\\(`, 'g');
  let done = 0;
  for (const q of index.get(name) ?? []) {
    // (a call starts on the line of its name: that line, up to past this bracket, is read once)
    if (q < done) continue;
    const start = s.text.lastIndexOf('\n', q) + 1;
    const end = s.text.indexOf('(', q) + 1;
    const from = Math.max(start, done);
    for (const m of s.text.slice(from, end).matchAll(re)) {
      m.index = (m.index ?? 0) + from;
      yield m;
    }
    done = end;
  }
}

/**
 * A trigger in a helper that only switches the helper's answer (`if age > 180 days { return 0 }`):
 * the harm is in the caller that acts on it (keeps 0 snapshots: deletes them all). The lines after
 * each call of the helper in the file are judged (a dozen lines, at most four calls).
 */
function callerEffect(g: Guard, s: Structure, t?: Trigger): string | undefined {
  const body = stripComments(g.bodyText);
  // (or, from a date trigger, a moment moved: `return now.plus(Duration.ofDays(1))` as a retention cutoff,
  // which the caller's purge then reads as "delete everything older than tomorrow")
  // (…or assigned to the name the function then returns: `cutoff = now.Add(time.Minute)` above `return cutoff`)
  const assigned = MOVED_ASSIGN.exec(body);
  const moved =
    t?.kind === 'date' &&
    (MOVED_MOMENT.test(body) ||
      (!!assigned &&
        new RegExp(`^\\s*return\\s+${assigned[1]}\\b`, 'm').test(`${g.after}\n${s.bodies.get(g.fn) ?? ''}`)));
  if (!g.fn || g.fn.length < 3 || !(CONSTANT_ANSWER.test(body) || moved)) return undefined;
  const name = g.fn.replace(/^.*(?:\.|::)/, '');
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const calls = callsOf(s, name);
  let n = 0;
  for (const m of calls) {
    const at = m.index ?? 0;
    const lineStart = s.text.lastIndexOf('\n', at) + 1;
    // (the definition is not a call)
    if (DEFINES.test(s.text.slice(lineStart, at))) continue;
    if (++n > 4) break;
    const after = stripComments(blockFrom(s.text, lineStart, at));
    for (const [what, re] of EFFECTS) if (re.test(after)) return `${what} (in the caller of ${name})`;
    // (what the caller does with the answer: deletes through a store, `st.Delete(id)`)
    if (STORE_DELETE.test(after)) return `deletes or wipes data (in the caller of ${name})`;
  }
  return undefined;
}
/** A moment moved from now (`now.plus(…)`, `now + timedelta(…)`, `time.Now().Add(…)`) to the end of its line. */
const MOVED_FROM_NOW = String.raw`\b(?:now|Now|time|Date|Instant|clock|today|utcnow)\b[^;\n]*(?:\bplus\w*\(|\+|\badd\w*\(|\bAdd\w*\(|timedelta)[^;\n]*;?\s*[})]?\s*$`;
const MOVED_MOMENT = new RegExp(String.raw`^\s*[{(]?\s*return\s+[^;\n]*` + MOVED_FROM_NOW);
const MOVED_ASSIGN = new RegExp(
  String.raw`^\s*[{(]?\s*(?:\$|this\.|self\.)?([A-Za-z_]\w*)\s*:?=\s*[^;\n=]*` + MOVED_FROM_NOW,
);
/** The call's line and the lines after it in the same block (deeper or equal indent), at most a dozen. */
function blockFrom(text: string, lineStart: number, at: number): string {
  const indent = (l: string) => l.length - l.trimStart().length;
  const first = text.slice(lineStart, text.indexOf('\n', at) < 0 ? undefined : text.indexOf('\n', at));
  const base = indent(first);
  // (the whole line of the call: `events.deleteAllByCreatedBefore(cutoff())` gives the answer to a delete)
  const out = [text.slice(lineStart, lineStart + first.length)];
  let pos = lineStart + first.length + 1;
  for (let k = 0; k < 12 && pos < text.length; k++) {
    const nl = text.indexOf('\n', pos);
    const l = text.slice(pos, nl < 0 ? undefined : nl);
    if (l.trim() && indent(l) < base) break;
    out.push(l);
    if (nl < 0) break;
    pos = nl + 1;
  }
  return out.join('\n');
}
const STORE_DELETE = /\.\s*(?:[Dd]elete|[Rr]emove|[Dd]estroy|[Pp]urge|[Dd]rop)\w*\s*\(/;
const DEFINES =
  /\b(?:def|function|func|fn|sub|void|int|bool|boolean|long|size_t|static|public|private|protected)\b[^=\n]*$|\)\s*$/;

/** Comments out (a warning that mentions `rm -rf` does not delete anything). */
export function stripComments(text: string): string {
  return text.replace(/(?:^|\s)(?:\/\/|#(?![!\[{])).*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

/**
 * A moment past a constant worked out as a value (returned, assigned, put into a struct or a factor:
 * `return Policy{seq, now() >= kDeadline}`, `(now.year - 2027).clamp(0, 1)`) rather than tested by an
 * `if`, in a file that deletes or wipes data: the date picks what a later deletion does, two functions
 * away from it, where no guard holds both. A moment alone (a licence's expiry shown to the user) or a
 * deletion alone (a retention job's own cutoff, `now - days * 86400`) is not one.
 */
export function momentFeedsDeletion(file: SourceFile, values: Map<string, string>): Finding[] {
  if (!occurs(TIME_WORD, file.text)) return [];
  const lines = new Set(file.matchingLines(MOMENT_G));
  // (the constant may be kept under a name: `kFormatV2Deadline = 1811808000`)
  const held = [...values].filter(([n, v]) => MOMENT_CONSTANT.test(v) && /^[A-Za-z_]\w*$/.test(n)).map(([n]) => n);
  if (held.length)
    for (const i of file.matchingLines(new RegExp(`\\b(?:${held.slice(0, 50).join('|')})\\b`, 'g'))) lines.add(i);
  const found: number[] = [];
  for (const i of lines) {
    const l = file.lines[i];
    if (l.length > 400 || GUARD_START.test(l) || /^\s*(?:#|\/\/|\*|\/\*)/.test(l)) continue;
    const code = l.replace(STRING_LITERAL, (q) => (MOMENT.test(q) ? q : '""'));
    if (!TIME_WORD.test(code) || !(COMPARED_MOMENT.test(code) || YEAR_ARITHMETIC.test(code))) continue;
    if (!MOMENT.test(expand(code, values))) continue;
    found.push(i);
  }
  if (!found.length || !EFFECTS[0][1].test(stripComments(file.text))) return [];
  return found.map((i) =>
    finding(file, {
      ruleId: 'backdoor.trigger-effect',
      title: 'A fixed moment decides what a deletion does',
      severity: 'medium',
      confidence: 'low',
      category: 'backdoor',
      cwe: 'CWE-511',
      line: i + 1,
      column: 1,
      snippet: file.lines[i].trim(),
      message:
        'A value here turns on the clock passing a constant moment, in a file that deletes or wipes data: ' +
        'the shape of a time bomb whose trigger and harm sit in different functions.',
      fix: 'Make the moment explicit, reviewed configuration, or remove it; check what the value switches.',
    }),
  );
}
/** A name holding nothing but a moment (an epoch, a year, a date). */
const MOMENT_CONSTANT = new RegExp(`^\\s*(?:[\\w:.<>]+\\s*\\(\\s*)?(?:${MOMENT.source})\\s*\\)?\\s*;?\\s*$`);
const GUARD_START = /^\s*(?:\}\s*)?(?:if|elif|elsif|else\s+if|while|unless|until|when|case)\b|^\s*\[\[?\s/;
/** A comparison of the clock with the moment (spaced operators: not `->`, `=>` or a generic's brackets). */
const COMPARED_MOMENT = /\s(?:<|>|<=|>=)\s|\.(?:after|before|isAfter|isBefore|compareTo|Sub)\s*\(/;
/** The year's distance to a constant year, worked into a number: `(now.year - 2027).clamp(0, 1)`. */
const YEAR_ARITHMETIC = /[Yy]ear\w*\)?\s*-\s*20[2-9]\d\b/;

/**
 * A table keyed by years or dates (`STRATEGIES[$year] ?? 'resetLedger'`, `plans.get(year, "wipe")`) whose
 * default names a function of the file that wipes data: the years written in the table run out, and
 * from then on every run takes the default. The date is the trigger, the table its disguise.
 */
const DEFAULT_PICK =
  /([\w$:>.-]+)\s*\[\s*([^\]\n]+)\]\s*(?:\?\?|\|\||\?:|\bor\b)\s*(?:['"]([A-Za-z_]\w*)['"]|:([A-Za-z_]\w*))|([\w$.]+)\.(?:get|fetch|getOrDefault|GetValueOrDefault)\s*\(\s*([^,\n]+),\s*(?:['"]([A-Za-z_]\w*)['"]|:([A-Za-z_]\w*))\s*\)/g;
/** A helper's text without the next definition that bodiesOf's last line may be (`def purge(…)` after it). */
function ownBody(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  const lines = body.split('\n');
  const base = lines[0].length - lines[0].trimStart().length;
  const last = lines[lines.length - 1];
  if (lines.length > 1 && last.length - last.trimStart().length <= base && !/^\s*(?:[})\]]|end\b)/.test(last))
    lines.pop();
  return lines.join('\n');
}
const PICK_HINT =
  /(?:\?\?|\|\||\?:|\bor)\s*(?:['"][A-Za-z_]\w*['"]|:[A-Za-z_])|\.(?:get|fetch|getOrDefault|GetValueOrDefault)\s*\([^,\n]{1,80},\s*(?:['"][A-Za-z_]\w*['"]|:[A-Za-z_]\w*)\s*\)/g;
export function dateTableDefaults(file: SourceFile): Finding[] {
  if (!occurs(TIME_WORD, file.text)) return [];
  const out: Finding[] = [];
  let bodies: ReturnType<typeof bodiesOf> | undefined;
  // (the lines are found by the fallback, which starts with an operator or a method name; the table's
  // name before its bracket is read on those lines only)
  for (const i of file.matchingLines(PICK_HINT)) {
    const l = file.lines[i];
    if (l.length > 400) continue;
    for (const m of l.matchAll(DEFAULT_PICK)) {
      const table = (m[1] ?? m[5]).split(/::|->|\./).pop()!;
      const key = m[2] ?? m[6];
      // (a name in quotes, or a Ruby symbol: `PLANS.fetch(year, :purge)`)
      const fallback = m[3] ?? m[4] ?? m[7] ?? m[8];
      // (keyed by a date: the key reads the clock or a year, or the table's own keys are years)
      const at = file.lines.findIndex((t) => new RegExp(`\\b${table.replace(/\$/g, '\\$')}\\s*(?:=|:)`).test(t));
      const keys = at >= 0 ? file.lines.slice(at, at + 12).join('\n') : '';
      if (!TIME_WORD.test(key) && !/\b20[2-9]\d\s*(?:=>|:|,)/.test(keys)) continue;
      const body = ownBody((bodies ??= bodiesOf(file)).get(fallback));
      if (!body || !EFFECTS[0][1].test(stripComments(body))) continue;
      out.push(
        finding(file, {
          ruleId: 'backdoor.trigger-effect',
          title: 'A date table whose default wipes data',
          severity: 'high',
          confidence: 'medium',
          category: 'backdoor',
          cwe: 'CWE-511',
          line: i + 1,
          column: 1,
          snippet: l.trim(),
          message: `A table keyed by years or dates falls back to ${fallback}, which deletes or wipes data: once the dates written in the table run out, every run takes it (a time bomb).`,
          fix: 'Make a missing year an error (or a reviewed, explicit entry), never a destructive default.',
        }),
      );
      break;
    }
  }
  return out;
}
