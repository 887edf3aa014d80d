/**
 * Code that reaches a program through another command: `$(curl …)` fed to a shell, literal text
 * on standard input, and files downloaded earlier in the same command line.
 */
import { check } from './registry.ts';
import {
  DOWNLOADERS,
  DECODERS,
  NO_READ,
  INFO_ONLY,
  INTERACTIVE,
  codeFeeders,
  STDIN_CONSOLES,
  SHELL_ESCAPE,
  stdinText,
  FED_FILE_READERS,
  looksLikePath,
} from '../tables.ts';

check({
  id: 'pipelines.code-feed',
  phase: 'start',
  run(x) {
    const { c, name } = x;
    // Code taken from other commands' output: bash -c "$(curl …)", source <(curl …), python3 <(wget -O- …),
    // . /dev/stdin <<< "$(curl …)", x=$(curl …); eval "$x". As `curl … | sh`, whatever the server sends runs.
    const feeders = codeFeeders(c);
    if (feeders.some((f) => DOWNLOADERS.has(f.argv[0]) || /^(?:nc|ncat|netcat|socat)$/.test(f.argv[0]))) {
      x.report('pipelines.download-exec', {
        capability: 'download-exec',
        detail: `${name} runs code that ${feeders.find((f) => DOWNLOADERS.has(f.argv[0]) || /^(?:nc|ncat|netcat|socat)$/.test(f.argv[0]))!.argv[0]} downloads (runs whatever the server sends)`,
      });
    } else if (feeders.some((f) => DECODERS.has(f.argv[0]))) {
      x.report('pipelines.decoded-exec', {
        capability: 'obfuscated-exec',
        detail: `${name} runs code that ${feeders.find((f) => DECODERS.has(f.argv[0]))!.argv[0]} decodes`,
      });
    }
  },
});

check({
  id: 'pipelines.stdin',
  phase: 'before',
  run(x) {
    const { c, name, args, pt } = x;
    // What a program gets on standard input, when it is literal text: a here-document or here-string,
    // or the output of echo/printf piped in. Programs that read file names there read those files
    // (`echo /etc/shadow | cpio -o`, `ed`), and interactive ones run the shell escapes in it
    // (`echo '!sh' | cpan`, sqlite3 `.shell`).
    const stdin = stdinText(c);
    if (stdin !== undefined) {
      if (name === 'sqlite3')
        for (const m of stdin.matchAll(/^\s*\.(?:import|read|open|restore)\s+(?:--\S+\s+)*['"]?([^\s'"]+)/gm))
          pt.read(m[1]);
      const xinner =
        name === 'xargs'
          ? args.find((a, k) => !a.startsWith('-') && !(k > 0 && /^-[IndPLsEa]$/.test(args[k - 1])))
          : undefined;
      if (FED_FILE_READERS.has(name) && !(xinner !== undefined && (NO_READ.has(xinner) || INFO_ONLY.has(xinner)))) {
        for (const tok of stdin.split(/\s+/)) if (looksLikePath(tok)) pt.read(tok);
      }
      if (
        (INTERACTIVE.has(name) || FED_FILE_READERS.has(name) || STDIN_CONSOLES.test(name)) &&
        SHELL_ESCAPE.test(stdin)
      ) {
        x.report('pipelines.stdin', {
          capability: 'interactive-shell',
          detail: `feeds a shell escape to ${name} on its standard input`,
        });
      }
    }
  },
});

check({
  id: 'pipelines.downloaded-run',
  phase: 'after',
  run(x) {
    const { c, pt } = x;
    const { downloaded } = x.line;
    // Running a file that was downloaded earlier in this command line (./x.sh after curl -o x.sh).
    if (c.text.startsWith('./') || c.text.startsWith('/')) {
      if (downloaded.has(pt.abs(c.text)))
        x.report('pipelines.downloaded-run', {
          capability: 'download-exec',
          detail: `runs ${c.text}, which this command line downloaded`,
        });
    }
  },
});
