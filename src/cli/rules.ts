/** `warden rules list | test [PACK...]`. */
import { parseArgs, UsageError } from './args.ts';
import { packFiles, loadRules } from '../rules/loader.ts';
import { checkPack } from '../rules/fixtures.ts';

export function rulesCommand(argv: string[]): number {
  const [sub, ...packs] = parseArgs(argv, {}).rest;
  if (sub === 'list') {
    for (const r of loadRules())
      process.stdout.write(`${r.id}\t${r.severity}\t${r.cwe ?? '-'}\t${r.languages.join(',')}\t${r.title}\n`);
    return 0;
  }
  if (sub === 'test') {
    let bad = 0;
    for (const p of packFiles().filter((f) => packs.length === 0 || packs.some((x) => f.includes(x)))) {
      const { rules, problems } = checkPack(p);
      bad += problems.length;
      process.stdout.write(
        `${problems.length ? 'FAIL' : 'ok  '} ${p.split('/src/rules/')[1]} (${rules.length} rules)\n`,
      );
      for (const pr of problems)
        process.stdout.write(
          `     ${pr.file.split('/src/rules/')[1] ?? pr.file}${pr.line ? `:${pr.line}` : ''} ${pr.problem}\n`,
        );
    }
    return bad ? 1 : 0;
  }
  throw new UsageError('usage: warden rules list | warden rules test [PACK...]');
}
