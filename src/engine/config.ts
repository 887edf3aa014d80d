/**
 * `.warden.yml`: validated with clear messages; unknown keys and bad values are errors.
 *
 *   fail-on: high                 # exit 1 at or above this severity (info|low|medium|high|critical)
 *   exclude: ["vendor/**", "*.min.js"]   # gitignore-style patterns, on top of .gitignore
 *   max-file-size: 1000000        # bytes; larger files get the line checks only (no code rules); past 64 MB, a finding
 *   baseline: .warden-baseline.json
 *   rules:
 *     disable: [python.weak-random, "js.*"]   # ids or prefixes ending in *
 *     severity: { c.strtok: low }
 */
import { UserError } from '../errors.ts';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../yaml.ts';
import { isSeverity, SEVERITIES, type Severity } from './types.ts';

export interface Config {
  failOn: Severity;
  exclude: string[];
  maxFileSize: number;
  baseline?: string;
  disable: string[];
  severity: Record<string, Severity>;
  /** Where the config came from, for messages. */
  source?: string;
  /** The model for `warden review` as written; src/analyzers/review validates it when a review runs. */
  review?: unknown;
}

export class ConfigError extends UserError {}

export const DEFAULT_CONFIG: Config = {
  failOn: 'high',
  exclude: [],
  maxFileSize: 1_000_000,
  disable: [],
  severity: {},
};

const TOP_KEYS = ['fail-on', 'exclude', 'max-file-size', 'baseline', 'rules', 'review'];
const RULE_KEYS = ['disable', 'severity'];

export function parseConfig(text: string, source = '.warden.yml'): Config {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { ...DEFAULT_CONFIG, source };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${source}: must be a mapping of settings`);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d))
    if (!TOP_KEYS.includes(k)) throw new ConfigError(`${source}: unknown key '${k}' (known: ${TOP_KEYS.join(', ')})`);
  const cfg: Config = { ...DEFAULT_CONFIG, exclude: [], disable: [], severity: {}, source };
  if (d['fail-on'] !== undefined) {
    if (!isSeverity(d['fail-on']))
      throw new ConfigError(
        `${source}: fail-on must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(d['fail-on'])}`,
      );
    cfg.failOn = d['fail-on'];
  }
  if (d.exclude !== undefined) {
    if (!Array.isArray(d.exclude) || d.exclude.some((x) => typeof x !== 'string'))
      throw new ConfigError(`${source}: exclude must be a list of path patterns`);
    cfg.exclude = d.exclude as string[];
  }
  if (d['max-file-size'] !== undefined) {
    const n = d['max-file-size'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
      throw new ConfigError(`${source}: max-file-size must be a positive whole number of bytes`);
    cfg.maxFileSize = n;
  }
  if (d.baseline !== undefined) {
    if (typeof d.baseline !== 'string') throw new ConfigError(`${source}: baseline must be a file path`);
    cfg.baseline = d.baseline;
  }
  if (d.review !== undefined) cfg.review = d.review;
  if (d.rules !== undefined) {
    if (typeof d.rules !== 'object' || d.rules === null || Array.isArray(d.rules))
      throw new ConfigError(`${source}: rules must be a mapping with disable and/or severity`);
    const r = d.rules as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!RULE_KEYS.includes(k))
        throw new ConfigError(`${source}: unknown key 'rules.${k}' (known: ${RULE_KEYS.join(', ')})`);
    if (r.disable !== undefined) {
      if (!Array.isArray(r.disable) || r.disable.some((x) => typeof x !== 'string'))
        throw new ConfigError(`${source}: rules.disable must be a list of rule ids`);
      cfg.disable = r.disable as string[];
    }
    if (r.severity !== undefined) {
      if (typeof r.severity !== 'object' || r.severity === null || Array.isArray(r.severity))
        throw new ConfigError(`${source}: rules.severity must map rule ids to severities`);
      for (const [id, s] of Object.entries(r.severity)) {
        if (!isSeverity(s))
          throw new ConfigError(
            `${source}: rules.severity.${id} must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(s)}`,
          );
        cfg.severity[id] = s;
      }
    }
  }
  return cfg;
}

export function loadConfig(dir: string, explicit?: string): Config {
  const path = explicit ?? join(dir, '.warden.yml');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(`config file not found: ${explicit}`);
    return { ...DEFAULT_CONFIG };
  }
  return parseConfig(readFileSync(path, 'utf8'), path);
}

export function ruleMatches(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}
