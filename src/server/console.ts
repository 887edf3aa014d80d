/**
 * The console: plain server-rendered HTML pages, no framework and no script. Signing in takes the
 * admin token once and sets a cookie (HttpOnly, SameSite=Strict) holding an expiry and an HMAC
 * under a key derived from the server's key, so every server process on the database accepts it.
 * Every form carries a CSRF token derived from the cookie, and a POST from another origin is
 * refused. Pages are accessible: one h1, labelled fields, tables with captions and header cells.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decideApproval, sessionRecords, type RecordRow } from './api.ts';
import { HttpError, type Ctx, type Route } from './http.ts';
import { sweepSilence } from './ingest.ts';
import { isAdmin, type ServerKey } from './tokens.ts';

const COOKIE = 'warden_console';
const SIGN_IN_HOURS = 12;

export function esc(v: unknown): string {
  return String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

let macKey: Buffer | undefined;
function mac(key: ServerKey, text: string): string {
  macKey ??= createHash('sha256')
    .update(`warden-console v1 ${key.key.export({ type: 'pkcs8', format: 'der' }).toString('base64')}`)
    .digest();
  return createHmac('sha256', macKey).update(text).digest('base64url');
}

function cookieOf(c: Ctx): string | undefined {
  const h = c.req.headers.cookie ?? '';
  return h
    .split(/;\s*/)
    .find((p) => p.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

let serverKeyRef: ServerKey | undefined;

export async function consoleAuth(c: Ctx, key: ServerKey): Promise<boolean> {
  serverKeyRef = key;
  const v = cookieOf(c);
  const m = v ? /^(\d+)\.([\w-]*)\.([\w-]+)$/.exec(v) : null;
  if (!m || Number(m[1]) < Date.now() || !sameText(mac(key, `session ${m[1]} ${m[2]}`), m[3])) return false;
  c.person = Buffer.from(m[2], 'base64url').toString('utf8');
  if (c.req.method === 'POST') {
    const origin = c.req.headers.origin;
    if (origin && origin !== 'null' && new URL(origin).host !== c.req.headers.host) return false;
    const form = await c.form();
    if (!sameText(form.get('csrf') ?? '', csrfOf(key, v!))) return false;
  }
  return true;
}

function csrfOf(key: ServerKey, cookie: string): string {
  return mac(key, `csrf ${cookie}`);
}

export function consoleDenied(c: Ctx): void {
  if (c.req.method === 'POST')
    return page(c.res, 403, 'Not allowed', '<p>Sign in again and retry from the console.</p>');
  c.res.writeHead(303, { location: `/login?next=${encodeURIComponent(c.url.pathname + c.url.search)}` });
  c.res.end();
}

const NAV = [
  ['/', 'Machines'],
  ['/sessions', 'Sessions'],
  ['/findings', 'Findings'],
  ['/approvals', 'Approvals'],
  ['/alerts', 'Alerts'],
  ['/policy', 'Policy'],
];

function page(res: ServerResponse, status: number, title: string, body: string, signedIn = false): void {
  const nav = signedIn
    ? `<nav aria-label="Console"><ul>${NAV.map(([h, t]) => `<li><a href="${h}">${t}</a></li>`).join('')}</ul></nav>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Warden server</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#12344d;color:#fff;padding:.6rem 1.2rem}header a{color:#fff}
nav ul{list-style:none;display:flex;gap:1.1rem;margin:.4rem 0 0;padding:0}main{padding:1rem 1.2rem}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1.2rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef1f5}
.deny{color:#a00;font-weight:600}.ask{color:#8a5a00;font-weight:600}.allow{color:#17692b}
code,pre{font:13px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
label{display:block;margin:.4rem 0 .2rem}input[type=password],input[type=text]{width:24rem;max-width:100%;padding:.3rem}
button{padding:.3rem .8rem;margin-right:.3rem}
</style></head>
<body><header><a href="/">Warden server</a>${nav}</header><main><h1>${esc(title)}</h1>
${body}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

function table(caption: string, head: string[], rows: string[][], empty = 'Nothing yet.'): string {
  if (!rows.length) return `<h2>${esc(caption)}</h2><p>${esc(empty)}</p>`;
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head
    .map((h) => `<th scope="col">${esc(h)}</th>`)
    .join(
      '',
    )}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((d) => `<td>${d}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const dec = (d: string) => `<span class="${esc(d)}">${esc(d)}</span>`;
const when = (t: unknown) => (t ? esc(new Date(t as string).toISOString().replace('T', ' ').slice(0, 19)) : '—');

/** What a record was about, in one line: the command, path, URL or prompt, and why. */
export function recordWhat(r: RecordRow): { what: string; why: string } {
  const d = r.data as {
    event?: Record<string, unknown>;
    calls?: { event?: Record<string, unknown>; verdict?: { reasons?: string[] } }[];
    verdict?: { reasons?: string[]; findings?: { ruleId?: string; message?: string }[] };
    redactions?: unknown[];
    host?: string;
  };
  const ev = d?.calls?.[0]?.event ?? d?.event ?? {};
  const what = String(ev.command ?? ev.path ?? ev.url ?? ev.text ?? d?.host ?? '');
  const reasons = d?.calls?.flatMap((c) => c.verdict?.reasons ?? []) ?? d?.verdict?.reasons ?? [];
  const findings = (d?.verdict?.findings ?? []).map((f) => `${f.ruleId}: ${f.message}`);
  const red = d?.redactions?.length ? [`${d.redactions.length} secret(s) redacted`] : [];
  return { what: what.slice(0, 300), why: [...reasons, ...findings, ...red].join('; ').slice(0, 600) };
}

function csrfField(c: Ctx): string {
  return `<input type="hidden" name="csrf" value="${esc(csrfOf(serverKeyRef!, cookieOf(c) ?? ''))}">`;
}

export function consoleRoutes(o: { key: ServerKey; silenceMinutes: number }): Route[] {
  const view = (path: RegExp, handle: (c: Ctx) => Promise<[string, string]>): Route => ({
    method: 'GET',
    path,
    who: 'console',
    async handle(c) {
      const [title, body] = await handle(c);
      page(c.res, 200, title, body, true);
    },
  });
  return [
    {
      method: 'GET',
      path: /^\/login$/,
      who: 'anyone',
      async handle(c) {
        const next = c.url.searchParams.get('next') ?? '/';
        page(c.res, 200, 'Sign in', loginForm(next, false));
      },
    },
    {
      method: 'POST',
      path: /^\/login$/,
      who: 'anyone',
      async handle(c) {
        const f = await c.form();
        const next = f.get('next') ?? '/';
        const person = (f.get('name') ?? '')
          .trim()
          .replace(/[\x00-\x1f\x7f]/g, '')
          .slice(0, 80);
        if (!person || !(await isAdmin(c.store, f.get('token')?.trim())))
          return page(c.res, 401, 'Sign in', loginForm(next, true));
        const exp = Date.now() + SIGN_IN_HOURS * 3600_000;
        const who = Buffer.from(person).toString('base64url');
        const v = `${exp}.${who}.${mac(o.key, `session ${exp} ${who}`)}`;
        c.res.writeHead(303, {
          'set-cookie': `${COOKIE}=${v}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SIGN_IN_HOURS * 3600}`,
          location: /^\/(?![/\\])/.test(next) ? next : '/',
        });
        c.res.end();
      },
    },
    view(/^\/$/, async (c) => ['Machines', await machinesView(c)]),
    view(/^\/sessions$/, async (c) => ['Sessions', await sessionsView(c)]),
    view(/^\/sessions\/([^/]+)$/, async (c) => [`Session ${c.params[0]}`, await timelineView(c)]),
    view(/^\/findings$/, async (c) => ['Findings', await findingsView(c)]),
    view(/^\/approvals$/, async (c) => ['Approvals', await approvalsView(c)]),
    view(/^\/alerts$/, async (c) => {
      await sweepSilence(c.store, o.silenceMinutes);
      return ['Alerts', await alertsView(c)];
    }),
    view(/^\/policy$/, async (c) => ['Policy', await policyView(c)]),
    {
      method: 'POST',
      path: /^\/approvals\/([\w-]+)\/(approve|refuse)$/,
      who: 'console',
      async handle(c) {
        const ok = await decideApproval(c.store, c.params[0], c.params[1] === 'approve', `${c.person} (console)`);
        if (!ok) throw new HttpError(404, 'no pending approval with that id');
        c.res.writeHead(303, { location: '/approvals' });
        c.res.end();
      },
    },
  ];
}

function loginForm(next: string, failed: boolean): string {
  return `${failed ? '<p role="alert" class="deny">That is not an admin token, or the name is missing.</p>' : ''}
<form method="post" action="/login"><input type="hidden" name="next" value="${esc(next)}">
<label for="name">Your name (recorded with every approval you decide)</label>
<input id="name" name="name" type="text" autocomplete="name" required maxlength="80">
<label for="token">Admin token (the file named by <code>admin token:</code> when the server started)</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<p><button type="submit">Sign in</button></p></form>`;
}

async function machinesView(c: Ctx): Promise<string> {
  const r = await c.store.query<Record<string, unknown>>(
    `SELECT m.id, m.name, m.key_fpr, m.last_seen, m.guard, l.last_seq, l.log
     FROM machines m LEFT JOIN machine_logs l ON l.machine = m.id AND l.log = m.log_id ORDER BY m.name LIMIT 1000`,
  );
  const rows = r.rows.map((m) => [
    esc(m.name),
    `<code>${esc(String(m.id).slice(0, 8))}</code>`,
    when(m.last_seen),
    esc(m.last_seq ?? 0),
    guardCell(m.guard),
    `<code>${esc(String(m.key_fpr).slice(0, 12))}</code>`,
  ]);
  return table(
    'Enrolled machines',
    ['Name', 'Id', 'Last report', 'Records', 'Guard in force', 'Log key'],
    rows,
    'No machine enrolled yet.',
  );
}

interface GuardRow {
  agent?: string;
  version?: string;
  inForce?: boolean;
  layers?: { hooks?: boolean; sandbox?: boolean; gateway?: boolean };
}

/** Per agent (and its version): which layers are in force, and whether its managed settings drifted. */
function guardCell(g: unknown): string {
  const guard = g as { reports?: GuardRow[]; drift?: string[]; policyVersion?: number } | null;
  const reports = guard?.reports;
  if (!Array.isArray(reports)) return 'not reported';
  const on = (s: string) => `<span class="allow">${s}</span>`;
  const off = (s: string) => `<span class="deny">${s}</span>`;
  return reports
    .map((r) => {
      const name = `${esc(r.agent)}${r.version ? ` ${esc(r.version)}` : ''}`;
      const layers = r.layers
        ? (['hooks', 'sandbox', 'gateway'] as const).map((l) => (r.layers![l] ? on(l) : off(`no ${l}`))).join(' ')
        : r.inForce
          ? on('in force')
          : off('NOT in force');
      const drift = guard?.drift?.includes(String(r.agent))
        ? ` ${off(`settings DRIFT from policy v${esc(guard.policyVersion)}`)}`
        : guard?.drift
          ? ` ${on('settings match')}`
          : '';
      return `${name}: ${layers}${drift}`;
    })
    .join('<br>');
}

async function sessionsView(c: Ctx): Promise<string> {
  const r = await c.store.query<Record<string, unknown>>(
    `SELECT session, machine, first_ts, last_ts, records, flagged FROM sessions ORDER BY last_ts DESC LIMIT 200`,
  );
  const rows = r.rows.map((s) => [
    `<a href="/sessions/${encodeURIComponent(String(s.session))}">${esc(s.session)}</a>`,
    `<code>${esc(String(s.machine).slice(0, 8))}</code>`,
    when(s.first_ts),
    when(s.last_ts),
    esc(s.records),
    esc(s.flagged),
  ]);
  return table('Recent sessions', ['Session', 'Machine', 'Started', 'Last record', 'Records', 'Ask or deny'], rows);
}

async function timelineView(c: Ctx): Promise<string> {
  const recs = await sessionRecords(c.store, c.params[0], 2000);
  const rows = recs.map((r) => {
    const { what, why } = recordWhat(r);
    return [when(r.ts), esc(r.source), esc(r.kind), dec(r.decision), `<code>${esc(what)}</code>`, esc(why)];
  });
  return table(
    `Timeline (${recs.length} records)`,
    ['Time', 'Source', 'Kind', 'Decision', 'What', 'Why'],
    rows,
    'No records for this session.',
  );
}

async function findingsView(c: Ctx): Promise<string> {
  const r = await c.store.query<Record<string, unknown>>(
    `SELECT machine, log, seq, ts, session, source, kind, decision, data, prev, hash FROM records
     WHERE decision <> 'allow' ORDER BY received DESC LIMIT 200`,
  );
  const rows = r.rows.map((x) => {
    const rec = { ...(x as unknown as RecordRow), data: safeParse(x.data) };
    const { what, why } = recordWhat(rec);
    return [
      when(rec.ts),
      `<a href="/sessions/${encodeURIComponent(rec.session)}">${esc(rec.session)}</a>`,
      esc(rec.kind),
      dec(rec.decision),
      `<code>${esc(what)}</code>`,
      esc(why),
    ];
  });
  return table(
    'Asks and denials across the fleet (newest 200)',
    ['Time', 'Session', 'Kind', 'Decision', 'What', 'Why'],
    rows,
  );
}

function safeParse(s: unknown): unknown {
  try {
    return JSON.parse(String(s));
  } catch {
    return s;
  }
}

async function approvalsView(c: Ctx): Promise<string> {
  const r = await c.store.query<Record<string, unknown>>(
    `SELECT a.*, m.name FROM approvals a JOIN machines m ON m.id = a.machine ORDER BY a.created DESC LIMIT 200`,
  );
  const rows = r.rows.map((a) => [
    `<code>${esc(a.id)}</code>`,
    esc(a.name),
    esc(a.session),
    `<code>${esc(a.summary)}</code>`,
    esc(a.reason),
    a.state === 'pending'
      ? `<form method="post" action="/approvals/${esc(a.id)}/approve" class="inline">${csrfField(c)}<button type="submit" aria-label="Approve ${esc(a.id)}">Approve</button></form>` +
        `<form method="post" action="/approvals/${esc(a.id)}/refuse" class="inline">${csrfField(c)}<button type="submit" aria-label="Refuse ${esc(a.id)}">Refuse</button></form>`
      : `${esc(a.state)} by ${esc(a.decided_by)}${a.valid_until ? ` until ${when(a.valid_until)}` : ''}`,
  ]);
  return table(
    'Approval requests',
    ['Id', 'Machine', 'Session', 'Call', 'Why it asked', 'Decision'],
    rows,
    'No approval requests.',
  );
}

async function alertsView(c: Ctx): Promise<string> {
  const r = await c.store.query<Record<string, unknown>>(
    `SELECT a.*, m.name FROM alerts a LEFT JOIN machines m ON m.id = a.machine ORDER BY a.id DESC LIMIT 500`,
  );
  const rows = r.rows.map((a) => [
    when(a.ts),
    esc(a.name ?? a.machine),
    `<strong>${esc(a.kind)}</strong>`,
    esc(a.detail),
  ]);
  return table('Chain and silence alerts', ['Time', 'Machine', 'Kind', 'Detail'], rows, 'No alerts.');
}

async function policyView(c: Ctx): Promise<string> {
  const r = await c.store.query<{
    version: string;
    bundle: { policy: string; approvalMinutes: number };
    author: string;
    created: string;
  }>(`SELECT version, bundle, author, created FROM policies ORDER BY version DESC LIMIT 50`);
  const rows = r.rows.map((p) => [
    esc(p.version),
    when(p.created),
    esc(p.author),
    p.bundle.approvalMinutes ? `on (${esc(p.bundle.approvalMinutes)} min)` : 'off',
  ]);
  const cur = r.rows[0];
  return (
    table(
      'Published versions',
      ['Version', 'Published', 'By', 'Approvals'],
      rows,
      'No policy published: machines use their own.',
    ) + (cur ? `<h2>Version ${esc(cur.version)} (in force)</h2><pre>${esc(cur.bundle.policy)}</pre>` : '')
  );
}
