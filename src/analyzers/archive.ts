/**
 * Archives read statically and with bounds, from a file descriptor (only the parts needed are
 * read, so a 1 GB checkpoint costs its central directory and its pickle, not its tensors):
 *
 *  - zip (also .whl, .npz, PyTorch .pt/.pth/.bin): central directory, falling back to a scan of
 *    local headers when the directory is missing or damaged; stored and deflated members;
 *    flags that claim encryption are not trusted blindly (the member is tried as it is);
 *  - tar and gzip-compressed tar (.tgz, .tar.gz, legacy PyTorch), with PAX/GNU long names.
 *
 * Bounds: members are inflated with a size cap and a ratio cap (zip bombs), member names that
 * escape the archive (absolute, `..`) are reported, and nothing is ever extracted to disk.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync, inflateRawSync } from 'node:zlib';

export const MAX_MEMBER_BYTES = 256 * 1024 * 1024;
export const MAX_RATIO = 200;
export const MAX_MEMBERS = 100_000;

export interface Member {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  encrypted: boolean;
  /** Reads the member's content (throws on a bomb, an unsupported method or a damaged member). */
  read(limit?: number): Buffer;
}

export interface ArchiveProblem {
  member?: string;
  message: string;
  severity: 'info' | 'medium' | 'high';
}

export class FileBytes {
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

export function unsafeMemberName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.split(/[\\/]/).includes('..');
}

function inflateMember(raw: Buffer, method: number, size: number, name: string, limit: number): Buffer {
  if (method === 0) return raw.subarray(0, Math.min(raw.length, limit));
  if (method !== 8) throw new Error(`${name}: compression method ${method} is not supported (only stored and deflate)`);
  if (size > limit) throw new Error(`${name}: declared size ${size} is over the ${limit}-byte bound`);
  if (raw.length > 0 && size / raw.length > MAX_RATIO && size > 10_000_000)
    throw new Error(`${name}: compression ratio ${Math.round(size / raw.length)}:1 (a zip bomb)`);
  try {
    return inflateRawSync(raw, { maxOutputLength: limit });
  } catch (e) {
    throw new Error(`${name}: cannot inflate (${(e as Error).message})`);
  }
}

export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
}

/** The members of a zip file; `problems` collects what is odd about the archive itself. */
export function zipMembers(f: FileBytes, problems: ArchiveProblem[]): Member[] {
  const members: Member[] = [];
  const tailLen = Math.min(f.size, 65_557);
  const tail = f.read(f.size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  const fromLocal = (
    offset: number,
    name: string,
    method: number,
    flags: number,
    csize: number,
    usize: number,
  ): Member | undefined => {
    const lh = f.read(offset, 30);
    if (lh.length < 30 || lh.readUInt32LE(0) !== 0x04034b50) return undefined;
    const dataAt = offset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    return {
      name,
      size: usize,
      compressedSize: csize,
      method,
      encrypted: (flags & 1) === 1,
      read: (limit = MAX_MEMBER_BYTES) =>
        inflateMember(f.read(dataAt, Math.min(csize, limit + 1024)), method, usize, name, limit),
    };
  };
  if (eocd >= 0) {
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOff = tail.readUInt32LE(eocd + 16);
    const cd = cdOff + cdSize <= f.size ? f.read(cdOff, cdSize) : Buffer.alloc(0);
    let p = 0;
    for (let k = 0; k < Math.min(count, MAX_MEMBERS) && p + 46 <= cd.length; k++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) break;
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
    if (members.length > 0) return members;
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
  while (off + 30 <= f.size && members.length < MAX_MEMBERS) {
    const lh = f.read(off, 30);
    if (lh.readUInt32LE(0) !== 0x04034b50) break;
    const flags = lh.readUInt16LE(6),
      method = lh.readUInt16LE(8);
    let csize = lh.readUInt32LE(18);
    const usize = lh.readUInt32LE(22);
    const nlen = lh.readUInt16LE(26),
      elen = lh.readUInt16LE(28);
    const name = f.read(off + 30, nlen).toString('utf8');
    const dataAt = off + 30 + nlen + elen;
    if (flags & 8 && csize === 0) {
      // Sizes follow the data (data descriptor): find the next header.
      const rest = f.read(dataAt, Math.min(f.size - dataAt, MAX_MEMBER_BYTES));
      const next = rest.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]));
      csize = next >= 0 ? next : rest.length;
    }
    const m = fromLocal(off, name, method, flags, csize, usize || csize);
    if (m) members.push(m);
    off = dataAt + csize + (flags & 8 ? 16 : 0);
  }
  return members;
}

/** Members of a tar stream (already decompressed), read from a buffer. */
export function tarMembers(buf: Buffer, problems: ArchiveProblem[]): Member[] {
  const out: Member[] = [];
  let off = 0,
    longName: string | undefined;
  while (off + 512 <= buf.length && out.length < MAX_MEMBERS) {
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
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const dataAt = off + 512;
    const data = buf.subarray(dataAt, Math.min(buf.length, dataAt + size));
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
    } else if (type === '0' || type === '\0' || type === '7') {
      const d = data;
      out.push({
        name,
        size,
        compressedSize: size,
        method: 0,
        encrypted: false,
        read: (limit = MAX_MEMBER_BYTES) => d.subarray(0, limit),
      });
    } else if (type === '1' || type === '2') {
      const target = field(157, 100);
      if (unsafeMemberName(target) || target.startsWith('/'))
        problems.push({ member: name, message: `a link to ${target}, outside the archive`, severity: 'high' });
    }
    name = '';
    off = dataAt + Math.ceil(size / 512) * 512;
  }
  return out;
}

export function isTar(buf: Buffer): boolean {
  return buf.length >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar';
}

/** gunzip with a bound (gzip bombs). */
export function gunzipBounded(raw: Buffer, limit = MAX_MEMBER_BYTES): Buffer {
  return gunzipSync(raw, { maxOutputLength: limit });
}
