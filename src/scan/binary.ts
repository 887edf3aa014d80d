/**
 * Whether bytes are binary: shared by the scanner's walk and the guard (scripts judged before they
 * run), so both read the same files. Light on imports: the hook's start-up snapshot loads it.
 */
import { isUtf8 } from 'node:buffer';
import { languageOf } from '../analyzers/code/languages.ts';

/** How much of a file's start decides whether it is binary. */
export const BINARY_SAMPLE = 8192;
/** Magic numbers of executables, archives, images and databases (a text file never starts so). */
const BINARY_MAGIC = [
  '7f454c46', // ELF
  '4d5a', // MZ (PE)
  'cafebabe', // Java class, Mach-O fat
  'cffaedfe',
  'cefaedfe',
  'feedface',
  'feedfacf',
  '0061736d', // wasm
  '89504e47', // PNG
  '47494638', // GIF
  'ffd8ff', // JPEG
  '25504446', // PDF
  '504b0304', // zip
  '1f8b', // gzip
  '53514c69746520666f726d6174203300', // SQLite
].map((h) => Buffer.from(h, 'hex'));
/** A sample without the UTF-8 sequence its cut may have split at the end. */
function utf8Whole(sample: Buffer): Buffer {
  let end = sample.length;
  for (let k = 0; k < 3 && end > 0 && (sample[end - 1] & 0xc0) === 0x80; k++) end--;
  if (end > 0 && sample[end - 1] >= 0xc0) end--;
  return sample.subarray(0, end);
}
/** Share of control bytes (not tab, line breaks, form feed or escape) above which a sample is binary. */
const CONTROL_SHARE = 0.1;

/**
 * Binary content. A file whose name or first line says it is code is never binary: runtimes run it
 * whatever it starts with (bash skips a first line it cannot run, node accepts NUL bytes in
 * comments), so it is read as text, bounded by the size limit. Anything else is binary when it
 * starts with a known binary format's magic number, or holds a NUL byte in its first 8 KB together
 * with a high share of control bytes or bytes that are not UTF-8 (one NUL byte in a text does not
 * make it unreadable).
 */
export function looksBinary(buf: Buffer, path = ''): boolean {
  const sample = buf.subarray(0, BINARY_SAMPLE);
  const magic = BINARY_MAGIC.some((m) => buf.length >= m.length && buf.subarray(0, m.length).equals(m));
  if (!magic && !sample.includes(0)) return false;
  const eol = sample.indexOf(10);
  if (path && languageOf(path, sample.subarray(0, eol < 0 ? 200 : Math.min(eol, 200)).toString('latin1'))) return false;
  if (magic) return true;
  let control = 0;
  for (const b of sample) if (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 27) control++;
  // (random bytes hold about 10% control bytes, and are almost never valid UTF-8)
  return control / sample.length > CONTROL_SHARE || !isUtf8(utf8Whole(sample));
}
