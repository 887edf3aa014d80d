/**
 * Remote control (issue 21, items 1 and 3): what the code reads from the network (a reply of a server
 * it calls, a line from a socket, a feed it polls) reaches a command or code runner in the same file,
 * through assignments, loops, decoded structures, buffers filled by `recv` and the parameters of the
 * file's own functions. A heartbeat whose reply sets an interval, a console that answers a fixed set of
 * commands, and a request handler (a server's own request is an injection question, not this) are not
 * findings.
 *   backdoor.remote-command   a value read from the network runs as a shell command or as code
 * Fixtures: src/analyzers/fixtures/backdoor.remote.*
 */
import type { Finding, Severity } from '../../engine/types.ts';
import type { SourceFile } from '../source.ts';
import { linesWith, oncePerLine } from './vocabulary.ts';
import { occurs, prefilterProvider } from '../literals.ts';
import { DEF, RETURN, enclosing, implicitReturn, splitArgs, functionsOf } from './calls.ts';

/** Reading what a server or a peer sent: a socket, a response body, a fetched text. */
const NET_READ =
  /\brecv(?:from|msg)?\s*\(|\.recv\s*\(|\.makefile\s*\(|\bsocket_read\s*\(|\bfgets\s*\(\s*\$(?:sock|conn|fp|s)\w*|\bgetInputStream\s*\(\s*\)|\.Body\b|\b(?:GetStringAsync|ReadAsStringAsync|DownloadString\w*|ReceiveAsync|ReadLineAsync)\s*\(|\burlopen\s*\([^)\n]*\)\s*\.read\s*\(|\brequests\.(?:get|post)\s*\([^\n]*\)\s*\.(?:text|content|json\s*\()|\b(?:resp|response|res|reply|r)\s*\.\s*(?:json|text)\s*\(\s*\)|\b(?:resp|response|reply)\s*\.\s*read\s*\(\s*\)|\bNet::HTTP\.get\b|\bURI\.open\s*\([^)\n]*\)\s*\.read\b|\bread_line\s*\(|\bread_to_string\s*\(\s*&mut\s+\w*(?:stream|sock|conn)\w*|\.text\s*\(\s*\)\s*\.await|\bfile_get_contents\s*\(\s*['"]https?:|\bNet::HTTP\.get_response\b|\b(?:GetByteArrayAsync|GetStreamAsync|DownloadData\w*)\s*\(|\bresolver\.(?:resolve|query)\s*\([^)\n]*["']TXT["']|\bresolveTxt\w*\s*\(|\bLookupTXT\s*\(|\.(?:ReadMessage|ReadJSON)\s*\(/;
const NET_READ_G = new RegExp(NET_READ.source, 'g');
/** Running a shell command or code from a string. */
const RUNNER =
  /\bexec\.Command(?:Context)?\s*\(|\bsubprocess\.\w+\s*\(|\bos\.(?:system|popen)\s*\(|(?<![\w.])(?:popen|system|shell_exec|passthru|proc_open|execSync|exec|spawn|spawnSync|execFile|eval)\s*\(|\b(?:child_process|childProcess|cp)\.(?:exec|execSync|spawn|spawnSync|execFile)\s*\(|\bRuntime\.getRuntime\(\)\.exec\s*\(|\bProcessBuilder\s*\(|\bProcess\.Start\s*\(|\bProcessStartInfo\s*\(|\bIO\.popen\s*\(|\bOpen3\.\w+\s*\(|\bCommand::new\s*\(|\.arg\s*\(|\bnew\s+Function\s*\(|(?<![\w.])compile\s*\(|\b(?:class_eval|instance_eval|module_eval)\s*[({]?|\bAssembly\.Load\w*\s*\(|(?<![\w.])(?:require|import)\s*\(\s*(?!["'`])/;
/** A runner given a fixed program and a list of arguments runs that program, not the text: the shell's name is what matters. */
const FIXED_PROGRAM =
  /\bsubprocess\.\w+\s*\(\s*\[\s*["'](?!(?:\/bin\/|\/usr\/bin\/)?(?:ba|z|da|k)?sh\b)|\b(?:exec\.Command(?:Context)?|Command::new|ProcessBuilder|ProcessStartInfo|spawn|spawnSync|execFile)\s*\(\s*(?:\w+\s*,\s*)?["'`](?!(?:\/bin\/|\/usr\/bin\/)?(?:ba|z|da|k)?sh\b|cmd(?:\.exe)?\b|powershell|pwsh)[^"'`]*["'`]/;
const SHELL_BUILDER = /\bCommand::new\s*\(\s*"(?:\/bin\/)?(?:ba|z|da)?sh"|\bCommand::new\s*\(\s*"(?:cmd|powershell)/;
const ASSIGN =
  /^\s*(?:(?:const|let|var|val|my|local|auto|final|static|mut|char|string|String|std::string)\s+)*(?:[\w<>\[\],.:*&]+\s+)??\$?([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?::\s*[^=\n]{1,40}?)?\s*(?::=|=(?!=))\s*(.*)$/;
/** The first of several names assigned at once (`body, err := io.ReadAll(resp.Body)`). */
const MULTI = /^\s*(?:var\s+|let\s+|my\s+)?\(?\s*([A-Za-z_]\w*)\s*,\s*[A-Za-z_]\w*\s*\)?\s*:?=(?!=)\s*(.*)$/;
/** A loop over values: its variable takes what the collection holds. */
const FOREACH =
  /\bfor\s*\(?\s*(?:(?:const|let|var|auto|final)\s+)?(?:[\w<>\[\],.:*&]+\s+)?\(?\s*(?:\w+\s*,\s*)?\$?([A-Za-z_]\w*)\s*\)?\s*(?:in|of|:)\s+(.*)$|\bforeach\s*\(\s*(?:var\s+|[\w<>\[\].]+\s+)?\$?([A-Za-z_]\w*)\s+in\s+(.*)$|\bforeach\s*\(\s*(.*?)\s+as\s+(?:\$\w+\s*=>\s*)?\$([A-Za-z_]\w*)|\bfor\s+\w+\s*,\s*([A-Za-z_]\w*)\s*:?=\s*range\s+(.*)$|\.(?:each|forEach|for_each|map)\s*\(?\s*(?:\{|\bdo\b)?\s*(?:\|\s*|\(\s*)?([A-Za-z_]\w*)/;
/** A buffer or structure filled in place: `recv(fd, buf, …)`, `Decode(&r)`, `read(fd, buf, n)`. */
const FILL =
  /\b(?:recv|recvfrom|read|fread|Read|ReadFull)\s*\(\s*[\w.]+\s*,\s*&?([A-Za-z_]\w*)|\bDecode\s*\(\s*&?([A-Za-z_]\w*)/;
/** A structure decoded in place from a value: `json.Unmarshal(data, &cmd)` makes `cmd` what `data` held. */
const UNMARSHAL = /\b(?:Unmarshal|Deserialize\w*|decode)\s*\(\s*([A-Za-z_][\w.]*)\s*,\s*&?([A-Za-z_]\w*)/;
/** All the names a Go or Python line assigns at once (`_, data, err := conn.ReadMessage()`). */
const NAMES = /^\s*(?:var\s+)?([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*:?=(?!=)\s*(.*)$/;

/** Fetching from the network (a download's first half): a client library, or curl or wget run as a program. */
const DOWNLOAD =
  /\b(?:Command::new|exec\.Command(?:Context)?|ProcessBuilder|spawn\w*|execFile\w*)\s*\(\s*(?:\w+\s*,\s*)?["'`](?:curl|wget)["'`]|\bsubprocess\.\w+\s*\(\s*\[\s*["'](?:curl|wget)["']|\bhttps?\.get\s*\(|\.get\s*\(\s*\w*(?:url|Url|URL|uri|Uri)\b|\bURI\.open\s*\(|\burlretrieve\s*\(|\brequests\.get\s*\(|(?<![\w.])fetch\s*\(|\bNet::HTTP\b|\breqwest::|\bhttp\.Get\s*\(|\b[Dd]ownload(?:File|Data|To|_to|_file)?\w*\s*\(\s*["'`]https?:|\bDownload(?:File|Data)\w*\s*\(|\burlopen\s*\(/;
/** Writing a file at a path given by name (a download's second half): the path's name. */
const WRITE_PATH =
  /\b(?:File\.(?:binwrite|write)|createWriteStream|writeFileSync|writeFile|WriteAllBytes|os\.Create|os\.OpenFile|os\.WriteFile|File\.Create|fs::write|File::create)\s*\(\s*([A-Za-z_]\w*)\s*[,)]|\b(?:urlretrieve|DownloadFile\w*|[Dd]ownload(?:To|_to|_file)?)\s*\([^,\n]+,\s*([A-Za-z_]\w*)\s*[,)]|["'](?:-o|-O|--output)["']\s*(?:\]\s*\)\s*\.arg\s*\(|,)\s*&?([A-Za-z_]\w*)/;
/** Loading a native library or plugin from a path: the library's code runs as it loads. */
const LOADER =
  /\b(?:dlopen|LoadLibrary\w*|CDLL|WinDLL|cdll\.LoadLibrary|System\.load(?:Library)?|NativeLibrary\.(?:Load|TryLoad)|Library::new|libloading::Library::new|ffi\.dlopen|Assembly\.LoadFrom|load(?:One|Plugin|Library|Module|Extension)?)\s*\(/;
/** A download of a native library, a plugin or a script by its name (`…/latest/libcodec_compat.so`). */
const CODE_URL = /["'`]https?:\/\/[^"'`\s]+\.(?:so(?:\.\d+)*|dll|dylib|bundle|jar|node|wasm|sh|ps1|py|js)["'`]/;

/**
 * A function that runs its own parameter as a shell command, registered as a handler in a table of
 * settings or messages (`"sync.post_hook": afterSync` beside `"log.level": setLevel`): whoever sets that
 * key (a remote flag service, a queue, a config file) runs commands. A runner given a fixed program,
 * or a function nobody puts in a table, is not one.
 */
const SHELL_PARAM =
  /\bexec\.Command(?:Context)?\s*\((?:\s*\w+\s*,)?\s*"(?:\/bin\/|\/usr\/bin\/)?(?:ba|z|da)?sh"\s*,\s*"-c"\s*,\s*(\w+)\s*\)|\bsubprocess\.\w+\(\s*(\w+)\s*,[^)\n]*shell\s*=\s*True|\bos\.(?:system|popen)\(\s*(\w+)\s*\)|\b(?:child_process\.|cp\.)?(?:exec|execSync)\(\s*(\w+)\s*[,)]|\b(?:system|popen|shell_exec|passthru)\(\s*\$?(\w+)\s*[,)]|\bCommand::new\(\s*"(?:ba)?sh"\s*\)\s*\.arg\(\s*"-c"\s*\)\s*\.arg\(\s*&?(\w+)\s*\)/;
/**
 * A handler written in its table's entry: a key given a lambda (`"apply.after": (v) => execSync(v)`,
 * `'x' => ->(v) { system(v) }`, `"x": lambda v: os.system(v)`); its parameter, in the first group found.
 */
const KEYED_LAMBDA =
  /["'][^"'\n]+["']\s*(?::|=>)\s*(?:lambda\s+(\w+)\s*:|(?:async\s+)?\(?\s*(\w+)(?:\s*:\s*[\w<>[\]]+)?\s*\)?\s*=>|->\s*\(?\s*(\w+)\s*\)?\s*(?:\{|do\b)|(?:proc|lambda)\s*(?:\{|do)\s*\|\s*(\w+)\s*\||func\s*\(\s*(\w+)\s+string\s*\))/;
function shellHandlers(file: SourceFile, out: Finding[]): void {
  const lines = file.lines;
  const params = functionsOf(lines, file.language === 'go');
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-78',
    'Take the command out of the settings: run fixed, reviewed programs only.',
  );
  for (const i of file.matchingLines(new RegExp(SHELL_PARAM.source, 'g'))) {
    const m = SHELL_PARAM.exec(lines[i]);
    const arg = m && m.slice(1).find((x) => x !== undefined);
    const lambda = KEYED_LAMBDA.exec(lines[i]);
    if (arg && lambda?.slice(1).find((x) => x !== undefined) === arg) {
      const why =
        'A key of a table is given a function that runs its value as a shell command: whoever sets that key runs commands here.';
      add(i, 'backdoor.remote-command', 'A settings or message handler runs its value as a command', 'high', why);
      continue;
    }
    const fn = enclosing(lines, i);
    if (!arg || !fn || !params.get(fn)?.includes(arg)) continue;
    const entry = new RegExp(
      `["'][^"'\\n]+["']\\s*(?::|=>|,)\\s*&?(?:self\\.|this\\.|s\\.)?${fn}\\s*[,}\\])]|["'][^"'\\n]+["']\\s*(?::|=>)\\s*&?(?:self\\.|this\\.|s\\.)?${fn}\\s*$`,
    );
    const table = lines.findIndex((l) => entry.test(l));
    if (table < 0) continue;
    const why = `${fn} runs its argument as a shell command and is the handler of a key in a table (line ${table + 1}): whoever sets that key runs commands here.`;
    add(i, 'backdoor.remote-command', 'A settings or message handler runs its value as a command', 'high', why);
    add(table, 'backdoor.remote-command', 'A key whose value is run as a command', 'high', why);
  }
}

export function analyzeRemote(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  downloadedThenRun(file, out);
  if (occurs(SHELL_PARAM, file.text)) shellHandlers(file, out);
  if (file.language !== 'bash') packageCommands(file, out);
  if (occurs(PLAIN_INDEX, file.text) || occurs(UNCHECKED_INDEX, file.text)) insecureIndex(file, out);
  // (the scan's automaton says first whether the file reads the network and runs anything at all)
  if (!occurs(NET_READ, file.text) || !occurs(RUNNER, file.text)) return out;
  const lines = file.lines.map((l) =>
    l.length > 600 || /^\s*(?:\/\/|#(?![{!\[])|\*|\/\*)/.test(l) ? '' : l.replace(/(?:\/\/|#(?![{!\[])).*$/, ''),
  );
  const reads = linesWith(file, NET_READ_G).filter((i) => NET_READ.test(lines[i]));
  if (!reads.length) return out;
  const tainted = new Set<string>();
  const params = functionsOf(lines, file.language === 'go');
  // (the file's functions that return what the network sent: a call of one is a read, `knob = exporter_config()`)
  const returning = new Set<string>();
  const mentions = (text: string) =>
    [...text.matchAll(/(?<![\w.$])\$?[A-Za-z_]\w*/g)].some((m) => tainted.has(m[0].replace(/^\$/, ''))) ||
    (returning.size > 0 && [...text.matchAll(/([A-Za-z_]\w*)\s*\(/g)].some((m) => returning.has(m[1])));
  const implicit = file.language === 'ruby' || file.language === 'rust';
  // (an entry of the file's own table picked by a value read is the table's, not the value: `diagnostics[cmd.Arg]`)
  const lookedUp = (text: string) =>
    text.replace(/([A-Za-z_][\w.]*)\s*\[[^\]\n]*\]/g, (m, base: string) =>
      tainted.has(base.split('.')[0]) ? m : ` ${base} `,
    );
  const taint = (i: number, fromRead: boolean) => {
    const c = lines[i];
    const a = ASSIGN.exec(c) ?? MULTI.exec(c);
    if (a && (fromRead || mentions(lookedUp(a[2])))) tainted.add(a[1]);
    const all = NAMES.exec(c);
    if (all && (fromRead || mentions(lookedUp(all[2]))))
      for (const n of all[1].split(',').map((x) => x.trim())) if (n !== '_' && n !== 'err') tainted.add(n);
    const u = UNMARSHAL.exec(c);
    if (u && (fromRead || mentions(u[1]))) tainted.add(u[2]);
    // (a function that returns the value read: its callers read it too)
    const r = RETURN.exec(c) ?? (implicit ? implicitReturn(lines, i) : null);
    if (r && (fromRead || mentions(r[1]))) {
      const fn = enclosing(lines, i);
      if (fn) returning.add(fn);
    }
    const f = FILL.exec(c);
    if (f && fromRead) tainted.add(f[1] ?? f[2]);
    const l = FOREACH.exec(c);
    if (l) {
      const name = l[1] ?? l[3] ?? l[6] ?? l[7] ?? l[9];
      const over = l[2] ?? l[4] ?? l[5] ?? l[8] ?? c;
      if (name && (fromRead || mentions(over))) tainted.add(name);
    }
    // (a tainted argument taints the parameter of the file's own function it is passed to)
    for (const m of c.matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
      const ps = params.get(m[1]);
      if (!ps) continue;
      splitArgs(c, (m.index ?? 0) + m[0].length).forEach((arg, k) => {
        if (ps[k] && (mentions(arg) || (fromRead && /\w/.test(arg) && NET_READ.test(arg)))) tainted.add(ps[k]);
      });
    }
  };
  for (const i of reads) taint(i, true);
  // (four passes reach what a file of helpers passes on: read, decode, loop, call)
  for (let pass = 0; pass < 5 && tainted.size + returning.size; pass++) {
    const before = tainted.size + returning.size;
    const names = [...tainted, ...returning].filter((n) => /^[A-Za-z_]\w*$/.test(n)).slice(0, 200);
    for (const i of file.matchingLines(new RegExp(`\\b(?:${names.join('|')})\\b`, 'g'))) taint(i, false);
    if (tainted.size + returning.size === before) break;
  }
  if (!tainted.size && !returning.size) return out;
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-912',
    'Run only fixed, named actions chosen from what the server sends; never its text as a command or code.',
  );
  const names = [...tainted, ...returning].filter((n) => /^[A-Za-z_]\w*$/.test(n)).slice(0, 200);
  for (const i of file.matchingLines(new RegExp(`\\b(?:${names.join('|')})\\b`, 'g'))) {
    const c = lines[i];
    const at = c.search(RUNNER);
    if (at < 0) continue;
    const call = c.slice(at);
    if (FIXED_PROGRAM.test(call) || !mentions(call.replace(RUNNER, ' '))) continue;
    // (a builder's argument counts where the builder runs a shell: `Command::new("sh").arg("-c").arg(x)`)
    if (/^\.arg\s*\(/.test(call) && !SHELL_BUILDER.test(lines.slice(Math.max(0, i - 4), i + 1).join(' '))) continue;
    // (`compile` runs code only as Python's builtin with an exec mode; a regex compile is not one)
    if (/^compile\s*\(/.test(call) && !/["']exec["']/.test(call)) continue;
    add(
      i,
      'backdoor.remote-command',
      'Command or code from the network is run',
      'high',
      'What a server or a socket sends is run as a shell command or as code: whoever controls that endpoint controls this machine (a remote-control channel).',
    );
  }
  return out;
}

/**
 * A file written from a download and then run (issue 21, supply-chain code in install and build
 * scripts): the path a download is written to (in the same function as the fetch), followed through
 * the calls that pass it to that function, named in a command the file runs.
 *   backdoor.download-exec   a downloaded file is executed
 */
function downloadedThenRun(file: SourceFile, out: Finding[]): void {
  if (!occurs(DOWNLOAD, file.text) || !occurs(WRITE_PATH, file.text)) return;
  if (!occurs(RUNNER, file.text) && !(LOADER.test(file.text) && CODE_URL.test(file.text))) return;
  const lines = file.lines.map((l) => (l.length > 600 || /^\s*(?:\/\/|#(?![{!\[])|\*|\/\*)/.test(l) ? '' : l));
  const params = functionsOf(lines, file.language === 'go');
  const paths = new Set<string>();
  lines.forEach((l, i) => {
    const w = WRITE_PATH.exec(l);
    const name = w?.[1] ?? w?.[2] ?? w?.[3];
    if (!name || !lines.slice(Math.max(0, i - 8), i + 8).some((x) => DOWNLOAD.test(x))) return;
    paths.add(name);
    // (the path is a parameter of the function that downloads: the callers' arguments in its place)
    for (let k = i; k >= 0 && k >= i - 30; k--) {
      const d = DEF.exec(lines[k]);
      if (!d) continue;
      const fn = d[1] ?? d[3] ?? d[5];
      const at = params.get(fn)?.indexOf(name) ?? -1;
      if (at >= 0)
        for (const c of file.text.matchAll(new RegExp(`\\b${fn}\\s*\\(`, 'g'))) {
          const arg = splitArgs(file.text, (c.index ?? 0) + c[0].length)[at]?.trim();
          if (arg && /^[A-Za-z_]\w*$/.test(arg) && arg !== name) paths.add(arg);
        }
      break;
    }
  });
  if (!paths.size) return;
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-494',
    'Ship what the package needs inside it; never fetch and run code at install or build time.',
  );
  // (the downloaded path is the program run, not an argument: `tar xzf archive` unpacks a download, it does not run it)
  const alts = [...paths].join('|');
  // (or given to an interpreter as the script to run: `Command::new("sh").arg(&script)`, `["bash", path]`)
  const named = new RegExp(
    `^\\s*\\(?\\s*(?:\\[\\s*)?(?:["'\`]\\s*)?\\$?\\{?(?:${alts})\\b|` +
      `^\\s*\\(?\\s*\\[?\\s*["'\`](?:/bin/|/usr/bin/)?(?:(?:ba|z|da)?sh|python3?|node|perl|ruby|pwsh|powershell)["'\`]\\s*\\)?` +
      `\\s*(?:\\.\\s*args?\\s*\\(\\s*|,\\s*)\\[?\\s*&?["'\`]?\\$?\\{?(?:${alts})\\b`,
  );
  // (or loaded as a library or plugin, where what was downloaded is code by its name: `download("…/lib.so", shim)`
  // then `loadOne(shim)`; a downloaded JSON given to `load` is data)
  const loaded = new RegExp(`${LOADER.source}\\s*&?(?:${alts})\\b`);
  const codeFetched = CODE_URL.test(file.text);
  lines.forEach((l, i) => {
    const at = l.search(RUNNER);
    const runs = at >= 0 && !WRITE_PATH.test(l) && named.test(l.slice(at).replace(RUNNER, ' '));
    const loads = codeFetched && !WRITE_PATH.test(l) && loaded.test(l);
    if (runs || loads)
      add(
        i,
        'backdoor.download-exec',
        'A downloaded file is run',
        'high',
        'A file written from a download is executed or loaded as code: whoever serves that URL (or intercepts it) runs code here, at install or build time.',
      );
  });
}

/**
 * A package manager's install, run by the code, from an index, registry or URL written in it
 * (`pip install --index-url http://…`, `npm install https://…`): what that server serves runs at
 * install time, here, whenever the code runs. A build script in shell installs on purpose; code does not.
 */
const INSTALL_FROM =
  /\b(?:pip3?|npm|gem|yarn|pnpm)\b["',\s]+(?:["',\s-]+\w+)*?\binstall\b[^\n]*(?:--(?:extra-)?index-url|--registry|--source|["'\s]-i["'\s]|git\+|https?:\/\/)/;
/**
 * A package manager's source or integrity switched by the code (`bundle config set mirror.https://rubygems.org
 * …`, `disable_checksum_validation`, `npm config set registry …`, `pip config set global.index-url …`,
 * `go env -w GOPROXY=…`, `GONOSUMDB`): every later install takes what that server serves, unchecked.
 */
const SOURCE_SWITCH =
  /\b(?:bundle|bundler)\b["',\s]+config\b[^\n]*(?:\bmirror\.|disable_checksum_validation|\bssl_verify_mode)|\b(?:npm|yarn|pnpm)\b["',\s]+config\b["',\s]+set\b["',\s]+(?:registry|strict-ssl|@[\w-]+:registry)\b|\bpip3?\b["',\s]+config\b["',\s]+set\b["',\s]+global\.(?:index-url|extra-index-url|trusted-host)\b|\bgem\b["',\s]+sources\b["',\s]+(?:--add|-a)\b|\bgo\b["',\s]+env\b["',\s]+-w\b["',\s]+(?:GOPROXY|GONOSUMDB|GONOSUMCHECK|GOSUMDB|GOINSECURE|GOFLAGS)\b/;
/** A command given as separate words to a call: `sh!("bundle", "config", …)`, `run(["npm", "config", …])`. */
const SPLIT_COMMAND = /\w[!?]?\s*\(\s*\[?\s*["'](?:bundle|bundler|npm|yarn|pnpm|pip3?|gem|go)["']\s*,/;
/**
 * The lines where the code itself runs a package manager command `re` matches: a runner on the line or
 * opening the call a line or two above, or the command given as separate words to a call (`split`).
 */
function packageCommandsRun(file: SourceFile, re: RegExp, split = false): number[] {
  return file.matchingLines(new RegExp(re.source, 'g')).filter((i) => {
    const l = file.lines[i];
    if (l.length > 1000 || /^\s*(?:#|\/\/|\*)/.test(l)) return false;
    return (split && SPLIT_COMMAND.test(l)) || file.lines.slice(Math.max(0, i - 2), i + 1).some((x) => RUNNER.test(x));
  });
}

/** The package-manager commands code must not run, as data: what each matches, and what is said of it. */
const PACKAGE_COMMANDS: { re: RegExp; split: boolean; title: string; message: string; fix: string }[] = [
  {
    re: INSTALL_FROM,
    split: false,
    title: 'A package installed at run time from a server named in the code',
    message:
      'The code runs a package manager install from an index, registry or URL written in it: whatever that server serves runs here, every time this code runs.',
    fix: 'Declare dependencies in the package manifest, pinned; never install packages from code at run time.',
  },
  {
    re: SOURCE_SWITCH,
    split: true,
    title: "A package manager's source or checksums switched by the code",
    message:
      'The code points a package manager at another server, or turns its checksum checks off: every later install takes what that server serves.',
    fix: 'Configure package sources in reviewed project files, with checksums on; never from code at run time.',
  },
];
function packageCommands(file: SourceFile, out: Finding[]): void {
  for (const c of PACKAGE_COMMANDS) {
    if (!occurs(c.re, file.text)) continue;
    const add = oncePerLine(file, out, () => 'CWE-494', c.fix);
    for (const i of packageCommandsRun(file, c.re, c.split))
      add(i, 'backdoor.download-exec', c.title, 'high', c.message);
  }
}

/**
 * A package index used without TLS or without checksums, wherever it is set (an environment variable, a flag,
 * a config file or command; build scripts and CI files too): `PIP_EXTRA_INDEX_URL=http://198.51.100.41/simple`,
 * `PIP_TRUSTED_HOST`, `GONOSUMDB=*`, `GOSUMDB=off`, `npm_config_strict_ssl=false`. Whoever is on the path
 * serves the packages every install takes. (An index over https, by name, is a company mirror: not one.)
 */
const PLAIN_INDEX =
  /\b(?:PIP_(?:EXTRA_)?INDEX_URL|UV_(?:EXTRA_)?INDEX_URL|(?:npm|NPM)_(?:config|CONFIG)_(?:registry|REGISTRY)|YARN_REGISTRY|GOPROXY|index-url|extra-index-url|registry)["']?\s*[=:\s]\s*["']?(?:[^\s"',]*,)?http:\/\/(?!(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])[:/])/;
const UNCHECKED_INDEX =
  /\b(?:PIP_TRUSTED_HOST|UV_INSECURE_HOST|trusted-host|GOINSECURE|GONOSUMDB|GONOSUMCHECK)\b|\bGOSUMDB\s*=\s*["']?off\b|\bGOFLAGS\s*=[^\n]*\s?-insecure\b|\b(?:npm_config_strict_ssl|NPM_CONFIG_STRICT_SSL)\s*=\s*["']?false\b|\bstrict-ssl["']?\s*[=\s]\s*["']?false\b/;
/** The two checks, as the lines they stand on are found (global regexes, made once). */
const INDEX_CHECKS: [RegExp, Severity, string][] = [
  [
    new RegExp(PLAIN_INDEX.source, 'g'),
    'high',
    'over plain http: whoever is on the path serves the packages every install takes',
  ],
  [
    new RegExp(UNCHECKED_INDEX.source, 'g'),
    'medium',
    "with TLS or checksum checks off: the index's answers are taken unchecked",
  ],
];
function insecureIndex(file: SourceFile, out: Finding[]): void {
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-494',
    'Use package indexes over https with checksums on; configure a mirror in reviewed project files.',
  );
  for (const [re, severity, how] of INDEX_CHECKS)
    for (const i of file.matchingLines(re)) {
      const l = file.lines[i];
      if (l.length > 1000 || /^\s*(?:#|\/\/|\*|;)/.test(l)) continue;
      add(
        i,
        'backdoor.download-exec',
        'A package index used without TLS or checksums',
        severity,
        `A package manager is pointed at an index ${how}.`,
      );
    }
}

prefilterProvider(() => [SHELL_PARAM]);
prefilterProvider(() => [
  NET_READ,
  RUNNER,
  DOWNLOAD,
  WRITE_PATH,
  INSTALL_FROM,
  SOURCE_SWITCH,
  PLAIN_INDEX,
  UNCHECKED_INDEX,
]);
prefilterProvider(() => [NET_READ_G], true);
