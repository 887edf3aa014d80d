/**
 * The server's store of record: PostgreSQL. With a URL (`--db postgres://…`) a real server through
 * `pg`'s pool; without one PGlite, real PostgreSQL compiled to WASM, persisted in the Warden home
 * for a trial on one machine (one process at a time). Both speak the same SQL, so everything above
 * this module is written once. No state lives in a server process that another process sharing
 * the database would need: tokens, keys, chains, approvals and alerts are all rows.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export interface Rows<T = Record<string, unknown>> {
  rows: T[];
}

/** One connection's worth of SQL: a query with $1… parameters, and several statements at once. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Rows<T>>;
}

export interface Store extends Sql {
  /** Runs fn in one transaction (BEGIN … COMMIT, ROLLBACK on a throw). */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** 'postgres' or 'embedded', for /api/health and the console. */
  readonly kind: 'postgres' | 'embedded';
}

/**
 * Each schema step once, in order, under a transaction-scoped advisory lock: several server
 * processes starting together on one database wait for each other instead of racing on CREATE.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS server_key (id int PRIMARY KEY CHECK (id = 1), private_pem text NOT NULL,
     public_b64 text NOT NULL, fingerprint text NOT NULL, created timestamptz NOT NULL DEFAULT now());
   CREATE TABLE IF NOT EXISTS admin_tokens (hash text PRIMARY KEY, label text NOT NULL,
     created timestamptz NOT NULL DEFAULT now());
   CREATE TABLE IF NOT EXISTS enrol_tokens (hash text PRIMARY KEY, created timestamptz NOT NULL DEFAULT now(),
     expires timestamptz NOT NULL, uses int NOT NULL DEFAULT 0);
   CREATE TABLE IF NOT EXISTS machines (id text PRIMARY KEY, name text NOT NULL, token_hash text NOT NULL UNIQUE,
     pub text NOT NULL, key_fpr text NOT NULL, log_id text, enrolled timestamptz NOT NULL DEFAULT now(),
     last_seen timestamptz, guard jsonb);
   CREATE TABLE IF NOT EXISTS machine_logs (machine text NOT NULL, log text NOT NULL, key_fpr text NOT NULL,
     last_seq bigint NOT NULL DEFAULT 0, last_hash text NOT NULL, head_seq bigint NOT NULL DEFAULT 0,
     head_hash text NOT NULL, first_seen timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (machine, log));
   CREATE TABLE IF NOT EXISTS records (machine text NOT NULL, log text NOT NULL, seq bigint NOT NULL,
     ts text NOT NULL, session text NOT NULL, source text NOT NULL, kind text NOT NULL,
     decision text NOT NULL, data text NOT NULL, prev text NOT NULL, hash text NOT NULL,
     received timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (machine, log, seq));
   CREATE INDEX IF NOT EXISTS records_session ON records (session, ts, seq);
   CREATE INDEX IF NOT EXISTS records_flagged ON records (received) WHERE decision <> 'allow';
   CREATE TABLE IF NOT EXISTS sessions (session text NOT NULL, machine text NOT NULL, first_ts text NOT NULL,
     last_ts text NOT NULL, records bigint NOT NULL DEFAULT 0, flagged bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (session, machine));
   CREATE INDEX IF NOT EXISTS sessions_last ON sessions (last_ts DESC);
   CREATE TABLE IF NOT EXISTS alerts (id bigserial PRIMARY KEY, machine text NOT NULL, kind text NOT NULL,
     detail text NOT NULL, key text NOT NULL UNIQUE, ts timestamptz NOT NULL DEFAULT now());
   CREATE TABLE IF NOT EXISTS policies (version bigserial PRIMARY KEY, bundle jsonb NOT NULL, author text NOT NULL,
     created timestamptz NOT NULL DEFAULT now());
   CREATE TABLE IF NOT EXISTS approvals (id text PRIMARY KEY, machine text NOT NULL, session text NOT NULL,
     call_hash text NOT NULL, summary text NOT NULL, reason text NOT NULL, state text NOT NULL DEFAULT 'pending',
     decided_by text, decided timestamptz, valid_until timestamptz, created timestamptz NOT NULL DEFAULT now());
   CREATE INDEX IF NOT EXISTS approvals_call ON approvals (machine, call_hash);
   CREATE TABLE IF NOT EXISTS server_audit (id bigserial PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now(),
     actor text NOT NULL, action text NOT NULL, detail jsonb NOT NULL);`,
];

async function migrate(store: Store): Promise<void> {
  await store.tx(async (sql) => {
    await sql.query(`SELECT pg_advisory_xact_lock(7242)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS schema_version (id int PRIMARY KEY CHECK (id = 1), v int NOT NULL)`);
    const cur = (await sql.query<{ v: number }>(`SELECT v FROM schema_version WHERE id = 1`)).rows[0]?.v ?? 0;
    if (cur > MIGRATIONS.length)
      throw new UserError(`the database was made by a newer Warden server (schema ${cur}); upgrade this one`);
    for (let v = cur; v < MIGRATIONS.length; v++) await exec(sql, MIGRATIONS[v]);
    await sql.query(`INSERT INTO schema_version (id, v) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v`, [
      MIGRATIONS.length,
    ]);
  });
}

/** Several statements in one step: split on `;` at line ends (our own SQL, no `;` in literals). */
async function exec(sql: Sql, text: string): Promise<void> {
  for (const s of text.split(/;\s*$/m).map((x) => x.trim())) if (s) await sql.query(s);
}

/** Opens the store (real PostgreSQL for a URL, else the embedded one in `home`) and migrates it. */
export async function openStore(url: string | undefined, home: string): Promise<Store> {
  const store = url ? await openPostgres(url) : await openEmbedded(home);
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/**
 * Both packages are loaded with require (each ships CommonJS): the CLI's bundle runs as a script
 * with a code cache, where a dynamic import() of a package has no loader to call.
 */
function pkg(name: string): unknown {
  return createRequire(import.meta.url)(name);
}

async function openPostgres(url: string): Promise<Store> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UserError(`--db must be a postgres:// URL, not ${url}`);
  const pg = pkg('pg') as typeof import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 5000 });
  // An idle client losing its server (a restart) must not end the process: the next query reconnects.
  pool.on('error', () => undefined);
  try {
    (await pool.connect()).release();
  } catch (e) {
    await pool.end();
    throw new UserError(`cannot reach the database at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return {
    kind: 'postgres',
    query: (text, params) => pool.query(text, params as unknown[]) as never,
    async tx(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn({ query: (t, p) => c.query(t, p as unknown[]) as never });
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A lock file with our pid keeps others out (one left by a process that died is taken over).
 */
function lockEmbedded(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid > 0 && pid !== process.pid && alive(pid))
        throw new UserError(
          `the embedded store ${dir} is in use by process ${pid}: stop it first, or run several servers on ` +
            `one PostgreSQL with --db postgres://…`,
        );
      rmSync(file, { force: true });
    }
  }
  throw new UserError(`cannot lock the embedded store ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openEmbedded(home: string): Promise<Store> {
  const dir = join(home, 'server-db');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unlock = lockEmbedded(dir);
  try {
    return await openPglite(dir, unlock);
  } catch (e) {
    unlock();
    throw e;
  }
}

async function openPglite(dir: string, unlock: () => void): Promise<Store> {
  const { PGlite } = pkg('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  // PGlite is one connection: a transaction must not interleave with other requests' queries.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f, f);
    chain = p.catch(() => undefined);
    return p;
  };
  return {
    kind: 'embedded',
    query: (text, params) => serial(() => db.query(text, params) as never),
    tx: (fn) => serial(() => db.transaction((t) => fn({ query: (q, p) => t.query(q, p) as never }))),
    close: () => serial(() => db.close()).finally(unlock),
  };
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
