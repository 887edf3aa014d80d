/**
 * Archives read statically and with bounds, from a file descriptor or a buffer (only the parts
 * needed are read, so a 1 GB checkpoint costs its central directory and its pickle, not its tensors):
 *
 *  - zip (also .whl, .npz, PyTorch .pt/.pth/.bin): central directory, falling back to a scan of
 *    local headers when the directory is missing or damaged; stored and deflated members;
 *    flags that claim encryption are not trusted blindly (the member is tried as it is);
 *  - tar and gzip-compressed tar (.tgz, .tar.gz, legacy PyTorch), with PAX/GNU long names.
 *
 * Bounds, per top-level archive and shared by the archives nested in it (a Budget): members, inflated
 * bytes, nesting depth and wall time. Nothing is inflated past a bound: an inflate asks zlib for at
 * most the bytes still allowed, so a bomb costs the bound, not its declared or real size. Declared
 * sizes are never trusted. A hit bound is recorded on the budget; the analyzers turn it into a note
 * and a finding (an archive that could not be fully inspected must not pass silently).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Finding, Note } from '../engine/types.ts';
import { fileFinding } from './source.ts';

/** One member (or one decompressed stream) in memory at once. */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;
/** Compression ratio above which an archive that hits a bound is called a bomb. */
export const MAX_RATIO = 200;

export interface Limits {
  members: number;
  /** Inflated bytes over the whole archive, nested archives included. */
  bytes: number;
  depth: number;
  ms: number;
  /** Findings reported from one archive: a report is read by people and tools, not only written. */
  findings: number;
}
export const LIMITS: Limits = { members: 10_000, bytes: 256 * 1024 * 1024, depth: 4, ms: 10_000, findings: 10_000 };

/** What one top-level archive may still cost; the first bound hit is kept for the report. */
export class Budget {
  members = 0;
  bytes = 0;
  /** Compressed bytes that produced `bytes` (to tell a bomb from a big archive). */
  compressed = 0;
  hit?: string;
  private hitBytes = false;
  readonly deadline: number;
  constructor(readonly limits: Limits = LIMITS) {
    this.deadline = performance.now() + limits.ms;
  }
  /** Counts one member; false once the member bound is reached. */
  member(): boolean {
    if (this.over()) return false;
    if (++this.members <= this.limits.members) return true;
    this.stop(`stopped after ${this.limits.members} members (bound)`);
    return false;
  }
  /** Inflated bytes still allowed. */
  room(): number {
    return Math.max(0, this.limits.bytes - this.bytes);
  }
  take(inflated: number, compressed: number): void {
    this.bytes += inflated;
    this.compressed += compressed;
  }
  /** True once any bound was hit, or the wall-time bound has passed. */
  over(): boolean {
    if (!this.hit && performance.now() > this.deadline)
      this.stop(`stopped after ${this.limits.ms / 1000} s (time bound)`);
    return this.hit !== undefined;
  }
  /** Records the first bound hit; `bytes` when it was a bound on inflated bytes (a bomb's). */
  stop(why: string, bytes = false): void {
    if (this.hit) return;
    this.hit = why;
    this.hitBytes = bytes;
  }
  /** A bound on bytes was hit by bytes that came out of much fewer compressed bytes. */
  bomb(): boolean {
    return this.hitBytes && this.compressed > 0 && this.bytes / this.compressed > MAX_RATIO;
  }
}

export interface Chunk {
  data: Buffer;
  /** Less than the whole member: a bound, a damaged stream or data missing from the file. */
  partial: boolean;
  /** Partial because the data ends before the size its header declares (damaged, cut, or lying). */
  short?: boolean;
}

export interface Member {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  encrypted: boolean;
  /** Up to `limit` bytes of the member's content (throws on an unsupported method or damaged data). */
  read(limit?: number): Chunk;
}

export interface ArchiveProblem {
  member?: string;
  message: string;
  severity: 'info' | 'medium' | 'high';
}

/** Random access to an archive's bytes: a file (read on demand) or a buffer (a nested archive). */
export interface Bytes {
  readonly size: number;
  read(pos: number, len: number): Buffer;
}

export class FileBytes implements Bytes {
  readonly fd: number;
  readonly size: number;
  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }
  read(pos: number, len: number): Buffer {
    const n = Math.max(0, Math.min(len, this.size - pos));
    const b = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, b, got, n - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    return b.subarray(0, got);
  }
  close() {
    closeSync(this.fd);
  }
}

export class BufferBytes implements Bytes {
  constructor(readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length;
  }
  read(pos: number, len: number): Buffer {
    return this.buf.subarray(Math.max(0, pos), Math.max(0, Math.min(this.buf.length, pos + len)));
  }
}

export function unsafeMemberName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.split(/[\\/]/).includes('..');
}

type Format = 'raw' | 'gzip' | 'zlib';
const INFLATE = { raw: inflateRawSync, gzip: gunzipSync, zlib: inflateSync };
/** Deflate's best ratio is about 1032:1: this many input bytes cannot inflate past `limit`. */
const safeInput = (limit: number) => Math.max(1, Math.floor(limit / 1040));

function tooLarge(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
}

/**
 * At most `limit` inflated bytes of `raw`, never more in memory. Node's one-shot inflate throws away
 * its output at maxOutputLength, so a stream that inflates past the bound is read again from a
 * prefix of the input, doubled until the next step would pass the bound (the last prefix that fits
 * is kept; the work is at most twice the output). A truncated stream gives what it holds, as partial.
 */
export function inflatePrefix(raw: Buffer, format: Format, limit: number): Chunk & { used: number } {
  if (limit <= 0) return { data: Buffer.alloc(0), partial: raw.length > 0, used: 0 };
  const opts = { maxOutputLength: Math.max(1, limit), finishFlush: constants.Z_SYNC_FLUSH };
  try {
    const data = INFLATE[format](raw, opts);
    return { data, partial: false, used: raw.length };
  } catch (e) {
    if (!tooLarge(e)) throw e;
  }
  let best = Buffer.alloc(0),
    used = 0;
  const fits = (n: number): boolean => {
    try {
      best = INFLATE[format](raw.subarray(0, n), opts);
      used = n;
      return true;
    } catch (e) {
      if (!tooLarge(e)) throw e;
      return false;
    }
  };
  // Double while it fits, then bisect to within an eighth (a few more passes, a fuller prefix).
  let hi = raw.length;
  for (let n = safeInput(limit); n < raw.length; n *= 2)
    if (!fits(n)) {
      hi = n;
      break;
    }
  for (let lo = used; hi - lo > Math.max(1, lo / 8);) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return { data: best, partial: true, used };
}

/** Inflates within what the budget still allows, and counts it (with the input it came from). */
export function inflateBudgeted(raw: Buffer, format: Format, limit: number, budget: Budget): Chunk {
  const room = budget.room();
  const c = inflatePrefix(raw, format, Math.min(limit, room));
  budget.take(c.data.length, c.used);
  if (c.partial && room < limit) budget.stop(`stopped after ${mb(budget.limits.bytes)} inflated (bound)`, true);
  return { data: c.data, partial: c.partial };
}

/** A byte count for a note: MB, or KB below one MB. */
export const mb = (n: number) =>
  n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

function inflateMember(raw: Buffer, m: Member, limit: number, budget: Budget, complete: boolean): Chunk {
  if (m.method === 0) {
    const data = raw.subarray(0, Math.min(raw.length, limit));
    budget.take(data.length, data.length);
    return { data, partial: !complete || data.length < raw.length, short: !complete };
  }
  if (m.method !== 8) throw new Error(`${m.name}: compression method ${m.method} is not supported`);
  let c: Chunk;
  try {
    c = inflateBudgeted(raw, 'raw', limit, budget);
  } catch (e) {
    throw new Error(`${m.name}: cannot inflate (${(e as Error).message})`);
  }
  // A stream that ends before its declared size is cut short (or the directory lies): not all was seen.
  const short = !c.partial && c.data.length < Math.min(m.size, limit);
  return { data: c.data, partial: c.partial || short || !complete, short: short || !complete };
}

export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
}

/** The end-of-central-directory record's offset in `tail`, or -1. */
function findEocd(tail: Buffer): number {
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

/**
 * The members of a zip; `problems` collects what is odd about the archive itself. The member count
 * the directory declares is not trusted: entries are read while their signatures hold, within the budget.
 */
export function zipMembers(f: Bytes, problems: ArchiveProblem[], budget: Budget): Member[] {
  const members: Member[] = [];
  const tailLen = Math.min(f.size, 65_557);
  const tail = f.read(f.size - tailLen, tailLen);
  const eocd = findEocd(tail);
  const fromLocal = (offset: number, name: string, method: number, flags: number, csize: number, usize: number) => {
    const lh = f.read(offset, 30);
    if (lh.length < 30 || lh.readUInt32LE(0) !== 0x04034b50) return undefined;
    const dataAt = offset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    const m: Member = {
      name,
      size: usize,
      compressedSize: csize,
      method,
      encrypted: (flags & 1) === 1,
      read: (limit = MAX_MEMBER_BYTES) => {
        const raw = f.read(dataAt, Math.min(csize, limit + 1024));
        return inflateMember(raw, m, limit, budget, raw.length >= Math.min(csize, limit + 1024));
      },
    };
    return m;
  };
  if (eocd >= 0) {
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOff = tail.readUInt32LE(eocd + 16);
    const cd = cdOff + cdSize <= f.size ? f.read(cdOff, cdSize) : Buffer.alloc(0);
    let p = 0;
    while (p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50 && budget.member()) {
      const flags = cd.readUInt16LE(p + 8),
        method = cd.readUInt16LE(p + 10);
      const csize = cd.readUInt32LE(p + 20),
        usize = cd.readUInt32LE(p + 24);
      const nlen = cd.readUInt16LE(p + 28),
        elen = cd.readUInt16LE(p + 30),
        clen = cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nlen).toString('utf8');
      p += 46 + nlen + elen + clen;
      const m = fromLocal(local, name, method, flags, csize, usize);
      if (m) members.push(m);
      else
        problems.push({
          member: name,
          message: 'the central directory points at a missing local header',
          severity: 'medium',
        });
    }
    if (members.length > 0 || budget.hit) return members;
    problems.push({
      message: 'the zip central directory is damaged or empty; members were found from their local headers',
      severity: 'medium',
    });
  } else
    problems.push({
      message: 'no zip central directory; members were found from their local headers',
      severity: 'medium',
    });
  // Fallback: walk local file headers from the start.
  let off = 0;
  while (off + 30 <= f.size) {
    const lh = f.read(off, 30);
    if (lh.readUInt32LE(0) !== 0x04034b50 || !budget.member()) break;
    const flags = lh.readUInt16LE(6),
      method = lh.readUInt16LE(8);
    let csize = lh.readUInt32LE(18);
    const usize = lh.readUInt32LE(22);
    const nlen = lh.readUInt16LE(26),
      elen = lh.readUInt16LE(28);
    const name = f.read(off + 30, nlen).toString('utf8');
    const dataAt = off + 30 + nlen + elen;
    if (flags & 8 && csize === 0) {
      // Sizes follow the data (data descriptor): find the descriptor, reading only as far as it.
      csize = findForward(f, dataAt, DESCRIPTOR, MAX_MEMBER_BYTES);
    }
    const m = fromLocal(off, name, method, flags, csize, usize || csize);
    if (m) members.push(m);
    off = dataAt + csize + (flags & 8 ? 16 : 0);
  }
  return members;
}

const DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);

/**
 * Offset of `sig` from `pos`, searched in growing chunks (a member's data is usually small: reading
 * the rest of the file for each of thousands of members made a 50,000-member zip quadratic).
 * Without it, the bytes up to `max` (or the end of the file).
 */
function findForward(f: Bytes, pos: number, sig: Buffer, max: number): number {
  const end = Math.min(f.size, pos + max);
  let chunk = 4096;
  for (let at = pos; at < end; at += chunk - sig.length + 1, chunk = Math.min(chunk * 2, 4 << 20)) {
    const i = f.read(at, Math.min(chunk, end - at)).indexOf(sig);
    if (i >= 0) return at + i - pos;
  }
  return end - pos;
}

/** Members of a tar stream (already decompressed, perhaps only its first part), read from a buffer. */
export function tarMembers(buf: Buffer, problems: ArchiveProblem[], budget: Budget): Member[] {
  const out: Member[] = [];
  let off = 0,
    longName: string | undefined;
  while (off + 512 <= buf.length && !budget.over()) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const field = (a: number, n: number) =>
      h
        .subarray(a, a + n)
        .toString('latin1')
        .replace(/\0.*$/s, '');
    const sizeField = field(124, 12).trim();
    const size = h[124] & 0x80 ? Number(h.readBigUInt64BE(128)) : parseInt(sizeField || '0', 8);
    if (!Number.isFinite(size) || size < 0) {
      problems.push({ message: `damaged tar header at byte ${off}`, severity: 'medium' });
      break;
    }
    const type = String.fromCharCode(h[156] || 48);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const dataAt = off + 512;
    const data = buf.subarray(dataAt, Math.min(buf.length, dataAt + size));
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
    } else if (type === '0' || type === '\0' || type === '7') {
      if (!budget.member()) break;
      out.push({
        name,
        size,
        compressedSize: size,
        method: 0,
        encrypted: false,
        read: (limit = MAX_MEMBER_BYTES) => ({ data: data.subarray(0, limit), partial: data.length < size }),
      });
    } else if (type === '1' || type === '2') {
      const target = field(157, 100);
      if (unsafeMemberName(target) || target.startsWith('/'))
        problems.push({ member: name, message: `a link to ${target}, outside the archive`, severity: 'high' });
    }
    off = dataAt + Math.ceil(size / 512) * 512;
  }
  return out;
}

export function isTar(buf: Buffer): boolean {
  return buf.length >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar';
}

export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * The tar stream of a file or member: gunzipped (within the budget and MAX_MEMBER_BYTES) when compressed.
 * `partial` when the stream goes on past what was read.
 */
export function tarStream(raw: Buffer, budget: Budget, rawPartial = false): Chunk {
  if (!isGzip(raw)) return { data: raw, partial: rawPartial };
  const c = inflateBudgeted(raw, 'gzip', MAX_MEMBER_BYTES, budget);
  return { data: c.data, partial: c.partial || rawPartial };
}

/**
 * A hit bound as a note ("partial: …") and a finding: what was not inspected is unverified, and a
 * bomb (a bound hit by bytes inflated from far fewer) is reported as one.
 */
export function boundReport(budget: Budget, display: string): { finding?: Finding; note?: Note } {
  if (!budget.hit) return {};
  const ratio = budget.compressed ? Math.round(budget.bytes / budget.compressed) : 0;
  const bomb = budget.bomb();
  const why = `${budget.hit}${bomb ? `; it inflates ${ratio}:1, a decompression bomb` : ''}`;
  return {
    note: { file: display, kind: 'partial', reason: `partial: ${why}` },
    finding: fileFinding(display, {
      ruleId: bomb ? 'archive.decompression-bomb' : 'archive.not-fully-inspected',
      title: bomb
        ? 'Archive that inflates far past its size (decompression bomb)'
        : 'Archive too large to inspect fully',
      severity: bomb ? 'high' : 'medium',
      confidence: 'high',
      category: 'supply-chain',
      cwe: bomb ? 'CWE-409' : 'CWE-400',
      snippet: `${display}: ${why}`,
      message: `Warden ${why}; what lies past the bound was not inspected, so it is unverified.`,
      fix: 'Do not extract or load it as it is; get a smaller, standard archive (or its members) and scan that.',
    }),
  };
}
