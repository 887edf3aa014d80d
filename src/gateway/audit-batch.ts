import type { AuditLog } from '../audit/log.ts';

/**
 * Exchange records are written in small batches (one transaction and disk sync every 25 ms), off
 * the request path: a busy gateway does not wait for the disk per request. Records of the last
 * moments before a crash can be lost; the guard's hook decisions are written one by one.
 */
export class AuditBatcher {
  private queue: Parameters<AuditLog['append']>[0][] = [];
  private timer?: NodeJS.Timeout;
  /** Why the log refused a batch: the gateway then refuses requests (no exchange goes unrecorded). */
  broken?: string;
  constructor(private log: AuditLog) {}
  add(r: Parameters<AuditLog['append']>[0]) {
    this.queue.push(r);
    this.timer ??= setTimeout(() => this.flush(), 25);
  }
  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    try {
      this.log.appendMany(batch);
    } catch (e) {
      this.broken = (e as Error).message;
      process.stderr.write(`warden gateway: audit write failed: ${this.broken}\n`);
    }
  }
}
