/**
 * Shells, interpreters, REPLs and programs that run code handed to them: inline code, scripts
 * (from temp folders, disguised, with run-time paths), interactive shells and consoles, eval options.
 */
import type { ShellCommand } from '../command.ts';
import { check } from './registry.ts';
import { fedByPipe, interpreterOf } from '../parse.ts';
import { isTempPath } from '../../paths.ts';
import {
  SHELLS,
  PACKAGE_TOOLS,
  UNWRAPPED,
  INFO_ONLY,
  INTERACTIVE,
  SCRIPT_INTERPRETER,
  MASQUERADE,
  EVAL_OPTS,
  EVAL_PROGRAM,
  DOCS,
  programArgIndex,
} from '../tables.ts';

check({
  id: 'interpreters.inline-code',
  phase: 'start',
  run(x) {
    const { c, name, dyn, text } = x;
    const { inline } = x.line;
    if (c.inline) inline.push({ ...c.inline, command: text });
    // Inline code that is nothing but a variable: what runs is only known at run time.
    if (
      c.inline &&
      c.argv.some((a, i) => a === c.inline!.code && dyn[i]) &&
      /^\s*(?:\$\{?(?:[A-Za-z_]\w*|[@*\d])\}?\s*)+$/.test(c.inline.code)
    )
      x.report('interpreters.inline-code', {
        capability: 'unknown',
        detail: `${name} runs inline code only known at run time (${c.inline.code.trim()})`,
      });
  },
});

check({
  id: 'interpreters.script-file',
  phase: 'start',
  run(x) {
    const { c, name, args, dyn, pt } = x;
    // A file named as a document or image, run as a program: a disguised payload (report.pdf.sh, image.png).
    const ran = SHELLS.has(name)
      ? args.some((a) => /^-[a-zA-Z]*c/.test(a))
        ? undefined
        : args.find((a, i) => !x.isDynamic(i) && !a.startsWith('-'))
      : c.text.includes('/')
        ? c.text
        : undefined;
    if (ran && MASQUERADE.test(ran))
      x.report('interpreters.masquerade', {
        capability: 'obfuscated-exec',
        detail: `runs ${ran}, a program disguised as a document or image`,
      });
    // A program or script run from a world-writable temp folder outside the workspace, where
    // droppers stage payloads (cp x /tmp/y && /tmp/y). An agent's builds and scripts live in the workspace.
    const script =
      ran ??
      (interpreterOf(name) && !c.inline ? args.find((a, i) => !x.isDynamic(i) && !a.startsWith('-')) : undefined);
    // Likewise a script interpreter given a script path only known at run time (as `sh $X` above).
    if (
      SCRIPT_INTERPRETER.test(name) &&
      !c.inline &&
      !args.some((a) => /^-[a-zA-Z]*[mce]$|^--(?:eval|print)$/.test(a))
    ) {
      const first = args.findIndex((a) => !a.startsWith('-'));
      if (first >= 0 && x.isDynamic(first))
        x.report('interpreters.script-path-dynamic', {
          capability: 'unknown',
          detail: `${name} runs a script whose path is only known at run time`,
        });
    }
    if (script && isTempPath(pt.abs(script)) && !pt.inWorkspace(script))
      x.report('interpreters.temp-exec', {
        capability: 'temp-exec',
        detail: `runs ${pt.abs(script)} from a temp folder anyone can write to`,
      });
  },
});

check({
  id: 'interpreters.shell-handed',
  phase: 'before',
  run(x) {
    const { c, name, args, dyn } = x;
    // A shell binary handed to another program: it will be run (GTFOBins-style shell escapes).
    // (grep's pattern may name a shell: `grep '/bin/bash' /etc/passwd` runs nothing; sed's script may.)
    const pattern = /^(?:[ef]?grep|rg|ag|ack|rename|prename|perl-rename|file-rename)$/.test(name)
      ? programArgIndex(name, args)
      : -1;
    if (
      !INFO_ONLY.has(name) &&
      !UNWRAPPED.has(name) &&
      !DOCS.has(name) &&
      args.some(
        (a, i) =>
          !x.isDynamic(i) &&
          i !== pattern &&
          (/(?:^|[^\w/.-])\/(?:usr\/)?(?:local\/)?bin\/(?:ba|da|z|k|c|tc|r)?sh\b/.test(a) ||
            (/^(?:sh|bash|zsh|dash|ksh|cmd|powershell|pwsh)$/.test(a) &&
              !PACKAGE_TOOLS.has(name) &&
              (i === 0 || args[i - 1].startsWith('-')))),
      )
    ) {
      x.report('interpreters.shell-handed', {
        capability: 'interactive-shell',
        detail: `hands a shell to ${name}, which runs it`,
      });
    }
  },
});

const VI = /^(?:vim?|nvim|ex|vi)$/;

/**
 * vim in silent ex mode (`vim -es -c CMD… FILE`, `ex -s`) runs its commands and exits, waiting for
 * nobody: it is judged by them. A shell command (`:!…`, `system()`, `:r !…`) runs a shell; a write
 * (`w`, `wq`, `x`, `update`, `saveas`) changes the files it edits.
 */
function viBatch(x: ShellCommand): boolean {
  const { name, args } = x;
  const silent =
    args.some((a) => /^-[a-zA-Z]*[eE][a-zA-Z]*s|^-[a-zA-Z]*s[a-zA-Z]*[eE]/.test(a)) ||
    (name === 'ex' && args.some((a) => /^-[a-zA-Z]*s/.test(a))) ||
    (args.includes('-e') && args.includes('-s'));
  if (!silent) return false;
  // (`-c CMD`, `-sc CMD`, `+CMD`, and ex's `-cCMD`)
  const cmds = args.flatMap((a, i) =>
    /^-[a-zA-Z]*[cS]$/.test(args[i - 1] ?? '')
      ? [a]
      : a.startsWith('+')
        ? [a.slice(1)]
        : /^-c./.test(a) && !/^-[a-zA-Z]*[cS]$/.test(a)
          ? [a.slice(2)]
          : [],
  );
  if (
    cmds.some((c) =>
      /(?:^|[|:\s])(?:!|r(?:ead)?\s*!|w(?:rite)?\s*!)|\bsystem\s*\(|\b(?:py(?:thon)?3?|lua|perl|ruby)\b|\bterminal\b/.test(
        c,
      ),
    )
  )
    x.report('interpreters.editor-shell', {
      capability: 'interactive-shell',
      detail: `${name} runs a shell or script command from its -c commands`,
    });
  const taking = (o: string) => /^-[a-zA-Z]*[cSuUiTwWr]$|^--cmd$/.test(o);
  if (cmds.some((c) => /(?:^|[|:\s])(?:wq?|x|up(?:date)?|sav(?:eas)?|wall|wqa|xa)!?(?:\s|$)/.test(c)))
    for (const [i, f] of args.entries())
      if (!f.startsWith('-') && !f.startsWith('+') && !taking(args[i - 1] ?? '') && !x.isDynamic(i)) x.pt.write(f);
  return true;
}

check({
  id: 'interpreters.interactive',
  phase: 'before',
  run(x) {
    const { c, name, args } = x;
    if (VI.test(name) && viBatch(x)) return;
    // Pagers are left out: without a terminal (as agents run) they print like cat. A program fed by
    // a pipe or with its output redirected is not waiting for a person either.
    if (
      x.waitsForPerson() &&
      (INTERACTIVE.has(name) ||
        (name === 'gdb' && !args.some((a) => /^-(?:batch|-batch|ex|x)$/.test(a))) ||
        (/^(?:mysql|psql|sqlite3|redis-cli|mongo|mongosh)$/.test(name) &&
          !args.some((a) => /^-(?:e|c|-command|-execute|f|-eval)$/.test(a)) &&
          args.filter((a) => !a.startsWith('-')).length <= 1) ||
        (/^(?:bundle|cargo|gem)$/.test(name) && /^(?:help|console|open)$/.test(args[0] ?? '')))
    ) {
      x.report('interpreters.interactive', {
        capability: 'interactive-shell',
        detail: `${name} is interactive (a pager, editor, REPL or console): it waits for a person and can run shell commands`,
      });
    }
  },
});

check({
  id: 'interpreters.eval-option',
  phase: 'before',
  run(x) {
    const { name, args } = x;
    const { inline } = x.line;
    // Options that evaluate code or run commands (rpm --eval '%{lua:…}', make --eval, tex -shell-escape…).
    const evalOpt = EVAL_PROGRAM.test(name)
      ? EVAL_OPTS.find(([prog, opt]) => prog.test(name) && args.some((a) => opt.test(a)))
      : undefined;
    if (evalOpt)
      x.report('interpreters.eval-option', {
        capability: 'inline-exec',
        detail: `${name} is told to evaluate code or run commands (${args.find((a) => evalOpt[1].test(a))})`,
      });
  },
});

check({
  id: 'interpreters.repl',
  phase: 'before',
  run(x) {
    const { c, name, args } = x;
    // Interactive programs that hand out shells: screen or tmux with nothing to run, script without -c,
    // capsh --, systemd-run --shell, sg, an interpreter with no program (a REPL).
    const positional = () => args.filter((a, i) => !a.startsWith('-') && !(i > 0 && /^-[SLtT]$/.test(args[i - 1])));
    const fedIn = () =>
      c.redirects.some((r) => r.heredoc !== undefined || r.op === '<' || r.op === '<<<') || fedByPipe(c);
    const repl =
      (args.length <= 1 || /^php/.test(name)) &&
      interpreterOf(name) &&
      !c.inline &&
      (args.length === 0 ||
        (/^(?:python[\d.]*|ruby|node|lua)$/.test(name) && args.length === 1 && args[0] === '-i') ||
        (/^php/.test(name) && args.includes('-a'))) &&
      !fedIn();
    if (
      ((name === 'screen' || name === 'tmux' || name === 'byobu') && args.length === 0 && !fedIn()) ||
      (name === 'script' &&
        c.text === 'script' &&
        args.length > 0 &&
        !args.some((a) => /^-[a-z]*c$|^--command(?:=|$)/.test(a)) &&
        positional().length <= 1) ||
      (name === 'capsh' && args.includes('--')) ||
      (name === 'systemd-run' && args.some((a) => /^-S$|^--shell$|^-t$|^--pty$/.test(a))) ||
      (name === 'sg' && positional().length <= 1) ||
      repl
    ) {
      x.report('interpreters.repl', {
        capability: 'interactive-shell',
        detail: `${name} opens an interactive shell or REPL`,
      });
    }
  },
});

check({
  id: 'interpreters.osascript',
  phase: 'before',
  names: ['osascript'],
  run(x) {
    const { name, args, dyn } = x;
    const { inline } = x.line;
    if (name === 'osascript' && args.some((a) => /^-e$/.test(a)))
      x.report('interpreters.osascript-inline', {
        capability: 'inline-exec',
        detail: 'osascript -e runs AppleScript (it can run shell commands and show fake password dialogs)',
      });
    else if (name === 'osascript' && args.some((a, i) => !x.isDynamic(i) && !a.startsWith('-')))
      x.report('interpreters.osascript-file', {
        capability: 'inline-exec',
        detail:
          'osascript runs an AppleScript file (it drives other applications, types keystrokes, shows dialogs and can run shell commands)',
      });
  },
});

/** Decoders of hidden text inside a program: hex and base64 unpacking, inflating, rot13. */
const CODE_DECODER =
  /\bpack\s*\(?\s*["'][Hhm]\*?|\bdecode_base64\b|\bunpack1?\s*\(?\s*["']m|Base64\.(?:decode|strict_decode)|\bbase64_decode\b|\bhex2bin\b|\bgzinflate\b|\bgzuncompress\b|\bstr_rot13\b|\bfromhex\b|\bb(?:64|32|16|85)decode\b|\bcodecs\.decode\b|\bzlib\.decompress\b|Buffer\.from\([^)]*["'](?:base64|hex)["']|\batob\s*\(/;
/** What runs a string as code or as a shell command. */
const CODE_RUNNER =
  /\beval\b|\bexec\b|\bsystem\b|\bpassthru\b|\bshell_exec\b|\bpopen\b|\binstance_eval\b|\bFunction\s*\(|`/;

/**
 * Inline code that decodes a hidden text and runs it (`perl -e 'eval pack("H*", …)'`, `ruby -e
 * 'eval Base64.decode64(…)'`, `php -r 'eval(base64_decode(…));'`): what runs is hidden from every check.
 */
check({
  id: 'interpreters.decoded-eval',
  phase: 'before',
  match: /^(?:perl|ruby|php|python[\d.]*|node|nodejs|deno|bun|lua)$/,
  run(x) {
    const { args } = x;
    const code = args
      .filter((a, i) => i > 0 && /^-[a-zA-Z]*[eEcr]$|^--eval$/.test(args[i - 1]) && !x.isDynamic(i))
      .join('\n');
    if (code && CODE_DECODER.test(code) && CODE_RUNNER.test(code))
      x.report('interpreters.decoded-eval', {
        capability: 'obfuscated-exec',
        detail: `${x.name} decodes a hidden text and runs it`,
      });
  },
});
