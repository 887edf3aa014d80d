/**
 * Encoded code run or loaded, followed through the statements of a file (the line shape in
 * shapes.ts sees a decode and a sink on one line only), and downloads piped into a shell wherever
 * they are written (a multi-line process builder, a `//go:generate` directive):
 *   backdoor.decoded-load   a value decoded (base64, hex, zlib, char codes, XOR) reaches code that runs
 *                           or loads it (eval, exec, a shell, Assembly.Load, defineClass, dlopen…); the
 *                           constant that holds the blob is reported with it
 *   backdoor.pipe-to-shell  a string or directive that pipes a download into a shell or interpreter
 * Data decoded and only parsed (JSON, images, certificates) is not a finding.
 * Fixtures: src/analyzers/fixtures/backdoor.obfuscation.*
 */
import type { Finding } from '../../engine/types.ts';
import { type SourceFile, finding, rot13 } from '../source.ts';
import { DECODE, DOWNLOAD_EXEC } from './shapes.ts';
import { linesWith, oncePerLine } from './vocabulary.ts';
import { occurs, prefilterProvider } from '../literals.ts';
import { RETURN, enclosing, firstCallArgs } from './calls.ts';
import { assignments } from './structure.ts';

const MORE_DECODE =
  /\bfromCharCode\b|\bchr\s*\(|\^\s*0x[0-9a-fA-F]{1,2}\b|\bxor\w*\s*\(|\bdecompress\w*\s*\(|\bzlib\.\w+\s*\(|\bInflate\w*|\bGZipStream\b|\bgzip\.NewReader\b|\bflate\.NewReader\b|\bBase64\.getDecoder\(\)|\bConvert\.FromBase64String\b|\bhex\.DecodeString\b|\bbase64\.\w*Encoding\.DecodeString\b|\bDecodeString\b|\barray_map\s*\(\s*['"]chr['"]|\bmap\s*\(\s*chr\b/;
const LOAD_SINK =
  /\b(?:eval|(?<![\w$]\.|\/\.)exec|(?:child_process|cp|os|subprocess|shell|proc|Kernel|pty)\.exec\w*|execfile|compile|Function|runInNewContext|runInThisContext|runInContext|Assembly\.Load\w*|defineClass|loadClass|dlopen|LoadLibrary\w*|memfd_create|VirtualAlloc|mprotect|marshal\.loads|pickle\.loads|system|popen|spawn\w*|execSync|execFile\w*|instance_eval|class_eval|module_eval|create_function|import_module|__import__|exec\.Command|Process\.Start|CreateProcess\w*|ShellExecute\w*|WinExec|ProcessBuilder|getRuntime\(\)\.exec|newInstance)\s*\(|\bnew\s+Function\b|\bnew\s+ClassLoader\b|\bnew\s+\w*ClassLoader\s*\(|\bglobalThis\s*\[|\bwindow\s*\[|\bglobal\s*\[|\bProcessStartInfo\b|\bexec(?:ve?|l)\w*\s*\(|\bCommand::new\b|\.constructor\.constructor\b|(?<![\w$.-])eval\s+["'$]/;
const ASSIGNED =
  /(?:^|[\s(;{,])(?:(?:var|let|const|my|local|auto|val|final|static|private|readonly|public|mut)\s+)*(?:[\w<>\[\],.?*&:]+\s+)??\$?([A-Za-z_]\w*)(?:\[[^\]\n]{0,20}\])?(?:\s*,\s*[A-Za-z_]\w*)*\s*(?::\s*[^=\n]{1,40}?)?\s*(?::=|=(?![=>~]))\s*(.+)$/;
// (a buffer filled element by element, `buf[i] = table[i] ^ 0x5c`, holds what is decoded into it)
const LOAD_SINK_G = new RegExp(LOAD_SINK.source, 'g');
const PIPE_IN_STRING =
  /["'`][^"'`\n]*\b(?:curl|wget|iwr|Invoke-WebRequest)\b[^"'`\n|]*https?:\/\/[\w.-]+[^"'`\n|]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|python[\d.]*|perl|ruby|node|php|iex|Invoke-Expression)\b[^"'`\n]*["'`]/;
const GO_GENERATE = /^\s*\/\/go:generate\b/;
/**
 * exec or eval given what a URL answers, `exec(urlopen('https://…').read())`, `eval(requests.get('http://…').text)`,
 * as code or inside a string that is saved to be run elsewhere (a .pth file, a hook, a cron line).
 */
const FETCH_CALL = String.raw`\b(?:exec|eval)\s*\(\s*(?:await\s+)?\(?\s*(?:await\s+)?(?:[\w.]+\.)?(?:urlopen|get|fetch|urlretrieve|open_uri|read_url)\s*\(\s*`;
const RUN_FETCHED = new RegExp(String.raw`${FETCH_CALL}\\?['"]https?:\/\/`, 'g');
const FETCH_WORDS = /urlopen|\.get\s*\(|fetch|urlretrieve|open_uri|read_url/;
/** The same with the URL kept under a name (`exec(urlopen(PATCH_URL).read())`): the name's value decides. */
const RUN_FETCHED_NAME = new RegExp(String.raw`${FETCH_CALL}([A-Za-z_$][\w$.]*)\s*[,)]`, 'g');
const PIPE_WORDS = /curl|wget|iwr|Invoke-WebRequest|go:generate/g;
const ANY_DECODE = new RegExp(`${DECODE.source}|${MORE_DECODE.source}`, 'g');

/** Character codes written out: `String.fromCharCode(70, 117, …)`, `map(chr, (101, 120, …))`, `chr(101) + …`. */
const CHAR_CODES = /(?:fromCharCode|\bchr\b|\bchar\b|\(char\))[^\n\d]{0,24}((?:\d{2,3}\s*,\s*){2,}\d{2,3})/g;
/**
 * A value that is a code runner itself, obtained so that no reader sees its name: the Function
 * constructor reached as `[].constructor.constructor`, a builtin fetched by a computed name
 * (`getattr(__import__("builtins"), name)`), a PHP function name built from character codes. A name
 * assigned one, or a function returning one, runs whatever it is called with.
 */
const LOADER_VALUE =
  /\.constructor\.constructor\b|\bgetattr\s*\(\s*(?:__builtins__|builtins|__import__\s*\([^)]*\)|globals\s*\(\s*\)|sys\.modules\s*\[[^\]]*\])\s*,\s*(?!["'\s])|\bimplode\s*\([^)\n]*\bchr\b|\bcreate_function\s*\(/;
/**
 * A literal reversed in the code (`reversed("cexe")`, `strrev('tressa')`, `"lave"[::-1]`), its text in
 * groups 1 to 4, or turned by ROT13 (`codecs.decode("rkrp", "rot13")`, `str_rot13('flfgrz')`), in 5 and 6.
 */
const REVERSED =
  /\breversed\s*\(\s*["']([^"'\n]{3,40})["']\s*\)|\bstrrev\s*\(\s*["']([^"'\n]{3,40})["']\s*\)|["']([^"'\n]{3,40})["']\s*\[\s*::\s*-1\s*\]|["']([^"'\n]{3,40})["']\s*\.split\(\s*["']{2}\s*\)\s*\.reverse\(\)|\bdecode\s*\(\s*["']([^"'\n]{3,40})["']\s*,\s*["']rot_?13["']\s*\)|\bstr_rot13\s*\(\s*["']([^"'\n]{3,40})["']\s*\)/g;

/** What a payload spells when it hides a loader's name or a command (not a greeting or a colour). */
const SPELLED_LOADER =
  /^(?:exec|eval|Function|system|popen|spawn|execSync|compile|__import__|constructor|require|execl|execve|execvp|ShellExecute|getRuntime)$|child_process|\/bin\/(?:ba)?sh|\bcurl\s|\bwget\s|powershell|\bimport\s+os\b|subprocess|\beval\s*\(/;

/**
 * A code loader's name, or a command, spelled in character codes: `globalThis[String.fromCharCode(70,
 * 117, 110, …)]` is `Function`, `getattr(builtins, "".join(map(chr, (101, 120, 101, 99))))` is `exec`.
 * Nobody spells a name they mean to read in numbers.
 */
function spelledLoaders(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  if (!occurs(CHAR_CODES, file.text)) return;
  for (const i of file.matchingLines(CHAR_CODES)) {
    const l = file.lines[i];
    if (l.length > 2000 || /^\s*(?:#|\/\/|\*|\/\*)/.test(l)) continue;
    for (const m of l.matchAll(CHAR_CODES)) {
      const codes = m[1].split(',').map((x) => Number(x.trim()));
      if (codes.some((c) => c < 9 || c > 126)) continue;
      const spelled = String.fromCharCode(...codes);
      if (!SPELLED_LOADER.test(spelled)) continue;
      add(
        i,
        'backdoor.decoded-load',
        'A code loader spelled in character codes',
        'critical',
        `Character codes here spell "${spelled.slice(0, 40)}": a loader or a command hidden from a reader.`,
      );
      break;
    }
  }
}

/** What may follow a declared name up to its `=` or `:=` (an optional type), read where a name ends. */
const DECLARES = /\s*(?::\s*[^=\n]{1,40}?)?\s*(?::=|=(?![=>~]))/y;

/**
 * Each name's first line (of at most 2,000 characters) where it stands after a line start, a space
 * or one of `(;{,` (a `$` allowed before it) and is followed by an `=` or `:=`, an optional type
 * between: the lines a per-name regex would find, in one pass over the file.
 */
function declaringLines(lines: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  lines.forEach((l, i) => {
    if (l.length > 2000 || !l.includes('=')) return;
    for (const m of l.matchAll(/[A-Za-z_]\w*/g)) {
      const s = l[m.index - 1] === '$' ? m.index - 1 : m.index;
      if (s > 0 && !/[\s(;{,]/.test(l[s - 1])) continue;
      if (at.has(m[0])) continue;
      DECLARES.lastIndex = m.index + m[0].length;
      if (DECLARES.test(l)) at.set(m[0], i);
    }
  });
  return at;
}

/** The text inside the call's brackets that open at or after `at`. */
const argsOf = (text: string, at: number): string => firstCallArgs(text, at) ?? '';

export function analyzeObfuscation(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-506',
    'Ship readable code (or a pinned, checksummed dependency); remove the decode-and-run or download-and-run step.',
  );
  const lines = file.lines;
  // (both tests need one of these words on the line itself: only lines that hold one are read, as the
  // scan's automaton saw them: the same lines as the regex's, without a pass of it)
  for (const i of linesWith(file, PIPE_WORDS)) {
    const l = lines[i];
    if (l.length > 2000) continue;
    // (a message that tells a person what to type is not a command: print, log, echo, raise)
    const message =
      /\b(?:print\w*|puts|echo|console\.\w+|log\w*\.\w+|logger\.\w+|warn\w*|raise|throw|Error|Exception|help|usage)\s*[(\s]/i.test(
        l,
      );
    if (
      (GO_GENERATE.test(l) && DOWNLOAD_EXEC.test(l)) ||
      (!/^\s*(?:#|\/\/|\*)/.test(l) && !message && PIPE_IN_STRING.test(l))
    )
      add(
        i,
        'backdoor.pipe-to-shell',
        'A download piped into a shell',
        'high',
        'A command written in the code pipes a download into a shell or interpreter: whatever the server sends runs, unreviewed, on every build or run.',
      );
  }
  if (occurs(FETCH_WORDS, file.text))
    for (const i of runsFetched(file)) {
      if (lines[i].length > 2000 || /^\s*(?:#|\/\/|\*)/.test(lines[i])) continue;
      add(
        i,
        'backdoor.download-exec',
        'Code runs what it downloads',
        'high',
        "Code given to exec or eval is read from a URL: whatever the server sends (now or later) runs with this program's rights. Written in a string, it runs wherever that string is saved (a .pth file runs at every Python start).",
      );
    }
  spelledLoaders(file, add);
  reversedLoaders(file, add);
  spelledLists(file, add);
  encodedCommands(file, add);
  if (file.language === 'bash' && occurs(TRANSFORM, file.text)) transformedAndRun(file, add);
  if (occurs(REGISTRY_WORDS, file.text) && RUNTIME_INSTALL.test(file.text)) registryInstalls(file, add);
  if (occurs(DISPATCH, file.text) && occurs(RUNNER_RECEIVER, file.text)) runnerAmongReceivers(file, add);
  if (!occurs(DECODE, file.text) && !occurs(MORE_DECODE, file.text)) return out;
  // Names that hold decoded data, and the constants (blobs) that were decoded: the lines read are
  // those with a decode step, then those naming a name found so far (not every line three times).
  const decoded = new Set<string>();
  const blobs = new Map<string, number>();
  // (one pass builds every name's first declaring line: a regex per name over every line was
  // quadratic, 28 s for 170 KB of `const vN = Buffer.from(pN, 'base64')`)
  let declarations: Map<string, number> | undefined;
  const declaredAt = (name: string): number | undefined => (declarations ??= declaringLines(lines)).get(name);
  // (functions returning decoded data, and the names assigned straight from a decode step)
  const decodedFns = new Set<string>();
  const direct = new Set<string>();
  const mentionsDecoded = (t: string) =>
    [...t.matchAll(/[A-Za-z_]\w*/g)].some((m) => decoded.has(m[0]) || decodedFns.has(m[0]));
  let work = file.matchingLines(ANY_DECODE);
  for (let pass = 0; pass < 3 && work.length; pass++) {
    const before = decoded.size + decodedFns.size;
    for (const i of work) {
      const l = lines[i];
      if (l.length > 2000) continue;
      // (a function returning decoded data: its name stands for the data where it is called, `unpack(table)`)
      const r = RETURN.exec(l);
      if (r && (DECODE.test(r[1]) || MORE_DECODE.test(r[1]) || mentionsDecoded(r[1]))) {
        const fn = enclosing(lines, i);
        if (fn) decodedFns.add(fn);
      }
      // (a value written over several lines is decoded on its last: `const parts = [ … ].map(atob)`)
      const a = ASSIGNED.exec(l) ?? openedAbove(lines, i);
      if (!a) continue;
      const rhs = a === openedAbove.last ? l : a[2];
      const fromDecode = DECODE.test(rhs) || MORE_DECODE.test(rhs);
      const fromTracked = mentionsDecoded(rhs);
      if (fromDecode || fromTracked) decoded.add(a[1]);
      // (a decoder written as a function, `str = (i, n) => String.fromCharCode(…)`, is called to decode, not run)
      if (fromDecode && !/^\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>|^\s*(?:function|lambda)\b/.test(rhs))
        direct.add(a[1]);
      if (fromDecode)
        for (const m of rhs.matchAll(/[A-Za-z_]\w*/g)) {
          if (blobs.has(m[0])) continue;
          const d = declaredAt(m[0]);
          if (
            d !== undefined &&
            d !== i &&
            /["'`]\s*$|[\[{(]\s*$|["'`][A-Za-z0-9+/=_-]{40,}|0x[0-9a-fA-F]{2}\s*,/.test(lines[d] + (lines[d + 1] ?? ''))
          )
            blobs.set(m[0], d);
        }
    }
    if (decoded.size + decodedFns.size === before) break;
    const names = [...decoded, ...decodedFns].slice(0, 200);
    work = file.matchingLines(new RegExp(`\\b(?:${names.join('|')})\\b`, 'g'));
  }
  if (!decoded.size && !decodedFns.size && !/\bFunction\b|\beval\b|\bexec\b|globalThis|window\[/.test(file.text))
    return out;
  // Runners under another name (see LOADER_VALUE), and decoded names called as functions (`$fn(…)`).
  const aliases = loaderAliases(file);
  // (a name decoded straight from a blob and then called is a function name hidden in the blob: `$fn(…)`)
  const called = [...direct, ...aliases].filter((n) => /^[A-Za-z_]\w*$/.test(n)).slice(0, 200);
  const callOf = called.length ? new RegExp(`(?<![\\w.>])\\$?(?:${called.join('|')})\\(`) : undefined;
  const sinkLines = new Set(file.matchingLines(LOAD_SINK_G));
  if (callOf) for (const i of file.matchingLines(new RegExp(callOf.source, 'g'))) sinkLines.add(i);
  let blobsAdded = false;
  for (const i of [...sinkLines].sort((x, y) => x - y)) {
    const l = lines[i];
    if (l.length > 2000 || /^\s*(?:#|\/\/|\*)/.test(l)) continue;
    const sink = LOAD_SINK.exec(l) ?? callOf?.exec(l);
    if (!sink) continue;
    const rest = lines
      .slice(i, i + 3)
      .join(' ')
      .slice(sink.index);
    // (a function that returns decoded text counts only when called inside the sink's own brackets:
    // `print(banner())` two lines below an `import_module(…)` is not given to it; decoded data may
    // reach the sink by a later line, `}.define(b)` after an anonymous loader class)
    const own = ownCall(rest, sink[0]);
    // (a decoded name called, or a runner under another name given decoded data, or any runner given it)
    const calledName = /^\$?([A-Za-z_]\w*)/.exec(rest.replace(/^[^A-Za-z_$]*/, ''))?.[1] ?? '';
    const uses =
      direct.has(calledName) ||
      [...rest.matchAll(/[A-Za-z_]\w*/g)].some((m) => decoded.has(m[0]) && !aliases.has(m[0]) && m[0] !== calledName) ||
      [...own.matchAll(/[A-Za-z_]\w*/g)].some((m) => decodedFns.has(m[0]) && !aliases.has(m[0]) && m[0] !== calledName);
    const inline =
      (DECODE.test(rest) || MORE_DECODE.test(rest)) && /\bFunction\b|\beval\b|\bexec\b|globalThis|window\[/.test(rest);
    if (!uses && !inline) continue;
    add(
      i,
      'backdoor.decoded-load',
      'Decoded data run or loaded as code',
      'critical',
      'Data decoded in this file (base64, hex, compressed, char codes, XOR) is run or loaded as code: a hidden payload.',
    );
    // (the blobs are reported once, at the first sink: later adds would repeat lines already reported)
    if (blobsAdded) continue;
    blobsAdded = true;
    for (const [name, d] of blobs)
      if (new RegExp(`\\b${name}\\b`).test(file.text))
        add(
          d,
          'backdoor.decoded-load',
          'Encoded payload',
          'critical',
          `This constant is decoded and run as code (line ${i + 1}).`,
        );
  }
  return out;
}

/**
 * For a line that closes a bracket an assignment above opened (`].map((c) => atob(c));`), that
 * assignment (at most 30 lines up); the match is kept in `openedAbove.last` so the caller knows.
 */
function openedAbove(lines: readonly string[], i: number): RegExpExecArray | null {
  if (!/^\s*[\])}]/.test(lines[i])) return null;
  for (let k = i - 1; k >= 0 && k >= i - 30; k--) {
    const a = ASSIGNED.exec(lines[k]);
    if (a && /[\[({]\s*$/.test(a[2])) return (openedAbove.last = a);
    if (/^\S/.test(lines[k]) && k < i - 1) return null;
  }
  return null;
}
openedAbove.last = null as RegExpExecArray | null;

/** The names (variables, and functions that return one) that hold a runner got without its name (LOADER_VALUE). */
function loaderAliases(file: SourceFile): Set<string> {
  const out = new Set<string>();
  if (!occurs(LOADER_VALUE, file.text)) return out;
  for (const i of file.matchingLines(new RegExp(LOADER_VALUE.source, 'g'))) {
    const l = file.lines[i];
    if (l.length > 2000) continue;
    const a = ASSIGNED.exec(l);
    if (a && LOADER_VALUE.test(a[2])) out.add(a[1]);
    const r = RETURN.exec(l);
    if (r && LOADER_VALUE.test(r[1])) {
      const fn = enclosing(file.lines, i);
      if (fn) out.add(fn);
    }
  }
  return out;
}

/**
 * A sink's call to its closing bracket, with calls chained on it (`Popen(…).communicate(…)`), over the
 * lines read with it: what it is given, not a later statement (`print(banner())` two lines below an
 * `import_module(…)`). A sink written without a bracket (`eval "$x"`) keeps the whole text.
 */
function ownCall(rest: string, sink: string): string {
  if (!sink.endsWith('(')) return rest;
  let depth = 0,
    quote = '';
  for (let k = sink.length - 1; k < rest.length; k++) {
    const c = rest[k];
    if (quote) {
      if (c === '\\') k++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      const chained = /^\s*\.\s*[A-Za-z_]\w*\s*\(/.exec(rest.slice(k + 1));
      if (!chained) return rest.slice(0, k + 1);
      k += chained[0].length - 1;
      depth = 0;
    }
  }
  return rest;
}

/**
 * A code runner's name, or a command, written backwards and reversed in the code (`reversed("cexe")`
 * is `exec`), or in ROT13 and turned back (`codecs.decode("rkrp", "rot13")`): nobody hides a name they
 * mean a reader to see.
 */
function reversedLoaders(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  if (!occurs(REVERSED_HINT, file.text)) return;
  for (const i of file.matchingLines(REVERSED)) {
    const l = file.lines[i];
    if (l.length > 2000 || /^\s*(?:#|\/\/|\*|\/\*)/.test(l)) continue;
    for (const m of l.matchAll(REVERSED)) {
      const rot = m[5] ?? m[6];
      const spelled = rot !== undefined ? rot13(rot) : [...(m[1] ?? m[2] ?? m[3] ?? m[4])].reverse().join('');
      if (!SPELLED_LOADER.test(spelled) && !/^(?:assert|passthru|shell_exec|base64_decode|proc_open)$/.test(spelled))
        continue;
      add(
        i,
        'backdoor.decoded-load',
        rot !== undefined ? 'A code loader spelled in ROT13' : 'A code loader spelled backwards',
        'critical',
        `A string ${rot !== undefined ? 'turned by ROT13' : 'reversed'} here spells "${spelled.slice(0, 40)}": a loader or a command hidden from a reader.`,
      );
      break;
    }
  }
}
const REVERSED_HINT = /reversed|strrev|::-1|reverse\(\)|rot_?13/;

/**
 * A call by a name the code does not write (`receiver.__send__(strategy, *args)`, `getattr(mod, name)(…)`)
 * in a file that lists a command runner among the receivers (`[@cache, @catalog, Kernel]`,
 * `(shutil, os)`): whoever supplies the name (a queue message, a request) reaches `system`, `exec`,
 * `popen` through the list. A dispatch over the file's own objects only is a plug-in table.
 */
const DISPATCH =
  /(?:\b__send__|\.public_send|\.send|\bmethod)\s*\(\s*(?![:'"\s])[A-Za-z_@]|\bgetattr\s*\([^,()\n]+,\s*(?!['"])[A-Za-z_]/;
const RUNNER_RECEIVER =
  /[\[(,]\s*(?:Kernel|Open3|IO|Process|os|subprocess|builtins|__builtins__|child_process|childProcess)\s*[\]),]/;
const RECEIVER_LIST =
  /(?:=|\breturn|\bin)\s*[\[(][^\])\n]*,[^\])\n]*[\])]|(?:=|\breturn|\bin)\s*[\[(][^\])\n]*[\])]\s*$/;
function runnerAmongReceivers(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  // (a collection written out and kept, returned or looped over: not an argument list, `setattr(os, …)`)
  const lists = file
    .matchingLines(new RegExp(RUNNER_RECEIVER.source, 'g'))
    .filter((i) => RECEIVER_LIST.test(file.lines[i]));
  if (!lists.length) return;
  for (const i of [...lists, ...file.matchingLines(new RegExp(DISPATCH.source, 'g'))].sort((a, b) => a - b))
    add(
      i,
      'backdoor.remote-command',
      'A command runner reached by a name from data',
      'high',
      'A method or function is called by a name the code does not write, and a command runner (Kernel, os, subprocess, child_process) is among the objects it may be found on: whoever supplies the name runs commands.',
    );
}

/** The lines that exec or eval what a URL answers, the URL written there or kept under a name. */
function runsFetched(file: SourceFile): number[] {
  const out = new Set(file.matchingLines(RUN_FETCHED));
  let values: Map<string, string> | undefined;
  for (const i of file.matchingLines(RUN_FETCHED_NAME))
    for (const m of file.lines[i].matchAll(RUN_FETCHED_NAME)) {
      const v = (values ??= assignments(file)).get(m[1].split('.').pop()!);
      if (v !== undefined && /^\s*[rbuf]?["'`]https?:\/\//.test(v)) out.add(i);
    }
  return [...out].sort((a, b) => a - b);
}

/**
 * A shell script that runs a file it made by transforming data (the xz-utils shape: a "test fixture"
 * put through `tr`, cut with `tail -c`, written out and sourced), or pipes such a transform into a
 * shell: the code that runs was never in the script. Writing a transformed file (an archive unpacked)
 * and running a file the repository holds are ordinary.
 */
const TRANSFORM =
  /\btr\s+['"-]|\b(?:tail|head)\s+-c\b|\bdd\s+[^|\n]*\b(?:skip|bs|count)=|\bxxd\s+-r\b|\bbase64\s+(?:-d|--decode|-D)\b|\bopenssl\s+(?:enc|base64)\b[^|\n]*\s-d\b|\b(?:gunzip|zcat|xzcat|unxz|lzcat)\b|\bxz\s+-[a-z]*d|\brev\b/;
const WRITTEN_TO = />\s*("[^"\n]+"|'[^'\n]+'|[^\s;|&)]+)\s*(?:[;&|)#]|$)/;
const RUN_FILE = /(?:^|[;&|]|\bthen|\bdo)\s*(?:\.|source|(?:ba|z|da)?sh|exec)\s+("[^"\n]+"|'[^'\n]+'|[^\s;|&)]+)/;
function transformedAndRun(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  const unquote = (t: string) => t.replace(/^["']|["']$/g, '');
  const made = new Map<string, number>();
  file.lines.forEach((l, i) => {
    if (l.length > 600 || /^\s*#/.test(l)) return;
    const w = TRANSFORM.test(l) ? WRITTEN_TO.exec(l) : null;
    if (w && !/\/dev\/null/.test(w[1])) made.set(unquote(w[1]), i);
    // (piped straight into a shell: `tr … < fixture | sh`)
    const piped =
      TRANSFORM.test(l) && /\|\s*(?:sudo\s+)?(?:"?\$\{?SHELL\b|(?:ba|z|da)?sh\b|source\s+\/dev\/stdin)/.test(l);
    const r = RUN_FILE.exec(l);
    const at = r ? made.get(unquote(r[1])) : undefined;
    if (!piped && at === undefined) return;
    if (at !== undefined)
      add(
        at,
        'backdoor.decoded-load',
        'A file made from transformed data',
        'critical',
        'This line writes a file made by transforming data (tr, tail -c, dd, a decoder); the script then runs it: code that was never in the script.',
      );
    add(
      i,
      'backdoor.decoded-load',
      'Transformed data run as a script',
      'critical',
      'The script runs what a transform of data (tr, tail -c, dd, a decoder) produced: the shape of the xz-utils backdoor, code hidden in a "test file" and assembled at build time.',
    );
  });
}

/**
 * A package installed while the program runs (`execFileSync('npm', ['install', …])`, `pip install` in a
 * subprocess) from a registry written in the code that is not the public one: whatever that server
 * serves under the name, its install scripts included, runs here, and it changes without a commit.
 * A registry set for people (an .npmrc, docs) with no install run by the code is not one.
 */
const RUNTIME_INSTALL =
  /\b(?:execFileSync|execFile|execSync|exec|spawnSync|spawn|check_call|check_output|call|run|Popen|system|Command|ProcessBuilder|Process\.Start)\s*\(\s*\[?\s*(?:sys\.executable\s*,\s*['"]-m['"]\s*,\s*)?['"`](?:npm|pnpm|yarn|pip3?|python3?|gem|cargo|composer|dotnet)\b/;
const REGISTRY_WORDS = /registry|index[-_]url|extra[-_]index|--source|gem\s+sources/;
const CUSTOM_REGISTRY =
  /\b(?:registry|index[-_]?url|extra[-_]index[-_]url|source)['"]?\s*[:=]\s*['"`]https?:\/\/(?!(?:registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org|files\.pythonhosted\.org|rubygems\.org|crates\.io|repo\.packagist\.org|api\.nuget\.org)[/'"`])|--(?:registry|index-url|extra-index-url|source)[= ]\$?\{?[\w.]*(?:registry|index|url|source)\w*\}?|--(?:registry|index-url|extra-index-url)[= ]https?:\/\/(?!(?:registry\.npmjs\.org|pypi\.org)[/\s'"`])/gi;
function registryInstalls(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  for (const i of file.matchingLines(CUSTOM_REGISTRY)) {
    if (file.lines[i].length > 600 || /^\s*(?:#|\/\/|\*|\/\*)/.test(file.lines[i])) continue;
    add(
      i,
      'backdoor.download-exec',
      'Packages installed at run time from a registry written in the code',
      'medium',
      "The program installs packages while it runs from a registry named here, not the public one: what that server serves under the name (install scripts included) runs with this program's rights and changes without a commit.",
    );
  }
}

/**
 * A hex or base64 literal that decodes to a command or to code (`"69643b206563686f…"` is `id; echo …`):
 * readable text nobody encodes except to keep it from a reader. Test vectors, images, keys and
 * certificates decode to bytes, and encoded settings (JSON, a greeting) name no command.
 * Read only in files that can run something (a runner's or a shell's word).
 */
const ENCODED_LITERAL = /["'`]((?:[0-9a-fA-F]{2}){8,200}|[A-Za-z0-9+/]{16,400}={0,2})["'`]/g;
/** Two such pieces put together on a line: each may be shorter than a whole literal the test reads. */
const CUT_LITERAL = /["'][A-Za-z0-9+/=]{4,}["']\s*(?:[+.]\s*)?["'][A-Za-z0-9+/=]{4,}["']/g;
const RUNS_SOMETHING =
  /\b(?:exec\w*|eval|system|popen|spawn\w*|subprocess|Function|sh|bash|SHELL|source|Invoke-Expression|iex)\b/;
const COMMAND_TEXT =
  /^\s*(?:id|whoami|uname|echo|curl|wget|sh|bash|rm|chmod|nc|python\d?|perl|ruby|node|powershell|cmd)\b|[;&|]\s*(?:id|whoami|echo|curl|wget|sh|bash|rm|nc|chmod)\b|\b(?:child_process|subprocess|os\.system|Runtime\.getRuntime|\/bin\/(?:ba)?sh|\/dev\/tcp|import\s+os|exec\s*\(|eval\s*\(|require\s*\()/;

function encodedCommands(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  if (!occurs(RUNS_SOMETHING, file.text)) return;
  const lines = new Set([...file.matchingLines(ENCODED_LITERAL), ...file.matchingLines(CUT_LITERAL)]);
  for (const i of [...lines].sort((a, b) => a - b)) {
    const l = file.lines[i];
    if (l.length > 2000) continue;
    // (a literal cut in two and put together, `"aWQ7IGVj" + "aG8="` or Python's `"…" "…"`, is read whole)
    const joined = l.replace(/(["'])\s*(?:[+.]\s*)?\1/g, '');
    for (const m of joined.matchAll(ENCODED_LITERAL)) {
      // (base64 with its padding dropped decodes the same: the length is not asked)
      const hex = /^[0-9a-fA-F]+$/.test(m[1]);
      const text = Buffer.from(m[1], hex ? 'hex' : 'base64').toString('latin1');
      if (text.length < 6 || !/^[\x20-\x7e\t\r\n]+$/.test(text) || !COMMAND_TEXT.test(text)) continue;
      add(
        i,
        'backdoor.decoded-load',
        'A command hidden in an encoded literal',
        'high',
        `This ${hex ? 'hex' : 'base64'} literal decodes to "${text.slice(0, 60)}": a command or code kept from a reader.`,
      );
      break;
    }
  }
}

/**
 * A list of character codes (`[99, 104, 105, …]`) or of short string pieces (`['met', 'sys']`) that,
 * read as characters, joined in order or backwards, spells a code runner: the name is kept apart from
 * the code that assembles it (`String.fromCharCode.apply(null, t)` in a helper, `strrev(implode('', $p))`
 * a line below), where no line holds both. Nobody keeps a name they mean to read in pieces like these.
 * A list whose own pieces are runner names (`['exec', 'spawn']`, a list of names) is not one.
 */
const CODE_LIST = /[\[{(]\s*((?:\d{2,3}\s*,\s*){3,}\d{2,3})\s*,?\s*[\]})]/g;
const PIECE_LIST = /[\[{(]\s*((?:(["'])[^"'\n]{1,8}\2\s*,\s*){1,7}(["'])[^"'\n]{1,8}\3)\s*,?\s*[\]})]/g;
/** Words of the code that turns such a list back into a name: a list is read only in a file holding one. */
const CODE_LIST_HINT = /fromCharCode|\bchr\b|\bbytes\s*\(|\.pack\s*\(|\(char\)|\bchar\s*\(|\bString\s*\(|\bbytearray\b/;
const PIECE_LIST_HINT = /strrev|reverse|\bjoin\b|\bimplode\b|::-1|\bconcat\b/;
const RUNNER_NAME = (s: string) =>
  SPELLED_LOADER.test(s) || /^(?:assert|passthru|shell_exec|proc_open|execFileSync|spawnSync)$/.test(s);

/** A row of character codes, wherever a list of them is cut into lines. */
const CODE_ROW = /\b\d{2,3}\s*,\s*\d{2,3}\s*,\s*\d{2,3}\b/g;
/**
 * The lines where a list may start: the regex's own matches, and for codes, the line that opens the
 * bracket above a row of them (a list over several lines with comments after items: the regex over the
 * raw text stops at the first comment).
 */
function listStarts(file: SourceFile, re: RegExp): number[] {
  const out = new Set(file.matchingLines(re));
  if (re === CODE_LIST)
    for (const i of file.matchingLines(CODE_ROW))
      for (let k = i; k >= 0 && k >= i - 12; k--)
        if (/[\[{(][^\]})]*$/.test(file.lines[k])) {
          out.add(k);
          break;
        }
  return [...out].sort((a, b) => a - b);
}

function spelledLists(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  const lists: [RegExp, (m: RegExpMatchArray) => string[]][] = [];
  if (occurs(CODE_LIST_HINT, file.text))
    lists.push([
      CODE_LIST,
      (m) => {
        const codes = m[1].split(',').map((x) => Number(x.trim()));
        return codes.some((c) => c < 32 || c > 126) ? [] : [String.fromCharCode(...codes)];
      },
    ]);
  if (occurs(PIECE_LIST_HINT, file.text))
    lists.push([
      PIECE_LIST,
      (m) => {
        const pieces = [...m[1].matchAll(/["']([^"'\n]*)["']/g)].map((p) => p[1]);
        if (pieces.some(RUNNER_NAME)) return [];
        const joined = pieces.join('');
        return [joined, [...pieces].reverse().join(''), [...joined].reverse().join('')];
      },
    ]);
  for (const [re, spell] of lists)
    for (const i of listStarts(file, re)) {
      const l = file.lines[i];
      if (l.length > 2000 || /^\s*(?:#|\/\/|\*|\/\*)/.test(l)) continue;
      // (a list written over several lines, a comment after an item, is read from its line on)
      const from = file.lines
        .slice(i, i + 12)
        .join('\n')
        .replace(/([,\[({])[ \t]*(?:\/\/|#)[^\n]*/g, '$1');
      const spelled = [...from.matchAll(re)]
        .filter((m) => (m.index ?? 0) < l.length)
        .flatMap(spell)
        .find(RUNNER_NAME);
      if (spelled === undefined) continue;
      add(
        i,
        'backdoor.decoded-load',
        'A code loader kept in pieces',
        'critical',
        `The list here spells "${spelled.slice(0, 40)}" once put together: a loader's name hidden from a reader.`,
      );
    }
}

// (the words of the decode tests go into the scan's automaton: a file without them is not read for them)
prefilterProvider(() => [
  DECODE,
  MORE_DECODE,
  CHAR_CODES,
  LOADER_VALUE,
  REVERSED_HINT,
  CODE_LIST_HINT,
  PIECE_LIST_HINT,
]);
prefilterProvider(() => [PIPE_WORDS], true);
prefilterProvider(() => [FETCH_WORDS, RUNS_SOMETHING, DISPATCH, RUNNER_RECEIVER, REGISTRY_WORDS, TRANSFORM]);
