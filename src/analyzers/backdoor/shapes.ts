/**
 * Backdoor indicators: the shapes planted code takes that per-call rules miss because they span
 * statements. Language-agnostic and text-based on purpose (planted code is often in a language
 * mix, or obfuscated past what a parser sees), with bounded, backtracking-safe regexes.
 *
 *   backdoor.decode-exec        a decode step (base64/hex/char codes/rot13/zlib) feeding a code or shell sink
 *   backdoor.trigger-guard      a dangerous call guarded by a rare constant (date, magic env value, header, user name)
 *   backdoor.master-password    credentials compared with a hard-coded literal
 *   backdoor.credential-exfil   environment/credential files read and sent to a literal host
 *   backdoor.reverse-shell      a socket wired to a shell
 *   backdoor.debug-auth-bypass  an auth check that a debug/bypass flag skips
 *   backdoor.hidden-name        the name of a code sink or module assembled from pieces ('ev' + 'al', 'lave'[::-1])
 *   backdoor.download-exec      code that starts a shell command piping a download into a shell or interpreter
 * Fixtures: src/analyzers/fixtures/backdoor.*
 */
import type { Finding } from '../../engine/types.ts';
import { SourceFile, finding } from '../source.ts';
import { candidateLines, occurs, prefilterProvider } from '../literals.ts';

const MAX_LINE = 4000;

export const DECODE =
  /\b(?:b64decode|b32decode|a85decode|decodebytes|decodestring|atob|unhexlify|fromhex|base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin|fromCharCode|decompress|inflateSync|gunzipSync|Base64\.decode64|Base64\.strict_decode64|getDecoder\(\)\.decode|FromBase64String|DecodeString|base64::decode)\b|\b(?:STANDARD|URL_SAFE|general_purpose::\w+|BASE64_\w+)\.decode\(|Buffer\.from\([^)]{0,300}?['"](?:base64|hex)['"]|codecs\.decode\([^)]{0,200}?rot|\.decode\(\s*['"](?:base64|hex|rot13|rot_13|zlib)['"]|\bbase64\s+(?:-d|--decode)\b|\bxxd\s+-r\b/;
// (exec, call, run, loads, compile and spawn count as a bare function or on a module that runs
// code (subprocess.run, pickle.loads, cp.exec); as methods of anything else they are RegExp.exec,
// Function.prototype.call, json.loads…)
const CODE_SINK =
  /\b(?:eval|execfile|Function|execSync|spawnSync|system|popen|shell_exec|passthru|proc_open|assert|create_function|runInNewContext|runInThisContext|instance_eval|class_eval|Popen|check_output|getRuntime\(\)\.exec|Process\.Start|__import__|import_module)\s*\(|(?:(?<![\w$.])|(?<=\b(?:subprocess|os|child_process|childProcess|cp|pickle|cPickle|_pickle|marshal|dill|shelve|jsonpickle|vm|builtins|__builtins__|Kernel|IO|Open3)\.)|(?<=require\(\s*['"](?:node:)?child_process['"]\s*\)\.))(?:exec|call|run|loads|compile|spawn)\s*\(|\.(?:exec|call|run|spawn|check_call|check_output)\s*\(\s*\[?\s*["'](?:\/usr\/(?:local\/)?bin\/)?(?:python[\d.]*|node|perl|ruby|php|powershell|pwsh|cmd(?:\.exe)?)["']|\|\s*(?:ba|z|da)?sh\b|\bsh\s+-c\b|\bnew\s+Function\b|\bexec\.Command(?:Context)?\s*\(|Command::new\(\s*["'](?:\/bin\/)?(?:ba|z|da)?sh["']\s*\)\s*\.arg\(\s*["']-c["']|["'](?:\/bin\/)?(?:ba|z|da)?sh["']\s*,\s*["']-c["']|\bset(?:Timeout|Interval)\s*\(\s*(?!\(|function\b|async\b|[\w$]+\s*=>)/;

/**
 * A code sink on a line, in the file's language: `assert(` runs a string as code in PHP only, and a
 * bare `call(`, `run(`, `loads(` or `compile(` is subprocess's or pickle's only outside JavaScript,
 * where such names are the program's own functions (minified bundles are full of them).
 */
const CODE_SINK_ALL = new RegExp(CODE_SINK.source, 'g');
function codeSink(line: string, language: string | undefined): RegExpExecArray | null {
  const re = CODE_SINK_ALL;
  re.lastIndex = 0;
  const js = language === 'javascript' || language === 'typescript';
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (/^assert\s*\($/.test(m[0]) && language !== 'php' && language !== undefined) continue;
    if (js && /^(?:call|run|loads|compile)\s*\($/.test(m[0])) continue;
    return m;
  }
  return null;
}

const DANGEROUS_CALL =
  /\b(?:os\.system|subprocess\.\w+|os\.popen|exec|eval|child_process|execSync|spawn|Runtime\.getRuntime|ProcessBuilder|Process\.Start|shell_exec|passthru|system|popen|socket\.socket|net\.Socket|connect\(|rmtree|rm\s+-rf|unlink|DROP\s+TABLE|requests\.post|urlopen|fetch\(|http\.request|setuid|chmod|rmSync|rmdirSync|unlinkSync|rimraf|os\.remove|os\.RemoveAll|remove_dir_all|FileUtils\.rm_rf|Files\.delete|Directory\.Delete|(?:grant|make|set|promote)_?(?:[Aa]dmin|[Rr]oot|[Ss]uper_?[Uu]ser)|is_superuser\s*=\s*True)\b|\b(?:\w+_)?(?:admin|superuser|impersonate|login_as|loginAs|sudo)(?:_?[A-Z]?\w*)?\s*\(|\brole\s*[:=]\s*['"](?:admin|root|superuser)['"]/;
/** A date or time compared with a literal: time bombs. */
const RARE_DATE = [
  String.raw`(?:datetime|date|time|Date|now|today|getTime|time\.Now|LocalDate|DateTime)\b[^\n]{0,120}?(?:[<>]=?|==|===|\.after\(|\.before\(|isAfter|isBefore|-(?:gt|ge|lt|le|eq)\b)[^\n]{0,40}?(?:20[2-9]\d|\d{10,13})`,
  String.raw`(?:20[2-9]\d)[-/,\s]{1,3}\d{1,2}[^\n]{0,60}?(?:[<>]=?|==)[^\n]{0,80}?(?:datetime|date|time|Date|now|today)`,
];
/** A magic environment value, header, parameter or user name compared with a literal; a counter reaching a large magic number. */
const RARE_VALUE = [
  String.raw`(?:environ|getenv|process\.env|ENV\[|os\.Getenv|System\.getenv|Environment\.GetEnvironmentVariable)[^\n]{0,80}?(?:==|===|!=|\.equals\(|\beq\b)\s*['"][^'"\s]{6,}['"]`,
  String.raw`(?:[Hh]eaders?|getHeader|META|cookies?|args|query|params|form|\$_(?:GET|POST|REQUEST|COOKIE|SERVER))\b[^\n]{0,60}?(?:==|===|\.equals\(|\beq\b)\s*['"][A-Za-z0-9_\-+/=.]{8,}['"]`,
  String.raw`(?:user(?:name)?|login|whoami|getuser|getlogin|hostname|gethostname)\b[^\n]{0,40}?(?:==|===|\.equals\(|\beq\b)\s*['"][A-Za-z0-9_.\-]{3,}['"]`,
  String.raw`(?:count|counter|calls|hits|runs|invocations|requests)\w*\s*(?:==|>=|>)\s*\d{3,}`,
];
const RARE_CONDITION = new RegExp([...RARE_DATE, ...RARE_VALUE].join('|'));
const RARE_DATE_RE = new RegExp(RARE_DATE.join('|'));
const RARE_VALUE_RE = new RegExp(RARE_VALUE.join('|'));
/** What every RARE_DATE match holds: a year from 2020 on, or a timestamp. (Its lazy gaps make it the costly part.) */
const YEAR_OR_STAMP = /20[2-9]\d|\d{10}/;
/** RARE_CONDITION.test(l), cheaper: the date shapes only on lines with a year or a timestamp. */
const rareCondition = (l: string) => RARE_VALUE_RE.test(l) || (YEAR_OR_STAMP.test(l) && RARE_DATE_RE.test(l));
const IF_LINE = /^\s*(?:if\b|elif\b|else\s+if\b|}\s*else\s+if\b|unless\b|when\b)|\?\s*[^:]{1,200}:/;

const MASTER_PASSWORD =
  /\b(?:(?:passw(?:or)?d|passwd|pwd|pass|token|api_?key|secret|auth_?key|master_?key)\w*|pw)\s*(?:==|===|!=|!==|\.equals\(|\beq\b)\s*['"][^'"\s]{4,}['"]|['"][^'"\s]{4,}['"]\s*(?:==|===|\.equals\()\s*\w*(?:passw(?:or)?d|passwd|pwd|pass|token|api_?key|secret)\b|\bstr(?:n?cmp|casecmp)\s*\(\s*(?:\w*(?:passw(?:or)?d|passwd|pwd|secret)\w*|pw|pass)\s*,\s*"[^"\s]{4,}"/i;
/** The name compared in a MASTER_PASSWORD match: `name == '…'`, `'…' == name` or `strcmp(name, "…")`. */
function comparedName(m: string): string {
  const name =
    /^str(?:n?cmp|casecmp)\s*\(\s*([\w$.]+)\s*,/i.exec(m) ??
    /^([\w$.]+)\s*(?:==|!=|\.equals\(|\beq\b)/.exec(m) ??
    /(?:==|\.equals\()\s*([\w$.]+)\s*$/.exec(m);
  return name?.[1] ?? '';
}
const CREDENTIAL_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'pw',
  'passphrase',
  'token',
  'secret',
  'apikey',
  'authkey',
  'masterkey',
  'secretkey',
]);
/**
 * Whether a name is a credential: its last word (split at `_`, `.`, `-` and camel case) is one, or
 * its last two make one (api_key, authKey, masterKey): `user.password`, `auth_token`, `apiKey`,
 * but not `token_type`, `passed`, `tokenizer` or `password_field`.
 */
function credentialWord(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.$-]+/)
    .filter(Boolean);
  const last = words[words.length - 1] ?? '';
  if (CREDENTIAL_WORDS.has(last)) return last;
  return last === 'key' && CREDENTIAL_WORDS.has(`${words[words.length - 2]}key`)
    ? `${words[words.length - 2]}key`
    : undefined;
}
/** Words that also name parser and CLI tokens or a pass of a loop: their literal must look like a secret. */
const AMBIGUOUS_CREDENTIAL = new Set(['token', 'pass', 'pw']);

/**
 * Whether a MASTER_PASSWORD match compares a credential with a literal: the name is a credential,
 * not a `typeof` test; for an ambiguous name (`token == 'async'`, `token === '--help'`) the literal
 * also has to look like a secret (digits, mixed case or symbols), not a keyword or a flag.
 */
function masterCompare(m: string, before: string): boolean {
  const word = credentialWord(comparedName(m));
  // `typeof opts.apiKey === 'string'` tests a type: typeof never yields a password.
  if (!word || TYPEOF_BEFORE.test(before) || typeTest(m, before)) return false;
  if (!AMBIGUOUS_CREDENTIAL.has(word)) return true;
  const lit = /['"]([^'"]*)['"]/.exec(m)?.[1] ?? '';
  return (
    lit.length >= 6 &&
    !lit.startsWith('-') &&
    (/\d/.test(lit) || (/[a-z]/.test(lit) && /[A-Z]/.test(lit)) || /[^\w.-]/.test(lit))
  );
}
/** `typeof` applied to the compared name (`typeof key`, `typeof(opts.apiKey)`, `typeof this.cfg.token`). */
const TYPEOF_BEFORE = /\btypeof\s*\(?\s*(?:[\w$]+\s*(?:\?\.|\.)\s*)*$/;
const MASTER_PASSWORD_ALL = new RegExp(MASTER_PASSWORD.source, 'gi');
/** What `typeof` yields: a comparison with one of these, after a `typeof`, is a type test. */
const TYPE_NAMES = new Set(['string', 'number', 'boolean', 'object', 'function', 'undefined', 'symbol', 'bigint']);
/**
 * A type test on an operand written with more than names and dots (`typeof (client as any)?._options?.apiKey
 * === 'function'`): the literal is a type name and `typeof` starts the same operand (nothing that
 * ends an operand, such as `&&`, `||`, `;`, `,` or `?`, stands between them).
 */
function typeTest(m: string, before: string): boolean {
  if (!TYPE_NAMES.has(/['"]([^'"]*)['"]/.exec(m)?.[1] ?? '')) return false;
  const operand = before.split(/&&|\|\||;|,|\?(?!\.)|:/).pop() ?? '';
  return /\btypeof\b/.test(operand);
}
/**
 * The first comparison on a line of a credential with a secret-looking literal. Every comparison is
 * tried: a type test first on the line (`typeof pw === 'string' && pw === 'hunter2'`) hides nothing.
 */
function masterMatch(l: string): RegExpExecArray | undefined {
  for (const m of l.matchAll(MASTER_PASSWORD_ALL))
    if (!MASTER_PLACEHOLDER.test(m[0]) && masterCompare(m[0], l.slice(0, m.index))) return m as RegExpExecArray;
  return undefined;
}
/** A line that decides something: a condition, a return, a boolean operator. */
const DECIDES = /\b(if|elif|unless|when|return|&&|\|\|)\b|\?|&&|\|\|/;
const MASTER_PLACEHOLDER =
  /['"](?:password|changeme|secret|token|none|null|undefined|example|test|xxx+|\*+|your[_-]?\w*|<[^>]*>|\$\{[^}]*\}|%s|bearer|basic)['"]/i;

const CRED_SOURCE =
  /\b(?:os\.environ(?!\.get\(\s*['"][A-Z_]*(?:PATH|HOME|LANG|TERM|PORT|DEBUG|HOST)['"])|process\.env(?!\.[A-Z_]*(?:PATH|HOME|LANG|TERM|PORT|NODE_ENV|DEBUG|HOST)\b)|System\.getenv\(\)|os\.Environ\(\)|getenv\(\)|ENV\.to_h|\$_ENV|Environment\.GetEnvironmentVariables|env::vars\(\))|(?:\.ssh\/(?:id_\w+|authorized_keys|known_hosts)|\.aws\/credentials|\.npmrc|\.pypirc|\.netrc|\.docker\/config\.json|\.kube\/config|\.git-credentials|\.config\/gcloud|\/etc\/shadow|\/etc\/passwd|Login Data|Local State|wallet\.dat|\.bash_history|keychain)/;
const NET_SINK =
  /\brequire\(\s*["']https?["']\s*\)\.(?:request|get)\b|\bhttp\.(?:Post|PostForm|Get|NewRequest)\s*\(|\b(?:reqwest|ureq|hyper)::|\bfile_get_contents\s*\(\s*["']https?:|\b(?:requests\.(?:post|get|put)|urllib\.request|urlopen|http\.client|httpx\.|fetch\s*\(|axios|XMLHttpRequest|https?\.request|https?\.get|net\.connect|socket\.(?:socket|create_connection)|\.connect\(|sendto|dns\.resolve|dns\.lookup|gethostbyname|Net::HTTP|HttpClient|WebClient|URLConnection|curl_exec|curl\s|wget\s|nc\s|smtplib|ftplib|new\s+WebSocket)|\bcurl_easy_setopt\s*\([^,\n]+,\s*CURLOPT_URL\b/;
const LITERAL_HOST =
  /['"`](?:https?|wss?|ftp|tcp):\/\/(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|example\.(?:com|org)|[\w.-]*\.example\.(?:com|org))[/:'"`])[\w.-]+|['"`]\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}['"`]|['"`][a-z0-9-]+\.(?:[a-z0-9-]+\.)*(?:com|net|org|io|xyz|top|ru|cn|tk|ml|cc|site|online|club|info|me|sh|app|dev)['"`]/;

/** A URL on a shell command line, unquoted (`curl … https://host/x`). */
const SHELL_URL =
  /(?:^|[\s=])(?:https?|ftp):\/\/(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|[\w.-]*\.?example\.(?:com|org))[/:\s]|[/:\s])[\w.-]+\.[a-z]{2,}/;

const REVERSE_SHELL = new RegExp(
  [
    String.raw`\/dev\/(?:tcp|udp)\/[\w.$\{\}-]+\/\d+`,
    String.raw`\b(?:nc|ncat|netcat)\b[^\n|]{0,80}\s-[a-z]*[ec]\s*(?:\/bin\/)?(?:ba|z)?sh`,
    String.raw`\bpty\.spawn\(\s*['"](?:\/bin\/)?(?:ba|z)?sh['"]`,
    // (a socket's descriptor onto stdin/stdout; not a file's: CGI servers hand request files to scripts so)
    String.raw`os\.dup2\(\s*(?![\w.]*(?:rfile|wfile|stdin|stdout|stderr|devnull|null|log\w*|file)\.fileno)[^)]{0,60}fileno\(\)`,
    String.raw`\bmkfifo\b[^\n]{0,100}\b(?:nc|ncat|telnet|openssl)\b`,
    String.raw`\bsocat\b[^\n]{0,120}exec:`,
    String.raw`\bbash\s+-i\s*>&`,
    String.raw`spawn\(\s*['"](?:\/bin\/)?(?:ba|z)?sh['"][^)]{0,80}\)[^\n]{0,80}(?:pipe|stdin|socket)`,
    String.raw`(?:client|sock|socket)\.pipe\([^)]{0,40}(?:sh|shell|proc)\.stdin`,
    String.raw`TCPSocket\.(?:new|open)\([^)]{0,80}\)[^\n]{0,200}(?:exec|spawn|system|IO\.popen)`,
    String.raw`fsockopen\([^)]{0,80}\)[^\n]{0,200}(?:exec|shell_exec|proc_open|system|passthru)`,
    String.raw`exec\s+\d+<>\/dev\/tcp`,
  ].join('|'),
);

// A reverse shell spread over statements (Java, Go, C, Rust, C#): a socket to a literal address,
// a shell started, and the socket wired to its streams, all close together.
const SOCKET_CONNECT =
  /\bTCPSocket\.(?:new|open)\s*\(\s*["']|\bnew\s+Socket\s*\(\s*["'][\w.:-]+["']\s*,\s*\d+|\bnet\.Dial(?:Timeout)?\s*\(\s*["'](?:tcp|udp)|\bTcpStream::connect\s*\(\s*["']|\bnew\s+TcpClient\s*\(\s*["']|\binet_addr\s*\(\s*"\d|\bconnect\s*\(\s*\w+\s*,\s*\(\s*struct\s+sockaddr/;
const SHELL_START =
  /(?:\bexec[lv]p?e?|ProcessBuilder|getRuntime\(\)\.exec|exec\.Command|Command::new|Process\.Start|ProcessStartInfo|popen|spawn)\s*\(\s*(?:new\s+String\[\]\s*\{\s*)?["'](?:\/bin\/)?(?:ba|z|da)?sh["']|(?:exec[lv]p?e?|Process\.Start|ProcessStartInfo)\s*\(\s*["']cmd(?:\.exe)?["']|\b(?:Open3\.popen[23e]?|IO\.popen)\s*\(\s*\w+\s*\)/;
const SOCKET_WIRING =
  /\bdup2\s*\(|\.Std(?:in|out|err)\s*(?:,|=)|get(?:Input|Output)Stream\(\)|RedirectStandard(?:Input|Output)\s*=\s*true|Stdio::from|from_raw_fd|as_raw_fd|redirectErrorStream|=\s*\w+\.gets\b/;

const DEBUG_BYPASS =
  /\b(?:if|elif|unless)\b[^\n]{0,80}\b(?:debug|DEBUG|bypass|BYPASS|skip_?auth|SKIP_AUTH|disable_?auth|DISABLE_AUTH|no_?auth|NO_AUTH|backdoor|god_?mode|GOD_MODE|maintenance_?override)\w*[^\n]{0,80}/;
const AUTH_CONTEXT =
  /\b(?:def|function|func|fn|public|private|protected|static|async)\b[^\n]{0,60}(?:auth|login|logon|signin|sign_in|verify|permission|authorize|authorise|is_admin|isAdmin|check_?access|can_?access|validate_?(?:token|user|session))/i;
const ALLOW_RETURN =
  /\breturn\s+(?:True|true|1|None|nil|next\(\)|user|\{\s*['"]?(?:ok|allowed|authenticated)['"]?\s*:\s*(?:true|True))|\bnext\(\)|\bis_authenticated\s*=\s*True|\bauthorized\s*=\s*(?:true|True)/;

/**
 * A command line in a string that runs a download (curl … | sh, sh -c "$(wget -O- …)", bash <(curl …)),
 * and on the same line a call that starts a process with it. (Shell scripts and Dockerfiles are
 * judged by the shell rules; documentation strings that show an install command start nothing.)
 */
export const DOWNLOAD_EXEC =
  /\b(?:curl|wget)\b[^\n'"`|;]{0,200}\|\s*(?:sudo\s+(?:-\w+\s+)*)?(?:(?:ba|z|da|k)?sh|python[\d.]*|perl|ruby|node|php)\b|\b(?:ba|z|da)?sh\s+(?:-c\s+)?\\?["']?(?:\$\(|<\()\s*(?:curl|wget)\b/;
const PROCESS_CALL =
  /\b(?:system|popen|exec\w*|spawn\w*|run|call|check_output|check_call|Popen|getoutput|getstatusoutput|Command|shell_exec|passthru|proc_open|Start|exec_command)\s*\(|`[^`]*\b(?:curl|wget)\b|%x[({]|\bIO\.popen\b/;

/** A module imported from an inline data: URL runs the payload in it. */
const DATA_URL_CODE =
  /\bimport\s*\(\s*['"`]data:(?:text|application)\/(?:javascript|ecmascript|x-javascript)|\bnew\s+Worker\s*\(\s*['"`]data:/;

/** Any data: URL in a string (the whole-file test before DATA_URL_CODE's lines). */
const DATA_URL_HINT = /['"`]data:/;

/** Code and shell sinks, and the modules holding them, that planted code spells out of pieces. */
const SINK_NAMES = new Set([
  'eval',
  'exec',
  'execfile',
  'system',
  'popen',
  'spawn',
  'spawnsync',
  'execsync',
  'execfilesync',
  'function',
  'require',
  '__import__',
  'import_module',
  'compile',
  'subprocess',
  'child_process',
  'os',
  'builtins',
  '__builtins__',
  'globals',
  'getattr',
  'shell_exec',
  'passthru',
  'proc_open',
  'pcntl_exec',
  'assert',
  'create_function',
  'base64_decode',
  'unserialize',
  'runinthiscontext',
  'runinnewcontext',
  'check_output',
]);
// 'ev' + 'al' (and PHP's 'sys' . 'tem'); ''.join(['e', 'v', 'a', 'l']); 'lave'[::-1] and 'lave'.split('').reverse().join('').
const PIECES = /(['"])[\w.]{1,16}\1(?:\s*[+.]\s*(['"])[\w.]{1,16}\2){1,7}/g;
const JOINED = /\.join\(\s*\[((?:\s*(['"])[\w.]{1,4}\2\s*,){1,15}\s*(['"])[\w.]{1,4}\3)\s*,?\s*\]\s*\)/g;
const REVERSED = /(['"])([\w.]{2,24})\1\s*(?:\[\s*::\s*-1\s*\]|\.split\(\s*(['"])\3\s*\)\s*\.reverse\(\)\s*\.join\()/g;
const QUOTED = /(['"])([\w.]*)\1/g;
const PIECES_HINT = /['"]\s*[+.]\s*['"]|\.join\(\s*\[|\[\s*::\s*-1\s*\]|\.reverse\(\)/;
/**
 * PIECES_HINT within one line (its \s without the line break), over the whole text: it has no
 * word for the automaton to find, so the lines it matches on are found with it directly.
 */
const PIECES_LINES = new RegExp(PIECES_HINT.source.replaceAll('\\s', '[^\\S\\n]'), 'g');
const joined = (s: string) => [...s.matchAll(QUOTED)].map((m) => m[2]).join('');

/** Where a line spells a sink's name from pieces, the column of the first piece. */
function hiddenName(l: string): number | undefined {
  for (const m of l.matchAll(PIECES)) if (SINK_NAMES.has(joined(m[0]).toLowerCase())) return m.index! + 1;
  for (const m of l.matchAll(JOINED)) if (SINK_NAMES.has(joined(m[1]).toLowerCase())) return m.index! + 1;
  for (const m of l.matchAll(REVERSED))
    if (SINK_NAMES.has([...m[2]].reverse().join('').toLowerCase())) return m.index! + 1;
  return undefined;
}

interface Hit {
  ruleId: string;
  line: number;
  column: number;
}

// (the gates' regexes are tried line by line; the others are asked about the whole file)
prefilterProvider(
  () => [
    DECODE,
    RARE_CONDITION,
    MASTER_PASSWORD,
    REVERSE_SHELL,
    PIECES_HINT,
    DATA_URL_CODE,
    DOWNLOAD_EXEC,
    DEBUG_BYPASS,
  ],
  true,
);
prefilterProvider(() => [
  CRED_SOURCE,
  NET_SINK,
  LITERAL_HOST,
  SHELL_URL,
  AUTH_CONTEXT,
  DATA_URL_HINT,
  SOCKET_CONNECT,
  SHELL_START,
]);

/**
 * A regex tested on each line, and the lines worth testing: those holding one of the words it
 * needs (literals.ts). A line with escapes is tested with them blanked, and counts only when the
 * file as it is matches too (this was the whole-file test that came first, before the words).
 */
interface Gate {
  /** The lines (0-based) without escapes that may match; undefined when any line may. */
  lines?: number[];
  /** `test()`'s result on line i, or null when the line cannot match (test() is then not called). */
  on<T>(i: number, escaped: boolean, test: () => T | null | false): T | null;
}
const NEVER: Gate = { lines: [], on: () => null };

function gate(re: RegExp, file: SourceFile, wholeRe = re, lineRe?: RegExp): Gate {
  const lines = candidateLines(re, file.text, () => file.lineStarts()) ?? (lineRe && file.matchingLines(lineRe));
  if (!lines) return occurs(wholeRe, file.text) ? { on: (_i, _e, test) => test() || null } : NEVER;
  if (lines.length === 0 && !file.text.includes('\\')) return NEVER;
  let whole: boolean | undefined;
  let set: Set<number> | undefined; // (made when first needed: most files never ask)
  return {
    lines,
    on(i, escaped, test) {
      if (!escaped && !(set ??= new Set(lines)).has(i)) return null;
      const r = test();
      if (!r || (escaped && !(whole ??= occurs(wholeRe, file.text)))) return null;
      return r;
    },
  };
}

/**
 * Whether a regex whose matches never span lines matches on some line: only the lines holding its
 * words are tried (a bypass flag's name: `debug` is in many files, `if … debug` on few of their lines).
 */
function onSomeLine(re: RegExp, file: SourceFile): boolean {
  const lines = candidateLines(re, file.text, () => file.lineStarts());
  return lines ? lines.some((i) => re.test(file.lines[i])) : occurs(re, file.text);
}

const META: Record<
  string,
  {
    title: string;
    severity: Finding['severity'];
    confidence: Finding['confidence'];
    cwe: string;
    message: string;
    fix: string;
  }
> = {
  'backdoor.decode-exec': {
    title: 'Decoded data executed',
    severity: 'critical',
    confidence: 'high',
    cwe: 'CWE-506',
    message:
      'A value is decoded (base64, hex, char codes, rot13 or compression) and then run as code or as a shell command: the classic shape of a hidden payload.',
    fix: 'Remove the decode-and-run step; ship readable code and review what it was hiding.',
  },
  'backdoor.download-exec': {
    title: 'Code runs a download as a shell script',
    severity: 'high',
    confidence: 'high',
    cwe: 'CWE-494',
    message:
      "The code starts a shell command that pipes a download into a shell or interpreter: whatever the server sends (now or later) runs with this program's rights, unreviewed.",
    fix: 'Pin the tool as a dependency (or download a fixed version and verify its checksum) instead of running a script from the network.',
  },
  'backdoor.trigger-guard': {
    title: 'Dangerous action behind a rare trigger',
    severity: 'high',
    confidence: 'medium',
    cwe: 'CWE-511',
    message:
      'A dangerous call runs only when a rare constant matches (a future date, a magic environment value, a header, a user name or a counter): the shape of a logic bomb or hidden trigger.',
    fix: 'Remove the trigger; if the behaviour is legitimate, make it explicit configuration and document it.',
  },
  'backdoor.master-password': {
    title: 'Credential compared with a hard-coded value',
    severity: 'critical',
    confidence: 'medium',
    cwe: 'CWE-798',
    message:
      'A password, token or key is compared with a literal in code: whoever reads the code can log in (a master key).',
    fix: 'Compare against a stored hash (bcrypt/argon2) or a secret from the environment/secret manager, with a constant-time comparison.',
  },
  'backdoor.credential-exfil': {
    title: 'Credentials or environment sent to a hard-coded host',
    severity: 'critical',
    confidence: 'medium',
    cwe: 'CWE-200',
    message:
      'Code reads the environment or credential files (SSH keys, cloud credentials, tokens) and sends data to a hard-coded host nearby.',
    fix: 'Remove the transfer; rotate any credential that may have been sent.',
  },
  'backdoor.reverse-shell': {
    title: 'Reverse or bind shell',
    severity: 'critical',
    confidence: 'high',
    cwe: 'CWE-506',
    message: 'A network socket is wired to a shell: whoever is on the other end gets a command line on this machine.',
    fix: 'Remove it and investigate how it got here.',
  },
  'backdoor.hidden-name': {
    title: 'Code-running name assembled from pieces',
    severity: 'high',
    confidence: 'medium',
    cwe: 'CWE-506',
    message:
      'The name of a function or module that runs code or commands (eval, exec, os, child_process…) is put together from string pieces, joined or reversed, which hides the call from reviewers and scanners.',
    fix: 'Call the function by its name, or remove the call and review what it ran.',
  },
  'backdoor.debug-auth-bypass': {
    title: 'Authentication skipped by a debug or bypass flag',
    severity: 'high',
    confidence: 'medium',
    cwe: 'CWE-489',
    message:
      'An authentication or permission check returns success early when a debug/bypass flag is set; a flag left on (or settable by a user) opens every account.',
    fix: 'Remove the bypass; use test fixtures or a separate test configuration instead.',
  },
};

/** Lines of the block that starts after line i: by indentation, or up to the matching brace. */
function blockAfter(lines: string[], i: number, max = 12): number[] {
  const out: number[] = [];
  const indent = (s: string) => s.length - s.trimStart().length;
  const base = indent(lines[i]);
  const braces = lines[i].includes('{');
  for (let j = i + 1; j < Math.min(lines.length, i + 1 + max); j++) {
    const l = lines[j];
    if (l.trim() === '') continue;
    if (!braces && indent(l) <= base) break;
    if (braces && indent(l) <= base && /^\s*}/.test(l)) break;
    out.push(j);
  }
  return out;
}

/** How much of each string literal is kept when a long line is cut into statements. */
const KEPT_LITERAL = 64;
/** Cut statements are joined again up to this length (a decode and the call around it stay together). */
const STATEMENT_GROUP = 400;

/**
 * A line too long to test whole (a minified bundle, a blob on one line), cut into its statements at
 * `;`, `{` and `}` outside string literals, each literal shortened to its first 64 characters (the
 * tests read the calls around a payload, not all of it). One linear pass.
 */
export function statementsOf(line: string): string[] {
  // (text is copied in runs, sliced, not a character at a time: a megabyte line costs a few slices
  // a statement. `from` is where the run being copied starts, -1 while a literal's tail is dropped.)
  const out: string[] = [];
  const n = line.length;
  let cur = '',
    from = 0,
    quote = 0,
    lit = 0;
  for (let i = 0; i < n; i++) {
    const ch = line.charCodeAt(i);
    if (quote) {
      const esc = ch === 92 && i + 1 < n;
      if (!esc && ch === quote) {
        quote = 0;
        if (from < 0) from = i;
      } else if (lit++ >= KEPT_LITERAL && from >= 0) {
        cur += line.slice(from, i);
        from = -1;
      }
      if (esc) i++;
      continue;
    }
    if (ch === 34 || ch === 39 || ch === 96) {
      quote = ch;
      lit = 0;
    } else if (ch === 59 || ch === 123 || ch === 125) {
      out.push(cur + line.slice(from, i + 1));
      cur = '';
      from = i + 1;
    }
  }
  if (from >= 0) cur += line.slice(from);
  if (cur) out.push(cur);
  const joined: string[] = [];
  for (const st of out)
    if (joined.length && joined[joined.length - 1].length + st.length <= STATEMENT_GROUP)
      joined[joined.length - 1] += st;
    else joined.push(st);
  return joined;
}

/** Assignments a decoded value is followed through (`b = a.decode()`, `c = b`), and how many are followed at once. */
const MAX_HOPS = 2;
const MAX_TRACKED = 32;

export function analyzeShapes(file: SourceFile, nested = false): Finding[] {
  const lines = file.lines;
  const hits: Hit[] = [];
  const seen = new Set<string>();
  const hit = (ruleId: string, line: number, column = 1) => {
    const k = `${ruleId}:${line}`;
    if (!seen.has(k)) {
      seen.add(k);
      hits.push({ ruleId, line, column });
    }
  };

  // Variables assigned from a decode step: how to see the name used, and passed to a sink. A name
  // assigned from a tracked one is tracked too, for MAX_HOPS assignments at most, and at most
  // MAX_TRACKED names at once (the oldest forgotten first). (Unbounded, every name of a chain of
  // assignments was tracked to the end of the file and tested on every later line: a 500 KB chain
  // took 56 s, and a 9 MB bundle reported a setTimeout 100,000 lines below a decode.)
  const decoded = new Map<string, { use: RegExp; arg: RegExp; hops: number }>();
  const track = (name: string, hops: number) => {
    decoded.delete(name);
    decoded.set(name, {
      use: new RegExp(`\\b${name}\\b`),
      arg: new RegExp(`(?:\\(|,|\\s)\\$?${name}\\b`),
      hops,
    });
    if (decoded.size > MAX_TRACKED) decoded.delete(decoded.keys().next().value!);
  };
  const cLike = file.language === 'c' || file.language === 'cpp';
  // (`x = …`, `const x = …`, and Go's `b, err := …`.)
  const assign =
    /^\s*(?:(?:var|let|const|my|local|auto|val|String|byte\[\]|string|\$)\s*)?\$?([A-Za-z_][\w]*)(?:\s*,\s*[A-Za-z_]\w*)*\s*(?::=|=)(?!=)/;

  let credLine = -1,
    netLine = -1,
    hostLine = -1,
    sockLine = -1,
    shellLine = -1,
    wireLine = -1;
  let inAuthFn = -1;
  // Most files have none of these shapes: their words (literals.ts) say which lines to try.
  const may = (re: RegExp) => occurs(re, file.text);
  const decodeAt = gate(DECODE, file),
    rareAt = gate(RARE_CONDITION, file),
    masterAt = gate(MASTER_PASSWORD, file),
    reverseAt = gate(REVERSE_SHELL, file);
  // (asked once: each question may run its regex over the whole text)
  const credAndNet = may(CRED_SOURCE) && may(NET_SINK);
  const hasExfil = credAndNet && (may(LITERAL_HOST) || (file.language === 'bash' && may(SHELL_URL))),
    hasBypass = onSomeLine(DEBUG_BYPASS, file) && may(AUTH_CONTEXT);
  const piecesAt = gate(PIECES_HINT, file, PIECES_HINT, PIECES_LINES),
    dataUrlAt = gate(DATA_URL_CODE, file, DATA_URL_HINT);
  const hasSocketShell = may(SOCKET_CONNECT) && may(SHELL_START);
  const downloadAt = file.language !== 'bash' ? gate(DOWNLOAD_EXEC, file) : NEVER;
  // Without the shapes that span lines (exfiltration, socket wiring, auth bypass) and before any
  // decoded value is tracked, only the lines some test may hold (and lines with escapes) are read.
  const gates = [decodeAt, rareAt, masterAt, reverseAt, piecesAt, dataUrlAt, downloadAt];
  let worth: Uint8Array | undefined;
  if (!hasExfil && !hasSocketShell && !hasBypass && gates.every((g) => g.lines)) {
    worth = new Uint8Array(lines.length);
    for (const g of gates) for (const i of g.lines!) worth[i] = 1;
    for (let at = file.text.indexOf('\\'); at >= 0; at = file.text.indexOf('\\', at + 1)) worth[file.lineIndex(at)] = 1;
  }
  // (the lines read while no decoded value is tracked, listed by a small loop of their own: this
  // function's loop over every line of a file cost more than the lines it skipped)
  const visit = worth ? worthOrLong(lines, worth) : undefined;
  for (let i = 0, next = 0; i < lines.length; i++) {
    if (visit && decoded.size === 0) {
      while (next < visit.length && visit[next] < i) next++;
      if (next === visit.length) break;
      i = visit[next];
    }
    if (lines[i].length > MAX_LINE) {
      // (its statements are judged on their own, whatever the gates saw, the findings put on this line)
      if (!nested) for (const f of longLine(file, lines[i])) hit(f.ruleId, i + 1);
      continue;
    }
    if (worth && worth[i] === 0 && decoded.size === 0) continue;
    // (Escaped line breaks inside strings separate words too: code written out as
    // 'import os\nexec(…)' hides `exec` from \b otherwise.)
    const escaped = lines[i].includes('\\');
    const l = escaped ? lines[i].replace(/\\[nrt]/g, '  ') : lines[i];
    const trimmed = l.trimStart();
    if ((trimmed.startsWith('#') && !trimmed.startsWith('#!') && !cLike) || /^(\/\/|\*|\/\*)/.test(trimmed)) continue;

    const decodeHere = !!decodeAt.on(i, escaped, () => DECODE.test(l));
    const tracking = decodeHere || decoded.size > 0;
    const sink = tracking ? codeSink(l, file.language) : null;
    if (decodeHere && sink) hit('backdoor.decode-exec', i + 1);
    const a = tracking ? assign.exec(l) : null;
    if (a && decodeHere) track(a[1], 0);
    else if (a && decoded.size > 0) {
      // propagate through simple re-assignment: y = x.decode('utf-8') / y = x
      const rhs = l.slice(a.index + a[0].length);
      for (const { use, hops } of decoded.values())
        if (hops < MAX_HOPS && use.test(rhs)) {
          track(a[1], hops + 1);
          break;
        }
    }
    if (sink && !decodeHere && decoded.size > 0) {
      const args = l.slice(sink.index);
      for (const { arg } of decoded.values())
        if (arg.test(args)) {
          hit('backdoor.decode-exec', i + 1);
          break;
        }
    }

    if (rareAt.on(i, escaped, () => IF_LINE.test(l) && rareCondition(l))) {
      // (the pieces of a long line are not lines: the block after one is not its body)
      const body = nested ? [i] : [i, ...blockAfter(lines, i)];
      if (body.some((j) => DANGEROUS_CALL.test(j === i ? l.slice(l.search(/[:{)]\s*/) + 1) : lines[j])))
        hit('backdoor.trigger-guard', i + 1);
    }

    // (a comparison in a condition: the cheap test of the two first)
    const mp = masterAt.on(i, escaped, () => DECIDES.test(l) && MASTER_PASSWORD.test(l) && masterMatch(l));
    if (mp) hit('backdoor.master-password', i + 1, mp.index + 1);

    if (hasExfil) {
      if (CRED_SOURCE.test(l)) credLine = i;
      if (NET_SINK.test(l)) netLine = i;
      if (LITERAL_HOST.test(l) || (file.language === 'bash' && SHELL_URL.test(l))) hostLine = i;
    }
    if (
      credLine >= 0 &&
      netLine >= credLine &&
      hostLine >= 0 &&
      Math.max(credLine, netLine, hostLine) - Math.min(credLine, netLine, hostLine) <= 15 &&
      i === Math.max(credLine, netLine, hostLine)
    ) {
      hit('backdoor.credential-exfil', netLine + 1);
      credLine = -1; // one finding per read of the credentials
    }

    if (dataUrlAt.on(i, escaped, () => DATA_URL_CODE.test(l))) hit('backdoor.decode-exec', i + 1);
    const dl = downloadAt.on(i, escaped, () => DOWNLOAD_EXEC.exec(l));
    if (dl && PROCESS_CALL.test(l)) hit('backdoor.download-exec', i + 1, dl.index + 1);
    const hidden = piecesAt.on(i, escaped, () => PIECES_HINT.test(l)) ? hiddenName(l) : undefined;
    if (hidden !== undefined) hit('backdoor.hidden-name', i + 1, hidden);

    const rs = reverseAt.on(i, escaped, () => REVERSE_SHELL.exec(l));
    if (rs) hit('backdoor.reverse-shell', i + 1, rs.index + 1);
    if (hasSocketShell) {
      if (SOCKET_CONNECT.test(l)) sockLine = i;
      if (SHELL_START.test(l)) shellLine = i;
      if (SOCKET_WIRING.test(l)) wireLine = i;
      const span = [sockLine, shellLine, wireLine];
      if (span.every((x) => x >= 0) && Math.max(...span) - Math.min(...span) <= 20 && i === Math.max(...span)) {
        hit('backdoor.reverse-shell', shellLine + 1);
        sockLine = -1;
      }
    }

    if (hasBypass && AUTH_CONTEXT.test(l)) inAuthFn = i;
    if (inAuthFn >= 0 && i - inAuthFn <= 25 && DEBUG_BYPASS.test(l)) {
      const body = nested ? [i] : [i, ...blockAfter(lines, i, 4)];
      if (body.some((j) => ALLOW_RETURN.test(lines[j]))) hit('backdoor.debug-auth-bypass', i + 1);
    }
  }
  if (!nested && credAndNet) for (const i of credentialFilesToHost(file)) hit('backdoor.credential-exfil', i + 1);

  return hits.map((h) => {
    const m = META[h.ruleId];
    return finding(file, { ruleId: h.ruleId, category: 'backdoor', line: h.line, column: h.column, ...m });
  });
}

/** Credential files (not the environment): what only a thief or the credential's own vendor reads. */
const CRED_FILE =
  /\.ssh\/id_\w+|\.aws\/credentials|\.config\/gcloud|\.git-credentials|\.docker\/config\.json|\.kube\/config|\.npmrc|\.pypirc|\.netrc|\/etc\/shadow/g;
/** A host written in the code, a documentation name too (`.example.com`): only the machine itself is not one. */
const HOST_OF =
  /['"`](?:https?|wss?|ftp|tcp):\/\/(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])[/:'"`])([\w.-]+)|['"`](\d{1,3}(?:\.\d{1,3}){3})['"`]/;

/**
 * A network call to a host written in the code (on its line or in a constant it names) in a file that
 * reads a credential file within 80 lines of it, above or below (a collector in one function, the upload
 * in another: `ureq::post(UPLOAD_URL)` with `.aws/credentials` among the "attachments"). The line shape
 * above wants all three within 15 lines. Returns the call's lines and the credential files' lines.
 */
function credentialFilesToHost(file: SourceFile): number[] {
  const creds = file.matchingLines(CRED_FILE).filter((i) => !/^\s*(?:#|\/\/|\*|\/\*)/.test(file.lines[i]));
  if (!creds.length) return [];
  // (constants holding a host: `UPLOAD_URL = "https://…"`)
  const hosts = new Map<string, string>();
  for (const i of file.matchingLines(new RegExp(HOST_OF.source, 'g'))) {
    const l = file.lines[i];
    // (`UPLOAD_URL = "https://…"`, or C's `#define UPLOAD_URL "https://…"`)
    const name = (/^\s*#\s*define\s+([A-Za-z_]\w*)\s/.exec(l) ??
      /([A-Za-z_]\w*)\s*(?::\s*[^=\n]{1,30})?\s*(?::=|=(?![=>]))/.exec(l))?.[1];
    const host = HOST_OF.exec(l);
    if (name && host) hosts.set(name, host[1] ?? host[2]);
  }
  const out: number[] = [];
  for (const i of file.matchingLines(new RegExp(NET_SINK.source, 'g'))) {
    const l = file.lines[i];
    if (l.length > 600 || /^\s*(?:#|\/\/|\*|\/\*)/.test(l)) continue;
    const own = HOST_OF.exec(l);
    const host = own
      ? (own[1] ?? own[2])
      : [...l.matchAll(/[A-Za-z_]\w*/g)].map((m) => hosts.get(m[0])).find((h) => h !== undefined);
    if (!host) continue;
    // (no host is exempt for being the credential's own vendor: a bucket or a gist on the vendor's
    // domain is the attacker's as easily, `https://drop.s3.amazonaws.com/`)
    const stolen = creds.filter((c) => Math.abs(c - i) <= 80);
    // (both ends are reported: where the credential file is named and where it leaves)
    if (stolen.length) out.push(i, ...stolen);
  }
  return [...new Set(out)];
}

/** The lines (ascending) a gate may hold (`worth`), and every overlong line (read statement by statement). */
function worthOrLong(lines: string[], worth: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (worth[i] === 1 || lines[i].length > MAX_LINE) out.push(i);
  return out;
}

/** The backdoor findings of one overlong line, read statement by statement. */
function longLine(file: SourceFile, l: string): Finding[] {
  const parts = [...statementsOf(l), ...windowsOf(l)];
  return analyzeShapes(new SourceFile(file.path, parts.join('\n'), file.language), true);
}

/**
 * The same line cut without regard to quotes: a stray quote in a comment or a regex (`/*'*\/`) would
 * otherwise make statementsOf take the rest of the line for one string. Pieces end at `;`, `{` and
 * `}`; a piece still too long is read in overlapping windows, so every short statement is whole in one.
 */
export function windowsOf(line: string): string[] {
  const out: string[] = [];
  for (const piece of line.match(/[^;{}]*[;{}]?/g) ?? []) {
    if (!piece) continue;
    const last = out.length - 1;
    if (last >= 0 && out[last].length + piece.length <= STATEMENT_GROUP) out[last] += piece;
    else if (piece.length <= MAX_LINE) out.push(piece);
    else for (let at = 0; at < piece.length; at += MAX_LINE / 2) out.push(piece.slice(at, at + MAX_LINE));
  }
  return out;
}
