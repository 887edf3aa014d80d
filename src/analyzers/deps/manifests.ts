/**
 * Dependency manifests of npm, PyPI, Go, Cargo, RubyGems and Composer, read into one shape:
 * name, version spec, where it comes from (registry, git, URL, path) and its line. Parsers are
 * line-oriented (TOML, Gemfile and requirements files are read without executing anything).
 */
import type { Ecosystem } from './names.ts';

export interface Dep {
  ecosystem: Ecosystem;
  name: string;
  spec: string;
  /** registry, or where else it comes from. */
  source: 'registry' | 'git' | 'url' | 'path';
  line: number;
  /** npm: dependencies / devDependencies …; PyPI: requirements, project, poetry … */
  section: string;
}

export interface IndexSetting {
  kind: 'index' | 'extra-index' | 'trusted-host' | 'find-links' | 'registry' | 'source';
  value: string;
  line: number;
}

export interface Manifest {
  kind: string;
  deps: Dep[];
  indexes: IndexSetting[];
  /** npm lifecycle scripts that run at install: name → command, with line. */
  scripts: { name: string; command: string; line: number }[];
  /** Lockfile entries: name, version, resolved URL, integrity, line. */
  locked: { name: string; version: string; resolved?: string; integrity?: string; line: number }[];
}

/** The last text's lines (one split per manifest, not one per dependency). */
let split: { text: string; lines: string[] } | undefined;
const linesOf = (text: string): string[] =>
  (split?.text === text ? split : (split = { text, lines: text.split('\n') })).lines;

const lineOf = (text: string, needle: RegExp, from = 0): number => {
  const lines = linesOf(text);
  for (let i = from; i < lines.length; i++) if (needle.test(lines[i])) return i + 1;
  return 1;
};
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each `"key":` of the last text, with the lines (0-based, ascending) where it is written. */
let keyed: { text: string; at: Map<string, number[]> } | undefined;

/**
 * The first line from `from` (0-based) where `"key":` is written, as lineOf finds it, from an index of
 * the text's keys built in one pass: a package.json's or lockfile's thousands of entries each searched
 * from the top was quadratic (30,000 dependencies in 750 KB: 11 s). The index reads the `"…":` that a
 * left-to-right reading finds, so a key written inside another one's text (which no JSON file does)
 * is not found and gets line 1.
 */
function keyLine(text: string, key: string, from = 0): number {
  if (keyed?.text !== text) {
    const at = new Map<string, number[]>();
    linesOf(text).forEach((l, i) => {
      if (!l.includes('"')) return;
      for (const m of l.matchAll(/"([^"\n]*)"\s*:/g)) {
        const list = at.get(m[1]) ?? [];
        if (list[list.length - 1] !== i) list.push(i);
        at.set(m[1], list);
      }
    });
    keyed = { text, at };
  }
  const i = keyed.at.get(key)?.find((n) => n >= from);
  return i === undefined ? 1 : i + 1;
}

export function manifestKind(path: string): string | undefined {
  const base = path.split('/').pop() ?? '';
  if (base === 'package.json') return 'package.json';
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'package-lock.json';
  if (/^requirements.*\.(?:txt|in)$|^constraints.*\.txt$/.test(base)) return 'requirements.txt';
  if (base === 'pyproject.toml') return 'pyproject.toml';
  if (base === 'setup.py') return 'setup.py';
  if (base === 'setup.cfg') return 'setup.cfg';
  if (base === 'Pipfile') return 'Pipfile';
  if (base === 'go.mod') return 'go.mod';
  if (base === 'Cargo.toml') return 'Cargo.toml';
  if (base === 'Gemfile') return 'Gemfile';
  if (base === 'composer.json') return 'composer.json';
  return undefined;
}

/** `npm:<name>@<range>`: an alias of a registry package (the name may be scoped). */
const NPM_ALIAS = /^npm:((?:@[\w.-]+\/)?[\w.-]+)(?:@(.*))?$/;

/** The strings of a TOML or Python line, each whole: a double-quoted one may hold single quotes (PEP 508 markers). */
const quotedStrings = (line: string) => [...line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((q) => q[1] ?? q[2]);

function sourceOfNpm(spec: string): Dep['source'] {
  if (/^(?:git\+|git:|github:|gitlab:|bitbucket:|[\w-]+\/[\w.-]+(?:#.*)?$)/.test(spec)) return 'git';
  if (/^(?:https?|ftp):/.test(spec)) return 'url';
  if (/^(?:file:|link:|\.{0,2}\/)/.test(spec)) return 'path';
  return 'registry';
}

/** One PEP 508 requirement string: name, spec and source. */
export function parseRequirement(req: string): { name: string; spec: string; source: Dep['source'] } | undefined {
  const r = req.trim().replace(/\s+#.*$/, '');
  if (!r) return undefined;
  const at = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(r);
  if (at)
    return {
      name: at[1],
      spec: at[2],
      source: /^git\+|\.git(?:@|$)/.test(at[2]) ? 'git' : /^file:/.test(at[2]) ? 'path' : 'url',
    };
  if (/^(?:git\+|hg\+|svn\+|bzr\+)/.test(r))
    return { name: /#egg=([\w.-]+)/.exec(r)?.[1] ?? r, spec: r, source: 'git' };
  if (/^(?:https?|ftp):\/\//.test(r))
    return {
      name:
        /#egg=([\w.-]+)/.exec(r)?.[1] ??
        r
          .split('/')
          .pop()!
          .replace(/-\d.*$/, ''),
      spec: r,
      source: 'url',
    };
  if (/^(?:\.{0,2}\/|file:)/.test(r)) return { name: r, spec: r, source: 'path' };
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$/.exec(r);
  if (!m) return undefined;
  return { name: m[1], spec: m[2].split(';')[0].trim(), source: 'registry' };
}

export function parseManifest(path: string, text: string): Manifest | undefined {
  const kind = manifestKind(path);
  if (!kind) return undefined;
  const m: Manifest = { kind, deps: [], indexes: [], scripts: [], locked: [] };
  const lines = text.split('\n');
  switch (kind) {
    case 'package.json':
    case 'composer.json': {
      let j: Record<string, unknown>;
      try {
        j = JSON.parse(text);
      } catch {
        return m;
      }
      const eco: Ecosystem = kind === 'package.json' ? 'npm' : 'packagist';
      const sections =
        kind === 'package.json'
          ? ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']
          : ['require', 'require-dev'];
      for (const sec of sections) {
        const d = j[sec];
        if (!d || typeof d !== 'object') continue;
        const start = lineOf(text, new RegExp(`"${esc(sec)}"\\s*:`)) - 1;
        for (const [key, value] of Object.entries(d as Record<string, unknown>)) {
          if (typeof value !== 'string') continue;
          if (eco === 'packagist' && (key === 'php' || key.startsWith('ext-'))) continue;
          // An npm alias ("fdir2": "npm:fdir@2.1.0") installs the package it names under a local name:
          // that package is what comes from the registry and what is judged (a popular name aliased
          // to a squat, "lodash": "npm:lodahs@1", is judged as lodahs).
          const alias = eco === 'npm' ? NPM_ALIAS.exec(value) : null;
          const name = alias ? alias[1] : key,
            spec = alias ? (alias[2] ?? '*') : value;
          m.deps.push({
            ecosystem: eco,
            name,
            spec,
            source: eco === 'npm' ? sourceOfNpm(spec) : /^(?:dev-|https?:)/.test(spec) ? 'url' : 'registry',
            line: keyLine(text, key, start),
            section: sec,
          });
        }
      }
      const scripts = j.scripts as Record<string, unknown> | undefined;
      if (kind === 'package.json' && scripts && typeof scripts === 'object') {
        for (const [name, cmd] of Object.entries(scripts)) {
          if (
            typeof cmd === 'string' &&
            /^(?:preinstall|install|postinstall|prepare|preprepare|postprepare|prepublish)$/.test(name)
          )
            m.scripts.push({ name, command: cmd, line: lineOf(text, new RegExp(`"${esc(name)}"\\s*:`)) });
        }
      }
      if (
        kind === 'package.json' &&
        typeof j.publishConfig === 'object' &&
        j.publishConfig &&
        typeof (j.publishConfig as Record<string, unknown>).registry === 'string'
      )
        m.indexes.push({
          kind: 'registry',
          value: (j.publishConfig as Record<string, string>).registry,
          line: lineOf(text, /"registry"\s*:/),
        });
      return m;
    }
    case 'package-lock.json': {
      let j: { packages?: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean }> };
      try {
        j = JSON.parse(text);
      } catch {
        return m;
      }
      for (const [key, e] of Object.entries(j.packages ?? {})) {
        if (!key || e.link || !key.includes('node_modules/')) continue;
        const name = key.slice(key.lastIndexOf('node_modules/') + 13);
        m.locked.push({
          name,
          version: e.version ?? '',
          resolved: e.resolved,
          integrity: e.integrity,
          line: keyLine(text, key),
        });
      }
      return m;
    }
    case 'requirements.txt':
      lines.forEach((raw, i) => {
        const l = raw.trim();
        if (!l || l.startsWith('#')) return;
        const opt = /^(--index-url|-i|--extra-index-url|--trusted-host|--find-links|-f)[=\s]+(\S+)/.exec(l);
        if (opt) {
          const k =
            opt[1] === '-i' || opt[1] === '--index-url'
              ? 'index'
              : opt[1] === '--extra-index-url'
                ? 'extra-index'
                : opt[1] === '--trusted-host'
                  ? 'trusted-host'
                  : 'find-links';
          m.indexes.push({ kind: k, value: opt[2], line: i + 1 });
          return;
        }
        if (/^-(?:r|c|-requirement|-constraint)\b/.test(l) || /^--/.test(l)) return;
        const e = /^(?:-e|--editable)\s+(\S+)/.exec(l);
        const r = parseRequirement(e ? e[1] : l.replace(/\s+--hash=\S+/g, ''));
        if (r) m.deps.push({ ecosystem: 'pypi', ...r, line: i + 1, section: 'requirements' });
      });
      return m;
    case 'pyproject.toml':
    case 'Pipfile':
    case 'Cargo.toml': {
      let table = '';
      let inArray: string | undefined;
      lines.forEach((raw, i) => {
        const l = raw.replace(/\s+#.*$/, '').trim();
        const h = /^\[\[?([^\]]+)\]\]?$/.exec(l);
        if (h) {
          table = h[1].trim();
          inArray = undefined;
          return;
        }
        if (kind === 'pyproject.toml') {
          // PEP 621: dependencies = [ "..." ] and optional-dependencies arrays.
          const arr = /^([\w-]+)\s*=\s*\[(.*)$/.exec(l);
          if (
            arr &&
            ((table === 'project' && arr[1] === 'dependencies') ||
              table === 'project.optional-dependencies' ||
              (table === 'build-system' && arr[1] === 'requires') ||
              table === 'dependency-groups')
          )
            inArray = `${table}.${arr[1]}`;
          if (inArray) {
            for (const s of quotedStrings(l)) {
              const r = parseRequirement(s);
              if (r) m.deps.push({ ecosystem: 'pypi', ...r, line: i + 1, section: inArray });
            }
            if (l.includes(']') && !/\[[^\]]*$/.test(l.replace(/\[[^\]]*\]/g, ''))) inArray = undefined;
            return;
          }
          if (/^tool\.poetry\.(?:dev-)?dependencies$|^tool\.poetry\.group\.[\w-]+\.dependencies$/.test(table))
            tableDep(l, i, 'pypi', table);
          if (/^tool\.(?:pip|uv|poetry)/.test(table) && /(?:index-url|url)\s*=\s*["']([^"']+)/.test(l))
            m.indexes.push({ kind: 'index', value: /["']([^"']+)/.exec(l)![1], line: i + 1 });
        } else if (kind === 'Pipfile') {
          if (table === 'packages' || table === 'dev-packages') tableDep(l, i, 'pypi', table);
          if (table === 'source' && /^url\s*=/.test(l))
            m.indexes.push({ kind: 'index', value: /["']([^"']+)/.exec(l)?.[1] ?? l, line: i + 1 });
        } else if (/^(?:(?:target\.[^.]+\.)?(?:dev-|build-)?dependencies|workspace\.dependencies)$/.test(table))
          tableDep(l, i, 'crates', table);
      });
      return m;
    }
    case 'setup.py': {
      const block = /install_requires\s*=\s*\[([\s\S]*?)\]/.exec(text);
      if (block) {
        const start = text.slice(0, block.index).split('\n').length - 1;
        block[1].split('\n').forEach((l, k) => {
          for (const s of quotedStrings(l)) {
            const r = parseRequirement(s);
            if (r) m.deps.push({ ecosystem: 'pypi', ...r, line: start + k + 1, section: 'install_requires' });
          }
        });
      }
      for (const d of text.matchAll(/(?:dependency_links|index_url)\s*=\s*\[?\s*["']([^"']+)/g))
        m.indexes.push({ kind: 'find-links', value: d[1], line: text.slice(0, d.index).split('\n').length });
      return m;
    }
    case 'setup.cfg': {
      let inReq = false;
      lines.forEach((raw, i) => {
        if (/^install_requires\s*=/.test(raw)) {
          inReq = true;
          const rest = raw.split('=')[1].trim();
          if (rest) add(rest, i);
          return;
        }
        if (inReq && /^\s+\S/.test(raw)) add(raw.trim(), i);
        else if (inReq && raw.trim()) inReq = false;
      });
      function add(s: string, i: number) {
        const r = parseRequirement(s);
        if (r) m.deps.push({ ecosystem: 'pypi', ...r, line: i + 1, section: 'install_requires' });
      }
      return m;
    }
    case 'go.mod': {
      let inReq = false;
      lines.forEach((raw, i) => {
        const l = raw.replace(/\/\/.*$/, '').trim();
        if (/^require\s*\($/.test(l)) {
          inReq = true;
          return;
        }
        if (inReq && l === ')') {
          inReq = false;
          return;
        }
        const one = /^require\s+(\S+)\s+(\S+)/.exec(l) ?? (inReq ? /^(\S+)\s+(\S+)/.exec(l) : null);
        if (one)
          m.deps.push({
            ecosystem: 'go',
            name: one[1],
            spec: one[2],
            source: 'registry',
            line: i + 1,
            section: 'require',
          });
        const rep = /^replace\s+\S+(?:\s+\S+)?\s+=>\s+(\S+)/.exec(l);
        if (rep)
          m.deps.push({
            ecosystem: 'go',
            name: rep[1],
            spec: 'replace',
            source: /^\.{0,2}\//.test(rep[1]) ? 'path' : 'url',
            line: i + 1,
            section: 'replace',
          });
      });
      return m;
    }
    case 'Gemfile':
      lines.forEach((raw, i) => {
        const l = raw.trim();
        const src = /^source\s+["']([^"']+)/.exec(l);
        if (src) m.indexes.push({ kind: 'source', value: src[1], line: i + 1 });
        const g = /^gem\s+["']([^"']+)["']\s*(?:,\s*(.*))?$/.exec(l);
        if (g)
          m.deps.push({
            ecosystem: 'rubygems',
            name: g[1],
            spec: g[2] ?? '',
            source: /\b(?:git|github):/.test(g[2] ?? '') ? 'git' : /\bpath:/.test(g[2] ?? '') ? 'path' : 'registry',
            line: i + 1,
            section: 'gems',
          });
      });
      return m;
  }
  return m;

  function tableDep(l: string, i: number, eco: Ecosystem, table: string) {
    const kv = /^["']?([A-Za-z0-9][\w.-]*)["']?\s*=\s*(.+)$/.exec(l);
    if (!kv || kv[1] === 'python') return;
    const v = kv[2];
    const source: Dep['source'] = /\bgit\s*=/.test(v)
      ? 'git'
      : /\bpath\s*=/.test(v)
        ? 'path'
        : /\burl\s*=/.test(v)
          ? 'url'
          : 'registry';
    m.deps.push({
      ecosystem: eco,
      name: kv[1],
      spec: v.replace(/^["']|["']$/g, ''),
      source,
      line: i + 1,
      section: table,
    });
  }
}
