/**
 * One simple command as a check sees it (the way an ESLint rule sees its `context`): its name,
 * subcommand, arguments and options, which words are only known at run time, and `report`, which
 * records a finding under a stable check id. It hides the index juggling of the parsed form
 * (`argv` holds the name at 0, so the dynamic flag of `args[i]` is `dynamic[i + 1]`).
 */
import type { Action } from '../../engine/types.ts';
import { normaliseHost } from '../network.ts';
import { hasPeers, type SimpleCommand } from './parse.ts';

/** Code a command runs inline (`python3 -c …`, `node -e …`), judged by the code analyzers. */
export interface InlineCode {
  language: string;
  code: string;
  command: string;
}

/** Where the command line runs. */
export interface ShellContext {
  cwd: string;
  workspace: string;
  home?: string;
}

/** Paths as the command line sees them (after its `cd`s). */
export interface PathTools {
  abs(p: string): string;
  inWorkspace(p: string): boolean;
  rootOrHome(p: string): boolean;
  outside(p: string): boolean;
  /** False after a `cd` to a folder only known at run time. */
  cwdKnown(): boolean;
  /** Records a file the command reads or writes (judged with the others after the checks). */
  read(p: string): void;
  write(p: string): void;
}

/** What the checks of one command line share: the context and what earlier commands left. */
export interface LineState {
  ctx: ShellContext;
  home: string;
  add(a: Action): void;
  inline: InlineCode[];
  /** Files a downloader wrote earlier in the line (`curl -o x.sh …; bash x.sh`). */
  downloaded: Set<string>;
  /** Files a decoder or decompressor wrote earlier in the line (`base64 -d x > run.sh; sh run.sh`). */
  decoded: Set<string>;
  /** The hosts each command talks to, for the pipeline checks (secrets | network). */
  hostsOf: Map<SimpleCommand, string[]>;
  pt: PathTools;
}

/** A finding as a check reports it: the command defaults to the one judged. */
export type Finding = Omit<Action, 'command' | 'check'> & { command?: string };

export class ShellCommand {
  readonly name: string;
  /** The arguments after the name (`args[i]` is `argv[i + 1]`). */
  readonly args: string[];
  /** Per argv word: only known at run time (`$x`, `$(…)`). Prefer isDynamic(i) for arguments. */
  readonly dyn: boolean[];
  /** The command as judged: its words joined by spaces. */
  readonly text: string;
  /** The first argument that is not an option ('' when none). */
  readonly sub: string;
  private envAssigned?: [string, string][];

  constructor(
    readonly c: SimpleCommand,
    readonly line: LineState,
  ) {
    [this.name, ...this.args] = c.argv;
    this.dyn = c.dynamic;
    this.text = c.argv.join(' ');
    this.sub = this.args.find((a) => !a.startsWith('-')) ?? '';
  }

  get home(): string {
    return this.line.home;
  }
  get pt(): PathTools {
    return this.line.pt;
  }

  /** Whether argument i (0 is the first after the name) is only known at run time. */
  isDynamic(i: number): boolean {
    return !!this.dyn[i + 1];
  }

  /** Whether any argument is exactly one of the flags. */
  has(...flags: string[]): boolean {
    return this.args.some((a) => flags.includes(a));
  }

  /** The arguments that are neither options nor only known at run time. */
  positional(): string[] {
    return this.args.filter((a, i) => !a.startsWith('-') && !this.isDynamic(i));
  }

  /**
   * The values of an option, in all its spellings: `-o v`, `-ov` (one-letter flags), `--output v`
   * and `--output=v`. A value only known at run time is left out.
   */
  opt(...flags: string[]): string[] {
    const out: string[] = [];
    this.args.forEach((a, i) => {
      for (const f of flags) {
        if (a === f && i + 1 < this.args.length && !this.isDynamic(i + 1)) out.push(this.args[i + 1]);
        else if (f.startsWith('--') && a.startsWith(f + '=') && !this.isDynamic(i)) out.push(a.slice(f.length + 1));
        else if (/^-\w$/.test(f) && a.startsWith(f) && a.length > 2 && !this.isDynamic(i)) out.push(a.slice(2));
      }
    });
    return out;
  }

  /** Alone on its line and with no redirection: a program that reads the terminal would wait for a person. */
  waitsForPerson(): boolean {
    return !hasPeers(this.c) && !this.c.redirects.some((r) => ['>', '>>', '<', '<<', '<<<'].includes(r.op));
  }

  /**
   * Variables this command sets: in front of it (`X=1 cmd`), or exported or declared by it
   * (`export X=1`).
   */
  get assigned(): [string, string][] {
    return (this.envAssigned ??= [
      ...Object.entries(this.c.env),
      ...(/^(?:export|declare|typeset|local|readonly)$/.test(this.name)
        ? this.args.flatMap((a) => {
            const m = /^(\w+)=(.*)$/s.exec(a);
            return m ? [[m[1], m[2]] as [string, string]] : [];
          })
        : []),
    ]);
  }

  /** Records a finding under a stable check id (`<family>.<what>`, named in the family's case file). */
  report(check: string, f: Finding): void {
    this.line.add({ ...f, command: f.command ?? this.text, check });
  }

  /** Records that the command talks to these hosts (or to one only known at run time). */
  net(check: string, hosts: string[], detail: string): void {
    const hs = [...new Set(hosts.filter(Boolean).map(normaliseHost))];
    this.line.hostsOf.set(this.c, hs);
    this.report(check, {
      capability: 'network',
      detail: hs.length ? `${detail} ${hs.join(', ')}` : `${detail} a host only known at run time`,
      hosts: hs.length ? hs : ['?'],
    });
  }
}

/** The whole command line, after each command's checks: for the checks that span commands. */
export interface WholeLine {
  command: string;
  commands: SimpleCommand[];
  actions: readonly Action[];
  add(a: Action): void;
  has(capability: Action['capability'], detail: string): boolean;
  /** The files each command reads. */
  reads: Map<SimpleCommand, string[]>;
  hostsOf: Map<SimpleCommand, string[]>;
  abs(p: string): string;
  home: string;
}
