/**
 * The `warden` command. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
 * 2 usage or runtime error.
 */
import { VERSION } from '../paths.ts';
import { UserError } from '../errors.ts';
import { UsageError } from './args.ts';
import { HELP } from './help.ts';

/** A scan's worker thread, when the CLI bundle runs it (see scan/pool.ts). */
export async function scanWorker(): Promise<void> {
  (await import('../scan/worker.ts')).serveScanJobs();
}

/** Each command's module is loaded only when it runs (a hook call must not pay for the scanner). */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(HELP);
      return cmd ? 0 : 2;
    }
    if (cmd === '--version' || cmd === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (cmd === 'scan') return await (await import('./scan.ts')).scanCommand(rest);
    if (cmd === 'rules') return (await import('./rules.ts')).rulesCommand(rest);
    if (cmd === 'hook') return await (await import('./guard.ts')).hookCommand(rest);
    if (cmd === 'judge') return await (await import('./guard.ts')).judgeCommand(rest);
    if (cmd === 'install' || cmd === 'uninstall')
      return (await import('./guard.ts')).installCommand(rest, cmd === 'uninstall');
    if (cmd === 'daemon') return await (await import('./guard.ts')).daemonCommand(rest);
    if (cmd === 'doctor') return (await import('./guard.ts')).doctorCommand(rest);
    if (cmd === 'policy') return await (await import('./policy.ts')).policyCommand(rest);
    if (cmd === 'gateway') return await (await import('./gateway.ts')).gatewayCommand(rest);
    if (cmd === 'audit') return (await import('./audit.ts')).auditCommand(rest);
    throw new UsageError(`unknown command '${cmd}' (try warden --help)`);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`warden: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`warden: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}
