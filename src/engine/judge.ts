/**
 * The verdict engine for agent actions: an Event (shell command, file write or edit, read,
 * fetch, code, user prompt) goes in, a Verdict (allow / ask / deny, reasons, findings) comes out.
 * Per event kind it calls the analyzers, collects their Actions and Findings, and applies the
 * policy (verdict.ts); nothing else lives here. Every front door (hooks, `warden judge`, the
 * gateway) calls `judge`. It fails closed: any error inside becomes the policy's on-error
 * decision with the error as the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { normalize } from 'node:path';
import type { Action, Capability, Event, Finding } from './types.ts';
import { nameMatches, type Policy } from './policy.ts';
import { decide, finish, type Extra, type FullVerdict } from './verdict.ts';
import { analyzeShell, ShellParseError, type ShellAnalysis } from '../analyzers/shell/index.ts';
import { absolutePath, pathActions, type Where } from '../analyzers/paths.ts';
import { inlineCodeActions, inlinePaths, scannerLanguage } from '../analyzers/inline-code.ts';
import { followRuns } from '../analyzers/tasks.ts';
import { plantedFileActions } from '../analyzers/planted.ts';
import { installChecks } from '../analyzers/deps/installs.ts';
import { hostOf } from '../analyzers/network.ts';
import { secretsIn } from '../analyzers/secrets/in-text.ts';
import { appendedLines, changedLines } from '../scan/diff.ts';

export type { FullVerdict, JudgedAction } from './verdict.ts';
export type { Capability };

export interface JudgeContext {
  policy: Policy;
  /** The working folder of the call (relative paths resolve against it). */
  cwd: string;
  /** The project root; defaults to cwd. Reads and writes inside it are the agent's normal work. */
  workspace?: string;
  home?: string;
}

/** One judgement in progress: where the call runs, and what the analyzers have said so far. */
interface Judging {
  policy: Policy;
  where: Where;
  actions: Action[];
  findings: Finding[];
  extra: Extra[];
}

export function judge(event: Event, ctx: JudgeContext): FullVerdict {
  try {
    return judgeUnsafe(event, ctx);
  } catch (e) {
    const d = ctx.policy.onError;
    const what = d === 'deny' ? 'denied' : 'held for approval';
    const reason = `Warden could not judge this ${event.tool} call (${(e as Error).message}); it is ${what} because Warden fails closed.`;
    return { decision: d, reasons: [reason], findings: [], actions: [] };
  }
}

function judgeUnsafe(event: Event, ctx: JudgeContext): FullVerdict {
  const home = ctx.home ?? homedir();
  const cwd = ('cwd' in event && event.cwd) || ctx.cwd;
  const where = { cwd, workspace: normalize(ctx.workspace ?? cwd), home };
  const j: Judging = { policy: ctx.policy, where, actions: [], findings: [], extra: [] };
  // (a command that is not valid shell is judged by that alone: the policy's not-understood decision)
  if (event.tool === 'shell' && !judgeShell(j, event.command)) return finish([], [], j.extra, j.policy, home);
  if (event.tool !== 'shell') JUDGES[event.tool](j, event as never);
  return finish(j.actions, j.findings, j.extra, j.policy, home);
}

/** The analyzers each event kind goes through (shell commands: judgeShell). */
const JUDGES: { [K in Exclude<Event['tool'], 'shell'>]: (j: Judging, e: Extract<Event, { tool: K }>) => void } = {
  write: (j, e) => {
    j.actions.push(...pathActions(e.path, 'write', `write ${e.path}`, j.where));
    j.actions.push(...plantedFileActions(e.path, e.content, `write ${e.path}`, j.where));
    const old = current(e.path, j.where);
    scan(j, e.path, e.content, old === undefined ? undefined : changedLines(old, e.content), undefined, old);
  },
  edit: (j, e) => {
    j.actions.push(...pathActions(e.path, 'write', `edit ${e.path}`, j.where));
    const old = current(e.path, j.where) ?? '';
    let next: string;
    if (e.old === '' && old === '') next = e.new;
    else if (old.includes(e.old)) next = e.replaceAll ? old.split(e.old).join(e.new) : old.replace(e.old, () => e.new);
    else next = e.new; // the edit will not apply as given; judge the new text on its own
    j.actions.push(...plantedFileActions(e.path, next, `edit ${e.path}`, j.where));
    scan(j, e.path, next, changedLines(old, next), undefined, old);
  },
  read: (j, e) => j.actions.push(...pathActions(e.path, 'read', `read ${e.path}`, j.where)),
  fetch: (j, e) => judgeFetch(j, e.url),
  code: (j, e) => {
    if (e.path) j.actions.push(...pathActions(e.path, 'write', `write ${e.path}`, j.where));
    j.actions.push(...inlineCodeActions(e.code, `${e.language} code`, j.where));
    const lang = scannerLanguage(e.language);
    if (lang) scan(j, e.path ?? `<${e.language} code>`, e.code, undefined, lang);
  },
  prompt: (j, e) => {
    const { found, secrets, named } = secretsIn('<prompt>', e.text);
    j.findings.push(...found);
    if (!secrets.length) return;
    const them = secrets.length === 1 ? 'it' : 'them';
    j.extra.push({
      decision: j.policy.prompts.secrets,
      reason: `the prompt contains ${named} that would be sent to the model vendor; remove ${them} and refer to ${them} by name instead`,
    });
  },
  scan: (j, e) => scan(j, e.path, e.content, e.changedLines, e.language),
  other: (j, e) => {
    const named = (list: string[]) => list.some((g) => nameMatches(e.name, g));
    if (named(j.policy.tools.deny)) j.extra.push({ decision: 'deny', reason: `the policy refuses the tool ${e.name}` });
    else if (!named(j.policy.tools.allow))
      j.actions.push({
        capability: 'unknown-tool',
        detail: `calls ${e.name}, a tool Warden does not know (an MCP server's or a plugin's), so what it does is not judged; list it under tools.allow in the policy to let it run`,
        command: e.name,
      });
  },
};

/** A shell command: false (with the reason in `extra`) when it is not valid shell. */
function judgeShell(j: Judging, command: string): boolean {
  let analysis: ShellAnalysis;
  try {
    analysis = analyzeShell(command, j.where);
  } catch (e) {
    if (!(e instanceof ShellParseError)) throw e;
    j.extra.push({
      decision: j.policy.notUnderstood,
      reason: `the command is not valid shell (${e.message}), so Warden cannot tell what it does`,
    });
    return false;
  }
  j.actions.push(...analysis.actions);
  const installs = installChecks(analysis.actions);
  j.actions.push(...installs.actions);
  j.findings.push(...installs.findings);
  // Files the command writes with content it holds (`cat > app.py <<EOF`): judged like a write tool call.
  for (const f of analysis.files) {
    if (f.fragment) {
      scan(j, f.path, f.content);
      continue;
    }
    const old = current(f.path, j.where);
    const content = f.append ? (old ?? '') + f.content : f.content;
    const changed = old === undefined ? undefined : (f.append ? appendedLines : changedLines)(old, content);
    scan(j, f.path, content, changed, undefined, old);
  }
  for (const code of analysis.inline) {
    j.actions.push(...inlineCodeActions(code.code, code.command, j.where));
    if (code.language !== 'awk') {
      const named = inlinePaths(code.code);
      for (const p of named.paths) j.actions.push(...pathActions(p, named.mode, code.command, j.where));
    }
    const lang = scannerLanguage(code.language);
    if (lang) scan(j, `<${code.language} inline code>`, code.code, undefined, lang);
  }
  // Scripts, programs and project tasks the command runs, followed as they are on disk now. What
  // the policy would not allow on its own (deny or ask) counts as the command's own, so a file
  // cannot launder an upload, a push elsewhere or `curl … | sh`.
  const inside = followRuns(analysis, j.where, (a) => decide(a, j.policy, j.where.home) !== 'allow');
  j.findings.push(...inside.findings);
  j.actions.push(...inside.actions);
  return true;
}

function judgeFetch(j: Judging, url: string): void {
  // A file: URL reads a local file: the path policy judges it.
  if (/^file:/i.test(url)) {
    let path: string;
    try {
      path = decodeURIComponent(new URL(url).pathname);
    } catch {
      path = url.replace(/^file:\/*/i, '/');
    }
    j.actions.push(...pathActions(path, 'read', `fetch ${url}`, j.where));
    return;
  }
  const hosts = [hostOf(url, 'curl') ?? '?'];
  j.actions.push({ capability: 'network', detail: `fetches ${url}`, command: `fetch ${url}`, hosts });
  // A credential in the URL goes to the host (and its logs), whoever it is.
  const { secrets, named } = secretsIn('<url>', url);
  if (!secrets.length) return;
  j.findings.push(...secrets);
  const to = hosts[0] === '?' ? 'the host' : hosts[0];
  j.actions.push({
    capability: 'exfiltration',
    detail: `sends ${named} in the URL to ${to}`,
    command: `fetch ${url}`,
    hosts,
  });
}

/** A file's text before the call changes it; undefined when it does not exist. */
function current(path: string, w: Where): string | undefined {
  const a = absolutePath(path, w);
  if (!existsSync(a)) return undefined;
  try {
    return readFileSync(a, 'utf8');
  } catch {
    return '';
  }
}

/** Code findings of a text a call writes or runs. `before`: the file as it was; only its suppressions count. */
function scan(j: Judging, path: string, content: string, changed?: Set<number>, language?: string, before = ''): void {
  // Lazy: the code analyzers (ast-grep) load only when code is judged.
  const r = scanTextLazy()(path, content, { changedLines: changed, language, before });
  j.findings.push(...r.findings.filter((f) => !f.suppressed));
  for (const n of r.notes)
    if (n.kind === 'error')
      j.extra.push({ decision: j.policy.onError, reason: `analysis of ${path} failed: ${n.reason}` });
}

type ScanText = typeof import('./scan.ts').scanText;
let scanTextFn: ScanText | undefined;
/** How many judgements needed the code analyzers before they were loaded (see judgeEvent). */
let analyzerMisses = 0;
/** The scanner engine, loaded on first use (synchronously: judge is synchronous). */
function scanTextLazy(): ScanText {
  if (!scanTextFn) {
    analyzerMisses++;
    throw new Error('the code analyzers are not loaded (call loadAnalyzers() first)');
  }
  return scanTextFn;
}
export async function loadAnalyzers(): Promise<void> {
  scanTextFn ??= (await import('./scan.ts')).scanText;
}

/** The policy's on-error verdict when the analyzers cannot be loaded. */
function analyzersFailed(e: unknown, ctx: JudgeContext): FullVerdict {
  const reason = `Warden could not load its code analyzers (${(e as Error).message}); failing closed.`;
  return { decision: ctx.policy.onError, reasons: [reason], findings: [], actions: [] };
}

/** Events that obviously need the code analyzers: they are loaded before judging. */
const NEEDS_ANALYZERS = (e: Event) =>
  e.tool === 'write' ||
  e.tool === 'edit' ||
  e.tool === 'scan' ||
  e.tool === 'code' ||
  (e.tool === 'shell' && /python|node|perl|ruby|php|awk|deno|bun|lua|pwsh|<</.test(e.command));

/**
 * `judge`, with the code analyzers loaded whenever the event needs them. Events that obviously do
 * load them first; any other event that turns out to need them (a shell command that writes a
 * file: `echo x >> f`, `sed -i`, `printf … > f`, a script it runs) is judged again once they are
 * loaded, so no route (hook, snapshot, daemon, judge) ever answers "not loaded" for ordinary work.
 */
export async function judgeEvent(event: Event, ctx: JudgeContext): Promise<FullVerdict> {
  try {
    if (!scanTextFn && NEEDS_ANALYZERS(event)) await loadAnalyzers();
  } catch (e) {
    return analyzersFailed(e, ctx);
  }
  const misses = analyzerMisses;
  const v = judge(event, ctx);
  if (analyzerMisses === misses) return v;
  try {
    await loadAnalyzers();
  } catch (e) {
    return analyzersFailed(e, ctx);
  }
  return judge(event, ctx);
}
