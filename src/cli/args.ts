/** A small, strict argument parser: unknown flags are errors (exit 2), never ignored. */
import { UserError } from '../errors.ts';
export class UsageError extends UserError {}

export interface FlagSpec {
  [name: string]: 'bool' | 'string' | 'list';
}

export function parseArgs(
  argv: string[],
  spec: FlagSpec,
): { flags: Record<string, string | boolean | string[]>; rest: string[] } {
  const flags: Record<string, string | boolean | string[]> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2)) {
      const [name, inline] = a.replace(/^--?/, '').split(/=(.*)/s, 2);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option ${a} (${known(spec)})`);
      if (kind === 'bool') {
        flags[name] = true;
        continue;
      }
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      // `--output --format json` forgot the value: taking `--format` as a file name would hide the mistake.
      if (inline === undefined && isOption(v, spec)) throw new UsageError(`option --${name} needs a value before ${v}`);
      if (kind === 'list') flags[name] = [...((flags[name] as string[]) ?? []), v];
      else flags[name] = v;
    } else rest.push(a);
  }
  return { flags, rest };
}

/** The options a command accepts, for an error message (the test of help texts reads this list too). */
function known(spec: FlagSpec): string {
  const names = Object.keys(spec);
  return names.length ? `options: ${names.map((n) => `--${n}`).join(' ')}` : 'this command takes no options';
}

function isOption(v: string, spec: FlagSpec): boolean {
  return /^--?[^-]/.test(v) && spec[v.replace(/^--?/, '').split('=')[0]] !== undefined;
}
