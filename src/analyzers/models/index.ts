/**
 * Model files, read statically (nothing is unpickled, imported or run): pickles (.pkl, .pickle,
 * joblib), PyTorch checkpoints (zip with data.pkl, legacy tar and plain formats), NumPy .npy/.npz
 * with object arrays, safetensors (header validated), and zip/7z wrappers around any of them.
 * Malformed files get a finding or a note with a clear reason, never a crash or a hang.
 */
import type { Finding, Note, Severity } from '../../engine/types.ts';
import { fileFinding } from '../source.ts';
import { analyzePickle, looksLikePickle, type PickleReport } from './pickle.ts';
import {
  Budget,
  BufferBytes,
  FileBytes,
  boundReport,
  inflateBudgeted,
  isGzip,
  isTar,
  isZip,
  mb,
  tarMembers,
  unsafeMemberName,
  zipMembers,
  MAX_MEMBER_BYTES,
  type ArchiveProblem,
  type Bytes,
} from '../archive.ts';

export const MODEL_EXT = /\.(?:pkl|pickle|pt|pth|bin|ckpt|joblib|npy|npz|safetensors|zip|7z|model|pkl\.gz|pt\.gz)$/i;
/** Model classes of ML libraries (a joblib'd scikit-learn model): unknown to checkpoints, but expected in their own files. */
const ML_LIBS =
  /^(?:sklearn|xgboost|lightgbm|catboost|scipy\.sparse|pandas\.core|transformers\.models|tokenizers|sentencepiece|torchvision\.models|timm\.models)(?:\.|$)/;
const PLAIN_READ = 64 * 1024 * 1024;

interface Ctx {
  display: string;
  /** Bounds shared with the archive this data came from (members, bytes, depth, time). */
  budget: Budget;
  findings: Finding[];
  notes: Note[];
}

function add(
  ctx: Ctx,
  ruleId: string,
  severity: Severity,
  title: string,
  message: string,
  snippet: string,
  fix?: string,
) {
  const f = fileFinding(ctx.display, {
    ruleId,
    title,
    severity,
    confidence: 'high',
    category: 'supply-chain',
    cwe: 'CWE-502',
    snippet,
    message,
    fix:
      fix ??
      'Do not load this file. Use safetensors (or torch.load(weights_only=True) on a file you trust) and get models only from verified publishers.',
  });
  if (!ctx.findings.some((x) => x.fingerprint === f.fingerprint)) ctx.findings.push(f);
}

function reportPickle(ctx: Ctx, rep: PickleReport, where: string) {
  for (const g of rep.globals) {
    const full = `${g.module}.${g.name}`;
    if (g.risk === 'dangerous') {
      add(
        ctx,
        'model.dangerous-global',
        'critical',
        'Pickle calls a dangerous function on load',
        `${where}: loading this pickle imports ${full} (${g.via}), which can run code, start processes, touch files or the network. Unpickling it runs the attacker's payload.`,
        `${where}: ${full}`,
      );
    } else if (g.risk === 'unknown') {
      const ml = ML_LIBS.test(g.module);
      add(
        ctx,
        'model.unknown-global',
        ml ? 'medium' : 'high',
        'Pickle imports a global model checkpoints do not need',
        `${where}: loading this pickle imports ${full} (${g.via}), which is not among the globals ordinary checkpoints use (tensor and array rebuilding, collections); loading it runs that code.`,
        `${where}: ${full}`,
        'Check where the file comes from; prefer safetensors. If the global is expected, allow it explicitly after review.',
      );
    }
  }
  const severe = rep.issues.filter((i) => i.severe);
  if (rep.pickles === 0 && severe.length) {
    add(
      ctx,
      'model.malformed-pickle',
      'medium',
      'Pickle stream that cannot be verified',
      `${where}: ${severe[0].message}. A stream Warden cannot read to the end cannot be shown to be safe.`,
      `${where}: ${severe[0].message}`,
    );
  }
}

/** Inflates a compressed model stream within the budget; a stream cut at a bound is a hit bound. */
function inflated(ctx: Ctx, data: Buffer, format: 'gzip' | 'zlib', where: string): Buffer {
  const c = inflateBudgeted(data, format, MAX_MEMBER_BYTES, ctx.budget);
  if (c.partial) ctx.budget.stop(`stopped after the first ${mb(c.data.length)} inflated from ${where}`, true);
  return c.data;
}

function analyzeBytes(ctx: Ctx, data: Buffer, where: string, depth: number): void {
  if (depth > ctx.budget.limits.depth) {
    ctx.budget.stop(`stopped at ${where}: archives nested more than ${ctx.budget.limits.depth} deep`);
    return;
  }
  if (ctx.budget.over()) return;
  if (data.length >= 6 && data.subarray(0, 6).toString('latin1') === '\x93NUMPY') return npy(ctx, data, where);
  if (isGzip(data)) {
    let inner: Buffer;
    try {
      inner = inflated(ctx, data, 'gzip', where);
    } catch (e) {
      add(
        ctx,
        'model.malformed-pickle',
        'medium',
        'Compressed model data that cannot be read',
        `${where}: ${(e as Error).message}`,
        where,
      );
      return;
    }
    if (isTar(inner)) return tarContainer(ctx, inner, where, depth);
    return analyzeBytes(ctx, inner, `${where} (gunzipped)`, depth + 1);
  }
  if (data.length >= 2 && data[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(data[1])) {
    // joblib's zlib compression.
    let inner: Buffer | undefined;
    try {
      inner = inflated(ctx, data, 'zlib', where);
    } catch {
      /* not zlib after all */
    }
    if (inner) return analyzeBytes(ctx, inner, `${where} (inflated)`, depth + 1);
  }
  if (isZip(data)) return zipContainer(ctx, new BufferBytes(data), depth + 1, `${where}:`);
  if (isTar(data)) return tarContainer(ctx, data, where, depth);
  if (looksLikePickle(data)) {
    const rep = analyzePickle(data, 0, { sequential: true, via: where });
    // A stream that never completes and imports nothing is not a pickle (loading it fails at once).
    if (rep.pickles > 0 || rep.globals.length > 0) return reportPickle(ctx, rep, where);
  }
  ctx.notes.push({
    file: ctx.display,
    kind: 'skipped',
    reason: `${where}: not a pickle, archive or known model format`,
  });
}

function npy(ctx: Ctx, data: Buffer, where: string) {
  const major = data[6];
  const hlen = major === 1 ? data.readUInt16LE(8) : data.length >= 12 ? data.readUInt32LE(8) : -1;
  const hstart = major === 1 ? 10 : 12;
  if (hlen < 0 || hstart + hlen > data.length) {
    add(
      ctx,
      'model.malformed-pickle',
      'medium',
      'Malformed NumPy file',
      `${where}: the .npy header is truncated`,
      where,
    );
    return;
  }
  const header = data.subarray(hstart, hstart + hlen).toString('latin1');
  // Object arrays ('|O') are stored as a pickle after the header.
  if (
    /'descr':\s*'\|?O'|'descr':\s*\[/.test(header) ||
    /\bO\b/.test((/'descr':\s*'([^']*)'/.exec(header) ?? [])[1] ?? '')
  ) {
    reportPickle(ctx, analyzePickle(data, hstart + hlen, { sequential: false, via: `${where} (object array)` }), where);
  }
}

function tarContainer(ctx: Ctx, buf: Buffer, where: string, depth: number) {
  const problems: ArchiveProblem[] = [];
  for (const m of tarMembers(buf, problems, ctx.budget)) {
    if (ctx.budget.over()) break;
    if (unsafeMemberName(m.name))
      add(
        ctx,
        'archive.path-traversal',
        'high',
        'Archive member escapes the archive',
        `${where}: member ${m.name} would be written outside the extraction folder`,
        `${where}: ${m.name}`,
        'Never extract this archive; it is built to overwrite files elsewhere.',
      );
    if (/(?:^|\/)(?:pickle|storages|tensors|sys_info)$|\.(?:pkl|pickle|npy|pt|pth)$/.test(m.name))
      analyzeBytes(ctx, m.read().data, `${where}:${m.name}`, depth + 1);
  }
  for (const p of problems) ctx.notes.push({ file: ctx.display, kind: 'partial', reason: `${where}: ${p.message}` });
}

/** A zip (the file, or a zip nested in it: `prefix` names where it is). */
function zipContainer(ctx: Ctx, f: Bytes, depth: number, prefix = '') {
  if (depth > ctx.budget.limits.depth) {
    ctx.budget.stop(`stopped at ${prefix || 'the zip'}: archives nested more than ${ctx.budget.limits.depth} deep`);
    return;
  }
  const problems: ArchiveProblem[] = [];
  const members = zipMembers(f, problems, ctx.budget);
  for (const p of problems) ctx.notes.push({ file: ctx.display, kind: 'partial', reason: `${prefix}${p.message}` });
  let inspected = 0;
  for (const m of members) {
    if (ctx.budget.over()) break;
    if (unsafeMemberName(m.name))
      add(
        ctx,
        'archive.path-traversal',
        'high',
        'Archive member escapes the archive',
        `member ${prefix}${m.name} would be written outside the extraction folder`,
        `${prefix}${m.name}`,
        'Never extract this archive; it is built to overwrite files elsewhere.',
      );
    if (m.name.endsWith('/')) continue;
    // Tensor data members (PyTorch's data/0, data/1 …) are raw bytes: only their first bytes are
    // read, to catch a pickle hidden under such a name.
    const tensorData = /(?:^|\/)data\/\d+$|\/\.data\/|(?:^|\/)version$|byteorder$|serialization_id$/.test(m.name);
    let data: Buffer;
    try {
      if (tensorData && m.method === 0 && !looksLikePickle(m.read(64).data)) continue;
      const c = m.read();
      data = c.data;
      if (c.partial)
        ctx.notes.push({
          file: ctx.display,
          kind: 'partial',
          reason: `${prefix}${m.name}: only ${mb(data.length)} read`,
        });
    } catch (e) {
      add(
        ctx,
        'model.unreadable-member',
        'medium',
        'Archive member that cannot be inspected',
        `${prefix}${m.name}: ${(e as Error).message}`,
        `${prefix}${m.name}`,
        'Do not load members Warden could not inspect.',
      );
      continue;
    }
    if (m.encrypted && !looksLikePickle(data) && !isZip(data)) {
      add(
        ctx,
        'model.unreadable-member',
        'medium',
        'Encrypted archive member',
        `${prefix}${m.name} is encrypted, so it cannot be inspected; loading it after decryption is unverified.`,
        `${prefix}${m.name}`,
        'Get an unencrypted copy and scan it.',
      );
      continue;
    }
    if (tensorData && !looksLikePickle(data)) continue;
    inspected++;
    analyzeBytes(ctx, data, `${prefix}${m.name}`, depth + 1);
  }
  if (members.length && !inspected && !ctx.findings.length)
    ctx.notes.push({ file: ctx.display, kind: 'partial', reason: 'zip archive without pickles or model files' });
}

/** safetensors: an 8-byte header length, a JSON header, then tensor data the header must cover exactly. */
function safetensors(ctx: Ctx, f: FileBytes) {
  const bad = (msg: string, sev: Severity = 'high') =>
    add(
      ctx,
      'model.safetensors-invalid',
      sev,
      'Invalid safetensors file',
      msg,
      msg,
      'Re-export the model with the safetensors library and scan again.',
    );
  if (f.size < 8) return bad('the file is shorter than the 8-byte header length');
  const n = Number(f.read(0, 8).readBigUInt64LE(0));
  if (n <= 1 || n > 100_000_000 || 8 + n > f.size)
    return bad(`the header length ${n} does not fit the file (${f.size} bytes)`);
  let header: Record<
    string,
    { dtype?: string; shape?: number[]; data_offsets?: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(f.read(8, n).toString('utf8'));
  } catch (e) {
    return bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  const sizes: Record<string, number> = {
    F64: 8,
    F32: 4,
    F16: 2,
    BF16: 2,
    I64: 8,
    I32: 4,
    I16: 2,
    I8: 1,
    U8: 1,
    U16: 2,
    U32: 4,
    U64: 8,
    BOOL: 1,
    F8_E4M3: 1,
    F8_E5M2: 1,
    C64: 8,
  };
  const ranges: [number, number, string][] = [];
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = t as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!dtype || !Array.isArray(shape) || !Array.isArray(data_offsets) || data_offsets.length !== 2)
      return bad(`tensor ${name} has no dtype, shape or data_offsets`);
    const [b, e] = data_offsets;
    if (!(Number.isInteger(b) && Number.isInteger(e) && b >= 0 && e >= b))
      return bad(`tensor ${name} has invalid data_offsets`);
    const elems = shape.reduce((x, y) => x * y, 1);
    if (sizes[dtype] !== undefined && elems * sizes[dtype] !== e - b)
      return bad(
        `tensor ${name}: ${shape.join('×')} ${dtype} needs ${elems * sizes[dtype]} bytes, the header gives ${e - b}`,
      );
    ranges.push([b, e, name]);
  }
  ranges.sort((x, y) => x[0] - y[0]);
  let end = 0;
  for (const [b, e, name] of ranges) {
    if (b < end) return bad(`tensor ${name} overlaps the tensor before it (data at ${b}, previous ends at ${end})`);
    if (b > end) return bad(`there are ${b - end} unaccounted bytes before tensor ${name}`, 'medium');
    end = e;
  }
  const dataLen = f.size - 8 - n;
  if (end > dataLen) return bad(`the tensors need ${end} bytes of data, the file has ${dataLen}`);
  if (end < dataLen)
    return bad(`${dataLen - end} bytes of trailing data after the last tensor (a place to hide a payload)`);
}

/** Model bytes from elsewhere (a member of a package archive, whose budget and depth they share). */
export function analyzeModelBytes(
  data: Buffer,
  where: string,
  display: string,
  budget?: Budget,
  depth = 1,
): { findings: Finding[]; notes: Note[] } {
  const ctx: Ctx = { display, budget: budget ?? new Budget(), findings: [], notes: [] };
  try {
    analyzeBytes(ctx, data, where, depth);
  } catch (e) {
    add(
      ctx,
      'model.malformed-pickle',
      'medium',
      'Model data that cannot be verified',
      `${where}: ${(e as Error).message}`,
      where,
    );
  }
  // A budget of its own is reported here; a shared one by the archive that owns it.
  if (!budget) reportBound(ctx);
  return { findings: ctx.findings, notes: ctx.notes };
}

function reportBound(ctx: Ctx): void {
  const { finding, note } = boundReport(ctx.budget, ctx.display);
  if (finding) ctx.findings.push(finding);
  if (note) ctx.notes.push(note);
}

export function analyzeModelFile(path: string, display: string): { findings: Finding[]; notes: Note[] } {
  const ctx: Ctx = { display, budget: new Budget(), findings: [], notes: [] };
  let f: FileBytes;
  try {
    f = new FileBytes(path);
  } catch (e) {
    return {
      findings: [],
      notes: [
        {
          file: display,
          kind: 'error',
          reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
    };
  }
  try {
    const head = f.read(0, 512);
    if (
      /\.safetensors$/i.test(path) ||
      (head.length > 9 && head[8] === 0x7b && head.readUInt32LE(4) === 0 && head.readUInt32LE(0) > 1)
    )
      safetensors(ctx, f);
    else if (isZip(head)) zipContainer(ctx, f, 0);
    else if (head.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]))) {
      add(
        ctx,
        'model.unreadable-member',
        'medium',
        '7z archive that cannot be inspected',
        '7z archives cannot be read statically by Warden; a model inside one is unverified.',
        '7z archive',
        'Get the model as a plain file or zip and scan it.',
      );
    } else analyzeBytes(ctx, f.read(0, Math.min(f.size, PLAIN_READ)), display, 0);
  } catch (e) {
    add(
      ctx,
      'model.malformed-pickle',
      'medium',
      'Model file that cannot be verified',
      `${(e as Error).message}`,
      'unreadable',
    );
  } finally {
    f.close();
  }
  reportBound(ctx);
  return { findings: ctx.findings, notes: ctx.notes };
}
