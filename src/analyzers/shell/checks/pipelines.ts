/**
 * Code that reaches a program through another command: `$(curl …)` fed to a shell, literal text
 * on standard input, and files downloaded earlier in the same command line.
 */
import type { WholeLine } from '../command.ts';
import { check } from './registry.ts';
import { interpreterOf, type SimpleCommand } from '../parse.ts';
import { isCredentialPath } from '../../paths.ts';
import {
  DOWNLOADERS,
  SHELLS,
  decodesText,
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
    } else if (feeders.some((f) => decodesText(f.argv))) {
      x.report('pipelines.decoded-exec', {
        capability: 'obfuscated-exec',
        detail: `${name} runs code that ${feeders.find((f) => decodesText(f.argv))!.argv[0]} decodes or decompresses`,
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
    // Archivers and copiers fed a listing by find (`find . | cpio -pdm dest`) read every file under
    // find's start folders: those folders are read (xargs is left out: what it runs is judged itself).
    const src = c.pipeline[c.pipeline.indexOf(c) - 1];
    if (name !== 'xargs' && FED_FILE_READERS.has(name) && src?.argv[0] === 'find') {
      const opt = src.argv.findIndex((a, k) => k > 0 && /^[-(!]/.test(a));
      src.argv.slice(1, opt < 0 ? undefined : opt).forEach((p, k) => src.dynamic[k + 1] || pt.read(p));
    }
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
  id: 'pipelines.runs-decoded-file',
  phase: 'start',
  run(x) {
    const { c, pt } = x;
    // `bash run.sh`, `python3 t.py`, `. ./env.sh` after `base64 -d x > run.sh`: the script a shell or
    // interpreter is given was decoded earlier in the line (the shells' own checks end the judging,
    // so this runs first).
    const runner = SHELLS.has(x.name) || interpreterOf(x.name) || x.name === 'source' || x.name === '.';
    const script = runner && !c.inline ? x.args.find((a, i) => !a.startsWith('-') && !x.isDynamic(i)) : undefined;
    if (script && x.line.decoded.has(pt.abs(script)))
      x.report('pipelines.runs-decoded-file', {
        capability: 'obfuscated-exec',
        detail: `runs ${script}, which this command line decoded or decompressed (text no check has read)`,
      });
  },
});

check({
  id: 'pipelines.downloaded-run',
  phase: 'after',
  run(x) {
    const { c, pt } = x;
    const { downloaded, decoded } = x.line;
    // Running a file that was downloaded earlier in this command line (./x.sh after curl -o x.sh).
    if (c.text.startsWith('./') || c.text.startsWith('/')) {
      if (downloaded.has(pt.abs(c.text)))
        x.report('pipelines.downloaded-run', {
          capability: 'download-exec',
          detail: `runs ${c.text}, which this command line downloaded`,
        });
      if (decoded.has(pt.abs(c.text)))
        x.report('pipelines.runs-decoded-file', {
          capability: 'obfuscated-exec',
          detail: `runs ${c.text}, which this command line decoded or decompressed (text no check has read)`,
        });
    }
    // What a decoder or decompressor writes: its redirected output, or the file it unpacks in place
    // (`gunzip s.gz` leaves s), so that running it later in the line is judged as running decoded text.
    if (decodesText(c.argv) || (/^(?:gunzip|bunzip2|unxz|unzstd|unlzma)$/.test(x.name) && !x.has('-c', '--stdout'))) {
      for (const r of c.redirects) if (r.op === '>' || r.op === '>>' || r.op === '>|') decoded.add(pt.abs(r.target));
      for (const f of x.positional())
        if (/\.(?:gz|bz2|xz|zst|lzma|z|Z|b64)$/.test(f)) decoded.add(pt.abs(f.replace(/\.[^.]+$/, '')));
      for (const o of x.opt('-o', '--output', '-out')) decoded.add(pt.abs(o));
    }
  },
});

/**
 * Inline code of a general-purpose language whose output is piped on (`python3 -c '…' | sh`): it
 * can print any script, built from pieces no check reads. Line filters (`perl -pe`, `ruby -ne`) edit
 * their input instead, as sed and awk do, and are left out.
 */
function writesProgram(c: SimpleCommand): boolean {
  if (!c.inline || !/^(?:python|javascript|typescript|ruby|perl|php|lua)$/.test(c.inline.language)) return false;
  return !c.argv.some((a) => /^-[a-zA-Z]*[np][a-zA-Z]*$/.test(a) && /^(?:perl|ruby)/.test(c.argv[0]));
}

/** Pipelines (download | shell, decode | shell, secrets | network), and credentials read beside network use. */
export function pipelines(l: WholeLine): void {
  const { command, actions, add, has, reads, hostsOf, abs, home } = l;
  // Pipelines: download | shell, decode | shell, secrets | network.
  const lines = new Set(l.commands.map((c) => c.pipeline));
  for (const line of lines) {
    if (line.length < 2) continue;
    // What the stages so far bring: one pass, not a look back from every stage (n² on long pipelines).
    let downloader = false,
      generator = false;
    const hostsBefore: string[] = [];
    let lineText: string | undefined;
    const shownLine = () => (lineText ??= line.map((x) => x.argv.join(' ')).join(' | '));
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      const name = c.argv[0];
      const consumes =
        i > 0 &&
        ((SHELLS.has(name) && !c.argv.some((a) => /^-[a-z]*c[a-z]*$/.test(a))) ||
          (interpreterOf(name) && c.argv.length <= 2 && !c.inline) ||
          ((name === 'source' || name === '.') && /^\/dev\/stdin$|^-$/.test(c.argv[1] ?? '')));
      if (consumes) {
        const fetched = `pipes downloaded content into ${name} (runs whatever the server sends)`;
        const decoded = `pipes generated, decoded or decompressed text into ${name}`;
        if (downloader && !has('download-exec', fetched))
          add({
            check: 'pipelines.download-pipe',
            capability: 'download-exec',
            detail: fetched,
            command: shownLine(),
            hosts: [...hostsBefore],
          });
        else if (!downloader && generator && !has('obfuscated-exec', decoded))
          add({
            check: 'pipelines.decoded-pipe',
            capability: 'obfuscated-exec',
            detail: decoded,
            command: shownLine(),
          });
      }
      const n = c.argv[0];
      if (DOWNLOADERS.has(n) || ['nc', 'ncat', 'netcat', 'socat'].includes(n)) downloader = true;
      if (decodesText(c.argv) || n === 'echo' || n === 'printf' || writesProgram(c)) generator = true;
      hostsBefore.push(...(hostsOf.get(c) ?? []));
    }
    const net = line.filter((c) => hostsOf.has(c));
    if (net.length) {
      const secretSource = line.some(
        (c) =>
          (reads.get(c) ?? []).some((p) => isCredentialPath(abs(p), home)) ||
          ((c.argv[0] === 'env' || c.argv[0] === 'printenv' || c.argv[0] === 'set') && c.argv.length === 1),
      );
      if (secretSource)
        add({
          check: 'pipelines.secrets-to-network',
          capability: 'exfiltration',
          detail: 'sends credentials or the environment over the network',
          command: line.map((x) => x.argv.join(' ')).join(' | '),
          hosts: net.flatMap((c) => hostsOf.get(c)!),
        });
      else if (line.indexOf(net[0]) > 0 && !DOWNLOADERS.has(line[0].argv[0]))
        add({
          check: 'pipelines.output-to-network',
          capability: 'upload',
          detail: `sends the output of ${line[0].argv[0]} over the network`,
          command: line.map((x) => x.argv.join(' ')).join(' | '),
          hosts: net.flatMap((c) => hostsOf.get(c)!),
        });
    }
  }
  // Credentials read and network used in one command line: exfiltration even across `;` and `&&`.
  if (
    actions.some((a) => a.capability === 'credential-access' || a.capability === 'env-dump') &&
    actions.some((a) => (a.capability === 'network' || a.capability === 'upload') && a.hosts?.length)
  ) {
    add({
      check: 'pipelines.credentials-and-network',
      capability: 'exfiltration',
      detail: 'reads credentials and talks to the network in the same command',
      command,
      hosts: actions.flatMap((a) => a.hosts ?? []),
    });
  }
}
