/**
 * The `warden` command. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
 * 2 usage or runtime error.
 */
import { VERSION } from '../paths.ts';
import { UserError } from '../errors.ts';
import { UsageError } from './args.ts';
import { COMMANDS, HELP, commandHelp } from './help.ts';

/** A scan's worker thread, when the CLI bundle runs it (see scan/pool.ts). */
export async function scanWorker(): Promise<void> {
  (await import('../scan/worker.ts')).serveScanJobs();
}

/** The gateway's quarantine reading thread, when the CLI bundle runs it (see gateway/inspector.ts). */
export async function inspectWorker(): Promise<void> {
  (await import('../gateway/inspect-worker.ts')).serveInspections();
}

/** `--help` or `-h` anywhere before `--`: help wins over every other flag, and nothing else runs. */
function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The subcommand named in `args`, when `cmd` has subcommands (`warden audit verify --help`). */
function subcommandOf(cmd: string, args: string[]): string | undefined {
  const sub = args.find((a) => !a.startsWith('-'));
  return sub && COMMANDS[cmd]?.subcommands?.[sub] ? sub : undefined;
}

/** Each command's module is loaded only when it runs (a hook call must not pay for the scanner). */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      // `warden help scan` is `warden scan --help`.
      const text = cmd === 'help' && rest[0] ? commandHelp(rest[0], rest[1]) : HELP;
      if (text === undefined) throw new UsageError(`unknown command '${rest[0]}' (try warden --help)`);
      process.stdout.write(text);
      return cmd ? 0 : 2;
    }
    if (cmd === '--version' || cmd === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (COMMANDS[cmd] && wantsHelp(rest)) {
      process.stdout.write(commandHelp(cmd, subcommandOf(cmd, rest))!);
      return 0;
    }
    return await run(cmd, rest);
  } catch (e) {
    return reportError(e, cmd);
  }
}

async function run(cmd: string, rest: string[]): Promise<number> {
  if (cmd === 'scan') return await (await import('./scan.ts')).scanCommand(rest);
  if (cmd === 'review') return await (await import('./scan.ts')).reviewCommand(rest);
  if (cmd === 'rules') return (await import('./rules.ts')).rulesCommand(rest);
  if (cmd === 'hook') return await (await import('./guard.ts')).hookCommand(rest);
  if (cmd === 'judge') return await (await import('./guard.ts')).judgeCommand(rest);
  if (cmd === 'install' || cmd === 'uninstall')
    return (await import('./guard.ts')).installCommand(rest, cmd === 'uninstall');
  if (cmd === 'daemon') return await (await import('./guard.ts')).daemonCommand(rest);
  if (cmd === 'doctor') return (await import('./guard.ts')).doctorCommand(rest);
  if (cmd === 'policy') return await (await import('./policy.ts')).policyCommand(rest);
  if (cmd === 'gateway') return await (await import('./gateway.ts')).gatewayCommand(rest);
  if (cmd === 'audit' && rest[0] === 'push') return await (await import('./server.ts')).pushCommand(rest.slice(1));
  if (cmd === 'audit') return (await import('./audit.ts')).auditCommand(rest);
  if (cmd === 'server') return await (await import('./server.ts')).serverCommand(rest);
  if (cmd === 'enrol') return await (await import('./server.ts')).enrolCommand(rest);
  if (cmd === 'run') return await (await import('./run.ts')).runCommand(rest);
  throw new UsageError(`unknown command '${cmd}' (try warden --help)`);
}

/** What to do about common system errors, by code. */
const ERRNO_HINTS: Record<string, string> = {
  ENOENT: 'check that the path exists',
  EACCES: 'check the permissions, or run as a user who may read/write there',
  EPERM: 'check the permissions, or run as a user who may read/write there',
  EROFS: 'the file system is read-only: point Warden at a writable place (WARDEN_HOME, --dir, --output)',
  EISDIR: 'a folder was given where a file is needed',
  ENOTDIR: 'a file was given where a folder is needed',
  EADDRINUSE: 'the port is taken: choose another with --port',
  ENOSPC: 'the disk is full: free some space',
};

/**
 * One line on standard error, exit 2. A user's mistake gets its message and where to read more; an
 * unexpected error gets its message and how to see the stack (WARDEN_DEBUG=1), never a raw trace.
 */
export function reportError(e: unknown, cmd?: string): number {
  const debug = !!process.env.WARDEN_DEBUG && process.env.WARDEN_DEBUG !== '0';
  const err = e instanceof Error ? e : new Error(String(e));
  const message = oneLine(err.message || err.name, e instanceof UserError);
  let hint: string;
  if (e instanceof UsageError) hint = cmd && COMMANDS[cmd] ? `see warden ${cmd} --help` : '';
  else if (e instanceof UserError) hint = '';
  else {
    const code = (e as NodeJS.ErrnoException).code;
    hint = `${code && ERRNO_HINTS[code] ? `${ERRNO_HINTS[code]}; ` : ''}set WARDEN_DEBUG=1 for details`;
  }
  const shown = hint && !message.includes(hint) ? `${message} (${hint})` : message;
  process.stderr.write(`warden: ${shown}\n`);
  if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
  return 2;
}

/**
 * One line. A user's error is ours and one line, so a line break in it came from its data (a file
 * name): it is shown as `?` like other control characters, which must not drive the terminal. An
 * unexpected error keeps its first line (the rest is a code frame or a dump, for WARDEN_DEBUG=1).
 */
function oneLine(s: string, userError: boolean): string {
  const first = userError ? s : (s.split('\n').find((l) => l.trim()) ?? s);
  const line = first.trim().replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
