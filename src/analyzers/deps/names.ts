/**
 * Package names: normalisation per ecosystem, the popular-name lists and existence snapshots
 * (src/rules/supply-chain, made by scripts/popular.ts from public download counts), and the
 * typosquat / combosquat / hallucination checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_DIR } from '../../paths.ts';
import { Bloom } from './bloom.ts';

export type Ecosystem = 'npm' | 'pypi' | 'go' | 'crates' | 'rubygems' | 'packagist' | 'system';

/** PyPI treats case and runs of -, _ and . as one name (PEP 503); npm names are lower-case, scopes kept. */
export function normaliseName(eco: string, name: string): string {
  if (eco === 'pypi') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (eco === 'npm') return name.toLowerCase();
  return name.toLowerCase();
}

/**
 * Which names are worth imitating. By rank, the top 3,000 (the only measure PyPI's list gives); where
 * the list knows monthly downloads (npm), also every name at least TARGET_RATIO times more downloaded
 * than the least-downloaded listed name: a name outside the list has fewer downloads than that, so an
 * imitation of such a target is at least TARGET_RATIO times less used than what it imitates (a squat,
 * not a sibling). On npm that reaches rank ~5,500 (9.6 million downloads a month).
 */
const TARGET_RANK = 3000;
const TARGET_RATIO = 100;

interface NameData {
  popular: Map<string, number>;
  /** Monthly downloads by rank, when the list gives them (npm); the last is the list's floor. */
  downloads?: number[];
  known?: Bloom;
  knownNote?: string;
  /** The top names by length, in rank order (the one-edit check's candidates). */
  targetsByLength: Map<number, string[]>;
  /** The top scoped names, split, in rank order (the scope-confusion check). */
  scoped: { name: string; scope: string; pkg: string }[];
  /** The top names by their letters without separators, in rank order (separator confusion). */
  bySquashed: Map<string, string[]>;
}
const cache = new Map<string, NameData | null>();
/** Verdicts already given, by ecosystem and name (a tree of packages names the same dependencies again and again). */
const judged = new Map<string, NameVerdict>();
const squash = (s: string) => s.replace(/[-_.]/g, '');

/** Popular names (with their rank, 0 = most popular) and the existence snapshot of an ecosystem. */
export function nameData(eco: Ecosystem): NameData | undefined {
  if (cache.has(eco)) return cache.get(eco) ?? undefined;
  let d: NameData | null = null;
  if (eco === 'npm' || eco === 'pypi') {
    const dir = join(RULES_DIR, 'supply-chain');
    const popular = new Map<string, number>();
    const targetsByLength = new Map<number, string[]>();
    const scoped: NameData['scoped'] = [];
    const bySquashed = new Map<string, string[]>();
    // npm's list gives monthly downloads in its second column, PyPI's only a rank
    const downloads: number[] | undefined = eco === 'npm' ? [] : undefined;
    const lines = readFileSync(join(dir, `popular-${eco}.txt`), 'utf8').split('\n');
    if (downloads)
      for (const line of lines) if (line && !line.startsWith('#')) downloads.push(Number(line.split('\t')[1]) || 0);
    const floor = downloads?.length ? downloads[downloads.length - 1] : Infinity;
    // (a plain loop: this runs once per thread, mostly before the JIT has looked at it)
    let rank = 0;
    for (const line of lines) {
      if (!line || line.startsWith('#')) continue;
      const r = rank++;
      const tab = line.indexOf('\t');
      const n = normaliseName(eco, tab < 0 ? line : line.slice(0, tab));
      if (popular.has(n)) continue;
      popular.set(n, r);
      if (r >= TARGET_RANK && !(downloads && downloads[r] >= TARGET_RATIO * floor)) continue;
      let sameLength = targetsByLength.get(n.length);
      if (!sameLength) targetsByLength.set(n.length, (sameLength = []));
      sameLength.push(n);
      if (n.startsWith('@')) {
        const [scope, pkg] = n.slice(1).split('/');
        scoped.push({ name: n, scope, pkg });
      }
      const k = squash(n);
      let same = bySquashed.get(k);
      if (!same) bySquashed.set(k, (same = []));
      same.push(n);
    }
    let known: Bloom | undefined;
    try {
      known = Bloom.parse(readFileSync(join(dir, `known-${eco}.bloom`)));
    } catch {
      /* no snapshot */
    }
    d = { popular, downloads, known, knownNote: known?.header.source, targetsByLength, scoped, bySquashed };
  }
  cache.set(eco, d);
  return d ?? undefined;
}

/** Damerau-Levenshtein distance, stopping early above `max` (then max + 1). */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (max === 1) return withinOneEdit(a, b);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      rowMin = Math.min(rowMin, d[i][j]);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length][b.length];
}

/**
 * The distance when it is 0 or 1, else 2, without a table: every unknown name of a manifest is held
 * against each popular name of a close length, and a table per pair took 1.8 ms a name (a 140 KB
 * requirements.txt of made-up names: 15 s).
 */
function withinOneEdit(a: string, b: string): number {
  if (a === b) return 0;
  if (!b.length) return 2; // (as the table reads it: no column, no row within the bound)
  // (what is left between the common start and the common end: one character or none on each
  // side is a drop, an addition or a replacement; two swapped on both is a swap)
  const m = Math.min(a.length, b.length);
  let i = 0;
  while (i < m && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  let j = 0;
  while (j < m - i && a.charCodeAt(a.length - 1 - j) === b.charCodeAt(b.length - 1 - j)) j++;
  const ra = a.length - i - j,
    rb = b.length - i - j;
  if (ra <= 1 && rb <= 1) return 1;
  return ra === 2 && rb === 2 && a[i] === b[i + 1] && a[i + 1] === b[i] ? 1 : 2;
}

export interface NameVerdict {
  kind: 'popular' | 'typosquat' | 'combosquat' | 'unverified' | 'ok';
  /** The popular package it imitates. */
  target?: string;
  how?: string;
  /** The name is in the registry snapshot (it exists, or existed when the snapshot was made). */
  exists?: boolean;
  /**
   * How many times more the target is downloaded than this name, at least (npm: the target's monthly
   * downloads over the list's floor, which an unlisted name is below).
   */
  ratio?: number;
}

const AFFIX =
  /^(?:node|js|py|python|python3|go|lib|the|official|real|secure|fast|simple|easy|super|my|get|new)[-_.]?|[-_.]?(?:js|node|py|python|python3|lib|dev|utils|util|tools|tool|sdk|api|cli|core|pro|plus|next|official|secure|fixed|fix|helper|helpers|client|server|wrapper|module|package|pkg|latest|new|2|3|x)$/;

/** Judges one dependency name. Popular names and their well-known siblings (names in the top list) pass. */
export function judgeName(eco: Ecosystem, rawName: string): NameVerdict {
  const key = `${eco}\0${rawName}`;
  let v = judged.get(key);
  if (!v) judged.set(key, (v = judgeAnew(eco, rawName)));
  return { ...v };
}

function judgeAnew(eco: Ecosystem, rawName: string): NameVerdict {
  const data = nameData(eco);
  if (!data) return { kind: 'ok' };
  const name = normaliseName(eco, rawName);
  if (data.popular.has(name)) return { kind: 'popular' };
  const exists = data.known ? data.known.has(name) : undefined;
  const rankOf = (p: string) => data.popular.get(p) ?? Infinity;
  const base = eco === 'npm' ? name.replace(/^@[^/]+\//, '') : name;

  // Scope confusion: types-node for @types/node, babel-core-x … (npm).
  if (eco === 'npm') {
    for (const { name: p, scope, pkg } of scopedCandidates(data, name)) {
      if (
        name === `${scope}-${pkg}` ||
        name === `${scope}.${pkg}` ||
        name === `${scope}${pkg}` ||
        (name.startsWith('@') &&
          name !== p &&
          name.split('/')[1] === pkg &&
          editDistance(name.split('/')[0].slice(1), scope, 1) <= 1)
      )
        return { kind: 'typosquat', target: p, how: 'scope confusion', exists };
    }
  }
  // Separator confusion (npm: lodash.merge / lodash-merge / lodash_merge are different packages).
  if (eco === 'npm') {
    const p = data.bySquashed.get(squash(name))?.find((q) => q !== name);
    if (p) return { kind: 'typosquat', target: p, how: 'separator confusion', exists };
  }
  // One edit away (a dropped, doubled, swapped or replaced character) from a popular name. Whole
  // names are compared: a package in another npm scope is not an imitation of an unscoped one.
  if (name.length >= 4 && !name.startsWith('@')) {
    for (const len of [name.length - 1, name.length, name.length + 1]) {
      for (const p of sameEnds(data, len, name)) {
        if (p.length < 4 || p.startsWith('@')) continue;
        if (editDistance(name, p, 1) <= 1) {
          // Short names one edit apart are often unrelated real packages (vue/vuex): require length.
          if (Math.min(p.length, name.length) < 5 && !/(.)\1/.test(name)) continue;
          return { kind: 'typosquat', target: p, how: describeEdit(name, p), exists, ratio: ratioOf(data, p) };
        }
      }
    }
  }
  // Combosquats: a popular name plus a common prefix or suffix (requests-python, node-lodash).
  const stripped = base.replace(AFFIX, '');
  if (stripped !== base && stripped.length >= 4 && rankOf(stripped) < 1000) {
    return {
      kind: exists === false ? 'combosquat' : 'ok',
      target: stripped,
      how: `"${stripped}" with an added prefix or suffix`,
      exists,
    };
  }
  if (exists === false) return { kind: 'unverified', exists };
  return { kind: 'ok', exists };
}

/** The targets of each length by their first and by their last character, as list positions. */
const endsIndex = new WeakMap<NameData['targetsByLength'], Map<string, number[]>>();

/**
 * The targets of a length (in list order) that start or end as the name does: one edit of a name of
 * four or more characters keeps its first or its last, so no other target can be one edit away. Every
 * target of three lengths held against each unknown name took 1.5 s for a 1 MB requirements.txt.
 */
function sameEnds(data: NameData, len: number, name: string): string[] {
  const all = data.targetsByLength.get(len) ?? [];
  let index = endsIndex.get(data.targetsByLength);
  if (!index) {
    index = new Map();
    for (const [n, list] of data.targetsByLength)
      list.forEach((p, at) => {
        for (const k of [`${n}<${p[0]}`, `${n}>${p[p.length - 1]}`]) {
          const ats = index!.get(k) ?? [];
          ats.push(at);
          index!.set(k, ats);
        }
      });
    endsIndex.set(data.targetsByLength, index);
  }
  const first = index.get(`${len}<${name[0]}`) ?? [];
  const last = index.get(`${len}>${name[name.length - 1]}`) ?? [];
  // (the two ascending lists merged, each position once)
  const out: string[] = [];
  let prev = -1;
  for (let i = 0, j = 0; i < first.length || j < last.length;) {
    const at = j >= last.length || (i < first.length && first[i] <= last[j]) ? first[i++] : last[j++];
    if (at !== prev) out.push(all[at]);
    prev = at;
  }
  return out;
}

/** The scoped names a name may confuse, keyed by what it would be written as; built once per list. */
const scopedIndex = new WeakMap<NameData['scoped'], Map<string, number[]>>();

/**
 * The scoped popular names (in list order) that the scope-confusion test can match for this name:
 * those it spells without the @ and / (scope-pkg, scope.pkg, scopepkg) and those whose package part
 * is its own. Holding every name against every scoped name took 0.6 ms a name (a 100 KB package.json:
 * 2.5 s).
 */
function scopedCandidates(data: NameData, name: string): NameData['scoped'] {
  let index = scopedIndex.get(data.scoped);
  if (!index) {
    index = new Map();
    const put = (k: string, at: number) => {
      const list = index!.get(k) ?? [];
      if (list[list.length - 1] !== at) list.push(at);
      index!.set(k, list);
    };
    data.scoped.forEach(({ scope, pkg }, at) => {
      for (const k of [`${scope}-${pkg}`, `${scope}.${pkg}`, `${scope}${pkg}`, `/${pkg}`]) put(k, at);
    });
    scopedIndex.set(data.scoped, index);
  }
  const ats = [...(index.get(name) ?? [])];
  if (name.startsWith('@') && name.includes('/')) ats.push(...(index.get(`/${name.split('/')[1]}`) ?? []));
  return [...new Set(ats)].sort((a, b) => a - b).map((at) => data.scoped[at]);
}

let allByLength: Map<number, string[]> | undefined;

/**
 * The most downloaded listed npm name one edit from this one (any rank, not only the targets the
 * offline check uses), with its monthly downloads: what --online weighs against the name's own
 * downloads. Undefined for listed names' exact matches and for short or scoped names.
 */
export function imitatedByDownloads(
  eco: Ecosystem,
  rawName: string,
): { target: string; downloads: number } | undefined {
  const data = nameData(eco);
  const d = data?.downloads;
  if (!data || !d?.length) return undefined;
  const name = normaliseName(eco, rawName);
  // (a listed name has a hundred thousand downloads a month or more: an established package, not a squat)
  if (name.length < 5 || name.startsWith('@') || data.popular.has(name)) return undefined;
  if (!allByLength) {
    allByLength = new Map();
    for (const n of data.popular.keys()) {
      if (n.startsWith('@')) continue;
      let same = allByLength.get(n.length);
      if (!same) allByLength.set(n.length, (same = []));
      same.push(n);
    }
  }
  // (each length bucket is in rank order: the first hit is the most downloaded)
  let best: { target: string; downloads: number } | undefined;
  for (const len of [name.length - 1, name.length, name.length + 1])
    for (const p of allByLength.get(len) ?? []) {
      if (p === name || editDistance(name, p, 1) > 1) continue;
      const downloads = d[data.popular.get(p)!];
      if (!best || downloads > best.downloads) best = { target: p, downloads };
      break;
    }
  return best;
}

/** The popularity ratio between a listed target and any unlisted name (undefined without download counts). */
function ratioOf(data: NameData, target: string): number | undefined {
  const d = data.downloads;
  const r = data.popular.get(target);
  if (!d?.length || r === undefined) return undefined;
  return Math.floor(d[r] / Math.max(1, d[d.length - 1]));
}

function describeEdit(a: string, b: string): string {
  if (a.length === b.length - 1) return 'a character dropped';
  if (a.length === b.length + 1)
    return /(.)\1/.test(a) && !/(.)\1/.test(b) ? 'a character doubled' : 'a character added';
  const diff = [...a].map((c, i) => (c !== b[i] ? i : -1)).filter((i) => i >= 0);
  if (diff.length === 2 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) return 'two characters swapped';
  return 'a character replaced';
}
