/**
 * Packages as artifacts: a .tgz / .tar.gz (npm), .whl / .zip (PyPI) or .gem is read statically
 * (never installed, imported or run) and every text member goes through the same analyzers as a
 * source tree (code, backdoor, secrets, unicode, malicious-package rules, manifests and install
 * scripts); pickles and models inside go to the model analyzer, archives inside are read in turn.
 * Bounds (archive.ts): members, inflated bytes, nesting depth and time for the whole archive, with
 * what is nested in it; a hit bound is a note and a finding. Names that escape the archive are reported.
 */
import type { Finding, Note } from '../engine/types.ts';
import type { Config } from '../engine/config.ts';
import {
  Budget,
  BufferBytes,
  FileBytes,
  MAX_MEMBER_BYTES,
  boundReport,
  isGzip,
  isTar,
  isZip,
  mb,
  tarStream,
  tarMembers,
  unsafeMemberName,
  zipMembers,
  type ArchiveProblem,
  type Bytes,
  type Chunk,
  type Member,
} from './archive.ts';
import { MODEL_EXT, analyzeModelBytes } from './models/index.ts';
import { fileFinding } from './source.ts';

export const PACKAGE_ARCHIVE = /\.(?:tgz|tar\.gz|whl|gem|tar|crate|zip|egg)$/i;
const TEXT_MEMBER =
  /\.(?:py|pyw|js|mjs|cjs|ts|jsx|tsx|rb|go|rs|php|java|cs|c|cc|cpp|h|sh|bash|json|toml|cfg|ini|ya?ml|txt|md|pth|gemspec)$|(?:^|\/)(?:Gemfile|Rakefile|Makefile|PKG-INFO|METADATA|RECORD|entry_points\.txt|setup\.py|extconf\.rb)$/i;

type ScanText = (path: string, text: string, cfg: Config) => { findings: Finding[]; notes: Note[] };

interface Ctx {
  display: string;
  config: Config;
  scan: ScanText;
  budget: Budget;
  findings: Finding[];
  notes: Note[];
}

export function analyzePackageArchive(
  path: string,
  display: string,
  config: Config,
  scan: ScanText,
  budget = new Budget(),
): { findings: Finding[]; notes: Note[] } {
  const ctx: Ctx = { display, config, scan, budget, findings: [], notes: [] };
  let f: FileBytes;
  try {
    f = new FileBytes(path);
  } catch (e) {
    const reason = `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    return { findings: [], notes: [{ file: display, kind: 'error', reason }] };
  }
  try {
    if (!inspect(ctx, f, display, 0))
      ctx.notes.push({ file: display, kind: 'skipped', reason: 'not a zip or tar archive' });
  } catch (e) {
    const why = `cannot read the archive: ${(e as Error).message}`;
    ctx.notes.push({ file: display, kind: 'error', reason: why });
    // What came after the error was not inspected: reported like any other stop.
    budget.stop(`stopped early: ${why}`);
  } finally {
    f.close();
  }
  const { finding, note } = boundReport(budget, display);
  if (finding) ctx.findings.push(finding);
  if (note) ctx.notes.push(note);
  return { findings: ctx.findings, notes: ctx.notes };
}

/** Reads one archive (the file, or a member) and its members; false when it is no zip or tar. */
function inspect(ctx: Ctx, bytes: Bytes, where: string, depth: number): boolean {
  const { budget } = ctx;
  if (depth > budget.limits.depth) {
    budget.stop(`stopped at ${where}: archives nested more than ${budget.limits.depth} deep`);
    return true;
  }
  const problems: ArchiveProblem[] = [];
  const members = listMembers(ctx, bytes, where, problems);
  if (!members) return false;
  for (const m of members) {
    if (ctx.findings.length >= budget.limits.findings)
      budget.stop(`stopped after ${budget.limits.findings} findings (bound)`);
    if (budget.over()) break;
    member(ctx, m, `${where}!${m.name}`, depth);
  }
  for (const p of problems) ctx.notes.push({ file: ctx.display, kind: 'partial', reason: p.message });
  return true;
}

function listMembers(ctx: Ctx, bytes: Bytes, where: string, problems: ArchiveProblem[]): Member[] | undefined {
  const { budget } = ctx;
  if (isZip(bytes.read(0, 4))) return zipMembers(bytes, problems, budget);
  const rawLen = Math.min(bytes.size, MAX_MEMBER_BYTES);
  const s = tarStream(bytes.read(0, rawLen), budget, rawLen < bytes.size);
  if (!isTar(s.data)) return undefined;
  if (s.partial) budget.stop(`stopped after the first ${mb(s.data.length)} of the tar stream of ${where}`, true);
  const members = tarMembers(s.data, problems, budget);
  // A .gem's metadata.gz is its gemspec as YAML.
  const meta = members.find((m) => m.name === 'metadata.gz');
  if (meta) {
    const text = tarStream(meta.read(16 * 1024 * 1024).data, budget).data.toString('utf8');
    ctx.findings.push(...ctx.scan(`${where}!metadata.gemspec.yml`, text, ctx.config).findings);
  }
  return members.filter((m) => m !== meta);
}

const looksPickle = (b: Buffer) => b.length >= 2 && b[0] === 0x80 && b[1] <= 5;
const looksArchive = (b: Buffer) => isZip(b) || isGzip(b) || isTar(b);

/** One member: a model or pickle, a nested archive, or text for the source analyzers. */
function member(ctx: Ctx, m: Member, where: string, depth: number): void {
  if (unsafeMemberName(m.name)) ctx.findings.push(traversal(where, m.name));
  if (m.name.endsWith('/')) return;
  const text = TEXT_MEMBER.test(m.name);
  const model = MODEL_EXT.test(m.name) && !text && !/\.zip$/i.test(m.name);
  const archive = PACKAGE_ARCHIVE.test(m.name) && !model;
  if (!text && !model && !archive) {
    // Unknown member types are sniffed: a pickle or an archive under any name is still one.
    let head: Buffer;
    try {
      head = m.read(512).data;
    } catch {
      return;
    }
    if (!looksPickle(head) && !looksArchive(head)) return;
  }
  let c: Chunk;
  try {
    c = m.read(text ? ctx.config.maxFileSize : MAX_MEMBER_BYTES);
  } catch (e) {
    ctx.findings.push(unreadable(where, (e as Error).message));
    return;
  }
  const { data } = c;
  if (m.encrypted && !model) {
    ctx.findings.push(unreadable(where, 'the member is encrypted'));
    return;
  }
  if (data.length > m.size)
    ctx.notes.push({
      file: ctx.display,
      kind: 'partial',
      reason: `${where}: inflates past the ${m.size} bytes its header declares (a lying archive)`,
    });
  if (c.short)
    ctx.notes.push({
      file: ctx.display,
      kind: 'partial',
      reason: `${where}: ${data.length} bytes, not the ${m.size} its header declares (damaged or lying)`,
    });
  else if (c.partial)
    ctx.notes.push({
      file: ctx.display,
      kind: 'partial',
      reason: `${where}: only the first ${mb(data.length)} read (${text ? 'max-file-size' : 'bound'})`,
    });
  // A pickle under a text name (data.txt) is still a pickle.
  if (model || looksPickle(data)) {
    const r = analyzeModelBytes(data, m.name, where, ctx.budget, depth + 1);
    ctx.findings.push(...r.findings);
    ctx.notes.push(...r.notes);
    return;
  }
  if ((archive || looksArchive(data)) && inspect(ctx, new BufferBytes(data), where, depth + 1)) return;
  if (!text) return;
  const r = ctx.scan(where, data.toString('utf8'), ctx.config);
  ctx.findings.push(...r.findings);
  ctx.notes.push(...r.notes);
}

function unreadable(where: string, why: string): Finding {
  return fileFinding(where, {
    ruleId: 'model.unreadable-member',
    title: 'Archive member that cannot be inspected',
    severity: 'medium',
    confidence: 'high',
    category: 'supply-chain',
    cwe: 'CWE-506',
    snippet: where,
    message: `${why}; it cannot be inspected, so what it does when used is unverified.`,
    fix: 'Get an unencrypted, standard copy and scan it.',
  });
}

function traversal(where: string, name: string): Finding {
  return fileFinding(where, {
    ruleId: 'archive.path-traversal',
    title: 'Archive member escapes the archive',
    severity: 'high',
    confidence: 'high',
    category: 'supply-chain',
    cwe: 'CWE-22',
    snippet: name,
    message: `member ${name} would be written outside the extraction folder`,
    fix: 'Never extract this archive; it is built to overwrite files elsewhere.',
  });
}
