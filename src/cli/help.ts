/**
 * Help texts, one entry per command (and subcommand) as data: usage lines, each flag with one line,
 * and examples. main.ts prints them for `--help`/`-h` before loading the command, so asking for help
 * never opens a database or reads a file. test/reliability/cli-errors.test.ts checks that every flag a
 * command's parseArgs accepts appears here, so the texts cannot drift from the code.
 */
import { AGENTS } from '../agents/index.ts';
import { VERSION } from '../paths.ts';

export interface CommandHelp {
  /** One line: what the command does. */
  summary: string;
  /** Usage lines, each starting with `warden `. */
  usage: string[];
  /** [flag with its value, one-line description]. */
  flags: [string, string][];
  examples: string[];
  subcommands?: Record<string, CommandHelp>;
}

// The agents come from the registry (src/agents/index.ts): adding one adds it here.
const AGENT = `AGENT is ${AGENTS.slice(0, -1).join(', ')} or ${AGENTS[AGENTS.length - 1]}.`;
const HELP_FLAG: [string, string] = ['-h, --help', 'this help'];
const POLICY_FLAG: [string, string] = [
  '--policy FILE',
  'policy file (default: the policy in force; see warden policy show)',
];

const AUDIT_FILTERS: [string, string][] = [
  ['--session S', 'only records of session S'],
  ['--decision D', 'only records with decision allow, ask or deny'],
  ['--kind K', 'only records of kind K (shell, write, read, fetch, prompt, exchange …)'],
  ['--source S', 'only records from source S (hook, judge, daemon, gateway)'],
  ['--since T', 'only records at or after T (ISO 8601 time, e.g. 2026-01-31T09:00:00Z)'],
  ['--until T', 'only records before T (ISO 8601 time)'],
];
const AUDIT_DIR: [string, string] = ['--dir DIR', 'the audit folder (default ~/.warden, or $WARDEN_HOME)'];

const POLICY_SUBS: Record<string, CommandHelp> = {
  show: {
    summary: 'print the policy in force and where Warden looked for it',
    usage: ['warden policy show [--policy FILE]'],
    flags: [POLICY_FLAG],
    examples: ['warden policy show', 'warden policy show --policy ./team-policy.yml'],
  },
  check: {
    summary: 'validate policy files (exit 2 with the first problem)',
    usage: ['warden policy check FILE...'],
    flags: [],
    examples: ['warden policy check ./team-policy.yml', 'warden policy check policies/*.yml'],
  },
  test: {
    summary: 'run policy tests: events with the decision each must get',
    usage: ['warden policy test FILE... [--policy FILE] [--cwd DIR] [--verbose]'],
    flags: [
      POLICY_FLAG,
      ['--cwd DIR', 'working folder the events are judged in (default: the current one)'],
      ['--verbose', 'print passing tests too'],
    ],
    examples: ['warden policy test policy-tests.yml', 'warden policy test tests/*.yml --verbose'],
  },
};

const AUDIT_SUBS: Record<string, CommandHelp> = {
  push: {
    summary: 'send the records the server has not acknowledged (an enrolled machine); prints counts',
    usage: ['warden audit push [--dir DIR] [--batch N]'],
    flags: [AUDIT_DIR, ['--batch N', 'records per request (default 2000)']],
    examples: ['warden audit push', 'warden audit push --batch 500'],
  },
  verify: {
    summary: "check the audit log's hash chain, signatures and signed head, read-only (exit 1 if tampered)",
    usage: ['warden audit verify [--dir DIR] [--anchor FILE]'],
    flags: [AUDIT_DIR, ['--anchor FILE', 'also check that the log still extends a head printed earlier by anchor']],
    examples: [
      'warden audit verify',
      'warden audit verify --dir /mnt/evidence/warden',
      'warden audit verify --anchor /mnt/offsite/warden-head.json',
    ],
  },
  anchor: {
    summary: 'print the signed head of the log (one JSON line) to keep off this machine',
    usage: ['warden audit anchor [--dir DIR]'],
    flags: [AUDIT_DIR],
    examples: [
      'warden audit anchor >> /mnt/offsite/warden-heads.jsonl',
      'warden audit anchor | ssh logs@siem "cat >> heads"',
    ],
  },
  rotate: {
    summary: 'close the log with a signed record, archive it with its key, and start a new log',
    usage: ['warden audit rotate [--dir DIR]'],
    flags: [AUDIT_DIR],
    examples: ['warden audit rotate', 'warden audit rotate --dir /srv/warden'],
  },
  show: {
    summary: 'list audit records, one line each',
    usage: ['warden audit show [filters] [--limit N] [--format text|jsonl]'],
    flags: [...AUDIT_FILTERS, ['--limit N', 'at most N records'], ['--format F', 'text (default) or jsonl'], AUDIT_DIR],
    examples: ['warden audit show --decision deny --limit 20', 'warden audit show --session abc --format jsonl'],
  },
  export: {
    summary: 'export audit records as JSON lines',
    usage: ['warden audit export [--format jsonl] [filters] [--limit N]'],
    flags: [...AUDIT_FILTERS, ['--limit N', 'at most N records'], ['--format F', 'jsonl (default) or text'], AUDIT_DIR],
    examples: ['warden audit export > audit.jsonl', 'warden audit export --since 2026-01-01T00:00:00Z --decision deny'],
  },
  egress: {
    summary: 'what left through the gateway: per host, requests, bytes, tokens, redactions',
    usage: ['warden audit egress [--since T] [--until T] [--session S] [--format jsonl]'],
    flags: [
      ['--session S', 'only exchanges of session S'],
      ['--since T', 'only exchanges at or after T (ISO 8601)'],
      ['--until T', 'only exchanges before T (ISO 8601)'],
      ['--format F', 'a table (default) or jsonl'],
      AUDIT_DIR,
    ],
    examples: ['warden audit egress', 'warden audit egress --since 2026-01-01T00:00:00Z --format jsonl'],
  },
  checkpoint: {
    summary: 'sign a checkpoint of the audit log now',
    usage: ['warden audit checkpoint [--dir DIR]'],
    flags: [AUDIT_DIR],
    examples: ['warden audit checkpoint', 'warden audit checkpoint --dir /srv/warden'],
  },
};

export const COMMANDS: Record<string, CommandHelp> = {
  scan: {
    summary: 'scan files, folders, a git diff, a patch or a snippet for vulnerabilities, secrets and backdoors',
    usage: [
      'warden scan [PATH...]              files and folders (default: .)',
      'warden scan --diff REV [PATH...]   only lines changed since REV (git)',
      'warden scan --patch FILE|-         a unified diff, as an agent emits it',
      'warden scan --stdin --lang L       a snippet on standard input',
    ],
    flags: [
      ['--diff REV', 'only lines changed since the git revision REV'],
      ['--patch FILE|-', 'scan the added lines of a unified diff (- reads standard input)'],
      ['--stdin', 'scan a snippet read from standard input (needs --lang)'],
      ['--lang L', 'language of the --stdin snippet: python, javascript, typescript, go, java, c, cpp, …'],
      ['--format F', 'output format: text (default), json or sarif'],
      ['--fail-on SEVERITY', 'exit 1 at or above it: info|low|medium|high|critical (default high)'],
      ['--exclude PATTERN', 'gitignore-style pattern to skip (repeatable)'],
      [
        '--config FILE',
        'config file (default: .warden.yml of the scanned folder, or of a folder above it up to the repository root)',
      ],
      ['--baseline FILE', 'findings in this baseline are reported as suppressed'],
      ['--write-baseline FILE', 'write the current findings as a baseline'],
      ['--output FILE', 'write the report to FILE instead of standard output'],
      ['--no-color', 'plain text output'],
      ['--no-progress', 'no progress line on standard error'],
      ['--jobs N', 'threads for folder scans, the main one included (default: one per core)'],
      ['--online', 'confirm npm/PyPI dependencies with the registries (cached for a day in ~/.warden)'],
      ['--session ID', '(--diff/--patch) weigh the change with what agent session ID did, from the audit log'],
      ['--audit-dir DIR', 'the audit log --session reads (default: WARDEN_HOME or ~/.warden)'],
      ['--review', '(--diff/--patch) add a second opinion from the model configured under review: (see warden review)'],
    ],
    examples: [
      'warden scan .',
      'warden scan --diff origin/main --format sarif --output warden.sarif',
      "echo 'os.system(cmd)' | warden scan --stdin --lang python",
    ],
  },
  review: {
    summary: 'scan a diff or patch and ask a configured model for planted behaviour (a second opinion)',
    usage: ['warden review --diff REV [PATH...]', 'warden review --patch FILE|-'],
    flags: [
      ['--diff REV', 'review the lines changed since the git revision REV'],
      ['--patch FILE|-', 'review the added lines of a unified diff (- reads standard input)'],
      ['--base-url URL', 'OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (else review.baseUrl)'],
      ['--model NAME', 'the model to ask (else review.model)'],
      ['--api-key-env VAR', 'environment variable holding the endpoint key (else review.apiKeyEnv)'],
      ['--timeout-ms N', 'give up on the model after N ms (else review.timeoutMs, default 60000)'],
      ['--session ID', 'also weigh the change with what agent session ID did'],
      ['--audit-dir DIR', 'the audit log --session reads (default: WARDEN_HOME or ~/.warden)'],
      ['--output FILE', 'write the report to FILE instead of standard output'],
      ['--no-color', 'plain text output'],
      ['--format F', 'output format: text (default), json or sarif'],
      ['--fail-on SEVERITY', 'exit 1 at or above it (model findings are at most medium)'],
      ['--config FILE', 'config file with review: { baseUrl, model, apiKeyEnv, timeoutMs }'],
    ],
    examples: [
      'warden review --diff HEAD --base-url http://10.0.0.5:8000/v1 --model qwen3-coder',
      'git diff main | warden review --patch -',
    ],
  },
  rules: {
    summary: 'list the rules, or check rule packs against their annotated fixtures',
    usage: ['warden rules list', 'warden rules test [PACK...]'],
    flags: [],
    examples: ['warden rules list', 'warden rules test python'],
    subcommands: {
      list: {
        summary: 'the rules, one per line: id, severity, CWE, languages, title',
        usage: ['warden rules list'],
        flags: [],
        examples: ['warden rules list', 'warden rules list | grep secret.'],
      },
      test: {
        summary: 'check rule packs against their annotated fixtures (exit 1 on a failure)',
        usage: ['warden rules test [PACK...]'],
        flags: [],
        examples: ['warden rules test', 'warden rules test python javascript'],
      },
    },
  },
  hook: {
    summary: "judge one tool call or prompt from an agent's hook (reads the hook's JSON on standard input)",
    usage: ['warden hook AGENT [--policy FILE] [--budget-ms N]', AGENT],
    flags: [
      POLICY_FLAG,
      ['--budget-ms N', 'answer within N ms of the process start; past it the call is denied (fail closed)'],
      ['--late REASON', '(internal) record a call the installed command denied for lateness, with REASON'],
      ['--late-input JSON', '(internal) the few fields of that call to record (else read from standard input)'],
    ],
    examples: [
      'warden hook claude-code < pre-tool-use.json',
      'warden hook qwen-code --policy ./team-policy.yml --budget-ms 4000 < event.json',
    ],
  },
  judge: {
    summary: 'judge events in bulk: one JSON event per line in, one verdict line per event out',
    usage: ['warden judge [--policy FILE] [--cwd DIR] [--workspace DIR] [--session ID] [--no-audit] < events.jsonl'],
    flags: [
      POLICY_FLAG,
      [
        '--session ID',
        "the session id of the records (default judge-PID-TIME); an enrolled machine's console shows it",
      ],
      ['--cwd DIR', 'working folder the events happen in (default: the current one)'],
      ['--workspace DIR', 'the project folder (default: --cwd)'],
      ['--no-audit', 'do not write the verdicts to the audit log'],
    ],
    examples: [
      'warden judge < events.jsonl',
      'echo \'{"tool":"shell","command":"rm -rf ~"}\' | warden judge --no-audit',
    ],
  },
  install: {
    summary: "write Warden's hooks into an agent's settings and turn vendor telemetry off",
    usage: [
      'warden install AGENT [--scope user|project|system] [--policy FILE] [--daemon | --no-daemon] [--socket PATH]',
      AGENT,
    ],
    flags: [
      ['--scope S', 'user (default), project or system settings'],
      ['--agent AGENT', 'the agent, instead of naming it first'],
      POLICY_FLAG,
      ['(default)', 'resident: a compiled client asks a daemon it starts itself (idle 15 min: it leaves)'],
      ['--daemon', 'resident, with a daemon you run yourself (`warden daemon`, e.g. as a service)'],
      ['--no-daemon', 'a process per call (Node from a start-up snapshot): nothing stays running'],
      ['--socket PATH', "the daemon's Unix socket (default: in ~/.warden)"],
    ],
    examples: [
      'warden install claude-code',
      'warden install qwen-code --scope project --policy ./team-policy.yml',
      'warden install --agent codex --no-daemon',
    ],
  },
  uninstall: {
    summary: "remove Warden's hooks from an agent's settings",
    usage: ['warden uninstall AGENT [--scope user|project|system]', AGENT],
    flags: [
      ['--scope S', 'user (default), project or system settings'],
      ['--agent AGENT', 'the agent, instead of naming it first'],
      ['--policy FILE', 'accepted as for install, and ignored'],
      ['--daemon', 'accepted as for install, and ignored'],
      ['--no-daemon', 'accepted as for install, and ignored'],
      ['--socket PATH', 'accepted as for install, and ignored'],
    ],
    examples: ['warden uninstall claude-code', 'warden uninstall qwen-code --scope project'],
  },
  daemon: {
    summary: 'keep the engine loaded and answer hooks over a Unix socket (foreground, until stopped)',
    usage: ['warden daemon [--socket PATH] [--policy FILE] [--idle-exit SECONDS]', 'warden daemon --build-client PATH'],
    flags: [
      ['--socket PATH', 'Unix socket to listen on (default: in ~/.warden)'],
      POLICY_FLAG,
      ['--idle-exit SECONDS', 'leave after this long without a call (as the hook client starts it)'],
      ['--build-client PATH', 'compile the C hook client to PATH and exit'],
    ],
    examples: ['warden daemon', 'warden daemon --socket /run/warden.sock --policy ./team-policy.yml'],
  },
  doctor: {
    summary: 'is the guard really in force? Checks each agent and says how to fix it (exit 1 if not)',
    usage: ['warden doctor [AGENT...] [--json]', AGENT],
    flags: [
      ['--json', 'the reports as JSON'],
      ['--agent AGENT', 'check this agent (as well as any named)'],
    ],
    examples: ['warden doctor', 'warden doctor claude-code --json'],
  },
  policy: {
    summary: 'the policy in force, validation, and policy tests',
    usage: ['warden policy show [--policy FILE]', 'warden policy check FILE...', 'warden policy test FILE...'],
    flags: [POLICY_FLAG, ['--cwd DIR', 'working folder for policy tests'], ['--verbose', 'print passing tests too']],
    examples: ['warden policy show', 'warden policy check ./team-policy.yml', 'warden policy test policy-tests.yml'],
    subcommands: POLICY_SUBS,
  },
  gateway: {
    summary: 'OpenAI/Anthropic-compatible model proxy: redacts secrets out, judges tool calls, audits exchanges',
    usage: ['warden gateway --upstream URL [--port P] [--host H] [--key-env NAME] [--config FILE] [--policy FILE]'],
    flags: [
      ['--upstream URL', 'the model API to forward to, e.g. https://api.openai.com/v1'],
      ['--port P', 'port to listen on, 1-65535 (default 8788; 0 picks a free one)'],
      ['--host H', 'address to listen on (default 127.0.0.1)'],
      ['--key-env NAME', "environment variable holding the upstream's API key (default WARDEN_UPSTREAM_KEY)"],
      ['--config FILE', 'YAML: upstreams, on-secret, tool-calls, scan-code, patterns, sensitive'],
      POLICY_FLAG,
    ],
    examples: [
      'warden gateway --upstream https://api.openai.com/v1 --key-env OPENAI_API_KEY',
      'warden gateway --config gateway.yml --port 9000',
    ],
  },
  server: {
    summary: 'the fleet service: one policy, the records of every machine, approvals and a web console',
    usage: [
      'warden server [--db postgres://USER@HOST/DB] [--host H] [--port P] [--silence-minutes N] [--otlp URL]',
      'warden server token create [--hours N] [--url URL | --db URL]',
      'warden server policy set FILE [--approval-minutes N] [--agent-settings] [--url URL | --db URL]',
    ],
    flags: [
      ['--db URL', 'PostgreSQL (postgres://…) to use; without it an embedded store in ~/.warden/server-db'],
      ['--host H', 'address to listen on (default 127.0.0.1)'],
      ['--port P', 'port to listen on (default 8790; 0 picks a free one)'],
      ['--silence-minutes N', 'flag a machine that has not reported for N minutes (default 60)'],
      ['--bundle-hours H', 'how long machines may use their cached policy bundle (default 72)'],
      ['--otlp URL', 'also export records as OpenTelemetry logs (OTLP/HTTP JSON) to URL (…/v1/logs)'],
      ['--hours N', '(token create) how long the enrolment token stays usable (default 24)'],
      ['--url URL', '(token, policy) the running server (default: the one started with this WARDEN_HOME)'],
      ['--approval-minutes N', '(policy set) approvals on: an approved call is allowed for N minutes (0: off)'],
      ['--agent-settings', "(policy set) machines also write each agent's managed settings from it (drift reported)"],
    ],
    examples: [
      'warden server --db postgres://warden@db.internal/warden --host 0.0.0.0',
      'warden server token create',
      'warden server policy set team-policy.yml --approval-minutes 15',
    ],
  },
  enrol: {
    summary: "register this machine with a Warden server and pin the server's key",
    usage: ['warden enrol URL --token T'],
    flags: [['--token T', 'an enrolment token from `warden server token create`']],
    examples: [
      'warden enrol https://warden.internal:8790 --token wenr_…',
      'warden enrol http://127.0.0.1:8790 --token "$T"',
    ],
  },
  run: {
    summary: 'run an agent contained: bubblewrap sandbox, egress proxy, gateway, decoys, hooks (Linux)',
    usage: ['warden run [--agent A] [--policy FILE] [--allow-host H]... [--allow-arrival] -- AGENT_COMMAND [ARGS...]'],
    flags: [
      ['--agent A', 'qwen-code, claude-code, gemini-cli or codex (default: guessed from the command)'],
      POLICY_FLAG,
      ['--allow-host H', 'let the sandbox reach host H (or H:PORT) through the egress proxy; repeatable'],
      ['--allow-arrival', 'start the agent even when the arrival check of its instruction files would refuse'],
    ],
    examples: [
      'warden run -- qwen -p "fix the failing test"',
      'warden run --allow-host api.github.com -- claude -p "open a PR"',
      'warden run --agent codex -- codex exec "add tests"   (exit: the agent\'s; 123 arrival check refused; 124 Warden ended it; 125 no sandbox)',
    ],
  },
  audit: {
    summary: 'the tamper-evident audit log: verify, anchor, rotate, show, export, egress, checkpoint, push',
    usage: [
      'warden audit verify [--anchor FILE]',
      'warden audit anchor | rotate',
      'warden audit show [filters] [--limit N] [--format text|jsonl]',
      'warden audit export [--format jsonl] [filters]',
      'warden audit egress [--since T]',
      'warden audit checkpoint',
      'warden audit push [--batch N]',
    ],
    flags: [
      ...AUDIT_FILTERS,
      ['--limit N', 'at most N records'],
      ['--format F', 'text or jsonl'],
      AUDIT_DIR,
      ['--anchor FILE', '(verify) a head printed earlier by anchor'],
      ['--batch N', '(push) records per request'],
    ],
    examples: [
      'warden audit verify',
      'warden audit show --decision deny --limit 20',
      'warden audit export > audit.jsonl',
    ],
    subcommands: AUDIT_SUBS,
  },
};

function table(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(w)}  ${d}\n`).join('');
}

/** The help of `warden CMD [SUB]`, or undefined for an unknown command. */
export function commandHelp(cmd: string, sub?: string): string | undefined {
  const top = COMMANDS[cmd];
  if (!top) return undefined;
  const h = (sub && top.subcommands?.[sub]) || top;
  const name = h === top ? `warden ${cmd}` : `warden ${cmd} ${sub}`;
  let out = `${name}: ${h.summary}\n\nUsage:\n${h.usage.map((u) => `  ${u}\n`).join('')}`;
  if (h === top && top.subcommands)
    out += `\nSubcommands (warden ${cmd} SUB --help for each):\n${table(
      Object.entries(top.subcommands).map(([s, c]) => [s, c.summary]),
    )}`;
  out += `\nOptions:\n${table([...h.flags, HELP_FLAG])}`;
  out += `\nExamples:\n${h.examples.map((e) => `  ${e}\n`).join('')}`;
  return out;
}

export const HELP = `warden ${VERSION}: guard rails for AI coding agents

Usage: warden COMMAND [OPTIONS]   (warden COMMAND --help for its options and examples)

Commands:
${table(Object.entries(COMMANDS).map(([c, h]) => [c, h.summary]))}
Examples:
  warden scan .
  warden install claude-code && warden doctor claude-code
  warden gateway --upstream https://api.openai.com/v1 --key-env OPENAI_API_KEY
  warden audit verify

${AGENT}

Exit codes: 0 clean, 1 findings at or above --fail-on (or a failed check), 2 usage or runtime error.
Set WARDEN_DEBUG=1 to see the full stack of an unexpected error.
`;
