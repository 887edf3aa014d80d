/**
 * Export to a SIEM as OpenTelemetry logs over OTLP/HTTP with JSON encoding (POST …/v1/logs). One
 * log record per audit record; its attributes use OCSF-style names (docs/SERVER.md lists them):
 * actor, device, session, activity, disposition (the decision) and status detail (the reason).
 * The export is a copy: the database stays the record, so a receiver that is down gets retries
 * from a bounded buffer, and what overflows is counted and reported rather than held forever.
 */
import { VERSION } from '../paths.ts';

const MAX_BUFFER = 50_000;
const BATCH = 500;

interface Rec {
  seq: number;
  ts: string;
  session: string;
  source: string;
  kind: string;
  decision: string;
  data: unknown;
  hash: string;
  log?: string;
}

const s = (key: string, v: string | undefined) => (v === undefined ? [] : [{ key, value: { stringValue: v } }]);
const n = (key: string, v: number) => [{ key, value: { intValue: String(v) } }];

const SEVERITY: Record<string, [number, string]> = { deny: [13, 'WARN'], ask: [10, 'INFO2'], allow: [9, 'INFO'] };

// Typed records (src/audit/record.ts) keep their reasons at the top; older ones inside each call.
function reasonOf(data: unknown): string | undefined {
  type Reasons = { reasons?: string[] };
  const d = data as Reasons & { verdict?: Reasons; calls?: { verdict?: Reasons }[] };
  return d?.reasons?.[0] ?? d?.verdict?.reasons?.[0] ?? d?.calls?.[0]?.verdict?.reasons?.[0];
}

/** One audit record as an OTLP log record. */
export function otlpRecord(machine: string, r: Rec): Record<string, unknown> {
  const [num, text] = SEVERITY[r.decision] ?? [9, 'INFO'];
  const t = String(BigInt(Date.parse(r.ts) || 0) * 1_000_000n);
  const reason = reasonOf(r.data);
  return {
    timeUnixNano: t,
    observedTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
    severityNumber: num,
    severityText: text,
    body: { stringValue: `${r.decision} ${r.kind} by ${r.source}${reason ? `: ${reason}` : ''}` },
    attributes: [
      ...s('actor.app_name', r.source),
      ...s('device.uid', machine),
      ...s('session.uid', r.session),
      ...s('activity_name', r.kind),
      ...s('disposition', r.decision),
      ...s('status_detail', reason),
      ...s('warden.log', r.log),
      ...n('warden.seq', r.seq),
      ...s('warden.hash', r.hash),
    ],
  };
}

export function otlpBody(items: { machine: string; r: Rec }[]): unknown {
  const byMachine = new Map<string, Rec[]>();
  for (const { machine, r } of items) byMachine.set(machine, [...(byMachine.get(machine) ?? []), r]);
  return {
    resourceLogs: [...byMachine].map(([machine, recs]) => ({
      resource: { attributes: [...s('service.name', 'warden'), ...s('device.uid', machine)] },
      scopeLogs: [
        { scope: { name: 'warden.audit', version: VERSION }, logRecords: recs.map((r) => otlpRecord(machine, r)) },
      ],
    })),
  };
}

export function otlpExporter(endpoint: string) {
  const queue: { machine: string; r: Rec }[] = [];
  let dropped = 0,
    busy: Promise<void> | undefined,
    backoff = 0;
  async function drain(): Promise<void> {
    while (queue.length) {
      const batch = queue.slice(0, BATCH);
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(otlpBody(batch)),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok && res.status !== 400) throw new Error(`HTTP ${res.status}`);
        queue.splice(0, batch.length);
        backoff = 0;
      } catch (e) {
        backoff = Math.min(30_000, backoff ? backoff * 2 : 500);
        process.stderr.write(`warden server: OTLP export to ${endpoint} failed (${(e as Error).message}); retrying\n`);
        await new Promise((r) => setTimeout(r, backoff).unref());
      }
    }
  }
  const kick = () => {
    busy ??= drain().finally(() => (busy = undefined));
  };
  return {
    send(machine: string, records: unknown[]) {
      for (const r of records) queue.push({ machine, r: r as Rec });
      if (queue.length > MAX_BUFFER) {
        dropped += queue.length - MAX_BUFFER;
        queue.splice(0, queue.length - MAX_BUFFER);
        process.stderr.write(`warden server: OTLP receiver behind; ${dropped} records not exported (still stored)\n`);
      }
      kick();
    },
    async flush() {
      if (busy) await Promise.race([busy, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
