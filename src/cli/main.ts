/**
 * The `warden` command. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
 * 2 usage or runtime error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from './args.ts';
import { runScan } from './scan.ts';
import { ConfigError } from '../engine/config.ts';
import { RuleError, packFiles, loadRules } from '../rules/loader.ts';
import { checkPack } from '../rules/fixtures.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const HELP = `warden ${VERSION}: guard rails for AI coding agents

Usage:
  warden scan [PATH...]              scan files and folders (default: .)
  warden scan --diff REV [PATH...]   only lines changed since REV (git)
  warden scan --patch FILE|-         a unified diff, as an agent emits it
  warden scan --stdin --lang L       a snippet on standard input
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

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or runtime error.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { process.stdout.write(HELP); return cmd ? 0 : 2; }
    if (cmd === '--version' || cmd === '-v') { process.stdout.write(`${VERSION}\n`); return 0; }
    if (cmd === 'scan') {
      const { flags, rest: paths } = parseArgs(rest, {
        diff: 'string', patch: 'string', stdin: 'bool', lang: 'string', format: 'string', 'fail-on': 'string',
        exclude: 'list', config: 'string', baseline: 'string', 'write-baseline': 'string', 'no-color': 'bool',
        output: 'string', 'no-progress': 'bool', help: 'bool',
      });
      if (flags.help) { process.stdout.write(HELP); return 0; }
      const format = (flags.format as string | undefined) ?? 'text';
      if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif`);
      const modes = [flags.diff !== undefined, flags.patch !== undefined, !!flags.stdin].filter(Boolean).length;
      if (modes > 1) throw new UsageError('use only one of --diff, --patch and --stdin');
      const toFile = flags.output as string | undefined;
      const { code, out } = runScan({
        paths, diff: flags.diff as string | undefined, patch: flags.patch as string | undefined, stdin: !!flags.stdin,
        lang: flags.lang as string | undefined, format: format as 'text', failOn: flags['fail-on'] as string | undefined,
        exclude: (flags.exclude as string[]) ?? [], config: flags.config as string | undefined,
        baseline: flags.baseline as string | undefined, writeBaseline: flags['write-baseline'] as string | undefined,
        color: !flags['no-color'] && !toFile && process.stdout.isTTY === true && !process.env.NO_COLOR,
        output: toFile, progress: !flags['no-progress'] && process.stderr.isTTY === true,
      }, VERSION);
      if (toFile) writeFileSync(toFile, out);
      else process.stdout.write(out);
      return code;
    }
    if (cmd === 'rules') {
      const [sub, ...packs] = rest;
      if (sub === 'list') {
        for (const r of loadRules()) process.stdout.write(`${r.id}\t${r.severity}\t${r.cwe ?? '-'}\t${r.languages.join(',')}\t${r.title}\n`);
        return 0;
      }
      if (sub === 'test') {
        let bad = 0;
        for (const p of packFiles().filter((f) => packs.length === 0 || packs.some((x) => f.includes(x)))) {
          const { rules, problems } = checkPack(p);
          bad += problems.length;
          process.stdout.write(`${problems.length ? 'FAIL' : 'ok  '} ${p.split('/src/rules/')[1]} (${rules.length} rules)\n`);
          for (const pr of problems) process.stdout.write(`     ${pr.file.split('/src/rules/')[1] ?? pr.file}${pr.line ? `:${pr.line}` : ''} ${pr.problem}\n`);
        }
        return bad ? 1 : 0;
      }
      throw new UsageError('usage: warden rules list | warden rules test [PACK...]');
    }
    throw new UsageError(`unknown command '${cmd}' (try warden --help)`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof RuleError) {
      process.stderr.write(`warden: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`warden: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}
