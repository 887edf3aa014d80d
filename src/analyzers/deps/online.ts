/**
 * `--online`: confirms dependencies against the registries' metadata APIs (existence, age,
 * maintainers, monthly downloads, install scripts of the latest version), with a cache in the
 * Warden folder (24 hours). Registries: $WARDEN_NPM_REGISTRY (default https://registry.npmjs.org)
 * and $WARDEN_PYPI_URL (default https://pypi.org). Network errors are notes, never silent passes.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../../engine/types.ts';
import { defaultAuditDir } from '../../paths.ts';
import { imitatedByDownloads, judgeName, normaliseName, type Ecosystem } from './names.ts';

/** A name this many times less downloaded than a listed name one edit away imitates it (registered squats). */
const ONLINE_RATIO = 1000;

export interface RegistryFacts {
  exists: boolean;
  created?: string;
  maintainers?: number;
  monthlyDownloads?: number;
  installScripts?: string[];
  error?: string;
}
export interface OnlineIssue {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
}

const TTL = 24 * 3600 * 1000;
const cacheFile = () => join(process.env.WARDEN_HOME ?? defaultAuditDir(), 'registry-cache.json');

function loadCache(): Record<string, { at: number; facts: RegistryFacts }> {
  try {
    return JSON.parse(readFileSync(cacheFile(), 'utf8'));
  } catch {
    return {};
  }
}

async function getJson(url: string): Promise<{ status: number; body?: unknown }> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return { status: 404 };
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return { status: res.status, body: await res.json() };
}

export async function registryFacts(eco: 'npm' | 'pypi', name: string): Promise<RegistryFacts> {
  if (eco === 'npm') {
    const base = (process.env.WARDEN_NPM_REGISTRY ?? 'https://registry.npmjs.org').replace(/\/$/, '');
    const r = await getJson(`${base}/${name.replace('/', '%2F')}`);
    if (r.status === 404) return { exists: false };
    const doc = r.body as {
      time?: Record<string, string>;
      maintainers?: unknown[];
      'dist-tags'?: Record<string, string>;
      versions?: Record<string, { scripts?: Record<string, string> }>;
    };
    const latest = doc['dist-tags']?.latest;
    const scripts = Object.keys(doc.versions?.[latest ?? '']?.scripts ?? {}).filter((s) =>
      /^(?:preinstall|install|postinstall)$/.test(s),
    );
    let monthlyDownloads: number | undefined;
    try {
      const dl = await getJson(
        `${process.env.WARDEN_NPM_DOWNLOADS ?? `${base.includes('registry.npmjs.org') ? 'https://api.npmjs.org' : base}`}/downloads/point/last-month/${name}`,
      );
      monthlyDownloads = (dl.body as { downloads?: number } | undefined)?.downloads;
    } catch {
      /* downloads are optional */
    }
    return {
      exists: true,
      created: doc.time?.created,
      maintainers: doc.maintainers?.length,
      installScripts: scripts,
      monthlyDownloads,
    };
  }
  const base = (process.env.WARDEN_PYPI_URL ?? 'https://pypi.org').replace(/\/$/, '');
  const r = await getJson(`${base}/pypi/${normaliseName('pypi', name)}/json`);
  if (r.status === 404) return { exists: false };
  const doc = r.body as {
    releases?: Record<string, { upload_time_iso_8601?: string }[]>;
    info?: { maintainer?: string; author?: string };
  };
  const times = Object.values(doc.releases ?? {})
    .flat()
    .map((f) => f.upload_time_iso_8601)
    .filter((t): t is string => !!t)
    .sort();
  return { exists: true, created: times[0], maintainers: doc.info?.maintainer || doc.info?.author ? 1 : 0 };
}

/** Facts for many packages at once (cached; a few requests in parallel). */
export async function confirmOnline(
  pkgs: { ecosystem: 'npm' | 'pypi'; name: string }[],
): Promise<Map<string, RegistryFacts>> {
  const cache = loadCache();
  const out = new Map<string, RegistryFacts>();
  const todo = pkgs.filter((p) => {
    const k = `${p.ecosystem}:${normaliseName(p.ecosystem, p.name)}`;
    const c = cache[k];
    if (c && Date.now() - c.at < TTL) {
      out.set(k, c.facts);
      return false;
    }
    return true;
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(6, todo.length) }, async () => {
      while (next < todo.length) {
        const p = todo[next++];
        const k = `${p.ecosystem}:${normaliseName(p.ecosystem, p.name)}`;
        try {
          const facts = await registryFacts(p.ecosystem, p.name);
          out.set(k, facts);
          cache[k] = { at: Date.now(), facts };
        } catch (e) {
          out.set(k, { exists: true, error: (e as Error).message });
        }
      }
    }),
  );
  try {
    mkdirSync(join(cacheFile(), '..'), { recursive: true });
    writeFileSync(cacheFile(), JSON.stringify(cache));
  } catch {
    /* the cache is an optimisation */
  }
  return out;
}

export function onlineIssues(name: string, f: RegistryFacts, now = Date.now(), eco: Ecosystem = 'npm'): OnlineIssue[] {
  if (f.error) return [];
  if (!f.exists)
    return [
      {
        ruleId: 'supply-chain.nonexistent-package',
        severity: 'high',
        title: 'Package does not exist in the registry',
        message: `"${name}" does not exist in the registry: a name a model invented, which anyone can register with malware ("slopsquatting").`,
      },
    ];
  const out: OnlineIssue[] = [];
  const ageDays = f.created ? (now - Date.parse(f.created)) / 86_400_000 : undefined;
  // A registered name one edit from a far more used one: the registry's own download count gives the
  // popularity ratio the offline lists can only bound (the offline check already reported its squats).
  const t = f.monthlyDownloads !== undefined ? imitatedByDownloads(eco, name) : undefined;
  if (t && t.downloads / Math.max(1, f.monthlyDownloads!) >= ONLINE_RATIO && judgeName(eco, name).kind !== 'typosquat')
    out.push({
      ruleId: 'supply-chain.typosquat',
      severity: 'high',
      title: 'Possible typosquat of a popular package',
      message: `"${name}" is one edit from "${t.target}", which is downloaded ${Math.floor(t.downloads / Math.max(1, f.monthlyDownloads!)).toLocaleString('en')} times more (${f.monthlyDownloads} vs ${t.downloads.toLocaleString('en')} a month)${ageDays !== undefined ? `; first published ${Math.floor(ageDays)} day(s) ago` : ''}.`,
    });
  if (ageDays !== undefined && ageDays < 30)
    out.push({
      ruleId: 'supply-chain.new-package',
      severity: 'medium',
      title: 'Very new package',
      message: `"${name}" was first published ${Math.max(0, Math.floor(ageDays))} day(s) ago; new packages are where typosquats and hallucinated names land.`,
    });
  if (f.monthlyDownloads !== undefined && f.monthlyDownloads < 100)
    out.push({
      ruleId: 'supply-chain.unpopular-package',
      severity: 'low',
      title: 'Package almost nobody uses',
      message: `"${name}" had ${f.monthlyDownloads} downloads last month.`,
    });
  if (f.installScripts?.length)
    out.push({
      ruleId: 'supply-chain.registry-install-script',
      severity: 'low',
      title: 'Latest version runs install scripts',
      message: `"${name}" runs ${f.installScripts.join(', ')} at install; review them or install with --ignore-scripts.`,
    });
  return out;
}
