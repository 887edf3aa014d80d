/**
 * Intra-procedural value flow for Python: decides whether the value reaching a sink can carry
 * data from outside the function, or is provably a constant or sanitised.
 *
 * A rule opts in with `flow` (see src/rules/loader.ts). Its AST pattern finds the sink as usual;
 * then the function holding the sink is interpreted abstractly from its first statement:
 * constants are folded (arithmetic, comparisons, `in`, indexing and slicing, list and dict
 * updates, `match` on a constant, conditional expressions), a branch whose condition is a known
 * constant is the only one taken, other branches and loops are joined. Each value is one of
 *
 *   const   a known Python constant (string, number, bool, None, or a list/dict of values)
 *   clean   not a known constant, but nothing from outside reaches it (a sanitiser's result,
 *           a module constant, a join of constants)
 *   unknown a parameter, a free variable, the result of a call not known to be pure (it may read
 *           a file, the environment or the network), a module's lower-case attribute
 *           (os.environ), a module constant rebound elsewhere, a list handed to another name or
 *           function, anything not understood
 *   taint   request data (flask `request.*`, `input()`, `sys.argv`)
 *
 * A finding is dropped only when the sink's value is const or clean (or the sink is unreachable
 * under constant conditions); unknown keeps it, so code the interpreter does not understand is
 * reported exactly as without flow. Checks that end the path (`if "'" in v: return`, or
 * `if not str(p).startswith(base): return`) clean `v` for rules that name them.
 */
import type { Rule } from '../../rules/loader.ts';

export type Flow = NonNullable<Rule['flow']>;

interface Node {
  id(): number;
  kind(): string;
  text(): string;
  isNamed(): boolean;
  children(): Node[];
  field(name: string): Node | null;
  fieldChildren(name: string): Node[];
  parent(): Node | null;
  range(): { start: { index: number }; end: { index: number } };
}

type Scalar = string | number | boolean | null;
type Value =
  | { t: 'const'; v: Scalar }
  | { t: 'list'; items: Value[] }
  | { t: 'dict'; entries: Map<string, Value> }
  | { t: 'clean' | 'unknown' | 'taint' };

/** Statements interpreted per finding before giving up (keeping the finding). */
const MAX_STEPS = 5_000;
/** Statements interpreted per file, over all its findings. */
const MAX_FILE_STEPS = 200_000;
const CLEAN: Value = { t: 'clean' };
const UNKNOWN: Value = { t: 'unknown' };
const TAINT: Value = { t: 'taint' };
const LEVELS = [CLEAN, CLEAN, UNKNOWN, TAINT];

/** 0 const, 1 clean, 2 unknown, 3 taint; containers are as bad as their worst item. */
function level(v: Value): number {
  switch (v.t) {
    case 'const':
      return 0;
    case 'clean':
      return 1;
    case 'unknown':
      return 2;
    case 'taint':
      return 3;
    case 'list':
      return v.items.reduce((m, x) => Math.max(m, level(x)), 0);
    case 'dict':
      return [...v.entries.values()].reduce((m, x) => Math.max(m, level(x)), 0);
  }
}
const worst = (vs: Value[]): Value => LEVELS[vs.reduce((m, v) => Math.max(m, level(v)), 1)];

function same(a: Value, b: Value): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'const') return a.v === (b as typeof a).v;
  if (a.t === 'list')
    return (
      a.items.length === (b as typeof a).items.length && a.items.every((x, i) => same(x, (b as typeof a).items[i]))
    );
  if (a.t === 'dict') return false;
  return true;
}

function join(a: Value, b: Value): Value {
  if (same(a, b)) return a;
  if (a.t === 'list' && b.t === 'list' && a.items.length === b.items.length)
    return { t: 'list', items: a.items.map((x, i) => join(x, b.items[i])) };
  return LEVELS[Math.max(level(a), level(b), 1)];
}

type Env = { vars: Map<string, Value>; dead: boolean };
const copy = (e: Env): Env => ({ vars: new Map(e.vars), dead: e.dead });
function joinEnv(a: Env, b: Env): Env {
  if (a.dead) return copy(b);
  if (b.dead) return copy(a);
  const vars = new Map(a.vars);
  for (const [k, v] of b.vars) vars.set(k, vars.has(k) ? join(vars.get(k)!, v) : v);
  return { vars, dead: false };
}

const SOURCE = /^(?:flask\.)?request\b|^(?:input|raw_input)$|^sys\.argv\b/;
const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;
/** Calls whose result carries no text of their arguments. */
const OPAQUE = /^(?:int|float|bool|len|abs|round|hash|id|isinstance|callable|ord)$/;
/**
 * Calls whose result is made only of their arguments (and receiver). Any other call may return
 * outside data (a file, the environment, a socket, a database), so its result is at least unknown.
 */
const PURE_FUNCTION =
  /^(?:str|repr|format|ascii|chr|hex|oct|bin|bytes|bytearray|list|tuple|set|frozenset|dict|sorted|reversed|min|max|sum|enumerate|zip|range|(?:base64|binascii|html|json|shlex|codecs|hashlib|string|textwrap|posixpath|ntpath|os\.path|urllib\.parse|re)\.\w+)$/;
const PURE_METHOD =
  /^(?:lower|upper|strip|lstrip|rstrip|replace|split|rsplit|splitlines|join|format|encode|decode|title|capitalize|casefold|swapcase|startswith|endswith|find|rfind|index|rindex|count|partition|rpartition|zfill|ljust|rjust|center|expandtabs|translate|removeprefix|removesuffix|get|keys|values|items|copy|hexdigest|digest)$/;
/** Constructors of empty containers: what they hold is what is put in. */
const FRESH =
  /^(?:(?:configparser\.)?(?:Raw|Safe)?ConfigParser|(?:io\.)?(?:StringIO|BytesIO)|(?:collections\.)?(?:OrderedDict|defaultdict|deque|Counter))$/;

function unescape(raw: string): string {
  return raw.replace(
    /\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([\\'"abfnrtv0]))/g,
    (_m, x?: string, u?: string, c?: string) =>
      x
        ? String.fromCharCode(parseInt(x, 16))
        : u
          ? String.fromCharCode(parseInt(u, 16))
          : (({ n: '\n', t: '\t', r: '\r', 0: '\0', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[
              c!
            ] ?? c!),
  );
}

const str = (v: Value): string | undefined => (v.t === 'const' && typeof v.v === 'string' ? v.v : undefined);
const num = (v: Value): number | undefined =>
  v.t === 'const' && (typeof v.v === 'number' || typeof v.v === 'boolean') ? Number(v.v) : undefined;
function truth(v: Value): boolean | undefined {
  if (v.t === 'const') return !!v.v && v.v !== '';
  if (v.t === 'list') return v.items.length > 0;
  return undefined;
}
function display(v: Value): string | undefined {
  if (v.t !== 'const') return undefined;
  return v.v === null ? 'None' : typeof v.v === 'boolean' ? (v.v ? 'True' : 'False') : String(v.v);
}
const key = (v: Value): string | undefined => (v.t === 'const' ? `${typeof v.v}:${String(v.v)}` : undefined);
/** Python's index: negative ones count from the end. */
const at = (i: number, length: number): number => (i < 0 ? length + i : i);
/** Environments joined; nothing (a dead path) when there are none. */
const joinAll = (envs: Env[]): Env => envs.reduce((a, b) => joinEnv(a, b), { vars: new Map(), dead: true } as Env);

class Interpreter {
  /** Names bound by imports: their methods do not store what they are given. */
  private readonly modules = new Set<string>();
  private seen: Value | undefined;
  private reached = false;
  private done = false;
  private loops = 0;
  private steps = 0;
  get stepsTaken(): number {
    return this.steps;
  }
  /** The innermost block holding the sink: statements whose nested blocks hold it are not its own. */
  private readonly sinkBlock: Node | null;
  constructor(
    private readonly sink: Node,
    private flow: Flow,
    private readonly rebound: Set<string>,
  ) {
    let b = sink.parent();
    while (b && b.kind() !== 'block') b = b.parent();
    this.sinkBlock = b;
  }

  private inSink(n: Node): boolean {
    const a = n.range(),
      s = this.sink.range();
    return a.start.index <= s.start.index && s.end.index <= a.end.index;
  }

  /** The value at the sink: undefined when the sink is never reached. */
  run(fn: Node, scopes: ScopeCache): Value | undefined {
    // Names imported or defined by the module and the enclosing functions are code, not data;
    // the same for every function under the same parent, so computed once per file (without
    // this rule's sanitisers, which can only make the values worse).
    const outer = fn.parent();
    const key = outer ? outer.id() : -1;
    let seed = scopes.get(key);
    if (!seed) {
      const flow = this.flow;
      this.flow = { value: flow.value };
      const env: Env = { vars: new Map(), dead: false };
      for (let scope = outer; scope; scope = scope.parent()) {
        if (scope.kind() !== 'module' && scope.kind() !== 'block') continue;
        for (const s of scope.children()) {
          if (
            /^(?:import_statement|import_from_statement|function_definition|class_definition|decorated_definition)$/.test(
              s.kind(),
            )
          )
            this.stmt(s, env);
          // Module constants: `NAME = expr` at the top level.
          else if (
            scope.kind() === 'module' &&
            s.kind() === 'expression_statement' &&
            s.children()[0]?.kind() === 'assignment' &&
            s.children()[0].field('left')?.kind() === 'identifier'
          )
            this.stmt(s, env);
        }
      }
      for (const n of this.rebound) if (env.vars.has(n) && !this.modules.has(n)) env.vars.set(n, UNKNOWN);
      scopes.set(key, (seed = { vars: env.vars, modules: new Set(this.modules) }));
      this.flow = flow;
    }
    const env: Env = { vars: new Map(seed.vars), dead: false };
    for (const m of seed.modules) this.modules.add(m);
    for (const p of fn.field('parameters')?.children() ?? []) {
      const name =
        p.kind() === 'identifier' ? p : (p.field('name') ?? p.children().find((c) => c.kind() === 'identifier'));
      if (name && name.kind() === 'identifier') env.vars.set(name.text(), UNKNOWN);
    }
    const body = fn.field('body');
    if (body) this.block(body, env);
    return this.reached ? this.seen : undefined;
  }

  private block(b: Node, env: Env): Env {
    for (const s of b.children()) {
      if (env.dead || this.done) break;
      if (s.isNamed()) env = this.stmt(s, env);
    }
    return env;
  }

  /** Before the statement that holds the sink (in its header, not a nested block), the sink's value. */
  private check(s: Node, env: Env): void {
    if (env.dead || !this.inSink(s)) return;
    const b = this.sinkBlock?.range(),
      r = s.range();
    // (A block holding one statement has that statement's range: then the statement is the block's.)
    if (
      b &&
      r.start.index <= b.start.index &&
      b.end.index <= r.end.index &&
      (r.start.index !== b.start.index || r.end.index !== b.end.index)
    )
      return;
    const v = this.expr(this.sink, copy(env));
    this.seen = this.seen ? join(this.seen, v) : v;
    this.reached = true;
    // Outside loops nothing after the sink can change what reached it.
    if (this.loops === 0) this.done = true;
  }

  private stmt(s: Node, env: Env): Env {
    // Nested loops are walked twice per level: a budget keeps pathological code from taking long
    // (over it, the analysis gives up and the finding stays).
    if (++this.steps > MAX_STEPS) throw new Error('flow analysis budget exceeded');
    this.check(s, env);
    switch (s.kind()) {
      case 'expression_statement':
        for (const c of s.children()) if (c.isNamed()) this.effect(c, env);
        return env;
      case 'return_statement':
      case 'raise_statement':
        for (const c of s.children()) if (c.isNamed()) this.expr(c, env);
        return { vars: env.vars, dead: true };
      case 'if_statement':
        return this.ifStmt(s, env);
      case 'match_statement':
        return this.matchStmt(s, env);
      case 'for_statement':
      case 'while_statement':
        return this.loop(s, env);
      case 'try_statement':
        return this.tryStmt(s, env);
      case 'with_statement': {
        for (const item of s.field('with_clause')?.children() ??
          s
            .children()
            .filter((c) => c.kind() === 'with_clause')
            .flatMap((c) => c.children())) {
          if (item.kind() !== 'with_item') continue;
          const v = item.field('value');
          if (v?.kind() === 'as_pattern') {
            const val = this.expr(v.children()[0], env);
            const target = v
              .children()
              .find((c) => c.kind() === 'as_pattern_target')
              ?.children()[0];
            if (target) this.assign(target, LEVELS[Math.max(level(val), 1)], env);
          } else if (v) this.expr(v, env);
        }
        const body = s.field('body');
        return body ? this.block(body, env) : env;
      }
      case 'import_statement':
      case 'import_from_statement': {
        for (const c of s.children()) {
          if (c.kind() === 'dotted_name' || c.kind() === 'aliased_import') {
            const alias = c.kind() === 'aliased_import' ? c.field('alias') : c.children()[0];
            // (`from flask import request` imports the source itself.)
            if (
              alias &&
              !SOURCE.test(alias.text()) &&
              c.range().start.index !== s.field('module_name')?.range().start.index
            ) {
              env.vars.set(alias.text(), CLEAN);
              this.modules.add(alias.text());
            }
          }
        }
        return env;
      }
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition': {
        const name = (s.kind() === 'decorated_definition' ? s.field('definition') : s)?.field('name');
        if (name) env.vars.set(name.text(), CLEAN);
        return env;
      }
      default:
        return env; // pass, break, continue, global, assert, del…: no effect on values
    }
  }

  private ifStmt(s: Node, env: Env): Env {
    let rest: Env | undefined = env;
    const exits: Env[] = [];
    const arms: [Node | null, Node | null][] = [[s.field('condition'), s.field('consequence')]];
    for (const alt of s.fieldChildren('alternative')) {
      if (alt.kind() === 'elif_clause') arms.push([alt.field('condition'), alt.field('consequence')]);
      else arms.push([null, alt.field('body')]);
    }
    let hasElse = false;
    for (const [cond, body] of arms) {
      if (!rest || rest.dead) break;
      if (!cond) {
        hasElse = true;
        if (body) exits.push(this.block(body, copy(rest)));
        rest = undefined;
        break;
      }
      const t = truth(this.expr(cond, rest));
      if (t === true) {
        if (body) exits.push(this.block(body, this.refine(cond, true, copy(rest))));
        rest = undefined;
        break;
      }
      if (t === undefined && body) exits.push(this.block(body, this.refine(cond, true, copy(rest))));
      rest = this.refine(cond, false, copy(rest));
    }
    if (rest && !hasElse) exits.push(rest);
    return joinAll(exits);
  }

  /** Narrowing by a check that the rule names: `"'" in v` false, or `v.startswith(...)` true. */
  private refine(cond: Node, holds: boolean, env: Env): Env {
    const c = cond.kind() === 'parenthesized_expression' ? (cond.children().find((x) => x.isNamed()) ?? cond) : cond;
    if (c.kind() === 'not_operator') {
      const arg = c.field('argument');
      return arg ? this.refine(arg, !holds, env) : env;
    }
    if (c.kind() === 'boolean_operator') {
      const op = c
        .children()
        .find((x) => !x.isNamed())
        ?.text();
      const l = c.field('left'),
        r = c.field('right');
      // A and B true: both hold; A or B false: both are false.
      if (l && r && ((op === 'and' && holds) || (op === 'or' && !holds)))
        return this.refine(r, holds, this.refine(l, holds, env));
      return env;
    }
    if (c.kind() === 'comparison_operator' && this.flow.rejects) {
      const kids = c.children();
      const op = kids.find((x) => !x.isNamed())?.kind();
      const [lit, target] = kids.filter((x) => x.isNamed());
      if (kids.length === 3 && lit && target && (op === 'in' || op === 'not in')) {
        const s = str(this.expr(lit, env));
        const cleaned = op === 'in' ? !holds : holds;
        const name = subject(target);
        if (s !== undefined && cleaned && name && this.flow.rejects.some((r) => s.includes(r)))
          env.vars.set(name, CLEAN);
      }
      return env;
    }
    if (c.kind() === 'call' && this.flow.confines && holds) {
      const f = c.field('function');
      if (f?.kind() === 'attribute' && f.field('attribute')?.text() === 'startswith') {
        const name = subject(f.field('object')!);
        const arg = c
          .field('arguments')
          ?.children()
          .find((x) => x.isNamed());
        if (name && arg && level(this.expr(arg, env)) <= 1) env.vars.set(name, CLEAN);
      }
    }
    return env;
  }

  private matchStmt(s: Node, env: Env): Env {
    const subjectNode = s.fieldChildren('subject')[0] ?? s.children().find((c) => c.isNamed());
    const v = subjectNode ? this.expr(subjectNode, env) : UNKNOWN;
    const body = s.field('body') ?? s.children().find((c) => c.kind() === 'block');
    const exits: Env[] = [];
    let matched = false;
    for (const clause of body?.children() ?? []) {
      if (clause.kind() !== 'case_clause') continue;
      const patterns = clause.children().filter((c) => c.kind() === 'case_pattern');
      const guard = clause.field('guard');
      const m = guard ? undefined : this.caseMatches(patterns, v, env);
      const block = clause.field('consequence') ?? clause.children().find((c) => c.kind() === 'block');
      if (m === false) continue;
      if (block) exits.push(this.block(block, copy(env)));
      if (m === true) {
        matched = true;
        break;
      }
    }
    if (!matched) exits.push(env);
    return joinAll(exits);
  }

  /** true/false when the subject is a constant and every pattern is a literal or `_`; else undefined. */
  private caseMatches(patterns: Node[], v: Value, env: Env): boolean | undefined {
    const alts: Node[] = [];
    for (const p of patterns) {
      const inner = p.children();
      if (inner.length === 1 && inner[0].kind() === 'union_pattern')
        alts.push(...inner[0].children().filter((c) => c.isNamed()));
      else if (inner.length === 1 && !inner[0].isNamed() && inner[0].text() === '_') return true;
      else alts.push(...inner.filter((c) => c.isNamed()));
    }
    if (v.t !== 'const') return undefined;
    for (const a of alts) {
      if (!['string', 'integer', 'float', 'true', 'false', 'none'].includes(a.kind())) return undefined;
      const lit = this.expr(a, env);
      if (lit.t === 'const' && lit.v === v.v) return true;
    }
    return false;
  }

  private loop(s: Node, env: Env): Env {
    const body = s.field('body');
    const start = copy(env);
    const iterate = (e: Env): Env => {
      e = copy(e);
      if (s.kind() === 'for_statement') {
        const it = this.expr(s.field('right')!, e);
        const item = it.t === 'list' ? it.items.reduce((a, b) => join(a, b), CLEAN) : it.t === 'const' ? CLEAN : it;
        const left = s.field('left');
        if (left) this.assign(left, item, e);
      } else if (s.field('condition')) this.expr(s.field('condition')!, e);
      return body ? this.block(body, e) : e;
    };
    // Zero, one or two rounds: enough for values to settle in the loops handlers contain.
    this.loops++;
    const once = iterate(start);
    const twice = iterate(joinEnv(start, once));
    this.loops--;
    let out = joinEnv(joinEnv(start, once), twice);
    out.dead = false;
    const alt = s.field('alternative');
    if (alt) out = this.block(alt.field('body') ?? alt, out);
    return out;
  }

  private tryStmt(s: Node, env: Env): Env {
    const body = s.field('body');
    // An exception can leave the body after any of its statements: handlers start from all of them.
    let reachable: Env = copy(env);
    let after: Env = copy(env);
    for (const st of body?.children() ?? []) {
      if (after.dead || this.done) break;
      if (!st.isNamed()) continue;
      after = this.stmt(st, after);
      reachable = joinEnv(reachable, { vars: after.vars, dead: false });
    }
    let out = after;
    let finallyClause: Node | undefined;
    for (const c of s.children()) {
      if (c.kind() === 'except_clause' || c.kind() === 'except_group_clause') {
        const start = copy(reachable);
        const alias = c
          .children()
          .find((x) => x.kind() === 'as_pattern')
          ?.children()
          .find((x) => x.kind() === 'as_pattern_target')
          ?.children()[0];
        if (alias) this.assign(alias, UNKNOWN, start);
        const block = c.children().find((x) => x.kind() === 'block');
        out = joinEnv(out, block ? this.block(block, start) : start);
      } else if (c.kind() === 'else_clause') {
        const block = c.field('body');
        if (block && !after.dead) out = joinEnv(out, this.block(block, copy(after)));
      } else if (c.kind() === 'finally_clause') finallyClause = c;
    }
    if (finallyClause) {
      const block = finallyClause.children().find((x) => x.kind() === 'block');
      const dead = out.dead;
      if (block) out = this.block(block, { vars: out.vars, dead: false });
      out.dead = out.dead || dead;
    }
    return out;
  }

  /** An expression evaluated for its effect: assignments and container updates. */
  private effect(e: Node, env: Env): void {
    switch (e.kind()) {
      case 'assignment': {
        const right = e.field('right');
        if (!right) return; // a bare annotation
        let v =
          right.kind() === 'assignment'
            ? (this.effect(right, env), this.expr(valueOf(right), env))
            : this.expr(right, env);
        // `b = a` of a list or dict makes two names for one object: updates through either are
        // not followed, so both become what the object could come to hold.
        if (right.kind() === 'identifier' && (v.t === 'list' || v.t === 'dict')) {
          v = LEVELS[Math.max(2, level(v))];
          env.vars.set(right.text(), v);
        }
        this.assign(e.field('left')!, v, env);
        return;
      }
      case 'augmented_assignment': {
        const left = e.field('left')!;
        const op =
          e
            .children()
            .find((c) => !c.isNamed())
            ?.text()
            .replace('=', '') ?? '+';
        this.assign(left, binary(op, this.expr(left, env), this.expr(e.field('right')!, env)), env);
        return;
      }
      default:
        this.expr(e, env);
    }
  }

  private assign(target: Node, v: Value, env: Env): void {
    switch (target.kind()) {
      case 'identifier':
        env.vars.set(target.text(), v);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list': {
        const names = target.children().filter((c) => c.isNamed());
        names.forEach((n, i) =>
          this.assign(
            n,
            v.t === 'list' && v.items.length === names.length ? v.items[i] : LEVELS[Math.max(level(v), 1)],
            env,
          ),
        );
        return;
      }
      case 'subscript': {
        const base = target.field('value');
        const name = base?.kind() === 'identifier' ? base.text() : undefined;
        const cur = name ? env.vars.get(name) : undefined;
        const idx = this.expr(target.fieldChildren('subscript')[0] ?? target.children()[2], env);
        if (name && cur?.t === 'dict' && key(idx)) {
          const entries = new Map(cur.entries);
          entries.set(key(idx)!, v);
          env.vars.set(name, { t: 'dict', entries });
        } else if (name && cur?.t === 'list' && num(idx) !== undefined && cur.items[at(num(idx)!, cur.items.length)]) {
          const items = cur.items.slice();
          items[at(num(idx)!, items.length)] = v;
          env.vars.set(name, { t: 'list', items });
        } else if (name && cur) env.vars.set(name, join(cur, v));
        return;
      }
      default:
        return; // attributes and the like: not tracked
    }
  }

  expr(e: Node, env: Env): Value {
    switch (e.kind()) {
      case 'integer': {
        const n = Number(e.text().replace(/_/g, ''));
        return Number.isFinite(n) ? { t: 'const', v: n } : CLEAN;
      }
      case 'float':
        return { t: 'const', v: Number(e.text().replace(/_/g, '')) };
      case 'true':
        return { t: 'const', v: true };
      case 'false':
        return { t: 'const', v: false };
      case 'none':
        return { t: 'const', v: null };
      case 'string':
        return this.string(e, env);
      case 'concatenated_string':
        return e
          .children()
          .filter((c) => c.isNamed())
          .map((c) => this.expr(c, env))
          .reduce((a, b) => binary('+', a, b));
      case 'identifier': {
        return this.name(e.text(), env);
      }
      case 'attribute': {
        const text = e.text();
        if (SOURCE.test(text)) return TAINT;
        const constant = CONSTANT_NAME.test(e.field('attribute')?.text() ?? '');
        // Attributes of modules (helpers.utils.BASE_DIR, os.environ): upper-case ones are
        // constants, others may be data from outside. An object's are what it was given.
        let root = e.field('object')!;
        while (root.kind() === 'attribute') root = root.field('object')!;
        // (A module name the function rebinds holds what it was given.)
        if (root.kind() === 'identifier' && this.modules.has(root.text()) && env.vars.get(root.text()) === CLEAN)
          return constant ? CLEAN : UNKNOWN;
        const obj = this.expr(e.field('object')!, env);
        if (constant && level(obj) <= 1) return CLEAN;
        return LEVELS[Math.max(level(obj), 1)];
      }
      case 'parenthesized_expression': {
        const inner = e.children().find((c) => c.isNamed());
        return inner ? this.expr(inner, env) : UNKNOWN;
      }
      case 'list':
      case 'tuple': {
        const items = e.children().filter((c) => c.isNamed());
        if (items.some((c) => c.kind() === 'list_splat' || c.kind() === 'parenthesized_list_splat'))
          return worst(items.map((c) => this.expr(c, env)));
        return { t: 'list', items: items.map((c) => this.expr(c, env)) };
      }
      case 'dictionary': {
        const entries = new Map<string, Value>();
        const others: Value[] = [];
        for (const p of e.children()) {
          if (p.kind() !== 'pair') {
            if (p.isNamed()) others.push(this.expr(p, env));
            continue;
          }
          const k = key(this.expr(p.field('key')!, env)),
            v = this.expr(p.field('value')!, env);
          if (k) entries.set(k, v);
          else others.push(v);
        }
        return others.length ? worst([...others, ...entries.values()]) : { t: 'dict', entries };
      }
      case 'binary_operator': {
        const op =
          e
            .children()
            .find((c) => !c.isNamed())
            ?.text() ?? '+';
        return binary(op, this.expr(e.field('left')!, env), this.expr(e.field('right')!, env));
      }
      case 'unary_operator': {
        const v = this.expr(e.field('argument')!, env);
        const op = e
          .children()
          .find((c) => !c.isNamed())
          ?.text();
        const n = num(v);
        return n === undefined ? v : { t: 'const', v: op === '-' ? -n : op === '~' ? ~n : n };
      }
      case 'not_operator': {
        const t = truth(this.expr(e.field('argument')!, env));
        return t === undefined ? CLEAN : { t: 'const', v: !t };
      }
      case 'boolean_operator': {
        const op = e
          .children()
          .find((c) => !c.isNamed())
          ?.text();
        const l = this.expr(e.field('left')!, env);
        const t = truth(l);
        if (t !== undefined) return (op === 'and') === t ? this.expr(e.field('right')!, env) : l;
        return join(l, this.expr(e.field('right')!, env));
      }
      case 'comparison_operator':
        return this.compare(e, env);
      case 'conditional_expression': {
        const [a, cond, b] = e.children().filter((c) => c.isNamed());
        const t = truth(this.expr(cond, env));
        return t === true
          ? this.expr(a, env)
          : t === false
            ? this.expr(b, env)
            : join(this.expr(a, env), this.expr(b, env));
      }
      case 'subscript':
        return this.subscript(e, env);
      case 'call':
        return this.call(e, env);
      case 'keyword_argument':
        return this.expr(e.field('value')!, env);
      case 'list_splat':
      case 'dictionary_splat':
      case 'parenthesized_list_splat':
      case 'await':
        return worst(
          e
            .children()
            .filter((c) => c.isNamed())
            .map((c) => this.expr(c, env)),
        );
      default: {
        // Comprehensions, lambdas and the rest: as bad as the names they use (their own
        // variables included, which are not known here).
        const vals: Value[] = [];
        const visit = (n: Node) => {
          if (n.kind() === 'identifier') vals.push(this.name(n.text(), env));
          else if (n.kind() === 'attribute' && SOURCE.test(n.text())) vals.push(TAINT);
          else for (const c of n.children()) visit(c);
        };
        visit(e);
        return worst(vals);
      }
    }
  }

  /** A name's value: bound here, a source, an upper-case constant nothing rebinds, or unknown. */
  private name(name: string, env: Env): Value {
    const v = env.vars.get(name);
    if (v) return v;
    if (SOURCE.test(name)) return TAINT;
    return CONSTANT_NAME.test(name) && !this.rebound.has(name) ? CLEAN : UNKNOWN;
  }

  private string(e: Node, env: Env): Value {
    let out = '';
    const parts: Value[] = [];
    for (const c of e.children()) {
      if (c.kind() === 'string_content') out += unescape(c.text());
      else if (c.kind() === 'interpolation') {
        const inner = c.children().find((x) => x.isNamed());
        const v = inner ? this.expr(inner, env) : UNKNOWN;
        const shown = display(v);
        if (
          shown !== undefined &&
          !c.children().some((x) => x.kind() === 'format_specifier' || x.kind() === 'type_conversion')
        )
          out += shown;
        else parts.push(v);
      }
    }
    if (/^[rR]|^[bB][rR]|^[rR][bB]/.test(e.children()[0]?.text() ?? ''))
      out = e
        .children()
        .filter((c) => c.kind() === 'string_content')
        .map((c) => c.text())
        .join('');
    return parts.length ? worst(parts) : { t: 'const', v: out };
  }

  private compare(e: Node, env: Env): Value {
    const kids = e.children();
    const operands = kids.filter((c) => c.isNamed()).map((c) => this.expr(c, env));
    const ops = kids.filter((c) => !c.isNamed()).map((c) => c.kind());
    let result = true;
    for (let i = 0; i < ops.length; i++) {
      const a = operands[i],
        b = operands[i + 1];
      const r = compareOp(ops[i], a, b);
      if (r === undefined) return CLEAN; // a truth value, whatever went in
      result = result && r;
    }
    return { t: 'const', v: result };
  }

  private subscript(e: Node, env: Env): Value {
    const base = this.expr(e.field('value')!, env);
    const sub = e.fieldChildren('subscript');
    if (sub.length !== 1) return LEVELS[Math.max(level(base), 1)];
    if (sub[0].kind() === 'slice') {
      const parts: (number | undefined | null)[] = [];
      let cur: number | undefined | null = null;
      for (const c of sub[0].children()) {
        if (!c.isNamed() && c.text() === ':') {
          parts.push(cur);
          cur = null;
        } else if (c.isNamed()) cur = num(this.expr(c, env));
      }
      parts.push(cur);
      const s = str(base);
      const seq = s ?? (base.t === 'list' ? base.items : undefined);
      if (seq === undefined || parts.length !== 2 || parts.some((p) => p === undefined))
        return LEVELS[Math.max(level(base), 1)];
      const bound = (p: number | null | undefined, d: number) =>
        p === null || p === undefined ? d : Math.max(0, at(p, seq.length));
      const [from, to] = [bound(parts[0], 0), bound(parts[1], seq.length)];
      return s !== undefined
        ? { t: 'const', v: s.slice(from, to) }
        : { t: 'list', items: (seq as Value[]).slice(from, to) };
    }
    const idx = this.expr(sub[0], env);
    if (base.t === 'dict' && key(idx)) return base.entries.get(key(idx)!) ?? CLEAN;
    const n = num(idx);
    if (base.t === 'list' && n !== undefined) return base.items[at(n, base.items.length)] ?? CLEAN;
    const s = str(base);
    if (s !== undefined && n !== undefined) {
      const ch = s[at(n, s.length)];
      return ch === undefined ? CLEAN : { t: 'const', v: ch };
    }
    return LEVELS[Math.max(level(base), level(idx) >= 3 ? 2 : 1)];
  }

  /**
   * Whether a call is one of the rule's sanitisers. The pattern sees the function and its first
   * argument (`name.replace("'"`), and must match in the function part: `f(shlex.quote(a), b)`
   * is not a sanitiser of b.
   */
  private sanitises(fn: string, first: Node | undefined): boolean {
    const head = `${fn}(`;
    const m = this.flow.sanitizers!.exec(head + (first?.text() ?? ''));
    return !!m && m.index < head.length;
  }

  /** Objects (not constants) handed to a call that may keep or fill them: no longer followed. */
  private escape(argNodes: Node[], args: Value[], env: Env): void {
    argNodes.forEach((n, i) => {
      const a = n.kind() === 'keyword_argument' ? n.field('value') : n;
      if (a?.kind() === 'identifier' && args[i].t !== 'const' && env.vars.has(a.text()))
        env.vars.set(a.text(), LEVELS[Math.max(2, level(args[i]))]);
    });
  }

  private call(e: Node, env: Env): Value {
    const fn = e.field('function')!;
    const argNodes = (e.field('arguments')?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== 'comment');
    const text = fn.text();
    if (SOURCE.test(text)) {
      argNodes.forEach((a) => this.expr(a, env));
      return TAINT;
    }
    const args = argNodes.map((a) => this.expr(a, env));
    if (this.flow.sanitizers && this.sanitises(text, argNodes[0])) return CLEAN;
    if (fn.kind() === 'identifier') {
      if (OPAQUE.test(text))
        return text === 'int' && args.length === 1 && /^-?\d+$/.test(str(args[0]) ?? '')
          ? { t: 'const', v: Number(str(args[0])) }
          : CLEAN;
      if (text === 'str' && args.length === 1)
        return display(args[0]) !== undefined
          ? { t: 'const', v: display(args[0])! }
          : LEVELS[Math.max(level(args[0]), 1)];
      if (text === 'list' && args.length === 0) return { t: 'list', items: [] };
      if (text === 'dict' && args.length === 0) return { t: 'dict', entries: new Map() };
      if (PURE_FUNCTION.test(text)) return worst(args);
      if (FRESH.test(text) && args.length === 0) return CLEAN;
      this.escape(argNodes, args, env);
      return LEVELS[Math.max(2, ...args.map(level))];
    }
    if (fn.kind() !== 'attribute') {
      this.escape(argNodes, args, env);
      return LEVELS[Math.max(2, level(this.expr(fn, env)), ...args.map(level))];
    }
    if (PURE_FUNCTION.test(text)) return worst(args);
    if (FRESH.test(text) && args.length === 0) return CLEAN;
    const objNode = fn.field('object')!;
    const method = fn.field('attribute')?.text() ?? '';
    const obj = this.expr(objNode, env);
    const name = objNode.kind() === 'identifier' ? objNode.text() : undefined;
    // Container updates on a tracked local.
    if (name && obj.t === 'list') {
      const items = obj.items.slice();
      if (method === 'append' && args.length === 1) {
        items.push(args[0]);
        env.vars.set(name, { t: 'list', items });
        return { t: 'const', v: null };
      }
      if (method === 'pop') {
        const n = args.length ? num(args[0]) : -1;
        if (n === undefined || items.length === 0) {
          env.vars.set(name, worst([obj]));
          return worst([obj]);
        }
        const [item] = items.splice(at(n, items.length), 1);
        env.vars.set(name, { t: 'list', items });
        return item ?? CLEAN;
      }
      if (method === 'insert' && args.length === 2 && num(args[0]) !== undefined) {
        items.splice(num(args[0])!, 0, args[1]);
        env.vars.set(name, { t: 'list', items });
        return { t: 'const', v: null };
      }
      if (method === 'extend' && args.length === 1 && args[0].t === 'list') {
        env.vars.set(name, { t: 'list', items: [...items, ...args[0].items] });
        return { t: 'const', v: null };
      }
      if (['append', 'extend', 'insert', 'remove', 'clear', 'reverse', 'sort'].includes(method)) {
        env.vars.set(name, worst([obj, ...args]));
        return { t: 'const', v: null };
      }
    }
    if (name && obj.t === 'dict') {
      if (method === 'get' && args.length >= 1 && key(args[0]))
        return obj.entries.get(key(args[0])!) ?? args[1] ?? { t: 'const', v: null };
      if (['update', 'setdefault', 'pop', 'clear'].includes(method)) {
        const all = worst([obj, ...args]);
        env.vars.set(name, all);
        return all;
      }
    }
    // String methods on constants.
    const s = str(obj);
    if (s !== undefined && args.every((a) => a.t === 'const')) {
      const a = args.map((x) => (x as { v: Scalar }).v);
      switch (method) {
        case 'lower':
          return { t: 'const', v: s.toLowerCase() };
        case 'upper':
          return { t: 'const', v: s.toUpperCase() };
        case 'strip':
          return { t: 'const', v: s.trim() };
        case 'replace':
          if (typeof a[0] === 'string' && typeof a[1] === 'string') return { t: 'const', v: s.split(a[0]).join(a[1]) };
          break;
        case 'startswith':
          if (typeof a[0] === 'string') return { t: 'const', v: s.startsWith(a[0]) };
          break;
        case 'endswith':
          if (typeof a[0] === 'string') return { t: 'const', v: s.endsWith(a[0]) };
          break;
        case 'find':
          if (typeof a[0] === 'string') return { t: 'const', v: s.indexOf(a[0]) };
          break;
        case 'split':
          if (typeof a[0] === 'string' && a.length === 1)
            return { t: 'list', items: s.split(a[0]).map((v) => ({ t: 'const', v }) as Value) };
          break;
      }
    }
    if (
      s !== undefined &&
      method === 'join' &&
      args.length === 1 &&
      args[0].t === 'list' &&
      args[0].items.every((x) => str(x) !== undefined)
    )
      return { t: 'const', v: args[0].items.map((x) => str(x)!).join(s) };
    // Anything else: a local object (not a module, not a constant) keeps what its methods were
    // given (conf.set(k, v)); the result carries what went in, and may come from outside unless
    // the method only transforms its receiver and arguments.
    const all = worst([obj, ...args]);
    if (name && !this.modules.has(name) && obj.t !== 'const' && level(all) > level(obj)) env.vars.set(name, all);
    if (PURE_METHOD.test(method)) return all;
    this.escape(argNodes, args, env);
    return LEVELS[Math.max(2, level(all))];
  }
}

function valueOf(assignment: Node): Node {
  const right = assignment.field('right')!;
  return right.kind() === 'assignment' ? valueOf(right) : right;
}

/** The variable a check narrows: `v`, `str(v)`, `v.lower()`… */
function subject(n: Node): string | undefined {
  if (n.kind() === 'identifier') return n.text();
  if (n.kind() === 'call') {
    const f = n.field('function');
    const args = (n.field('arguments')?.children() ?? []).filter((c) => c.isNamed());
    if (f?.kind() === 'identifier' && /^(?:str|os\.fspath)$/.test(f.text()) && args.length === 1)
      return subject(args[0]);
  }
  return undefined;
}

function binary(op: string, a: Value, b: Value): Value {
  const x = a.t === 'const' ? a.v : undefined,
    y = b.t === 'const' ? b.v : undefined;
  if (a.t === 'const' && b.t === 'const') {
    if (typeof x === 'string' && typeof y === 'string' && op === '+') return { t: 'const', v: x + y };
    if (typeof x === 'string' && op === '%') return LEVELS[1];
    const n = num(a),
      m = num(b);
    if (n !== undefined && m !== undefined) {
      const r =
        op === '+'
          ? n + m
          : op === '-'
            ? n - m
            : op === '*'
              ? n * m
              : op === '/'
                ? n / m
                : op === '//'
                  ? Math.floor(n / m)
                  : op === '%'
                    ? ((n % m) + m) % m
                    : op === '**'
                      ? n ** m
                      : undefined;
      if (r !== undefined && Number.isFinite(r)) return { t: 'const', v: r };
    }
    return CLEAN;
  }
  if (a.t === 'list' && b.t === 'list' && op === '+') return { t: 'list', items: [...a.items, ...b.items] };
  return LEVELS[Math.max(level(a), level(b), 1)];
}

function compareOp(op: string, a: Value, b: Value): boolean | undefined {
  if (op === 'in' || op === 'not in') {
    let r: boolean | undefined;
    const s = str(b),
      k = str(a);
    if (s !== undefined && k !== undefined) r = s.includes(k);
    else if (b.t === 'list' && a.t === 'const' && b.items.every((x) => x.t === 'const'))
      r = b.items.some((x) => (x as { v: Scalar }).v === a.v);
    else if (b.t === 'dict' && key(a) && level(b) === 0) r = b.entries.has(key(a)!);
    return r === undefined ? undefined : op === 'in' ? r : !r;
  }
  if (a.t !== 'const' || b.t !== 'const') return undefined;
  const x = a.v,
    y = b.v;
  switch (op) {
    case '==':
    case 'is':
      return x === y;
    case '!=':
    case 'is not':
    case '<>':
      return x !== y;
  }
  if (typeof x === 'string' && typeof y === 'string') {
    switch (op) {
      case '<':
        return x < y;
      case '>':
        return x > y;
      case '<=':
        return x <= y;
      case '>=':
        return x >= y;
    }
    return undefined;
  }
  const n = num(a),
    m = num(b);
  if (n === undefined || m === undefined) return undefined;
  switch (op) {
    case '<':
      return n < m;
    case '>':
      return n > m;
    case '<=':
      return n <= m;
    case '>=':
      return n >= m;
  }
  return undefined;
}

/** Mirrors of one file's nodes, shared by the checks of its findings. */
type NodeCache = Map<number, Node>;
/** What the names of a function's enclosing scopes hold, per enclosing scope. */
type ScopeCache = Map<number, { vars: Map<string, Value>; modules: Set<string> }>;
/** Per file: node mirrors, what enclosing scopes define, and names rebound inside blocks. */
export interface FlowCache {
  nodes: NodeCache;
  scopes: ScopeCache;
  rebound?: Set<string>;
  steps?: number;
}

/**
 * Names assigned anywhere below the top level (in functions, branches, loops) or declared
 * `global`: a module constant or an upper-case name with any of these may hold something else
 * when the function runs.
 */
function reboundNames(moduleText: string): Set<string> {
  const out = new Set<string>();
  for (const m of moduleText.matchAll(/^[ \t]+([A-Za-z_]\w*)\s*(?:[-+*\/%&|^@]|\/\/|\*\*|<<|>>)?=(?!=)/gm))
    out.add(m[1]);
  for (const m of moduleText.matchAll(/^[ \t]*(?:global|nonlocal)\s+([\w\s,]+)/gm))
    for (const n of m[1].split(/[\s,]+/)) if (n) out.add(n);
  return out;
}

/**
 * A memoising mirror of an ast-grep node: every method of a native node crosses into Rust and
 * builds new objects, and an interpretation reads the same nodes many times (once per finding).
 * Nodes reached by different paths share one mirror, keyed by kind and position.
 */
function mirror(n: Node, cache: NodeCache): Node {
  const key = n.id();
  let m = cache.get(key);
  if (!m) cache.set(key, (m = new Mirror(n, cache)));
  return m;
}

class Mirror implements Node {
  private kindName: string | undefined;
  private named: boolean | undefined;
  private textValue: string | undefined;
  private kids: Node[] | undefined;
  private up: Node | null | undefined;
  private fields: Map<string, Node | null> | undefined;
  private lists: Map<string, Node[]> | undefined;
  private r: ReturnType<Node['range']> | undefined;
  constructor(
    private readonly n: Node,
    private readonly cache: NodeCache,
  ) {}
  id() {
    return this.n.id();
  }
  kind() {
    return (this.kindName ??= this.n.kind());
  }
  isNamed() {
    return (this.named ??= this.n.isNamed());
  }
  range() {
    return (this.r ??= this.n.range());
  }
  text() {
    return (this.textValue ??= this.n.text());
  }
  children() {
    return (this.kids ??= this.n.children().map((c) => mirror(c, this.cache)));
  }
  parent() {
    if (this.up === undefined) {
      const p = this.n.parent();
      this.up = p ? mirror(p, this.cache) : null;
    }
    return this.up;
  }
  field(name: string) {
    this.fields ??= new Map();
    if (!this.fields.has(name)) {
      const f = this.n.field(name);
      this.fields.set(name, f ? mirror(f, this.cache) : null);
    }
    return this.fields.get(name)!;
  }
  fieldChildren(name: string) {
    this.lists ??= new Map();
    let l = this.lists.get(name);
    if (!l) this.lists.set(name, (l = this.n.fieldChildren(name).map((c) => mirror(c, this.cache))));
    return l;
  }
}

/**
 * Whether the value at `sink` (a node inside a Python function) may carry data from outside.
 * False only when it is provably constant or clean, or never reached; true otherwise, including
 * whenever the function cannot be analysed.
 */
export function mayCarryData(
  sink: Node | undefined,
  flow: Flow,
  cache: FlowCache = { nodes: new Map(), scopes: new Map() },
): boolean {
  if (!sink) return true;
  sink = mirror(sink, cache.nodes);
  let fn: Node | null = sink.parent();
  while (fn && fn.kind() !== 'function_definition') fn = fn.parent();
  if (!fn) return true;
  try {
    if (!cache.rebound) {
      let root: Node = fn;
      while (root.parent()) root = root.parent()!;
      cache.rebound = reboundNames(root.text());
    }
    // A file with very many findings: past a total budget they are kept without analysis.
    if ((cache.steps ?? 0) > MAX_FILE_STEPS) return true;
    const interpreter = new Interpreter(sink, flow, cache.rebound);
    let v: Value | undefined;
    try {
      v = interpreter.run(fn, cache.scopes);
    } finally {
      cache.steps = (cache.steps ?? 0) + interpreter.stepsTaken;
    }
    if (v === undefined) return false;
    return level(v) >= 2;
  } catch {
    return true;
  }
}
