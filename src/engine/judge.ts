/**
 * The verdict engine for agent actions: an Event (shell command, file write or edit, read,
 * fetch, user prompt) goes in, a Verdict (allow / ask / deny, reasons, findings) comes out.
 * Every front door (hooks, `warden judge`, the gateway) calls `judge`. It fails closed: any
 * error inside becomes the policy's on-error decision with the error as the reason.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { normalize, resolve } from 'node:path';
import type { Decision, Event, Finding, Verdict } from './types.ts';
import { severityRank, type Severity } from './types.ts';
import { denyFrom, nameMatches, pathMatches, RANK, stricter, type Policy, type PolicyCapability } from './policy.ts';
import { analyzeShell, ShellParseError } from '../analyzers/shell/index.ts';
import type { Action, Capability } from './types.ts';
import { makeRecipe } from '../analyzers/shell/parse.ts';
import {
  isAgentControlPath,
  isCredentialPath,
  isPersistencePath,
  isPrivilegedPath,
  isScratchPath,
  isHarmlessSystemRead,
  linkTarget,
} from '../analyzers/paths.ts';
import { hostMatches, hostOf } from '../analyzers/network.ts';
import { analyzeSecrets } from '../analyzers/secrets/index.ts';
import { checkDependency } from '../analyzers/deps/index.ts';
import { SourceFile, fileFinding } from '../analyzers/source.ts';
import { analyzeBackdoors } from '../analyzers/backdoor/index.ts';
import { languageOf, normaliseLanguage } from '../analyzers/code/languages.ts';
import { looksBinary } from '../scan/binary.ts';

export interface JudgeContext {
  policy: Policy;
  /** The working folder of the call (relative paths resolve against it). */
  cwd: string;
  /** The project root; defaults to cwd. Reads and writes inside it are the agent's normal work. */
  workspace?: string;
  home?: string;
}

/** A judged action: the capability, what the policy decided for it, and why. */
export interface JudgedAction extends Action {
  decision: Decision;
}

export interface FullVerdict extends Verdict {
  actions: JudgedAction[];
}

/** What to tell the model for each capability, so it can change course instead of retrying. */
const ADVICE: Partial<Record<PolicyCapability, string>> = {
  'download-exec':
    'Download to a file, show it to the user and let them decide; do not pipe downloads into an interpreter.',
  'reverse-shell': 'Do not open shells or listeners to other hosts.',
  exfiltration: 'Do not send credentials, environment variables or local files to other hosts.',
  'obfuscated-exec': 'Write the command out plainly; encoded or disguised commands are refused.',
  'credential-access': 'Do not read credential files; ask the user to provide what is needed.',
  persistence: 'Do not change login scripts, scheduled jobs, services or git hooks.',
  'hook-bypass': 'Run the hooks and fix what they report instead of skipping them.',
  'agent-tamper': "Do not change the agent's or Warden's settings, hooks or audit log.",
  catastrophic: 'This would delete or wipe far more than the task needs.',
};

const LANG_OF: Record<string, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  ruby: 'ruby',
  php: 'php',
  perl: 'bash',
  lua: 'bash',
  awk: 'bash',
  powershell: 'bash',
};

export function judge(event: Event, ctx: JudgeContext): FullVerdict {
  try {
    return judgeUnsafe(event, ctx);
  } catch (e) {
    const d = ctx.policy.onError;
    return {
      decision: d,
      reasons: [
        `Warden could not judge this ${event.tool} call (${(e as Error).message}); it is ${d === 'deny' ? 'denied' : 'held for approval'} because Warden fails closed.`,
      ],
      findings: [],
      actions: [],
    };
  }
}

function judgeUnsafe(event: Event, ctx: JudgeContext): FullVerdict {
  const home = ctx.home ?? homedir();
  const cwd = ('cwd' in event && event.cwd) || ctx.cwd;
  const workspace = normalize(ctx.workspace ?? cwd);
  const abs = (p: string) => normalize(resolve(cwd, p === '~' || p.startsWith('~/') ? home + p.slice(1) : p));
  const inWorkspace = (a: string) =>
    a === workspace || a.startsWith(workspace.endsWith('/') ? workspace : workspace + '/');
  const actions: Action[] = [];
  const findings: Finding[] = [];
  const extra: { decision: Decision; reason: string }[] = [];

  const pathActions = (path: string, mode: 'read' | 'write', command: string) => {
    // A symbolic link to a credential, the agent's settings or a start-up file is judged as that file.
    const lexical = abs(path),
      target = linkTarget(lexical);
    const sensitive =
      target !== undefined &&
      (isCredentialPath(target, home) ||
        (mode === 'write' &&
          (isAgentControlPath(target, home) || isPersistencePath(target, home) || isPrivilegedPath(target))));
    const a = sensitive ? target : lexical;
    if (sensitive) path = `${path} (a link to ${target})`;
    if (mode === 'write' && isAgentControlPath(a, home))
      actions.push({
        capability: 'agent-tamper',
        detail: `writes ${path}, which controls the agent's or Warden's guard`,
        command,
        paths: [a],
      });
    else if (isCredentialPath(a, home))
      actions.push({
        capability: 'credential-access',
        detail: `${mode === 'read' ? 'reads' : 'writes'} ${path}, a credential or secret file`,
        command,
        paths: [a],
      });
    else if (mode === 'write' && isPersistencePath(a, home))
      actions.push({
        capability: 'persistence',
        detail: `writes ${path}, which runs code at login, on a schedule or on git events`,
        command,
        paths: [a],
      });
    else if (mode === 'write' && isPrivilegedPath(a))
      actions.push({
        capability: 'privilege',
        detail: `writes ${path}, which controls users or privileges`,
        command,
        paths: [a],
      });
    else if (!inWorkspace(a) && !isScratchPath(a) && !(mode === 'read' && isHarmlessSystemRead(a)))
      actions.push({
        capability: mode === 'read' ? 'read-outside' : 'write-outside',
        detail: `${mode === 'read' ? 'reads' : 'writes'} ${path}, outside the workspace (${workspace})`,
        command,
        paths: [a],
      });
  };

  // `before`: the file as it stood before the agent's change ('' if new); only its suppressions count.
  const scanContent = (path: string, content: string, changed?: Set<number>, language?: string, before = '') => {
    // Lazy: the code analyzers (ast-grep) load only when code is judged.
    const r = scanTextLazy()(path, content, { changedLines: changed, language, before });
    findings.push(...r.findings.filter((f) => !f.suppressed));
    for (const n of r.notes)
      if (n.kind === 'error')
        extra.push({ decision: ctx.policy.onError, reason: `analysis of ${path} failed: ${n.reason}` });
  };

  /**
   * Shell written in a file that a command runs (a script, an npm script, Makefile recipes): the
   * actions the policy denies count as the command's own, so a file cannot launder `curl … | sh`;
   * the ones it only asks about would make every project script a question, so they do not.
   */
  const deniedInside = (text: string, where: string, command: string) => {
    if (text.length > MAX_SHELL_SCRIPT) return;
    try {
      const inner = analyzeShell(text, { cwd, workspace, home });
      actions.push(
        ...inner.actions
          .filter((a) => decide(a, ctx.policy, home) === 'deny')
          .map((a) => ({ ...a, detail: `${a.detail} (in ${where})`, command: `${command}: ${a.command}` })),
      );
    } catch {
      /* not valid shell: the program that reads it will fail on it too */
    }
  };

  /** Shell commands that inline code hands to system()/exec()/popen(): judged as shell commands too. */
  const shellStrings = (code: string, command: string) => {
    for (const m of code.matchAll(SHELL_CALL)) {
      try {
        actions.push(
          ...analyzeShell(m[1].replace(/\\(["'`\\])/g, '$1'), { cwd, workspace, home }).actions.map((a) => ({
            ...a,
            command: `${command}: ${a.command}`,
          })),
        );
      } catch {
        /* not shell after all */
      }
    }
  };

  switch (event.tool) {
    case 'shell': {
      let analysis;
      try {
        analysis = analyzeShell(event.command, { cwd, workspace, home });
      } catch (e) {
        if (!(e instanceof ShellParseError)) throw e;
        return finish(
          [],
          [],
          [
            {
              decision: ctx.policy.notUnderstood,
              reason: `the command is not valid shell (${e.message}), so Warden cannot tell what it does`,
            },
          ],
          ctx.policy,
          home,
        );
      }
      actions.push(...analysis.actions);
      // Package installs: the supply-chain checks (typosquats, hallucinated names, compromised versions).
      for (const a of analysis.actions) {
        for (const p of a.packages ?? []) {
          const eco = (
            {
              npm: 'npm',
              pypi: 'pypi',
              rubygems: 'rubygems',
              crates: 'crates',
              go: 'go',
              packagist: 'packagist',
            } as const
          )[p.ecosystem as 'npm'];
          if (!eco) continue;
          const version = /@(\d[\w.+-]*)$|==\s*(\d[\w.+-]*)$/.exec(p.spec);
          for (const i of checkDependency(eco, p.name, version?.[1] ?? version?.[2] ?? '')) {
            if (i.ruleId === 'supply-chain.unverified-package')
              actions.push({
                capability: 'risky-package-source',
                detail: `installs ${p.name}: ${i.message}`,
                command: a.command,
              });
            else
              findings.push(
                fileFinding('<command>', {
                  ruleId: i.ruleId,
                  title: i.title,
                  severity: i.severity,
                  confidence: 'medium',
                  category: 'supply-chain',
                  cwe: 'CWE-1357',
                  snippet: a.command,
                  message: i.message,
                  fix: i.fix,
                }),
              );
          }
        }
      }
      // Files the command writes with content it holds (`cat > app.py <<EOF`): judged like a write tool call.
      for (const f of analysis.files) {
        if (f.fragment) {
          scanContent(f.path, f.content);
          continue;
        }
        const a = abs(f.path);
        const old = existsSync(a) ? safeRead(a) : undefined;
        const content = f.append ? (old ?? '') + f.content : f.content;
        scanContent(
          f.path,
          content,
          old === undefined ? undefined : f.append ? appendedLines(old, content) : changedLines(old, content),
          undefined,
          old,
        );
      }
      for (const code of analysis.inline) {
        actions.push(...inlineActions(code.code, code.command));
        shellStrings(code.code, code.command);
        // Files named in the inline program are read or written by it.
        // (absolute, home and relative paths: `open('.claude/settings.json', 'w')` is a write to the agent's settings)
        if (code.language !== 'awk')
          for (const m of code.code.matchAll(/["'`]((?:~|\/|\.{1,2}\/|[\w.-]+\/)[^"'`\s]{2,}|\.\w[\w.-]*)["'`]/g))
            pathActions(m[1], /write|open\([^)]*["'`][wa]/.test(code.code) ? 'write' : 'read', code.command);
        const lang = LANG_OF[code.language];
        if (lang) scanContent(`<${code.language} inline code>`, code.code, undefined, lang);
      }
      // Scripts the command runs, as they are on disk now: a payload fetched or written by an earlier
      // call (`curl -sO …/x.py`, then `python3 x.py`) is judged when it runs. Only planted-code
      // indicators count here, not the ordinary flaws of the project's own scripts.
      for (const s of analysis.scripts) {
        const text = scriptText(s.path);
        if (text === undefined) continue;
        const lang = s.language ? normaliseLanguage(s.language) : languageOf(s.path, text.slice(0, 200).split('\n')[0]);
        findings.push(...analyzeBackdoors(new SourceFile(s.path, text.replace(/\r\n?/g, '\n'), lang)));
        // A shell script is what it runs (see deniedInside).
        if (lang === 'bash') deniedInside(text, s.path, s.command);
      }
      // Project tasks (npm scripts with their pre/post scripts and lifecycle scripts, Makefile
      // recipes with their prerequisites): shell command lines written in a file, judged like the
      // shell scripts above, so `"test": "curl … | sh"` cannot be run as `npm test`.
      for (const t of analysis.tasks) {
        const text = scriptText(t.file);
        if (text === undefined) continue;
        const body = t.kind === 'npm' ? npmScripts(text, t.names) : makeTargets(text, t.names);
        if (body)
          deniedInside(body, t.kind === 'npm' ? `the ${t.names.join('/')} script of ${t.file}` : t.file, t.command);
      }
      break;
    }
    case 'write': {
      pathActions(event.path, 'write', `write ${event.path}`);
      const a = abs(event.path);
      const old = existsSync(a) ? safeRead(a) : undefined;
      scanContent(
        event.path,
        event.content,
        old === undefined ? undefined : changedLines(old, event.content),
        undefined,
        old,
      );
      break;
    }
    case 'edit': {
      pathActions(event.path, 'write', `edit ${event.path}`);
      const a = abs(event.path);
      const old = existsSync(a) ? safeRead(a) : '';
      let next: string;
      if (event.old === '' && old === '') next = event.new;
      else if (old.includes(event.old))
        next = event.replaceAll ? old.split(event.old).join(event.new) : old.replace(event.old, () => event.new);
      else next = event.new; // the edit will not apply as given; judge the new text on its own
      scanContent(event.path, next, changedLines(old, next), undefined, old);
      break;
    }
    case 'read':
      pathActions(event.path, 'read', `read ${event.path}`);
      break;
    case 'fetch': {
      // A file: URL reads a local file: the path policy judges it.
      if (/^file:/i.test(event.url)) {
        let path: string;
        try {
          path = decodeURIComponent(new URL(event.url).pathname);
        } catch {
          path = event.url.replace(/^file:\/*/i, '/');
        }
        pathActions(path, 'read', `fetch ${event.url}`);
        break;
      }
      const host = hostOf(event.url, 'curl');
      actions.push({
        capability: 'network',
        detail: `fetches ${event.url}`,
        command: `fetch ${event.url}`,
        hosts: [host ?? '?'],
      });
      // A credential in the URL goes to the host (and its logs), whoever it is.
      const { secrets, named } = secretsIn('<url>', event.url);
      if (secrets.length) {
        findings.push(...secrets);
        actions.push({
          capability: 'exfiltration',
          detail: `sends ${named} in the URL to ${host ?? 'the host'}`,
          command: `fetch ${event.url}`,
          hosts: [host ?? '?'],
        });
      }
      break;
    }
    case 'code': {
      if (event.path) pathActions(event.path, 'write', `write ${event.path}`);
      actions.push(...inlineActions(event.code, `${event.language} code`));
      shellStrings(event.code, `${event.language} code`);
      const lang = LANG_OF[event.language];
      if (lang) scanContent(event.path ?? `<${event.language} code>`, event.code, undefined, lang);
      break;
    }
    case 'prompt': {
      const { found, secrets, named } = secretsIn('<prompt>', event.text);
      findings.push(...found);
      if (secrets.length) {
        extra.push({
          decision: ctx.policy.prompts.secrets,
          reason: `the prompt contains ${named} that would be sent to the model vendor; remove ${secrets.length === 1 ? 'it' : 'them'} and refer to ${secrets.length === 1 ? 'it' : 'them'} by name instead`,
        });
      }
      break;
    }
    case 'scan':
      scanContent(event.path, event.content, event.changedLines, event.language);
      break;
    case 'other': {
      const named = (list: string[]) => list.some((g) => nameMatches(event.name, g));
      if (named(ctx.policy.tools.deny))
        extra.push({ decision: 'deny', reason: `the policy refuses the tool ${event.name}` });
      else if (!named(ctx.policy.tools.allow))
        actions.push({
          capability: 'unknown-tool',
          detail: `calls ${event.name}, a tool Warden does not know (an MCP server's or a plugin's), so what it does is not judged; list it under tools.allow in the policy to let it run`,
          command: event.name,
        });
      break;
    }
  }
  return finish(actions, findings, extra, ctx.policy, home);
}

/** Applies the policy to the actions and findings and writes the reasons. */
function finish(
  actions: Action[],
  findings: Finding[],
  extra: { decision: Decision; reason: string }[],
  policy: Policy,
  home: string,
): FullVerdict {
  const judged: JudgedAction[] = actions.map((a) => ({ ...a, decision: decide(a, policy, home) }));
  let decision: Decision = 'allow';
  const reasons: { d: Decision; text: string }[] = [];
  for (const a of judged) {
    decision = stricter(decision, a.decision);
    if (a.decision !== 'allow') {
      const cap = a.catastrophic && a.capability === 'destructive' ? 'catastrophic' : a.capability;
      reasons.push({ d: a.decision, text: `${cap}: ${a.detail}${ADVICE[cap] ? `. ${ADVICE[cap]}` : ''}` });
    }
  }
  for (const f of findings) {
    const d: Decision =
      denyFrom(policy, f.category) !== 'off' &&
      severityRank(f.severity) >= severityRank(denyFrom(policy, f.category) as Severity)
        ? 'deny'
        : policy.findings.ask !== 'off' && severityRank(f.severity) >= severityRank(policy.findings.ask)
          ? 'ask'
          : 'allow';
    // Secrets in prompts are explained once by the prompt's own reason.
    if (d !== 'allow' && (f.category !== 'secret' || !extra.length))
      reasons.push({
        d,
        text: `${f.ruleId} (${f.severity}) at ${f.file}:${f.line}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`,
      });
    decision = stricter(decision, d);
  }
  for (const x of extra) {
    decision = stricter(decision, x.decision);
    reasons.push({ d: x.decision, text: x.reason });
  }
  reasons.sort((a, b) => RANK[b.d] - RANK[a.d]);
  return { decision, reasons: [...new Set(reasons.map((r) => r.text))], findings, actions: judged };
}

function decide(a: Action, policy: Policy, home: string): Decision {
  const cap: PolicyCapability = a.catastrophic && a.capability === 'destructive' ? 'catastrophic' : a.capability;
  let d = policy.capabilities[cap];
  // Hosts: listed hosts decide network-like actions.
  if ((cap === 'network' || cap === 'upload' || cap === 'risky-package-source') && a.hosts?.length) {
    if (a.hosts.some((h) => policy.hosts.deny.some((p) => hostMatches(h, p)))) return 'deny';
    if (cap === 'network' && a.hosts.every((h) => h !== '?' && policy.hosts.allow.some((p) => hostMatches(h, p))))
      return 'allow';
  }
  // Paths: explicit policy paths override the capability's default.
  if (a.paths?.length) {
    const m = (list: string[]) => a.paths!.some((p) => list.some((g) => pathMatches(p, g, home)));
    if (m(policy.paths.deny)) return 'deny';
    if (m(policy.paths.ask)) return stricter('ask', cap === 'credential-access' || cap === 'agent-tamper' ? d : 'ask');
    if (m(policy.paths.allow) && (cap === 'read-outside' || cap === 'write-outside' || cap === 'destructive'))
      return 'allow';
  }
  if (cap === 'unknown') d = stricter(d, policy.notUnderstood);
  return d;
}

const SHELL_CALL =
  /\b(?:system|popen|execSync|exec|spawnSync|check_output|check_call|getoutput|shell_exec|passthru|proc_open|Popen|run|call|callCommand|IO\.popen|Kernel\.system)\s*\(\s*\[?\s*(?:["'`])((?:[^"'`\\]|\\.){2,2000})["'`]/g;

/** Capabilities of inline programs (python -c, node -e …) that the code analyzers do not name. */
export function inlineActions(code: string, command: string): Action[] {
  const out: Action[] = [];
  if (
    /\b(?:os\.(?:system|popen|exec\w*|spawn\w*|fork)|subprocess|pty\.spawn|commands\.getoutput|child_process|execSync|spawnSync|exec(?:File)?\s*\(|Process\.(?:spawn|exec)|IO\.popen|Kernel\.(?:system|exec|spawn)|\bsystem\s*\(|\bexec\s*[("'/]|`[^`]+`|%x\(|proc_open|shell_exec|passthru|popen\s*\()/.test(
      code,
    )
  ) {
    out.push({ capability: 'inline-exec', detail: 'inline code runs other programs', command });
  }
  if (/["'`](?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z|k)?sh["'`\s]/.test(code) && out.length)
    out.push({ capability: 'interactive-shell', detail: 'inline code starts a shell', command });
  const hosts = [...code.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"'`)]+|["'`](\d{1,3}(?:\.\d{1,3}){3})["'`]/gi)]
    .map((m) => m[1] ?? hostOf(m[0], 'curl') ?? '')
    .filter(Boolean);
  if (
    /\b(?:socket|urllib|requests\.|http\.client|httpx|fetch\s*\(|net\.(?:connect|createConnection)|https?\.(?:get|request)|Net::HTTP|TCPSocket|fsockopen|curl_init|LWP::|IO::Socket|WebSocket)\b/.test(
      code,
    ) ||
    hosts.length
  ) {
    out.push({
      capability: 'network',
      detail: hosts.length
        ? 'inline code connects to' + ` ${[...new Set(hosts)].join(', ')}`
        : 'inline code opens network connections',
      command,
      hosts: hosts.length ? [...new Set(hosts)] : ['?'],
    });
  }
  for (const m of code.matchAll(/["'`]((?:~|\/)[^"'`\s]{2,})["'`]/g)) {
    const p = m[1].startsWith('~') ? homedir() + m[1].slice(1) : m[1];
    if (isCredentialPath(p, homedir()))
      out.push({
        capability: 'credential-access',
        detail: `inline code touches ${m[1]}, a credential file`,
        command,
        paths: [p],
      });
    else if (isPersistencePath(p, homedir()))
      out.push({ capability: 'persistence', detail: `inline code touches ${m[1]}`, command, paths: [p] });
  }
  if (/\b(?:os\.environ|process\.env|ENV\b|getenv)\b/.test(code) && out.some((a) => a.capability === 'network'))
    out.push({
      capability: 'exfiltration',
      detail: 'inline code reads the environment and talks to the network',
      command,
    });
  if (/\b(?:setuid|setgid|seteuid)\s*\(\s*0\s*\)|Process::Sys\.setuid/.test(code))
    out.push({ capability: 'privilege', detail: 'inline code changes to root', command });
  // The whole environment printed (`print(os.environ)`, `node -p process.env`): every API key goes
  // into the agent's context, and from there to the model vendor.
  if (
    (WHOLE_ENV.test(code) && (PRINTS.test(code) || /\b(?:node|nodejs|bun)\b[^|;&]*\s(?:-p|--print)\b/.test(command))) ||
    /\bpp?\s+ENV\b(?!\s*[[.])/.test(code)
  )
    out.push({ capability: 'env-dump', detail: 'inline code prints the whole environment', command });
  return out;
}
const WHOLE_ENV =
  /\bos\.environ\b(?!\s*(?:\.get\b|\[|\.setdefault\b|\.pop\b|\.copy\b|\.update\b))|\bprocess\.env\b(?!\s*(?:\.|\[|\?\.))|\bENV\.(?:to_h|inspect|each|map|keys|to_a)\b|%ENV\b|\bos\.Environ\(\)|System\.getenv\(\)/;
const PRINTS =
  /\b(?:print|pprint|console\.(?:log|dir|info)|puts|say|printf|echo|var_dump|print_r|json\.dumps|JSON\.stringify|sys\.stdout\.write|process\.stdout\.write)\b/;

/** Lines of `next` that are not in `old` (a multiset comparison: moved lines count as unchanged). */
export function changedLines(old: string, next: string): Set<number> {
  const count = new Map<string, number>();
  for (const l of old.split('\n')) count.set(l, (count.get(l) ?? 0) + 1);
  const out = new Set<number>();
  next.split('\n').forEach((l, i) => {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else out.add(i + 1);
  });
  return out;
}

/** The lines `>>` adds to a file: from the old last line (which the text may continue) on. */
function appendedLines(old: string, next: string): Set<number> {
  const from = old.split('\n').length,
    to = next.split('\n').length;
  const out = new Set<number>();
  for (let l = from; l <= to; l++) out.add(l);
  return out;
}

/**
 * Credentials in a text (a prompt, a URL): every finding, the ones that count (low ones are values in
 * a credential's format that look typed in: placeholders, most likely), and those named for a reason.
 */
function secretsIn(label: string, text: string): { found: Finding[]; secrets: Finding[]; named: string } {
  const found = analyzeSecrets(new SourceFile(label, text, undefined));
  const secrets = found.filter((f) => severityRank(f.severity) >= severityRank('medium'));
  const named = `${secrets.length === 1 ? 'a secret' : `${secrets.length} secrets`} (${[...new Set(secrets.map((f) => f.title))].join(', ')})`;
  return { found, secrets, named };
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** Largest script read from disk to be judged before it runs (and, for shell scripts, parsed as shell). */
const MAX_SCRIPT = 1 << 20;
const MAX_SHELL_SCRIPT = 256 << 10;
/** A script file's text, if it is a readable text file of a sensible size. */
function scriptText(p: string): string | undefined {
  try {
    const st = statSync(p);
    if (!st.isFile() || st.size > MAX_SCRIPT) return undefined;
    const buf = readFileSync(p);
    // (one NUL byte in a comment does not stop node or bash running it: the scanner's own test)
    return looksBinary(buf, p) ? undefined : buf.toString('utf8');
  } catch {
    return undefined;
  }
}

/** The command lines of a package.json's scripts `names`, each with its pre and post script. */
function npmScripts(text: string, names: string[]): string | undefined {
  let scripts: Record<string, unknown>;
  try {
    scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    return undefined;
  }
  const lines = names
    .flatMap((n) => [`pre${n}`, n, `post${n}`])
    .map((n) => scripts[n])
    .filter((v): v is string => typeof v === 'string');
  return lines.length ? lines.join('\n') : undefined;
}

/** The recipes of Makefile targets (the first target when none is named) and of their prerequisites. */
function makeTargets(text: string, names: string[]): string | undefined {
  const rules = new Map<string, { deps: string[]; recipe: string[] }>();
  let first: string | undefined,
    current: { deps: string[]; recipe: string[] }[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (line.length > 4000) continue; // (bounded: the target pattern below backtracks on long runs of spaces)
    if (line.startsWith('\t')) {
      const recipe = makeRecipe(line);
      if (recipe) for (const r of current) r.recipe.push(recipe);
      continue;
    }
    const m = /^([^\s:#=][^:=#]*?)\s*::?(?!=)([^=]*)$/.exec(line);
    if (!m) {
      if (line.trim() && !line.startsWith('#')) current = [];
      continue;
    }
    const deps = m[2].split(';')[0].trim().split(/\s+/).filter(Boolean);
    current = m[1]
      .trim()
      .split(/\s+/)
      .map((t) => {
        if (!rules.has(t)) rules.set(t, { deps: [], recipe: [] });
        const r = rules.get(t)!;
        r.deps.push(...deps);
        if (!first && !t.startsWith('.')) first = t;
        return r;
      });
    const inline = makeRecipe(line);
    if (inline) for (const r of current) r.recipe.push(inline);
  }
  const out: string[] = [],
    seen = new Set<string>();
  const visit = (t: string) => {
    if (seen.has(t) || seen.size > 64) return;
    seen.add(t);
    const r = rules.get(t);
    if (!r) return;
    r.deps.forEach(visit);
    out.push(...r.recipe);
  };
  (names.length ? names : first ? [first] : []).forEach(visit);
  return out.length ? out.join('\n') : undefined;
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
  return {
    decision: ctx.policy.onError,
    reasons: [`Warden could not load its code analyzers (${(e as Error).message}); failing closed.`],
    findings: [],
    actions: [],
  };
}

/**
 * `judge`, with the code analyzers loaded whenever the event needs them. Events that obviously do
 * (writes, code, commands naming an interpreter) load them first; any other event that turns out to
 * need them (a shell command that writes a file: `echo x >> f`, `sed -i`, `printf … > f`, a script
 * it runs) is judged again once they are loaded, so no route (hook, snapshot, daemon, judge) ever
 * answers "not loaded" for ordinary work.
 */
export async function judgeEvent(event: Event, ctx: JudgeContext): Promise<FullVerdict> {
  if (
    !scanTextFn &&
    (event.tool === 'write' ||
      event.tool === 'edit' ||
      event.tool === 'scan' ||
      event.tool === 'code' ||
      (event.tool === 'shell' && /python|node|perl|ruby|php|awk|deno|bun|lua|pwsh|<</.test(event.command)))
  ) {
    try {
      await loadAnalyzers();
    } catch (e) {
      return analyzersFailed(e, ctx);
    }
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
export type { Capability };
