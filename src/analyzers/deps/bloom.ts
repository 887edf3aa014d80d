/**
 * A Bloom filter for "does this package name exist in the registry snapshot" (hundreds of
 * thousands of names in about a megabyte; no false negatives, about 1% false positives).
 * File format: one JSON header line, then the bit array.
 */
import { createHash } from 'node:crypto';

export interface BloomHeader {
  n: number;
  m: number;
  k: number;
  source: string;
  created: string;
}

function positions(name: string, m: number, k: number): number[] {
  const h = createHash('sha256').update(name).digest();
  const a = h.readUInt32LE(0),
    b = h.readUInt32LE(4) | 1;
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(((a + Math.imul(i, b)) >>> 0) % m);
  return out;
}

export class Bloom {
  constructor(
    readonly header: BloomHeader,
    readonly bits: Uint8Array,
  ) {}
  static create(names: Iterable<string>, n: number, source: string, fpRate = 0.01): Bloom {
    const m = Math.ceil((-n * Math.log(fpRate)) / Math.LN2 ** 2);
    const k = Math.max(1, Math.round((m / n) * Math.LN2));
    const bits = new Uint8Array(Math.ceil(m / 8));
    for (const name of names) for (const p of positions(name, m, k)) bits[p >> 3] |= 1 << (p & 7);
    return new Bloom({ n, m, k, source, created: new Date().toISOString().slice(0, 10) }, bits);
  }
  has(name: string): boolean {
    for (const p of positions(name, this.header.m, this.header.k))
      if (!(this.bits[p >> 3] & (1 << (p & 7)))) return false;
    return true;
  }
  serialize(): Buffer {
    return Buffer.concat([Buffer.from(JSON.stringify(this.header) + '\n'), Buffer.from(this.bits)]);
  }
  static parse(buf: Buffer): Bloom {
    const nl = buf.indexOf(10);
    return new Bloom(
      JSON.parse(buf.subarray(0, nl).toString('utf8')) as BloomHeader,
      new Uint8Array(buf.subarray(nl + 1)),
    );
  }
}
