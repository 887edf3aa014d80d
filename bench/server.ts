/**
 * `warden server` numbers for docs/BENCH.md (section `server`), on a throwaway PostgreSQL cluster:
 *   ingest    records per second through `warden audit push` (the real CLI reading the machine's
 *             SQLite log, HTTP, per-record hash and signed-head checks, one INSERT per batch);
 *             baseline: the same rows inserted by one plain multi-row INSERT, no checks, no HTTP.
 *   timeline  a session's timeline page (HTML, signed in) with RECORDS rows loaded in the
 *             database (generated in SQL: sessions of 100 records on 10 machines); p50/p95 of
 *             200 requests for random sessions; baseline: /api/health round trips.
 * Run alone: node --import tsx bench/server.ts [--records N]
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { pgSkip, startPostgres } from '../test/helpers/postgres.ts';
import { enrolled, home, records, serve } from '../test/helpers/server.ts';
import type { Section } from './run.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function timed(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    ms.push(performance.now() - t);
  }
  return ms;
}

export async function serverSection(opts: { records?: number; ingest?: number } = {}): Promise<Section> {
  const title = 'Fleet server (PostgreSQL)';
  if (pgSkip) return { title, lines: [`${pgSkip}`] };
  const TOTAL = opts.records ?? 1_000_000;
  const INGEST = opts.ingest ?? 50_000;
  const cluster = await startPostgres();
  const lines: string[] = [];
  try {
    const srv = await serve(home(), ['--db', cluster.url]);
    try {
      // Ingest through the real CLI.
      const m = enrolled(srv);
      records(m, INGEST, 'bench-ingest');
      const t = performance.now();
      const r = spawnSync(process.execPath, [srv.proc.spawnargs[1], 'audit', 'push'], {
        env: { ...process.env, WARDEN_HOME: m },
        encoding: 'utf8',
      });
      const pushMs = performance.now() - t;
      if (r.status !== 0) throw new Error(`push failed: ${r.stderr}`);
      const rate = Math.round(INGEST / (pushMs / 1000));
      const c = new pg.Client(cluster.url);
      await c.connect();
      try {
        await c.query(`CREATE TABLE plain AS SELECT * FROM records WITH NO DATA`);
        const rows = (await c.query(`SELECT * FROM records WHERE session = 'bench-ingest' ORDER BY seq`)).rows;
        const tb = performance.now();
        for (let i = 0; i < rows.length; i += 2000)
          await c.query(`INSERT INTO plain SELECT * FROM json_populate_recordset(NULL::plain, $1::json)`, [
            JSON.stringify(rows.slice(i, i + 2000)),
          ]);
        const base = Math.round(rows.length / ((performance.now() - tb) / 1000));
        lines.push(
          '| Measure | Result | Baseline (same run) |',
          '|---|---|---|',
          `| Ingest: ${INGEST.toLocaleString('en')} records, \`warden audit push\` end to end with chain checks (target ≥ 5,000/s) | **${rate.toLocaleString('en')} records/s** (${Math.round(pushMs)} ms, incl. CLI start) | plain INSERT of the same rows, no checks: ${base.toLocaleString('en')} records/s |`,
        );
        // Load the rest in SQL: sessions of 100 records spread over 10 machines.
        const have = Number((await c.query(`SELECT count(*) AS n FROM records`)).rows[0].n);
        const tl = performance.now();
        await c.query(
          `INSERT INTO records (machine, log, seq, ts, session, source, kind, decision, data, prev, hash)
           SELECT 'm' || (g % 10), 'bench-log-' || (g % 10), g, to_char(timestamp '2026-01-01' + g * interval '1 second',
             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'load-' || (g / 100), 'hook:qwen-code', 'shell',
             CASE WHEN g % 17 = 0 THEN 'deny' WHEN g % 5 = 0 THEN 'ask' ELSE 'allow' END,
             '{"event":{"tool":"shell","command":"npm test -- --grep case' || g || '"},"verdict":{"decision":"allow","reasons":[]}}',
             md5(g::text), md5((g + 1)::text)
           FROM generate_series(1, $1::bigint) AS g`,
          [Math.max(0, TOTAL - have)],
        );
        const generated = Math.max(0, TOTAL - have);
        await c.query(
          `INSERT INTO sessions (session, machine, first_ts, last_ts, records, flagged)
           SELECT session, min(machine), min(ts), max(ts), count(*), count(*) FILTER (WHERE decision <> 'allow')
           FROM records WHERE session LIKE 'load-%' GROUP BY session`,
        );
        await c.query(`ANALYZE records`);
        const loadS = ((performance.now() - tl) / 1000).toFixed(0);
        const total = Number((await c.query(`SELECT count(*) AS n FROM records`)).rows[0].n);
        const login = await fetch(`${srv.url}/login`, {
          method: 'POST',
          body: new URLSearchParams({ name: 'bench', token: srv.admin, next: '/' }),
          redirect: 'manual',
        });
        const cookie = login.headers.get('set-cookie')!.split(';')[0];
        const sessions = Math.floor(generated / 100);
        let bytes = 0;
        const page = await timed(200, async (i) => {
          const res = await fetch(`${srv.url}/sessions/load-${(i * 7919) % sessions}`, { headers: { cookie } });
          bytes = (await res.text()).length;
          if (res.status !== 200) throw new Error(`timeline page: HTTP ${res.status}`);
        });
        const health = await timed(200, async () => (await fetch(`${srv.url}/api/health`)).text());
        lines.push(
          `| Timeline page (100 records, ${Math.round(bytes / 1024)} KB HTML) with ${total.toLocaleString('en')} records loaded (target p95 < 200 ms) | p50 ${pct(page, 50).toFixed(1)} ms, **p95 ${pct(page, 95).toFixed(1)} ms** | /api/health round trip: p50 ${pct(health, 50).toFixed(1)} ms, p95 ${pct(health, 95).toFixed(1)} ms |`,
          '',
          `${generated.toLocaleString('en')} of the records were generated in SQL (${loadS} s): sessions of 100 records ` +
            'on 10 machines; the others were pushed through the CLI above. One server process, PostgreSQL 15 ' +
            'on the same machine (fsync off in the throwaway cluster).',
        );
      } finally {
        await c.end();
      }
      rmSync(m, { recursive: true, force: true });
    } finally {
      await srv.stop();
    }
  } finally {
    cluster.destroy();
  }
  return { title, lines };
}

if (process.argv[1]?.endsWith('bench/server.ts')) {
  const i = process.argv.indexOf('--records');
  const s = await serverSection({ records: i > 0 ? Number(process.argv[i + 1]) : undefined });
  process.stdout.write(`## ${s.title}\n\n${s.lines.join('\n')}\n`);
}
