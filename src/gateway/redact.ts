/**
 * Outbound redaction for the model gateway: secrets (the secrets analyzer) and configured
 * sensitive patterns are replaced by stable placeholders before a request leaves, and the
 * placeholders are put back in what comes back (whole responses, streamed text split anywhere,
 * tool-call arguments), so the agent keeps working with the real values locally.
 */
import { createHash } from 'node:crypto';
import { analyzeSecrets, secretValues } from '../analyzers/secrets/index.ts';
import { SourceFile } from '../analyzers/source.ts';

const PREFIX = 'WARDEN_SECRET_';
const PLACEHOLDER = /WARDEN_SECRET_[0-9a-f]{10}/g;
const PH_LEN = PREFIX.length + 10;

/** Keys whose values are protocol structure, not content (no secret can hide in a role or a model name that matters). */
const STRUCTURAL = new Set(['model', 'role', 'type', 'tool_call_id', 'finish_reason', 'stop_reason', 'object']);

export interface Redaction {
  placeholder: string;
  kind: string;
}

/**
 * Agents resend the whole conversation every turn, so most strings of a request were redacted
 * before: results for long strings are kept (by content hash) in a bounded cache.
 */
const CACHE_MAX = 4000;
const cache = new Map<string, { text: string; found: { value: string; kind: string }[] }>();

export class Redactor {
  private byPlaceholder = new Map<string, string>();
  readonly redactions: Redaction[] = [];
  constructor(private patterns: RegExp[] = []) {}

  private placeholderFor(value: string, kind: string): string {
    const ph = PREFIX + createHash('sha256').update(value).digest('hex').slice(0, 10);
    if (!this.byPlaceholder.has(ph)) this.redactions.push({ placeholder: ph, kind });
    this.byPlaceholder.set(ph, value);
    return ph;
  }

  /** Redacts one string (secrets found by the secrets analyzer, then configured patterns). */
  redact(text: string): string {
    if (!text) return text;
    let out = text;
    const key = text.length >= 256 ? createHash('sha1').update(text).digest('base64') : undefined;
    let hit = key ? cache.get(key) : undefined;
    if (!hit) {
      const file = new SourceFile('<request>', text, undefined);
      const found = analyzeSecrets(file);
      const values = secretValues(file, found);
      hit = { text, found: found.map((f, k) => ({ value: values[k], kind: f.ruleId })).filter((x) => x.value) };
      if (key) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(key, hit);
      }
    }
    for (const { value, kind } of hit.found)
      if (out.includes(value)) out = out.split(value).join(this.placeholderFor(value, kind));
    for (const re of this.patterns)
      out = out.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), (m) =>
        this.placeholderFor(m, 'pattern'),
      );
    return out;
  }

  /** Redacts every string inside a JSON value (messages, tool results, tool-call arguments…). */
  redactDeep<T>(v: T, key?: string): T {
    if (typeof v === 'string')
      return (v.length < 8 || (key !== undefined && STRUCTURAL.has(key)) ? v : this.redact(v)) as T;
    if (Array.isArray(v)) return v.map((x) => this.redactDeep(x)) as T;
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.redactDeep(x, k)])) as T;
    return v;
  }

  restore(text: string): string {
    if (!this.byPlaceholder.size || !text.includes(PREFIX)) return text;
    return text.replace(PLACEHOLDER, (ph) => this.byPlaceholder.get(ph) ?? ph);
  }

  restoreDeep<T>(v: T): T {
    if (!this.active) return v;
    if (typeof v === 'string') return this.restore(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.restoreDeep(x)) as T;
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.restoreDeep(x)])) as T;
    return v;
  }

  get active(): boolean {
    return this.byPlaceholder.size > 0;
  }
}

/**
 * Restores placeholders in a stream of text pieces split anywhere: only a tail that could be the
 * start of a placeholder is held back (at most the placeholder's length), everything else passes
 * through at once.
 */
export class StreamRestorer {
  private tail = '';
  constructor(private r: Redactor) {}
  push(piece: string): string {
    if (!this.r.active) return piece;
    const s = this.tail + piece;
    // Hold back the longest suffix that is a proper prefix of a placeholder.
    let hold = 0;
    for (let k = Math.min(PH_LEN - 1, s.length); k > 0; k--) {
      const suf = s.slice(s.length - k);
      if (PREFIX.startsWith(suf) || (suf.startsWith(PREFIX) && /^[0-9a-f]*$/.test(suf.slice(PREFIX.length)))) {
        hold = k;
        break;
      }
    }
    this.tail = s.slice(s.length - hold);
    return this.r.restore(s.slice(0, s.length - hold));
  }
  flush(): string {
    const t = this.r.restore(this.tail);
    this.tail = '';
    return t;
  }
}
