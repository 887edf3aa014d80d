/**
 * A change judged with the session that made it (issue 21, item 6). A diff that adds an outbound
 * host is ordinary; the same diff written right after the agent read `.env` is how a secret leaves.
 * This analyzer takes what the change touches (hosts, authentication, crypto, CI and agent
 * configuration, dependencies, install hooks) and what the session did before it, as the audit log
 * recorded it (secrets read, URLs fetched, instructions found in tool results), and reports the
 * combinations. Either half alone is not a finding.
 */
import type { Finding, Note, Severity } from '../engine/types.ts';
import { fileFinding } from './source.ts';
import { isCredentialPath } from './paths.ts';

/** One thing the session did before the change, with where the audit log has it. */
export interface SessionFact {
  seq: number;
  ts: string;
  kind: 'secret-read' | 'fetch' | 'injection';
  /** A path, a URL or a rule id: shown in the finding so a reviewer can look the record up. */
  detail: string;
}

export interface SessionSummary {
  session: string;
  records: number;
  facts: SessionFact[];
  /** Why the summary is partial or missing (an unreadable log): reported as a note, never a crash. */
  error?: string;
}

/** The fields of an audit record this analyzer reads (src/audit/log.ts AuditRecord has more). */
export interface RecordLike {
  seq: number;
  ts: string;
  kind: string;
  data: unknown;
}

/** A changed file: its path, its added lines by number, and the text it had before (for "new" hosts). */
export interface ChangedFile {
  path: string;
  added: Map<number, string>;
  /** The file's other lines (context, or the whole file before the change): hosts there are not new. */
  rest?: string;
}

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Home-relative credential names work for any home; `~` is a placeholder the path rules understand. */
const NO_HOME = '/nonexistent-home';
const looksLikeSecretPath = (p: string) =>
  isCredentialPath(p.startsWith('/') ? p : `/${p}`, NO_HOME) || /(?:^|\/)\.env(?:\.[\w-]+)?$/.test(p);

/**
 * The adapter: the session facts in one audit record. Every shape the hooks write is read here and
 * nowhere else, so a change of the record format (src/audit/record.ts) touches only this function.
 * Pre-tool records: `data.calls[].event` (tool read/fetch/shell …) and `.verdict.capabilities`.
 * Post-tool records (kind `tool-result`; `result:TOOL` before the typed record): `data.input` (JSON text)
 * and `data.injection` (findings).
 */
export function factsOfRecord(r: RecordLike): SessionFact[] {
  const out: SessionFact[] = [];
  const at = (kind: SessionFact['kind'], detail: string) => out.push({ seq: r.seq, ts: r.ts, kind, detail });
  const data = obj(r.data);
  if (!data) return out;
  for (const call of arr(data.calls)) {
    const ev = obj(obj(call)?.event);
    const verdict = obj(obj(call)?.verdict);
    // A call Warden denied did not run: it read and fetched nothing (its result record would say so).
    if (verdict?.decision === 'deny') continue;
    const path = str(ev?.path);
    if (ev?.tool === 'read' && path && looksLikeSecretPath(path)) at('secret-read', path);
    if (ev?.tool === 'fetch' && str(ev.url)) at('fetch', str(ev.url)!);
    for (const c of arr(verdict?.capabilities)) {
      const cap = obj(c);
      if (cap?.capability === 'credential-access' && ev?.tool !== 'write' && ev?.tool !== 'edit')
        at('secret-read', str(cap.detail) ?? str(ev?.command) ?? 'a credential');
      else if (cap?.capability === 'download' || cap?.capability === 'network')
        for (const h of arr(cap.hosts)) if (typeof h === 'string' && h !== '?') at('fetch', h);
    }
    for (const f of arr(verdict?.findings))
      if (/^(?:injection|prompt-injection)\./.test(str(obj(f)?.ruleId) ?? '')) at('injection', str(obj(f)!.ruleId)!);
  }
  if (r.kind === 'tool-result' || r.kind.startsWith('result:')) {
    const input = parseJson(str(data.input));
    const path = str(input?.file_path) ?? str(input?.absolute_path) ?? str(input?.path);
    if (path && looksLikeSecretPath(path)) at('secret-read', path);
    const url = str(input?.url);
    if (url) at('fetch', url);
    for (const f of arr(data.injection)) {
      const rule = str(obj(f)?.rule) ?? str(obj(f)?.ruleId);
      if (rule) at('injection', `${rule} in the result of ${str(data.tool) ?? r.kind.slice(7)}`);
    }
  }
  return out;
}

function parseJson(s: string | undefined): Rec | undefined {
  if (!s || s.length > 100_000) return undefined;
  try {
    return obj(JSON.parse(s));
  } catch {
    return undefined;
  }
}

/** At most this many facts of each kind are kept (the latest), so a long session stays cheap. */
const MAX_FACTS = 50;

export function summariseSession(session: string, records: Iterable<RecordLike>): SessionSummary {
  const byKind = new Map<string, SessionFact[]>();
  let n = 0;
  for (const r of records) {
    n++;
    for (const f of factsOfRecord(r)) {
      const list = byKind.get(f.kind) ?? [];
      list.push(f);
      if (list.length > MAX_FACTS) list.shift();
      byKind.set(f.kind, list);
    }
  }
  const facts = [...byKind.values()].flat().sort((a, b) => a.seq - b.seq);
  return { session, records: n, facts };
}

/** The latest records of a session that are weighed: a long session costs a bounded read in the hook. */
export const MAX_SESSION_RECORDS = 1000;

interface SqlLike {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
}
export interface LogLike {
  records(f: { session?: string }): Iterable<RecordLike>;
  db?: unknown;
}

/**
 * Words without which an audit record holds no session fact (checked by SQLite on the raw text, so
 * older records cost no parsing): a session cannot push its `.env` read out of view by making a
 * thousand harmless calls after it.
 */
const FACT_WORDS = ['credential', '.env', 'url', 'download', 'network', 'secret', 'key'];
/** Where the words are: a record's head (tool, input, the call's event and capabilities). */
const HEAD_CHARS = 1500;
const MAX_OLDER_MATCHES = 2000;
/**
 * How far back before the latest records the words are looked for. Reading a record's text costs
 * (about 12 ms per 1,000 records of 4 KB here): the window keeps a write check within its budget.
 */
export const OLDER_WINDOW = 10_000;

type Row = { seq: number; ts: string; kind: string; data: string };

/** The session's latest records, and older ones that may hold a fact, oldest first. */
function latestRecords(log: LogLike, session: string): Iterable<RecordLike> {
  const db = log.db as SqlLike | undefined;
  if (!db || typeof db.prepare !== 'function') return log.records({ session });
  const latest = db
    .prepare('SELECT seq, ts, kind, data FROM records WHERE session = ? ORDER BY seq DESC LIMIT ?')
    .all(session, MAX_SESSION_RECORDS) as Row[];
  const oldest = latest.at(-1)?.seq ?? 0;
  // (an injection finding is written last in a result record, after the response)
  const words = [...FACT_WORDS.map(() => 'instr(head, ?) > 0'), `instr(data, '"injection":') > 0`].join(' OR ');
  const older =
    latest.length < MAX_SESSION_RECORDS
      ? []
      : (db
          .prepare(
            `SELECT seq, ts, kind, data FROM (SELECT *, substr(data, 1, ${HEAD_CHARS}) AS head FROM records ` +
              `WHERE session = ? AND seq < ? ORDER BY seq DESC LIMIT ?) WHERE ${words} ORDER BY seq DESC LIMIT ?`,
          )
          .all(session, oldest, OLDER_WINDOW, ...FACT_WORDS, MAX_OLDER_MATCHES) as Row[]);
  return [...latest, ...older]
    .reverse()
    .sort((a, b) => a.seq - b.seq)
    .map((r) => ({ seq: r.seq, ts: r.ts, kind: r.kind, data: parseData(r.data) }));
}

function parseData(s: unknown): unknown {
  if (typeof s !== 'string') return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined; // a record that is not JSON says nothing about the session
  }
}

/**
 * Reads a session's latest records from an audit log opened by the caller (read-only for scans,
 * the hook's own for the guard). Any error becomes the summary's `error`: the caller notes it.
 */
export function sessionFromLog(log: LogLike, session: string): SessionSummary {
  try {
    return summariseSession(session, latestRecords(log, session));
  } catch (e) {
    return { session, records: 0, facts: [], error: `the audit log could not be read: ${(e as Error).message}` };
  }
}

/** Opens the audit log at `dir` read-only and summarises `session`; never throws. */
export async function readSession(dir: string, session: string): Promise<SessionSummary> {
  try {
    const { AuditLog } = await import('../audit/log.ts');
    const log = new AuditLog(dir, 'full', { readOnly: true });
    try {
      const s = sessionFromLog(log, session);
      if (!s.error && s.records === 0) s.error = `no records of session ${session} in the audit log at ${dir}`;
      return s;
    } finally {
      log.close();
    }
  } catch (e) {
    return {
      session,
      records: 0,
      facts: [],
      error: `the audit log at ${dir} could not be read: ${(e as Error).message}`,
    };
  }
}

/** What a change touches, by kind, with the first line that shows it. */
type Touch = 'host' | 'auth' | 'crypto' | 'ci' | 'agent-config' | 'dependency' | 'install-hook';
interface Touched {
  touch: Touch;
  line: number;
  snippet: string;
  detail: string;
}

const CI_PATH =
  /(?:^|\/)(?:\.github\/workflows\/|\.gitlab-ci\.ya?ml$|\.circleci\/|Jenkinsfile$|azure-pipelines\.ya?ml$|\.buildkite\/|bitbucket-pipelines\.yml$)/;
const AGENT_PATH =
  /(?:^|\/)(?:\.claude\/|\.qwen\/|\.gemini\/|\.codex\/|\.cursor\/|\.mcp\.json$|(?:AGENTS|CLAUDE|QWEN|GEMINI)\.md$|\.cursorrules$|\.warden)/;
const MANIFEST =
  /(?:^|\/)(?:package\.json|requirements[\w.-]*\.txt|pyproject\.toml|Pipfile|go\.mod|Cargo\.toml|Gemfile|composer\.json|pom\.xml|build\.gradle(?:\.kts)?|setup\.cfg)$/;
const INSTALL_HOOK_PATH =
  /(?:^|\/)(?:setup\.py|\.husky\/[^/]+|\.git\/hooks\/[^/]+|\.pre-commit-config\.ya?ml|binding\.gyp)$/;
const INSTALL_SCRIPT = /"(?:pre|post)?install"\s*:|"prepare"\s*:|cmdclass\s*=|\bpostinstall\b/;
const AUTH =
  /\b(?:auth\w*|login|logon|password|passwd|credential\w*|session|jwt|token|permission\w*|is_?admin|role|authori[sz]\w*|sudo|acl)\b/i;
const CRYPTO =
  /\b(?:crypto\w*|cipher\w*|hmac|encrypt\w*|decrypt\w*|signature|verify\w*|x509|certificate|ssl|tls|AES|RSA|ECDSA|sha\d*|md5|random|nonce|salt)\b/i;
const URL_HOST = /\b(?:https?|wss?|ftp):\/\/([a-z0-9.-]+\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?/gi;
/** Hosts that are documentation, schemas or this machine, never a destination worth weighing. */
const INERT_HOST =
  /(?:^|\.)(?:localhost|example\.(?:com|org|net)|w3\.org|json-schema\.org|schemas\.\w+\.\w+|xmlns\.com|purl\.org)$|^127\.|^0\.0\.0\.0$/i;

/** A quoted host name (`"relay.evil.io"`, `'10.1.2.3'`) on a line that connects somewhere. */
const HOST_LITERAL = /["'`]((?:[a-z0-9-]+\.)+[a-z]{2,24}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?["'`]/gi;
const NETWORK_WORD =
  /\b(?:connect|socket|host(?:name)?|server|endpoint|url|uri|request|fetch|post|get|send|upload|webhook|dns|resolve|dial|http|smtp)\w*/i;
/** A dotted name that is a file or a module path, not a host. */
const FILE_LIKE =
  /\.(?:json|ya?ml|txt|py|js|mjs|cjs|ts|tsx|md|html?|css|xml|csv|log|lock|toml|ini|cfg|conf|png|jpe?g|gif|svg|gz|zip|tar|sh|rb|go|rs|java|php|env|pem|key|db|sql|so|dll|exe)$/i;

function hostsIn(line: string): string[] {
  const hosts = [...line.matchAll(URL_HOST)].map((m) => m[1].toLowerCase());
  if (NETWORK_WORD.test(line))
    for (const m of line.matchAll(HOST_LITERAL)) if (!FILE_LIKE.test(m[1])) hosts.push(m[1].toLowerCase());
  return [...new Set(hosts)].filter((h) => !INERT_HOST.test(h));
}

/** Lines that are only a comment carry no behaviour (a link in a comment is not a destination). */
const COMMENT = /^\s*(?:\/\/|#|\*|\/\*|<!--|--\s)/;

export function whatChangeTouches(file: ChangedFile): Touched[] {
  const out: Touched[] = [];
  const seen = new Set<string>();
  const add = (touch: Touch, line: number, snippet: string, detail: string) => {
    if (seen.has(`${touch}:${detail}`)) return;
    seen.add(`${touch}:${detail}`);
    out.push({ touch, line, snippet, detail });
  };
  const known = new Set(hostsIn(file.rest ?? ''));
  const lines = [...file.added].sort((a, b) => a[0] - b[0]);
  const first = lines[0] ?? [1, ''];
  if (CI_PATH.test(file.path)) add('ci', first[0], first[1], `CI configuration ${file.path}`);
  if (AGENT_PATH.test(file.path)) add('agent-config', first[0], first[1], `agent configuration ${file.path}`);
  if (INSTALL_HOOK_PATH.test(file.path)) add('install-hook', first[0], first[1], `install hook ${file.path}`);
  for (const [n, text] of lines) {
    if (COMMENT.test(text)) continue;
    for (const h of hostsIn(text)) if (!known.has(h)) add('host', n, text, h);
    if (MANIFEST.test(file.path) && INSTALL_SCRIPT.test(text))
      add('install-hook', n, text, `install script in ${file.path}`);
    else if (MANIFEST.test(file.path) && text.trim().length > 2)
      add('dependency', n, text, `dependencies in ${file.path}`);
    if (AUTH.test(text)) add('auth', n, text, 'authentication or authorisation code');
    if (CRYPTO.test(text)) add('crypto', n, text, 'cryptography or verification code');
  }
  return out;
}

interface Combination {
  touch: Touch[];
  fact: SessionFact['kind'];
  severity: Severity;
  ruleId: string;
  why: string;
}

/**
 * The combinations that make a finding. The severities are deliberate: a new destination after a
 * secret was read, or any sensitive change after instructions were found in a tool result, is how
 * an injected agent exfiltrates or plants; after a plain fetch the same change is worth a question.
 */
const COMBINATIONS: Combination[] = [
  {
    touch: ['host'],
    fact: 'secret-read',
    severity: 'high',
    ruleId: 'session.new-host-after-secret-read',
    why: 'a new outbound host added after the session read a secret: the change may send it out',
  },
  {
    touch: ['host', 'ci', 'agent-config', 'install-hook', 'dependency', 'auth', 'crypto'],
    fact: 'injection',
    severity: 'high',
    ruleId: 'session.sensitive-change-after-injection',
    why: 'a sensitive change written after the session saw instructions in a tool result',
  },
  {
    touch: ['ci', 'agent-config', 'install-hook'],
    fact: 'secret-read',
    severity: 'high',
    ruleId: 'session.pipeline-change-after-secret-read',
    why: 'CI, agent or install configuration changed after the session read a secret',
  },
  {
    touch: ['auth', 'crypto'],
    fact: 'secret-read',
    severity: 'medium',
    ruleId: 'session.security-change-after-secret-read',
    why: 'authentication or crypto code changed after the session read a secret',
  },
  {
    touch: ['host', 'ci', 'agent-config', 'install-hook', 'dependency'],
    fact: 'fetch',
    severity: 'medium',
    ruleId: 'session.sensitive-change-after-fetch',
    why: 'a new host, dependency, install hook or CI/agent configuration after the session fetched outside content',
  },
];

/** The session-context findings for a change; nothing when the session did nothing of note. */
export function judgeChangeInSession(files: ChangedFile[], summary: SessionSummary): Finding[] {
  const findings: Finding[] = [];
  if (!summary.facts.length) return findings;
  const latest = (kind: SessionFact['kind']) => summary.facts.filter((f) => f.kind === kind).at(-1);
  for (const file of files) {
    const touched = whatChangeTouches(file);
    for (const c of COMBINATIONS) {
      const fact = latest(c.fact);
      const t = touched.find((x) => c.touch.includes(x.touch));
      if (!fact || !t) continue;
      if (findings.some((f) => f.file === file.path && f.line === t.line)) continue; // the strongest one per line
      findings.push(
        fileFinding(file.path, {
          ruleId: c.ruleId,
          title: 'Change weighed with its session',
          severity: c.severity,
          confidence: 'medium',
          category: 'backdoor',
          line: t.line,
          snippet: t.snippet,
          message:
            `${c.why} (${t.touch === 'host' ? `new host ${t.detail}` : t.detail}; session ${summary.session}, ` +
            `audit record ${fact.seq} at ${fact.ts}: ${fact.kind} ${clipDetail(fact.detail)})`,
          fix: 'Check where this change sends data or what it enables, against what the session read or was told.',
        }),
      );
    }
  }
  return findings;
}

const clipDetail = (s: string) => (s.length > 160 ? `${s.slice(0, 160)}…` : s).replace(/[\x00-\x1f]/g, ' ');

/** The note a scan reports when the session could not be weighed. */
export function sessionNote(summary: SessionSummary): Note | undefined {
  return summary.error
    ? { file: '<session>', kind: 'partial', reason: `session context not weighed: ${summary.error}` }
    : undefined;
}
