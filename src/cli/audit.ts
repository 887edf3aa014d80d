/**
 * `warden audit verify | show | export | egress | checkpoint | anchor | rotate`. Reading commands
 * open the log read-only and create nothing; a missing, unreadable or foreign log is a one-line
 * error (exit 2), a tampered one exit 1 with one line per problem, naming the place.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, UsageError } from './args.ts';
import { UserError } from '../errors.ts';
import {
  AuditLog,
  anchorOf,
  rotateLog,
  verifyLog,
  defaultAuditDir,
  type Anchor,
  type AuditRecord,
} from '../audit/log.ts';

const USAGE = `usage: warden audit verify [--anchor FILE] | show [filters] | export --format jsonl [filters]
       | egress [--since T] | checkpoint | anchor | rotate
  (each takes --dir DIR: the log's folder, by default $WARDEN_HOME or ~/.warden)
  verify      check the hash chain, the signed checkpoints and head, the key and the head file outside the
              database (exit 0 intact, 1 tampered, 2 no log or unreadable); --anchor FILE: and that the log
              still extends a head printed earlier by \`warden audit anchor\`
  anchor      print the signed head (seq, hash, time, key fingerprint, signature, public key) as one JSON
              line, to keep off this machine
  rotate      close this log with a signed record, archive it with its key under archive/, start a new one
  checkpoint  keep a signed checkpoint at the current head
  filters:    --session S --decision allow|ask|deny --kind K --source S --since ISO --until ISO --limit N
`;

function readAnchor(file: string): Anchor {
  let a: Anchor;
  try {
    a = JSON.parse(readFileSync(file, 'utf8').trim()) as Anchor;
  } catch (e) {
    throw new UserError(`${file}: not an anchor (${(e as NodeJS.ErrnoException).code ?? 'not one JSON line'})`);
  }
  if (typeof a?.pub !== 'string' || !Number.isInteger(a.seq) || typeof a.sig !== 'string')
    throw new UserError(`${file}: not an anchor printed by \`warden audit anchor\``);
  return a;
}

function verifyCommand(dir: string, anchorFile: string | undefined): number {
  const anchor = anchorFile ? readAnchor(anchorFile) : undefined;
  const r = verifyLog(dir, anchor);
  const head = r.head ? `, signed head at record ${r.head.seq}` : '';
  process.stdout.write(`${dir}/audit.db: ${r.records} records, ${r.checkpoints} signed checkpoints${head}\n`);
  if (r.ok) {
    const extra = anchor ? ` and it extends the anchor at record ${anchor.seq}` : '';
    process.stdout.write(`ok: the hash chain, every checkpoint, the signed head and audit-head verify${extra}\n`);
    return 0;
  }
  for (const p of r.problems) process.stdout.write(`TAMPERED: ${p}\n`);
  return 1;
}

function summary(r: AuditRecord): string {
  const d = r.data as {
    calls?: { event?: Record<string, unknown>; verdict?: { reasons?: string[] } }[];
    event?: Record<string, unknown>;
    verdict?: { reasons?: string[] };
    reasons?: string[];
  };
  const ev = d.calls?.[0]?.event ?? d.event ?? {};
  const what = (ev.command ?? ev.path ?? ev.url ?? ev.text ?? '') as string;
  // (typed records carry their reasons; older ones only their calls' or their verdict's)
  const why = (d.reasons ?? d.calls?.flatMap((c) => c.verdict?.reasons ?? []) ?? d.verdict?.reasons ?? [])[0] ?? '';
  return `${String(r.seq).padStart(6)} ${r.ts} ${r.decision.padEnd(5)} ${r.source} ${r.kind} ${JSON.stringify(what.slice(0, 100))}${why ? `  — ${why.slice(0, 140)}` : ''}`;
}

export function auditCommand(rest: string[]): number {
  const [sub, ...more] = rest;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  const { flags } = parseArgs(more, {
    session: 'string',
    decision: 'string',
    kind: 'string',
    source: 'string',
    since: 'string',
    until: 'string',
    limit: 'string',
    format: 'string',
    dir: 'string',
    anchor: 'string',
  });
  const dir = (flags.dir as string | undefined) ?? defaultAuditDir();
  if (sub === 'verify') return verifyCommand(dir, flags.anchor as string | undefined);
  if (sub === 'anchor') {
    process.stdout.write(JSON.stringify(anchorOf(dir)) + '\n');
    return 0;
  }
  if (sub === 'rotate') {
    const { archive, record } = rotateLog(dir);
    process.stdout.write(`archived the old log and key in ${archive}; new log started (record ${record.seq})\n`);
    return 0;
  }
  if (!['egress', 'checkpoint', 'show', 'export'].includes(sub)) throw new UsageError(USAGE.trimEnd());
  const log = new AuditLog(dir, 'full', { readOnly: sub !== 'checkpoint' });
  try {
    if (sub === 'egress') {
      // What left through the gateway: per upstream host, requests, bytes, tokens and redactions.
      const by = new Map<
        string,
        {
          requests: number;
          bytes: number;
          promptTokens: number;
          completionTokens: number;
          redactions: number;
          denied: number;
          sensitive: number;
        }
      >();
      for (const r of log.records({
        source: 'gateway',
        session: flags.session as string,
        since: flags.since as string,
        until: flags.until as string,
      })) {
        const d = r.data as {
          host?: string;
          bytesOut?: number;
          usage?: Record<string, number>;
          redactions?: unknown[];
          sensitive?: boolean;
        };
        const k = d.host ?? '?';
        const e = by.get(k) ?? {
          requests: 0,
          bytes: 0,
          promptTokens: 0,
          completionTokens: 0,
          redactions: 0,
          denied: 0,
          sensitive: 0,
        };
        e.requests++;
        e.bytes += d.bytesOut ?? 0;
        e.promptTokens += d.usage?.prompt_tokens ?? d.usage?.input_tokens ?? 0;
        e.completionTokens += d.usage?.completion_tokens ?? d.usage?.output_tokens ?? 0;
        e.redactions += d.redactions?.length ?? 0;
        if (r.decision === 'deny') e.denied++;
        if (d.sensitive) e.sensitive++;
        by.set(k, e);
      }
      if (flags.format === 'jsonl')
        for (const [host, e] of by) process.stdout.write(JSON.stringify({ host, ...e }) + '\n');
      else {
        process.stdout.write(
          'host\trequests\tbytes sent\tprompt tokens\tcompletion tokens\tsecrets redacted\tsensitive\ttool calls denied\n',
        );
        for (const [host, e] of by)
          process.stdout.write(
            `${host}\t${e.requests}\t${e.bytes}\t${e.promptTokens}\t${e.completionTokens}\t${e.redactions}\t${e.sensitive}\t${e.denied}\n`,
          );
      }
      return 0;
    }
    if (sub === 'checkpoint') {
      const h = log.checkpoint();
      process.stdout.write(h ? `signed checkpoint at record ${h.seq}\n` : 'the log is empty\n');
      return 0;
    }
    if (sub === 'show' || sub === 'export') {
      if (flags.decision && !['allow', 'ask', 'deny'].includes(flags.decision as string))
        throw new UsageError('--decision must be allow, ask or deny');
      const format = (flags.format as string | undefined) ?? (sub === 'export' ? 'jsonl' : 'text');
      if (!['jsonl', 'text'].includes(format)) throw new UsageError('--format must be jsonl or text');
      const limit = flags.limit !== undefined ? Number(flags.limit) : Infinity;
      if (!(limit >= 0)) throw new UsageError('--limit must be a number of records');
      let n = 0;
      for (const r of log.records({
        session: flags.session as string,
        decision: flags.decision as string,
        kind: flags.kind as string,
        source: flags.source as string,
        since: flags.since as string,
        until: flags.until as string,
      })) {
        if (n++ >= limit) break;
        process.stdout.write(format === 'jsonl' ? JSON.stringify(r) + '\n' : summary(r) + '\n');
      }
      return 0;
    }
    throw new UsageError(USAGE.trimEnd());
  } finally {
    log.close();
  }
}
