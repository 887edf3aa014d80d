/**
 * Built-in checks that C and C++ rules name under `unless:` (src/rules/c/memory.yml): each drops a
 * match the function around it proves harmless, the way a reviewer reads the lines above a strcpy
 * before calling it an overflow. Each proof is local and conservative: anything the check cannot
 * read (an allocation in another function, a size with a subtraction, a variable written twice)
 * keeps the finding.
 *
 * - `sized-destination`: every string copied into the destination (strcpy, strcat, stpcpy and
 *   sprintf with a format of `%s` only) is counted in the size it was allocated with:
 *   `d = malloc(strlen(a) + strlen(b) + 1); strcpy(d, a); strcat(d, b);`, or a local array larger
 *   than the literals copied into it.
 * - `constant-command`: system/popen's argument is a name that only ever holds a string literal
 *   (a `const char *cmd = "…"` used for nothing else, or a macro).
 * - `bounded-length`: memcpy into a local array with the array's own declared size, or a length
 *   checked against that size by the `if` around the copy.
 */

/** The part of ast-grep's node API these checks read. */
export interface CNode {
  kind(): string;
  text(): string;
  children(): CNode[];
  field(name: string): CNode | null;
  parent(): CNode | null;
  findAll(rule: object): CNode[];
  range(): { start: { index: number }; end: { index: number } };
}

/** A check: true when the match is proved harmless (the finding is dropped). */
export type Unless = (match: CNode) => boolean;

/** Nodes of one function, the file's top level for a fragment without its function. */
function scopeOf(node: CNode): CNode {
  let top = node;
  for (let p = node.parent(); p; p = p.parent()) {
    if (p.kind() === 'function_definition') return p;
    top = p;
  }
  return top;
}

const named = (n: CNode) => n.children().filter((c) => /^[a-z_]/.test(c.kind()) && c.kind() !== 'comment');
const args = (call: CNode) => named(call.field('arguments') ?? call);
const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * What the checks ask of a scope, gathered in one walk per scope and kept for the file: every match of
 * a rule asks again, and asking the tree each time made a function of 1,000 strcpy calls cost a cube
 * (minutes). Kept by the scope's place in the file; analyzeCode clears it for each file.
 */
interface Facts {
  /** Initialisers and plain assignments, by the name they give a value to. */
  values: Map<string, CNode[]>;
  /** Names given a value by a compound assignment (`+=`): their values are not read. */
  compound: Set<string>;
  /** The first array declarator of each name: its size node, if any. */
  arrays: Map<string, CNode | null>;
  /** Expressions incremented or decremented (`d++`). */
  updated: Set<string>;
  /** Expressions assigned, incremented, or written into by a call (strcat, read, memcpy…). */
  written: Set<string>;
  /** Copies (c.unbounded-copy's calls) by the destination they write. */
  copies: Map<string, { call: CNode; fn: string }[]>;
  declarations: CNode[];
  preprocDefs: CNode[];
  identifiers: Map<string, CNode[]>;
}
const FACTS = new Map<string, Facts>();
/** Forgets the facts of the file before (analyzeCode, at each file). */
export const clearBoundsCache = () => FACTS.clear();

function factsOf(scope: CNode): Facts {
  const r = scope.range();
  const key = `${scope.kind()}:${r.start.index}:${r.end.index}`;
  let f = FACTS.get(key);
  if (f) return f;
  f = {
    values: new Map(),
    compound: new Set(),
    arrays: new Map(),
    updated: new Set(),
    written: new Set(),
    copies: new Map(),
    declarations: scope.findAll({ rule: { any: [{ kind: 'declaration' }, { kind: 'parameter_declaration' }] } }),
    preprocDefs: scope.findAll({ rule: { kind: 'preproc_def' } }),
    identifiers: new Map(),
  };
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const d of scope.findAll({ rule: { kind: 'init_declarator' } })) {
    const name = declaredName(d.field('declarator'));
    if (name && d.field('value')) push(f.values, name, d.field('value')!);
  }
  for (const a of scope.findAll({ rule: { kind: 'assignment_expression' } })) {
    const left = a.field('left');
    if (left) f.written.add(squash(left.text()));
    if (left?.kind() !== 'identifier') continue;
    if (a.children().some((c) => c.kind() !== '=' && /^[-+*/%&|^<>]+=$/.test(c.kind()))) f.compound.add(left.text());
    else if (a.field('right')) push(f.values, left.text(), a.field('right')!);
  }
  for (const u of scope.findAll({ rule: { kind: 'update_expression' } })) {
    const target = squash(u.field('argument')?.text() ?? '');
    f.updated.add(target);
    f.written.add(target);
  }
  for (const d of scope.findAll({ rule: { kind: 'array_declarator' } })) {
    const name = d.field('declarator')?.text();
    if (name && !f.arrays.has(name)) f.arrays.set(name, d.field('size'));
  }
  for (const call of scope.findAll({ rule: { kind: 'call_expression' } })) {
    const fn = call.field('function')?.text() ?? '';
    const first = WRITERS.test(fn) || COPIES.test(fn) ? args(call)[0] : undefined;
    if (!first) continue;
    if (WRITERS.test(fn)) f.written.add(squash(first.text()));
    if (COPIES.test(fn)) push(f.copies, squash(first.text()), { call, fn });
  }
  for (const n of scope.findAll({ rule: { kind: 'identifier' } })) push(f.identifiers, n.text(), n);
  FACTS.set(key, f);
  return f;
}

/** The expression without casts and parentheses: `(char *)malloc(n)` is malloc(n). */
function bare(n: CNode): CNode {
  for (;;) {
    if (n.kind() === 'parenthesized_expression' && named(n).length === 1) n = named(n)[0];
    else if (n.kind() === 'cast_expression' && n.field('value')) n = n.field('value')!;
    else return n;
  }
}

/** Every value the name is given in the scope: initialisers and assignments (undefined: written otherwise). */
function valuesOf(scope: CNode, name: string): CNode[] | undefined {
  const f = factsOf(scope);
  return f.compound.has(name) ? undefined : (f.values.get(name) ?? []);
}

/** The identifier a declarator declares (`*p`, `buf[64]`, `const *const q` all name one). */
function declaredName(d: CNode | null): string | undefined {
  for (let n = d; n; n = n.field('declarator')) if (n.kind() === 'identifier') return n.text();
  return undefined;
}

const ALLOCATORS = /^(?:malloc|alloca|_alloca|xmalloc|g_malloc|realloc|calloc)$/;

/** The size a name was allocated with, as terms of a sum; undefined when it cannot be read. */
function allocatedSize(scope: CNode, name: string): Terms | undefined {
  const array = arraySize(scope, name);
  if (array !== undefined) return array;
  const values = valuesOf(scope, name);
  if (!values || values.length !== 1) return undefined;
  const v = bare(values[0]);
  if (v.kind() !== 'call_expression') return undefined;
  const fn = v.field('function')?.text() ?? '';
  if (!ALLOCATORS.test(fn)) return undefined;
  const a = args(v);
  if (fn === 'realloc') return a.length === 2 ? termsOf(a[1], scope, 2) : undefined;
  if (fn === 'calloc') {
    // (calloc(n, 1) and calloc(1, n): the other factor is the size)
    if (a.length !== 2) return undefined;
    if (/^(?:1|sizeof\(char\))$/.test(squash(a[1].text()))) return termsOf(a[0], scope, 2);
    if (/^(?:1|sizeof\(char\))$/.test(squash(a[0].text()))) return termsOf(a[1], scope, 2);
    return undefined;
  }
  return a.length === 1 ? termsOf(a[0], scope, 2) : undefined;
}

/** `char buf[64]` in the scope: its size as a constant term. */
function arraySize(scope: CNode, name: string): Terms | undefined {
  const f = factsOf(scope);
  if (!f.arrays.has(name)) return undefined;
  const size = f.arrays.get(name);
  return size?.kind() === 'number_literal' && /^\d+$/.test(size.text())
    ? { lengths: [], constant: +size.text() }
    : undefined;
}

/** A size as a sum: the strings whose strlen it counts, and its constant part. */
interface Terms {
  lengths: string[];
  constant: number;
}

/** Reads `strlen(a) + strlen(b) + 10` (through at most `depth` variables); undefined for anything else. */
function termsOf(expr: CNode, scope: CNode, depth: number): Terms | undefined {
  const e = bare(expr);
  const kind = e.kind();
  if (kind === 'number_literal')
    return /^\d+[uUlL]*$/.test(e.text()) ? { lengths: [], constant: parseInt(e.text(), 10) } : undefined;
  if (kind === 'call_expression' && /^(?:strlen|wcslen)$/.test(e.field('function')?.text() ?? '')) {
    const a = args(e);
    return a.length === 1 ? { lengths: [squash(a[0].text())], constant: 0 } : undefined;
  }
  if (kind === 'binary_expression' && e.field('operator')?.text() === '+') {
    const l = termsOf(e.field('left')!, scope, depth),
      r = l && termsOf(e.field('right')!, scope, depth);
    return r && { lengths: [...l!.lengths, ...r.lengths], constant: l!.constant + r.constant };
  }
  if (kind === 'identifier' && depth > 0) {
    const values = valuesOf(scope, e.text());
    return values?.length === 1 ? termsOf(values[0], scope, depth - 1) : undefined;
  }
  return undefined;
}

/** Every call c.unbounded-copy matches (a copy the proof does not read, such as vsprintf, fails it). */
const COPIES =
  /^(?:std::)?(?:strcpy|strcat|sprintf|vsprintf|wcscpy|wcscat|stpcpy|lstrcpy[AW]?|lstrcat[AW]?|StrCpy|StrCat|_mbscpy|_tcscpy)$/;

/** What one copy into the destination writes: the strings it copies and its fixed characters. */
function written(call: CNode): Terms | undefined {
  const fn = call
    .field('function')!
    .text()
    .replace(/^std::/, '');
  const a = args(call);
  if (fn !== 'sprintf') {
    if (a.length !== 2) return undefined;
    const src = bare(a[1]);
    return src.kind() === 'string_literal'
      ? { lengths: [], constant: literalLength(src) }
      : { lengths: [squash(a[1].text())], constant: 0 };
  }
  // sprintf: a literal format whose only conversion is a plain %s, each argument counted by strlen
  if (a.length < 2 || bare(a[1]).kind() !== 'string_literal') return undefined;
  const format = bare(a[1]).text().slice(1, -1);
  const conversions = format.match(/%./g) ?? [];
  if (
    conversions.some((c) => c !== '%s' && c !== '%%') ||
    conversions.filter((c) => c === '%s').length !== a.length - 2
  )
    return undefined;
  // (each %s stands for its argument; each %% writes one character of its two)
  const percents = conversions.filter((c) => c === '%%').length;
  return {
    lengths: a.slice(2).map((x) => squash(x.text())),
    constant: literalLength(bare(a[1])) - 2 * (conversions.length - percents) - percents,
  };
}

/** Characters a C string literal holds (escapes count one). */
const literalLength = (lit: CNode) =>
  lit
    .text()
    .slice(1, -1)
    .replace(/\\(?:x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, '.').length;

/**
 * `sized-destination`: every copy into the match's destination in its function is counted in the
 * destination's allocated size, with room for the terminating NUL.
 */
export const sizedDestination: Unless = (match) => {
  const a = args(match);
  if (a.length < 2 || a[0].kind() !== 'identifier') return false;
  const dest = a[0].text();
  const scope = scopeOf(match);
  const size = allocatedSize(scope, dest);
  // (a pointer moved on from its allocation, d++ or ++d, no longer has the room it was given)
  if (!size || movedIn(scope, dest)) return false;
  const copies = copiesInto(scope, dest);
  if (!copies) return false;
  // Without appends each copy starts the buffer over (strcpy in one branch, sprintf in another): this
  // one must fit on its own. With strcat in the function, everything copied must fit together.
  if (!copies.some((c) => c.appends)) {
    const own = written(match);
    return own !== undefined && fits(own, size);
  }
  const all = copies.map((c) => c.terms);
  return fits({ lengths: all.flatMap((t) => t.lengths), constant: all.reduce((n, t) => n + t.constant, 0) }, size);
};

/**
 * What every copy into the destination writes, once per scope and destination; undefined if one cannot
 * be read or copies a string the scope changes.
 */
const COPY_TERMS = new WeakMap<Facts, Map<string, { terms: Terms; appends: boolean }[] | undefined>>();
function copiesInto(scope: CNode, dest: string): { terms: Terms; appends: boolean }[] | undefined {
  const f = factsOf(scope);
  const byDest = COPY_TERMS.get(f) ?? COPY_TERMS.set(f, new Map()).get(f)!;
  if (byDest.has(dest)) return byDest.get(dest);
  let out: { terms: Terms; appends: boolean }[] | undefined = [];
  for (const { call, fn } of f.copies.get(dest) ?? []) {
    const w = written(call);
    // (a string measured, then changed before the copy, is no longer the string measured)
    if (!w || w.lengths.some((src) => f.written.has(src))) {
      out = undefined;
      break;
    }
    out.push({ terms: w, appends: /cat[AW]?$/i.test(fn) });
  }
  byDest.set(dest, out);
  return out;
}

/** The name is incremented or decremented somewhere in the scope. */
const movedIn = (scope: CNode, name: string) => factsOf(scope).updated.has(name);

/** Each strlen the copy needs is counted in the size (once per use), and the constants leave room for the NUL. */
function fits(need: Terms, size: Terms): boolean {
  const have = [...size.lengths];
  for (const s of need.lengths) {
    const k = have.indexOf(s);
    if (k < 0) return false;
    have.splice(k, 1);
  }
  return size.constant >= need.constant + 1;
}

/** Calls that write into their first argument. */
const WRITERS =
  /^(?:std::)?(?:str(?:n?cpy|n?cat|lcpy|lcat)|stpcpy|wcs(?:n?cpy|n?cat)|v?sn?printf|mem(?:cpy|move|set)|fgets|gets|read|recv|scanf|sscanf|fscanf|realloc)$/;

/** system/popen's argument: a name that only ever holds a string literal, or a macro. */
export const constantCommand: Unless = (match) => {
  const first = args(match)[0];
  if (first?.kind() !== 'identifier') return false;
  const name = first.text();
  const root = rootOf(match);
  const defines = factsOf(root).preprocDefs.filter((d) => d.field('name')?.text() === name);
  if (defines.length)
    return defines.every((d) => /^\s*(?:"(?:[^"\\\n]|\\.)*"\s*)+$/.test(d.field('value')?.text() ?? ''));
  const scope = scopeOf(match);
  const values = valuesOf(scope, name);
  if (values === undefined) return false;
  // (an upper-case name declared nowhere in the file is a macro of a header: a constant)
  if (values.length === 0) return /^[A-Z][A-Z0-9_]*$/.test(name) && !declaredIn(root, name);
  if (values.length !== 1 || !isLiteral(values[0])) return false;
  // Used for nothing but being run: not a buffer something was copied or read into.
  return (factsOf(scope).identifiers.get(name) ?? []).every(
    (n) => isDeclarator(n) || isFirstArgOf(n, /^(?:std::)?(?:system|popen|_popen|_wsystem|wsystem)$/),
  );
};

const isLiteral = (n: CNode) => /^(?:string_literal|concatenated_string)$/.test(bare(n).kind());

function rootOf(n: CNode): CNode {
  let r = n;
  for (let p = n.parent(); p; p = p.parent()) r = p;
  return r;
}

function declaredIn(root: CNode, name: string): boolean {
  const f = factsOf(root);
  return f.values.has(name) || f.arrays.has(name);
}

/** The name as declared (in a declarator), not as used. */
function isDeclarator(n: CNode): boolean {
  const p = n.parent();
  return !!p && /declarator$/.test(p.kind()) && p.field('declarator')?.text() === n.text();
}

function isFirstArgOf(n: CNode, fn: RegExp): boolean {
  const list = n.parent();
  const call = list?.parent();
  return (
    list?.kind() === 'argument_list' &&
    call?.kind() === 'call_expression' &&
    fn.test(call.field('function')?.text() ?? '') &&
    args(call)[0]?.range().start.index === n.range().start.index
  );
}

/**
 * `bounded-length`: memcpy/memmove/strncpy into a local array with its declared size as the length,
 * or with a length an enclosing `if` holds below that size (`if (n < 100) memcpy(buf, src, n)`).
 */
export const boundedLength: Unless = (match) => {
  const a = args(match);
  if (a.length !== 3 || a[0].kind() !== 'identifier') return false;
  const scope = scopeOf(match);
  const size = declaredSize(scope, a[0].text());
  if (size === undefined) return false;
  const length = squash(a[2].text());
  if (length === size) return true;
  if (/^\d+$/.test(length) && /^\d+$/.test(size)) return +length <= +size;
  // (a signed length below the size can still be negative, and memcpy reads it as a huge size_t)
  const unsigned = /^\w+$/.test(length) && isUnsigned(scope, length);
  for (let p = match.parent(); p && p !== scope; p = p.parent()) {
    if (p.kind() !== 'if_statement' || !insideConsequence(p, match)) continue;
    const cond = squash(p.field('condition')?.text() ?? '');
    if (bounds(cond, length, size, a[0].text()) && (unsigned || nonNegative(cond, length))) return true;
  }
  return false;
};

/** The name is declared with an unsigned type (size_t, unsigned …, uint32_t) in the scope. */
function isUnsigned(scope: CNode, name: string): boolean {
  return factsOf(scope).declarations.some(
    (d) =>
      /\b(?:size_t|unsigned|uint\d+_t|u_?int\d*|DWORD|UINT\d*)\b/.test(d.field('type')?.text() ?? '') &&
      d.children().some((c) => declaredName(c) === name || c.text() === name),
  );
}

/** The condition also holds n at or above zero: `n >= 0 && n < 100`. */
const nonNegative = (cond: string, n: string) =>
  cond.split('&&').some((p) => {
    const t = p.replace(/^\(+|\)+$/g, '');
    return t === `${n}>=0` || t === `${n}>0` || t === `0<=${n}` || t === `0<${n}`;
  });

/** The size text of a local array (`buf[AES_BLOCK_SIZE]`: AES_BLOCK_SIZE). */
function declaredSize(scope: CNode, name: string): string | undefined {
  const size = factsOf(scope).arrays.get(name);
  return size ? squash(size.text()) : undefined;
}

function insideConsequence(ifNode: CNode, n: CNode): boolean {
  const c = ifNode.field('consequence');
  if (!c) return false;
  for (let p: CNode | null = n; p && p !== ifNode; p = p.parent()) if (p === c || sameNode(p, c)) return true;
  return false;
}
const sameNode = (a: CNode, b: CNode) => a.range().start.index === b.range().start.index && a.kind() === b.kind();

/** `(n<SIZE)`, `(n<sizeof buf)`, `(n<=SIZE-1)`, `(SIZE>n)`, with `&&` around it: the condition holds n below the size. */
function bounds(cond: string, n: string, size: string, array: string): boolean {
  const e = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = cond.replace(/^\((.*)\)$/, '$1').split('&&');
  return parts.some((p) => {
    const t = p.replace(/^\(+|\)+$/g, '');
    return (
      new RegExp(`^${e(n)}<(?:${e(size)}|sizeof\\(?${e(array)}\\)?)$`).test(t) ||
      new RegExp(`^(?:${e(size)})>${e(n)}$`).test(t) ||
      new RegExp(`^${e(n)}<=${e(size)}-1$`).test(t)
    );
  });
}

/** The checks a rule may name under `unless:`. */
export const UNLESS: Record<string, Unless> = {
  'sized-destination': sizedDestination,
  'constant-command': constantCommand,
  'bounded-length': boundedLength,
};
