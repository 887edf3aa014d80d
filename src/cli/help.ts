import { VERSION } from '../paths.ts';

export const HELP = `warden ${VERSION}: guard rails for AI coding agents

Usage:
  warden scan [PATH...]              scan files and folders (default: .)
  warden scan --diff REV [PATH...]   only lines changed since REV (git)
  warden scan --patch FILE|-         a unified diff, as an agent emits it
  warden scan --stdin --lang L       a snippet on standard input
  warden hook AGENT                  judge one tool call or prompt (run by the agent's hooks)
  warden judge < events.jsonl        one verdict line per event line
  warden install AGENT [--scope user|project|system] [--policy FILE]
                                     write Warden's hooks and turn vendor telemetry off
  warden install AGENT --daemon      use resident mode: a compiled client asks the daemon
  warden daemon [--socket PATH]      keep the engine loaded and answer hooks over a Unix socket
  warden uninstall AGENT [--scope S] remove them
  warden doctor [AGENT...]           is the guard really in force? (exit 1 if not)
  warden policy show|check F|test F  the policy in force, validate one, run policy tests
  warden gateway --upstream URL      OpenAI/Anthropic-compatible model proxy: redacts secrets out,
                                     restores them back, judges tool calls, audits every exchange
  warden audit verify [--anchor F]   check the audit log's hash chain, signatures and head (1 if tampered)
  warden audit anchor|rotate         print the signed head to keep elsewhere | archive and start a new log
  warden audit show|export [--session S --decision D --since T --until T --format jsonl]
  warden audit egress                what left through the gateway: per host, requests, bytes, tokens
  warden rules list                  the rules, one per line
  warden rules test [PACK...]        check rule packs against their annotated fixtures

Scan options:
  --format text|json|sarif   output format (default text)
  --fail-on SEVERITY         exit 1 at or above it: info|low|medium|high|critical (default high)
  --exclude PATTERN          gitignore-style pattern to skip (repeatable)
  --config FILE              config file (default ./.warden.yml)
  --baseline FILE            findings in this baseline are reported as suppressed
  --write-baseline FILE      write the current findings as a baseline
  --output FILE              write the report to FILE instead of standard output
  --no-color                 plain text output
  --no-progress              no progress line on standard error
  --jobs N                   threads for folder scans, the main one included (default: one per core)
  --online                   confirm npm/PyPI dependencies with the registries (existence, age,
                             downloads, install scripts; cached for a day in ~/.warden)

AGENT is qwen-code, claude-code or gemini-cli.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or runtime error.
`;
