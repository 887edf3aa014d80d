/**
 * Where sensitive data goes, across the statements and functions of one file (issue 21, item 3):
 * a light, language-general flow. Sources: names that hold secrets (password, token, api key,
 * card number, authorization, cookie…), the whole environment, credential files, and whole
 * configuration/session/request objects. Names assigned from a source (or from a tainted name)
 * are tainted, and so are the parameters of the file's own functions called with tainted values.
 *   backdoor.secret-to-log       a tainted value (unmasked) reaches a log, print or error-report call
 *   backdoor.secret-to-host      a tainted value reaches a network call whose host is written in the
 *                                code (a URL or host literal, or a constant holding one); DNS names built
 *                                from data count as network too
 * A masked value (redact, mask, hash, length, last four) is not a leak, and a configured endpoint
 * (read from settings) is not a hard-coded host. Fixtures: src/analyzers/fixtures/backdoor.leaks.*
 */
import type { Finding } from '../../engine/types.ts';
import { type SourceFile, finding } from '../source.ts';
import { assignments, bodiesOf } from './structure.ts';
import { LOG_CALL, MASKED, linesWith, oncePerLine } from './vocabulary.ts';
import { candidateLines, occurs, prefilterProvider, wholeFile } from '../literals.ts';
import { ARROW, RETURN, enclosing, enclosingAt, firstCallArgs, functionsOf, implicitReturn } from './calls.ts';

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pw',
  'passphrase',
  'secret',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'signingkey',
  'credential',
  'credentials',
  'creds',
  'cardnumber',
  'pan',
  'cvv',
  'cvc',
  'authorization',
  'cookie',
  'cookies',
  'ssn',
  'mnemonic',
  'pin',
  'clientsecret',
  'bearer',
  // (compounds only: a bare `token` is as often a parser's, a bare `session` a conversation's)
  'accesstoken',
  'authtoken',
  'apitoken',
  'bearertoken',
  'refreshtoken',
  'idtoken',
  'csrftoken',
  'sessiontoken',
  'secrettoken',
  'sessioncookie',
  // (key material named by its format or role: `key_pem`, `privkey`, `signing_secret`)
  'keypem',
  'pemkey',
  'privkey',
  'keymaterial',
  // (a connection string carries the database password: `DATABASE_URL`, `db_dsn`, `connectionString`)
  'databaseurl',
  'dburl',
  'dbdsn',
  'databasedsn',
  'connectionstring',
  'connstring',
  'connstr',
]);
/** Whether an identifier names a secret: its last word, or its last two words joined, is one. */
export function secretName(id: string): boolean {
  let known = NAMED.get(id);
  if (known === undefined) {
    // (the same names come back on every line of a file: each is split once)
    if (NAMED.size > 50_000) NAMED.clear();
    NAMED.set(id, (known = splitSecretName(id)));
  }
  return known;
}
const NAMED = new Map<string, boolean>();

function splitSecretName(id: string): boolean {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const n = words.length;
  if (!n) return false;
  return SECRET_WORDS.has(words[n - 1]) || (n >= 2 && SECRET_WORDS.has(words[n - 2] + words[n - 1]));
}

// (`os.environ.get("AWS_REGION")` reads one variable, not the whole environment: C's `environ` and
// Python's bare `environ` count only when read whole)
const ENV_WHOLE =
  /\bos\.environ\b(?!\s*(?:\.get|\[))|\bprocess\.env\b(?!\s*\.\s*\w|\s*\[)|\bSystem\.getenv\(\s*\)|\bos\.Environ\(\)|\bENV\.(?:to_h|to_hash|each|map|select|filter)\b|\$_ENV\b|\benv::vars\(\)|\bEnvironment\.GetEnvironmentVariables\(\)|\bgetenv\(\s*\)|\bprintenv\b|(?<![.\w])environ\b(?!\s*(?:\.get|\[|\.setdefault|\.pop))/;
const CRED_FILE =
  /\.ssh\/(?:id_\w+|authorized_keys)|\.aws\/credentials|\.npmrc|\.pypirc|\.netrc|\.docker\/config\.json|\.kube\/config|\.git-credentials|\.config\/gcloud|\/etc\/shadow|wallet\.dat|\.bash_history|["'/]\.env(?:\.\w+)?["']|id_rsa|id_ed25519/;
/** A whole settings, session or request object, passed as it is (the log gets every field). */
const WHOLE_OBJECT =
  /(?:^|[\s(,{=+])(?:config|cfg|conf|settings|request\.headers|req\.headers|r\.Header|credentials|creds|secrets|configuration)(?:\.(?:to_unsafe_h|to_h|permit!|inspect|to_json|dict|__dict__|AsEnumerable\(\)))?\s*(?:[),}]|$)|\b(?:to_unsafe_h|JSON\.stringify\s*\(\s*(?:config|cfg|settings|session|req\.headers|headers|process\.env)|json\.dumps\s*\(\s*(?:config|settings|vars\(|os\.environ)|vars\s*\(\s*(?:config|settings|self)|%\+v|%#v|\{:\?\}|\{:#\?\}|inspect\(\s*(?:config|cfg|settings|session))/;
const NET_CALL =
  /\brequests\.(?:post|get|put|patch)\s*\(|\bhttpx\.\w+\s*\(|\burlopen\s*\(|\burllib\.request\b|(?<![.\w])fetch\s*\(|\baxios(?:\.\w+)?\s*\(|\bhttp\.(?:Post|PostForm|Get|NewRequest\w*)\s*\(|\.(?:PostAsync|PostAsJsonAsync|GetAsync|SendAsync|UploadString|UploadValues)\s*\(|\bNet::HTTP\.(?:post\w*|get)\b|\bHTTParty\.\w+|\bFaraday\b|\bcurl_setopt\b|\bcurl\s|\bwget\s|\bfile_get_contents\s*\(|\bsendto\s*\(|\.send\s*\(|\.write\s*\(|\bsendBeacon\s*\(|\bnavigator\.sendBeacon|\breqwest::|\.post\s*\(|\bureq::|\bhttps?\.request\s*\(|\bnew\s+URL\s*\(|\bWebClient\b|\bHttpURLConnection\b|\bsmtplib\b|\bsocket\.|\bdns\.(?:resolve|lookup)\w*\s*\(|\bgethostbyname\s*\(|\bgetaddrinfo\s*\(|\bLookup(?:Host|TXT|IP)\s*\(|\bnet\.Resolver\b|\bResolve\w*\s*\(|\bcurl_easy_(?:setopt|perform)\b|\.(?:Post|PostForm)\s*\(|(?:[Cc]lient|[Hh]ttp|HTTP|[Ss]ession|[Cc]onn)(?:\.|->|::)(?:[Pp]ost|[Pp]ut|[Ss]end|[Dd]o|[Ee]xecute|[Rr]equest|exchange|postFor)\w*\s*\(/;
// (a sink spelled through a client object: `client.Post(url, …)`, `http.sendAsync(req)`, `session.request(…)`;
// written without spaces so that the scan's automaton has whole words to look for)
const LITERAL_URL =
  /["'`](?:https?|wss?|ftp):\/\/(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])[:/"'`])[^"'`\s]+["'`]|["'`][\w.-]*\.(?:example\.(?:com|net|org)|internal|local|com|net|org|io|site|xyz|cc|top|ru|sh)["'`]|["'`]\d{1,3}(?:\.\d{1,3}){3}["'`]/;
/** Well-known paste and webhook services: a sink whatever the data. */
const PASTE =
  /pastebin\.com|webhook\.site|discord(?:app)?\.com\/api\/webhooks|hooks\.slack\.com|requestbin|ngrok\.io|transfer\.sh|telegram\.org\/bot/;

/** A secret made here and now (`create_private_key()`): a tool that makes keys prints them on purpose. */
const FRESH = /^(?:create|generate|gen|new|make|random)\w*\s*\(/i;

const SINK_HINT = new RegExp(`${LOG_CALL.source}|${NET_CALL.source}`, 'm');
const SINK_HINT_G = new RegExp(SINK_HINT.source, 'gm');
const SOURCE_HINT =
  /passw|pwd|\bpw\b|secret|Secret|SECRET|token|Token|TOKEN|api_?key|apiKey|ApiKey|API_KEY|private_?key|privateKey|PrivateKey|PRIVATE_KEY|access_?key|accessKey|AccessKey|credential|Credential|CREDENTIAL|creds|card|Card|\bpan\b|cvv|cvc|CVV|authorization|Authorization|AUTHORIZATION|cookie|Cookie|session|Session|ssn|mnemonic|\bpin\b|PIN|bearer|Bearer|jwt|JWT|environ|process\.env|getenv|Getenv|ENV\b|env::vars|GetEnvironment|localStorage|sessionStorage|\.ssh|\.aws|npmrc|pypirc|netrc|git-credentials|docker\/config|kube\/config|shadow|wallet|HTTP_AUTHORIZATION|HTTP_COOKIE|AsEnumerable|\.env\b|id_rsa|id_ed25519|_URL\b|_DSN\b|dsn|Dsn|DSN|[Cc]onnection[Ss]tring|_KEY\b|\breturn\b/g;

/**
 * One environment variable read by a name that says it holds a secret (`os.environ["HF_TOKEN"]`,
 * `getenv("DATABASE_URL")`, `ENV.fetch('STRIPE_KEY')`): the name is a string, blanked in the code
 * the passes read, so it is read off the raw line. Environment names end in their role: a bare
 * `TOKEN`, `KEY` or `DSN` suffix counts here (`GITHUB_TOKEN`), as it does not for a variable.
 */
const ENV_NAMED =
  /\b(?:environ(?:\.get)?|getenv|Getenv|GetEnvironmentVariable|LookupEnv|env::var|ENV(?:\.fetch)?|\$_ENV|\$_SERVER|process\.env)\s*[\[(]\s*["'`]([A-Za-z][A-Za-z0-9_]*)["'`]|\bprocess\.env\.([A-Za-z][A-Za-z0-9_]*)/g;
const ENV_SECRET = /(?:^|_)(?:TOKEN|KEY|DSN|PAT|DATABASE_URL|DB_URL|CONNECTION_STRING)$/i;
export function envSecret(raw: string): boolean {
  if (!raw.includes('env') && !raw.includes('ENV') && !raw.includes('Env')) return false;
  for (const m of raw.matchAll(ENV_NAMED)) {
    const name = m[1] ?? m[2];
    if (ENV_SECRET.test(name) || secretName(name)) return true;
  }
  return false;
}

/**
 * A secret environment read whose value the text hands on whole: `urlparse(os.environ["DATABASE_URL"]).hostname`
 * is a new value (the host), `os.environ["DATABASE_URL"].strip()` is the secret.
 */
function envKept(raw: string): boolean {
  return (
    envSecret(raw) && /environ|getenv|Getenv|ENV|env::|process\.env|GetEnvironmentVariable|LookupEnv/.test(carried(raw))
  );
}

/** Calls that pass what they are given on (serialise, encode, format, copy); other calls' results are new values. */
const CARRIERS =
  /^(?:[\w.]*\.)?(?:dumps|stringify|Marshal\w*|marshal|encode\w*|b64encode|b32encode|urlsafe_b64encode|encodeToString|btoa|hexlify|hex|format|Sprintf|sprintf|join|concat|str|String|toString|to_s|to_json|to_h|dict|list|tuple|assign|from|bytes|getBytes|toUpperCase|toLowerCase|lower|upper|strip|trim|urlencode|quote|escape|Some|Ok|clone|copy|into|to_string|to_owned|as_str|collect|ToDictionary|ToList|AsEnumerable|Select|map|filter|Where|items|values|entries|getItem|getenv|Getenv|GetEnvironmentVariable|environ|get|fetch|read\w*|slurp|open|readFile\w*|File\.read|IO\.read|file_get_contents|ReadAllText|ReadFile|read_to_string)$/;

/** The part of an expression whose value it carries: arguments of calls that only pass them on. */
function carried(rhs: string, returning?: ReadonlySet<string>): string {
  let t = rhs;
  for (let k = 0; k < 12; k++) {
    // (a call of one of the file's functions that returns a secret carries that secret: its name is kept)
    const next = t.replace(/([A-Za-z_][\w.]*)\s*\(([^()]*)\)/g, (_m, name: string, inner: string) =>
      CARRIERS.test(name)
        ? ` ${name} ${inner} `
        : returning?.has(name.replace(/^.*\./, '')) || secretName(name.replace(/^.*\./, ''))
          ? ` ${name.replace(/^.*\./, '')}() `
          : ' ',
    );
    if (next === t) break;
    t = next;
  }
  return t;
}
/** Files that wrap secrets in redacting types: what they log is masked by the type. */
const REDACTING_TYPES =
  /\bSecretString\b|\bSecret<|\bsecrecy::|\bSensitive<|\bRedacted\w*|\bLogValue\b|\bredact\b|\bpino\b[\s\S]{0,400}redact/;

/** The line with string contents blanked (interpolations `${x}`, `#{x}`, `{x}`, `$x` kept). */
function code(l: string): string {
  return l.replace(/(["'`])((?:(?!\1)[^\\\n]|\\.)*)\1/g, (_m, q: string, body: string) => {
    const kept = [...body.matchAll(/\$\{([^}]*)\}|#\{([^}]*)\}|\{([A-Za-z_][\w.]*)(?:[!:][^}]*)?\}|\$([A-Za-z_]\w*)/g)]
      .map((m) => m[1] ?? m[2] ?? m[3] ?? m[4])
      .join(' ');
    return `${q}${kept ? ` ${kept} ` : ''}${q}`;
  });
}

const IDENT = /[A-Za-z_$][\w$]*(?:(?:\.|->|::|\?\.)[A-Za-z_]\w*)*/g;

/**
 * A name looked up in DNS that is data packed into labels under a fixed zone: data encoded to hex,
 * base32 or base64 (labels hold only such characters) in a file whose lookup puts variable labels
 * before a domain written in the code (`resolve4(`${label}.${i}.${ZONE}`)`). The resolver of that
 * zone receives the data; no connection is ever made. Service discovery (`${svc}.${ns}.svc.cluster.local`)
 * encodes nothing.
 */
const DNS_LOOKUP =
  /\b(?:dns\.(?:resolve\w*|lookup)|resolve(?:4|6|Txt|Any|Cname)\w*|lookup(?:Host|IP|TXT)?|gethostbyname(?:_ex)?|getaddrinfo|LookupHost|LookupIP|LookupTXT|Dns\.GetHostEntry\w*|Dns\.GetHostAddresses\w*|InetAddress\.getByName|Resolv\.getaddress)\s*\(\s*(?:[`'"f]|[A-Za-z_$][\w$.]*\s*\+|fmt\.Sprintf|String\.format|format!)/g;
const LABEL_ENCODE =
  /toString\(\s*['"](?:hex|base64|base64url)['"]\s*\)|\.hex\(\)|hexlify|b32encode|base32|b64encode|urlsafe_b64encode|hex\.EncodeToString|base32\.\w+Encoding|Convert\.ToHexString|encodeToString|bin2hex|unpack\(\s*['"]H\*/;
const DNS_NAME_TAIL =
  /\$\{[^}]+\}\.[^`]*\.(?:\$\{[A-Za-z_$][\w$]*\}|[a-z0-9-]+\.[a-z]{2,})`|['"]\s*\+\s*[A-Za-z_$][\w$]*\s*\+\s*['"]\.[a-z0-9-]+\.[a-z]{2,}|\{\}\.[a-z0-9.-]+\.[a-z]{2,}|%[sdvx]\.(?:%[sdvx]\.)*[a-z0-9.-]+\.[a-z]{2,}/;
const DNS_WORDS =
  /\bnslookup\b|\bdig\b|\bdrill\b|\bdns\b|resolve4|resolve6|resolveTxt|gethostbyname|getaddrinfo|LookupHost|LookupIP|LookupTXT|GetHostEntry|GetHostAddresses|getByName|Resolv\b/;
/** The shell's way: a pipeline that hex-encodes (od -tx1, xxd -p, base32) feeding lookups of a name under a fixed domain. */
const DNS_LOOKUP_SH = /\b(?:nslookup|dig|drill|host)\s+(?:[+-]\S+\s+)*["']?\$/;
const LABEL_ENCODE_SH = /\bod\b[^|\n]*-t\s*x|\bxxd\s+-ps?\b|\bbase32\b|\bbase64\b|\bhexdump\b/;
const FIXED_ZONE_SH = /%s\.[^"'\s]*\.[a-z]{2,}|\$\{?\w+\}?\.[\w.$-]*\.[a-z]{2,}\b/;
function shellDnsTunnel(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  for (const i of file.matchingLines(new RegExp(DNS_LOOKUP_SH.source, 'g'))) {
    const from = Math.max(0, i - 4);
    const window = file.lines.slice(from, i + 1).join('\n');
    // (the domain written in the window, or a name joined to the data whose value the script sets to one)
    const zoned =
      FIXED_ZONE_SH.test(window) ||
      (/\$\{?\w+\}?\.\$\{?\w+/.test(file.lines[i]) &&
        /^\s*\w+=["']?[a-z0-9-]+(?:\.[a-z0-9-]+)+["']?\s*$/m.test(file.text));
    if (!LABEL_ENCODE_SH.test(window) || !zoned) continue;
    const encodedAt = from + file.lines.slice(from, i + 1).findIndex((l) => LABEL_ENCODE_SH.test(l));
    for (const at of new Set([encodedAt, i]))
      add(
        at,
        'backdoor.secret-to-host',
        'Data sent out in DNS names',
        'high',
        'A script encodes data (od, xxd, base32) into names under a fixed domain and looks them up: the resolver of that zone reads the data, with no connection made (DNS tunnelling).',
      );
  }
}

function dnsTunnel(file: SourceFile, out: Finding[]): void {
  if (file.language === 'bash') {
    shellDnsTunnel(
      file,
      oncePerLine(file, out, () => 'CWE-200', 'Remove the lookups; rotate what they carried.'),
    );
    return;
  }
  if (!LABEL_ENCODE.test(file.text)) return;
  const add = oncePerLine(file, out, () => 'CWE-200', 'Remove the lookup; rotate what it carried.');
  // (the encoding must feed the lookup: done in its own function, or in what a name on its line holds,
  // directly or through a function of the file that encodes: `labels = probeLabels(env)`)
  const encoders = new Set<string>();
  for (const k of file.matchingLines(new RegExp(LABEL_ENCODE.source, 'g')))
    encoders.add(enclosing(file.lines, k) ?? '');
  encoders.delete('');
  let values: Map<string, string> | undefined;
  const encodes = (t: string) =>
    LABEL_ENCODE.test(t) || [...t.matchAll(/([A-Za-z_$][\w$]*)\s*\(/g)].some((m) => encoders.has(m[1]));
  // (the name made where the data is encoded, `fmt.Sprintf("%s.%d.r.zone.test", hex.EncodeToString(…))`, and
  // looked up later in the file through a variable: the line that packs the data is the one to report)
  if (DNS_WORDS.test(file.text))
    for (const i of file.matchingLines(new RegExp(LABEL_ENCODE.source, 'g'))) {
      const l = file.lines[i];
      if (l.length > 600 || !DNS_NAME_TAIL.test(l)) continue;
      add(
        i,
        'backdoor.secret-to-host',
        'Data sent out in DNS names',
        'high',
        "Data is encoded into the labels of a name under a zone written in the code, and the file looks names up: whoever runs that zone's resolver reads the data, with no connection made (DNS tunnelling).",
      );
    }
  for (const i of file.matchingLines(DNS_LOOKUP)) {
    const l = file.lines[i];
    if (l.length > 600 || !DNS_NAME_TAIL.test(l)) continue;
    values ??= assignments(file);
    const fed =
      encodes(l) ||
      encoders.has(enclosing(file.lines, i) ?? '') ||
      [...l.matchAll(/[A-Za-z_$][\w$]*/g)].some((m) => encodes(values!.get(m[0]) ?? ''));
    if (!fed) continue;
    add(
      i,
      'backdoor.secret-to-host',
      'Data sent out in DNS names',
      'high',
      "A DNS lookup asks for a name made of encoded data under a zone written in the code: whoever runs that zone's resolver reads the data, with no connection made (DNS tunnelling).",
    );
  }
}

/**
 * Files picked by the names secrets are kept under (a list of at least three: `.pem`, `.key`, `.pfx`,
 * `.kdbx`, `.ovpn`, `.env`, `id_rsa`…), read, in a file that sends data over the network: a "sync" or "cache
 * warm" that harvests keys. A list used to leave such files out (`if (SECRET_EXT.Contains(ext)) continue;`,
 * `!SECRETS.includes(ext)`) is the opposite, and is not one.
 */
const SECRET_FILE_NAME =
  /["'`](?:\*?\.(?:pem|key|pfx|p12|kdbx|ovpn|jks|keystore|ppk|gpg|asc|env|npmrc|netrc|pgpass|git-credentials)|id_(?:rsa|ed25519|ecdsa|dsa)|credentials)["'`]/g;
const FILE_READ =
  /\bRead(?:All)?(?:Bytes|Text)\w*\s*\(|\breadFile(?:Sync)?\s*\(|\bread_(?:bytes|text|to_end|to_string)\s*\(|\bos\.ReadFile\s*\(|\bio\.ReadAll\s*\(|\bfile_get_contents\s*\(|\bFile\.(?:read|binread)\s*\(|\bopen\s*\([^)\n]*\)\.read\s*\(|\bfs::read\w*\s*\(|\bFiles\.readAll\w*\s*\(/;
const NET_SEND =
  /\b(?:Post|Put|Send|Upload\w*)Async\s*\(|\bUpload(?:File|Data|String)\s*\(|\brequests\.(?:post|put)\s*\(|\bhttpx?\.(?:post|put)\s*\(|(?<![\w.])fetch\s*\(|\baxios\.(?:post|put)\s*\(|\bhttp\.(?:Post|NewRequest)\s*\(|\bNet::HTTP\b|\bcurl_easy_perform\s*\(|\bureq::(?:post|put)|\breqwest::|\.(?:post|put)\s*\(/;
function secretFileHarvest(file: SourceFile, out: Finding[]): void {
  const lines = file.lines;
  // (each list looks for its uses over the whole file: at most 20 lists are read, a file of thousands is data)
  for (const i of file.matchingLines(new RegExp(SECRET_FILE_NAME.source, 'g')).slice(0, 20)) {
    const window = lines.slice(i, i + 3).join(' ');
    const names = new Set([...window.matchAll(SECRET_FILE_NAME)].map((m) => m[0].toLowerCase()));
    if (names.size < 3 || /^\s*(?:#|\/\/|\*)/.test(lines[i])) continue;
    // (the list's name: on its line, or opening it up to three lines above)
    let list: string | undefined;
    for (let k = i; k >= Math.max(0, i - 3) && !list; k--)
      list = /([A-Za-z_]\w*)\s*(?:\{\s*get;[^}]*\})?\s*(?::[^=\n]{1,60})?=(?![=>])/.exec(lines[k])?.[1];
    if (!list) continue;
    const used = new RegExp(`\\b${list}\\b`);
    const uses = lines.flatMap((l, k) =>
      k > i && used.test(l) && !(k <= i + 2 && wholeFile(SECRET_FILE_NAME).test(l)) ? [k] : [],
    );
    // (picking: files not on the list are dropped, `if (!LIST.Contains(ext)) return;`; or the list picks them)
    const picks = uses.find((k) => {
      const l = lines[k];
      // (the act on its line, or alone on the next when the condition opens a block: Python's `:`, `{`, `then`)
      const next = /[:{]\s*$|\bthen\s*$/.test(l) ? (lines[k + 1] ?? '') : '';
      const dropped = /\b(?:continue|return|next|skip)\b/.test(l) || /^\s*(?:continue|return|next)\b/.test(next);
      // (a `!` before the list's name, `!LIST.Contains(x)`, `!Array.Exists(LIST, …)`, or `not in LIST`)
      const negated =
        /!(?!=)/.test(l.slice(0, l.search(used))) || new RegExp(`\\bnot\\s+in\\s+(?:self\\.)?${list}\\b`).test(l);
      return negated ? dropped : !dropped;
    });
    if (picks === undefined) continue;
    const body = lines.slice(picks, picks + 12).join('\n');
    if (!FILE_READ.test(body) || !NET_SEND.test(file.text)) continue;
    for (const at of [i, picks])
      out.push(
        finding(file, {
          ruleId: 'backdoor.credential-exfil',
          title: 'Key and secret files picked out and sent',
          severity: 'high',
          confidence: 'medium',
          category: 'backdoor',
          cwe: 'CWE-200',
          line: at + 1,
          column: 1,
          message: `Files are picked by the names secrets are kept under (${[...names].slice(0, 5).join(', ')}), read, and the file sends data over the network: a harvest of keys and credentials.`,
          fix: 'Never select key or credential files for upload; exclude them, and rotate anything already sent.',
        }),
      );
  }
}

/**
 * Request bodies written to logs: a field named for the body, as log fields are keyed (`"request_body",
 * body.String()`, `slog.String("body", b)`, `'payload' => $raw`; not the bare `body:` of every request a client
 * sends) whose value reads the request's body, directly or through a helper of the file (`body := teeBody(r,
 * …)`), in a file that logs. A login's body holds the password: an access log that keeps bodies keeps passwords.
 */
const BODY_FIELD = /["'`](?:request_?body|req_?body|raw_?body|body|payload)["'`]\s*(?:,|:|=>)\s*&?([A-Za-z_$][\w$]*)/g;
const BODY_READ =
  /\b(?:r|req|request|ctx\.Request|c\.Request)\.(?:Body|body)\b|\brequest\.(?:get_data|data|get_json|stream)\b|\bReadAll\s*\(\s*(?:r|req)\.Body|\bgetInputStream\s*\(|\bphp:\/\/input\b|\brawBody\b/;
function bodiesLogged(file: SourceFile, out: Finding[]): void {
  const values = assignments(file);
  const bodies = bodiesOf(file);
  for (const i of file.matchingLines(BODY_FIELD)) {
    const l = file.lines[i];
    if (l.length > 400 || /^\s*(?:#|\/\/|\*)/.test(l) || MASKED.test(l)) continue;
    for (const m of l.matchAll(BODY_FIELD)) {
      const v = values.get(m[1]) ?? '';
      const helper = /([A-Za-z_]\w*)\s*\(/.exec(v)?.[1];
      const reads =
        BODY_READ.test(l.slice(m.index, m.index + m[0].length + 40)) ||
        BODY_READ.test(v) ||
        (helper !== undefined && BODY_READ.test(bodies.get(helper) ?? '') && /\b(?:r|req|request)\b/.test(v));
      if (!reads) continue;
      out.push(
        finding(file, {
          ruleId: 'backdoor.secret-to-log',
          title: 'Request bodies written to the log',
          severity: 'medium',
          confidence: 'medium',
          category: 'backdoor',
          cwe: 'CWE-532',
          line: i + 1,
          column: 1,
          message: `The request's body (${m[1]}) is put among the fields a log line writes: a login's body holds the password, and every request that reaches this line leaves its secrets in the logs.`,
          fix: 'Never log request bodies; log their size, or named fields that hold no secret.',
        }),
      );
      break;
    }
  }
}

/**
 * The whole environment copied into a value that is serialized or encoded (`ctx = { env: { ...process.env } }`
 * then `JSON.stringify(ctx)`, `json.dumps(dict(os.environ))`), in a file that talks to the network: every
 * token and key the process holds, packed to leave, wherever it is sent. (Handed to a child process as its
 * environment, it stays on the machine: not one.)
 */
const ENV_COPY =
  /\{\s*\.\.\.process\.env\s*\}|\.\.\.process\.env\b|\bdict\(\s*os\.environ\s*\)|\bos\.environ\.copy\(\)|\bos\.Environ\(\)|\bENV\.to_h\b|\bSystem\.getenv\(\s*\)|\bGetEnvironmentVariables\(\)|\benv::vars\(\)|\$_ENV\b|\bgetenv\(\s*\)/;
const SERIALIZED =
  /\bJSON\.stringify\s*\(|\bjson\.(?:dumps|Marshal)\s*\(|\bMarshal\s*\(|\bserde_json::to_\w+|\.to_json\b|\bjson_encode\s*\(|\bJsonSerializer\.Serialize|\bbase64|\bbtoa\s*\(|\bBuffer\.from\s*\(|\bb64encode\s*\(|\bencodeToString\s*\(/i;
const ANY_NET =
  /(?<![\w])fetch\w*\s*\(|\bhttps?\.request\s*\(|\baxios\b|\brequests\.\w+\s*\(|\burlopen\s*\(|\bhttp\.(?:Post|NewRequest|Get)\w*\s*\(|\bHttpClient\b|\bNet::HTTP\b|\breqwest::|\bureq::|\bcurl_/;
function environmentPacked(file: SourceFile, out: Finding[]): void {
  if (!ANY_NET.test(file.text)) return;
  for (const i of file.matchingLines(new RegExp(ENV_COPY.source, 'g'))) {
    const l = file.lines[i];
    if (
      l.length > 400 ||
      /^\s*(?:#|\/\/|\*)/.test(l) ||
      CHILD_PROCESS.test(file.lines.slice(Math.max(0, i - 2), i + 3).join(' '))
    )
      continue;
    if (!file.lines.slice(i, i + 4).some((x) => SERIALIZED.test(x))) continue;
    out.push(
      finding(file, {
        ruleId: 'backdoor.secret-to-host',
        title: 'The whole environment packed to be sent',
        severity: 'medium',
        confidence: 'medium',
        category: 'backdoor',
        cwe: 'CWE-200',
        line: i + 1,
        column: 1,
        message:
          'The whole environment (every token and key the process holds) is copied into a value that is serialized or encoded, in a file that sends data over the network.',
        fix: 'Send only the named, non-secret values a report needs; never the environment.',
      }),
    );
  }
}
const PLAIN_URL = /^\s*["'`]https?:\/\/[^\s"'`@]+["'`]\s*;?\s*$/;
const CHILD_PROCESS = /\b(?:spawn|exec\w*|fork|Popen|Command|ProcessStartInfo|subprocess|child_process)\b/;

export function analyzeLeaks(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  if (occurs(ENV_COPY, file.text)) environmentPacked(file, out);
  if (occurs(BODY_FIELD, file.text) && occurs(LOG_CALL, file.text)) bodiesLogged(file, out);
  if (occurs(SECRET_FILE_NAME, file.text)) secretFileHarvest(file, out);
  // (a script's lookups by the programs' names: `host` is a word prose and code use all day)
  if (file.language === 'bash' ? occurs(DNS_LOOKUP_SH, file.text) : occurs(DNS_WORDS, file.text)) dnsTunnel(file, out);
  // (lines with their string contents blanked, made when first read)
  const blanked: (string | undefined)[] = new Array(file.lines.length);
  const lines = new Proxy([] as string[], {
    get(_t, k) {
      if (k === 'length') return file.lines.length;
      if (k === 'slice') return (a: number, b?: number) => file.lines.slice(a, b).map((_l, j) => line(a + j));
      if (k === 'some') return (fn: (c: string) => boolean) => file.lines.some((_l, j) => fn(line(j)));
      return typeof k === 'string' && /^\d+$/.test(k) ? line(Number(k)) : undefined;
    },
  });
  function line(i: number): string {
    let c = blanked[i];
    if (c === undefined) {
      const l = file.lines[i];
      c = blanked[i] = l.length > 600 || /^\s*(?:\/\/|#(?![{!\[])|\*|\/\*)/.test(l) ? '' : code(l);
    }
    return c;
  }
  // Sinks first: a file with no log, print or network call leaks nothing here.
  // (every finding needs a line that holds one, string contents blanked: the lines holding a sink's word,
  // from the scan's automaton, are asked one by one, and most files answer on their first; without the
  // automaton, the regex over the text)
  const sinkLines = candidateLines(SINK_HINT_G, file.text, () => file.lineStarts());
  // (a shell script's own output is a sink: see shellEchoes)
  const shell = file.language === 'bash';
  if (!shell && (sinkLines ? !sinkLines.some((i) => SINK_HINT.test(line(i))) : !occurs(SINK_HINT, file.text)))
    return out;
  const tainted = new Set<string>();
  const values = assignments(file);
  // (object keys name a slot, not a value: `credentials: 'include'`; a key freshly made is output, not a leak)
  const isSource = (c: string) => {
    const v = c.replace(/(?:^|[{,]\s*)["']?[A-Za-z_]\w*["']?\s*:(?!:)/g, ' ');
    return (
      ENV_WHOLE.test(v) ||
      CRED_FILE.test(v) ||
      COLLECTED.test(v) ||
      [...v.matchAll(IDENT)].some(
        (m) => idTainted(m[0]) && !FRESH.test(v.slice((m.index ?? 0) - 0, (m.index ?? 0) + m[0].length + 2)),
      )
    );
  };
  // (a field is judged by its own name: `token.TokenType` is not a secret, `cfg.db.password` is)
  const idTainted = (id: string) => {
    const parts = id.split(/\.|->|::|\?\./);
    const last = parts[parts.length - 1];
    return (secretName(last) && !plainUrl(values.get(id))) || tainted.has(id) || returning.has(last);
  };
  // (a name that reads as a secret, `DB_URL`, but holds a URL written out with no credentials in it: a download's
  // address, not a connection string)
  const plainUrl = (v: string | undefined) => v !== undefined && PLAIN_URL.test(v);
  // (the file's functions whose returned value is tainted: a call of one is a source, `dsn = database_url()`)
  const returning = new Set<string>();
  // Taint: names assigned from a source or a tainted name (three passes reach a fixpoint in practice).
  const ASSIGN =
    /^\s*(?:(?:const|let|var|val|my|local|auto|final|static|private|public|readonly|mut)\s+)*(?:[\w<>\[\],.:*&]+\s+)??\$?([A-Za-z_]\w*)\s*(?::\s*[^=\n]{1,40}?)?\s*(?::=|=(?!=)|\+=|<<)\s*(.*)$/;
  // (read only when a line to taint from names a call: most files' hint lines are read, few need it)
  let funcs: Map<string, string[]> | undefined;
  // (the lines read: those with a source word, then those naming a name found tainted so far)
  let work = linesWith(file, SOURCE_HINT);
  // (Ruby and Rust return a function's last expression without the word)
  const implicit = file.language === 'ruby' || file.language === 'rust';
  for (let pass = 0; pass < 4 && work.length; pass++) {
    const before = tainted.size + returning.size;
    for (const i of work) {
      const c = lines[i];
      if (!c) continue;
      const a = ASSIGN.exec(c) ?? MULTI.exec(c);
      const raw = file.lines[i];
      if (
        a &&
        !tainted.has(a[1]) &&
        (isSource(carried(a[2], returning)) || envKept(raw) || COLLECTED.test(raw)) &&
        !MASKED.test(a[2])
      )
        tainted.add(a[1]);
      // (a function that returns a tainted value: its calls are sources, across the file)
      const arrow = ARROW.exec(c);
      const r = RETURN.exec(c) ?? (implicit ? implicitReturn(lines, i) : null) ?? (arrow && [arrow[0], arrow[2]]);
      // (a returned list or map may span lines: `return [ 'input' => $request->all(), … ]`)
      const returned = r && /[([{]\s*$/.test(r[1]) ? lines.slice(i, i + 12).join(' ') : r?.[1];
      const rawReturned = r && /[([{]\s*$/.test(r[1]) ? file.lines.slice(i, i + 12).join(' ') : raw;
      if (
        r &&
        returned &&
        (isSource(carried(returned, returning)) || envKept(rawReturned) || WHOLE_INPUT.test(rawReturned)) &&
        !MASKED.test(returned)
      ) {
        const fn = arrow ? arrow[1] : enclosing(file.lines, i);
        if (fn && !returning.has(fn)) returning.add(fn);
      }
      // (a container or buffer filled with a tainted value is tainted: `buf` of `snprintf(buf, …, tok)`,
      // `data` of `data.append(tok)`, `m` of `m["k"] = tok`)
      const fill =
        /\b(?:snprintf|sprintf|strcpy|strncpy|strcat|strncat|memcpy|copy)\s*\(\s*&?([A-Za-z_]\w*)\s*,(.*)$|\b([A-Za-z_]\w*)\s*(?:\.|->)\s*(?:append|push|push_back|extend|update|add|put|set|insert|concat|write|merge|Add|Put|Set|Append|Write|WriteString)\s*\((.*)$|\b([A-Za-z_]\w*)\s*\[[^\]]*\]\s*=(?!=)(.*)$/.exec(
          c,
        );
      if (fill) {
        const [target, given] = [fill[1] ?? fill[3] ?? fill[5], fill[2] ?? fill[4] ?? fill[6]];
        if (target && !tainted.has(target) && isSource(given) && !MASKED.test(given)) tainted.add(target);
      }
      // (a tainted argument taints the parameters of the file's own function it is passed to)
      for (const m of c.matchAll(/([A-Za-z_]\w*)\s*\(([^()]*)\)/g)) {
        const f = (funcs ??= functionsOf(file.lines)).get(m[1]);
        if (!f) continue;
        const given = m[2].split(',');
        f.forEach((p, k) => {
          if (p && given[k] !== undefined && [...given[k].matchAll(IDENT)].some((m) => idTainted(m[0]))) tainted.add(p);
        });
      }
    }
    if (tainted.size + returning.size === before) break;
    const names = [...tainted, ...returning].filter((n) => /^[A-Za-z_]\w*$/.test(n)).slice(0, 300);
    work = names.length ? file.matchingLines(new RegExp(`\\b(?:${names.join('|')})\\b`, 'g')) : [];
  }
  const literalHost = (c: string, raw: string) =>
    LITERAL_URL.test(raw) ||
    PASTE.test(raw) ||
    [...c.matchAll(/[A-Za-z_]\w*/g)].some((m) => {
      const v = values.get(m[0]);
      return v !== undefined && (LITERAL_URL.test(v) || PASTE.test(v));
    });
  // (asked of the scan's automaton first: most files name no redacting type)
  const redacting = occurs(REDACTING_TYPES, file.text);
  let wholes: ((args: string) => boolean) | undefined;
  const seen = new Set<number>();
  const add = oncePerLine(
    file,
    out,
    (ruleId) => (ruleId === 'backdoor.secret-to-log' ? 'CWE-532' : 'CWE-200'),
    'Send or log only what is needed, masked; send data only to the configured endpoint.',
    seen,
  );
  const netLines: number[] = [];
  for (const i of linesWith(file, SINK_HINT_G)) {
    const c = lines[i];
    if (!c) continue;
    const raw = file.lines[i];
    const window = lines.slice(i, i + 3).join(' ');
    const rawWindow = file.lines.slice(i, i + 3).join(' ');
    const logAt = c.search(LOG_CALL);
    // (`echo "$secret" | cmd` hands the value to a command on its stdin: not a log)
    const piped = /^\s*(?:echo|printf)\b[^|]*\|/.test(c);
    // (what the call is given, over its lines as written: asked by each test below)
    const given = logAt >= 0 && !redacting && !piped ? logArgs(rawWindow, logAt) : undefined;
    if (given !== undefined && !MASKED.test(given)) {
      const inner = logArgs(window, logAt);
      // (what a call of another function returns is a new value: `urlparse(dsn).hostname` is not the DSN)
      if (
        isSource(carried(inner, returning)) ||
        envKept(given) ||
        // (a request's body written whole, a login's holds the password; a request field named for a secret)
        BODY_READ.test(given) ||
        SECRET_PARAM.test(given) ||
        SECRET_SETTING.test(given) ||
        (WHOLE_OBJECT.test(inner) && !FILTERED_WHOLE.test(given)) ||
        LABELLED.test(given) ||
        (wholes ??= secretBearing(file.text))(inner)
      )
        add(
          i,
          'backdoor.secret-to-log',
          'Secret or whole configuration written to a log',
          'medium',
          'A secret (password, token, key, card data) or a whole configuration, session or environment object reaches a log or error report unmasked.',
        );
    }
    const net = NET_CALL.test(c);
    if (net) netLines.push(i);
    if (
      net &&
      (isSource(window) || PASTE.test(raw) || envKept(rawWindow)) &&
      literalHost(window, lines.slice(i, i + 3).join(' ') + raw)
    ) {
      add(
        i,
        'backdoor.secret-to-host',
        'Sensitive data sent to a host written in the code',
        'high',
        'Secrets, credentials or the environment reach a network call whose destination is written in the code (not the configured endpoint): the shape of hidden exfiltration.',
      );
      // (the constant that holds the host exists only to serve the transfer)
      for (const m of c.matchAll(/[A-Za-z_]\w*/g)) {
        const v = values.get(m[0]);
        if (v !== undefined && (LITERAL_URL.test(v) || PASTE.test(v))) {
          const decl = declarationLine(file, m[0]);
          if (decl >= 0 && decl !== i)
            add(
              decl,
              'backdoor.secret-to-host',
              'Host of a hidden transfer',
              'high',
              `This host receives secrets, credentials or the environment (line ${i + 1}).`,
            );
        }
      }
    }
  }
  // (the file's own functions that send what they are given: a call of one is a network call,
  // `_post_async(ENDPOINT, {"p": password})` with the urlopen inside the helper)
  for (const { line: i, helper } of sendingHelperCalls(file, netLines)) {
    // (what the call is given, over its lines: not the next line's call)
    const window = lines.slice(i, i + 3).join(' ');
    const args = firstCallArgs(window, Math.max(0, window.indexOf(helper))) ?? '';
    const rawArgs =
      firstCallArgs(file.lines.slice(i, i + 3).join(' '), Math.max(0, file.lines[i].indexOf(helper))) ?? '';
    if (!(isSource(args) || envKept(rawArgs)) || !literalHost(args, rawArgs)) continue;
    add(
      i,
      'backdoor.secret-to-host',
      'Sensitive data sent to a host written in the code',
      'high',
      `Secrets, credentials or the environment are handed to ${helper}, which sends them over the network, with a destination written in the code: the shape of hidden exfiltration.`,
    );
  }
  collected(file, lines, out, seen);
  if (file.language === 'bash' && !redacting) shellEchoes(file, lines, add);
  return out;
}

/**
 * The calls of the file's own functions that make a network call (the functions around its network calls,
 * and the ones around those: `_send` nested in `_post_async`), as lines; at most 20 such functions.
 */
function sendingHelperCalls(file: SourceFile, netLines: number[]): { line: number; helper: string }[] {
  const helpers = new Set<string>();
  const defs = new Set<number>();
  for (const i of netLines.slice(0, 50)) {
    const inner = enclosingAt(file.lines, i);
    if (!inner) continue;
    const outer = enclosingAt(file.lines, inner.at);
    for (const f of outer ? [inner, outer] : [inner])
      if (f.name.length > 2 && helpers.size < 20) (helpers.add(f.name), defs.add(f.at));
  }
  if (!helpers.size) return [];
  const call = new RegExp(`(?<![\\w.$])(?:(?:self|this|cls)\\.)?(?:${[...helpers].join('|')})\\s*\\(`, 'g');
  const one = new RegExp(call.source);
  // (a call whose parenthesis opens on the next line, `_send\n(`, is on no one line: not read as one)
  const out: { line: number; helper: string }[] = [];
  for (const i of file.matchingLines(call)) {
    const m = !defs.has(i) && file.lines[i].length < 600 ? one.exec(file.lines[i]) : null;
    if (m) out.push({ line: i, helper: m[0].replace(/\s*\($/, '') });
  }
  return out;
}

/** The first of several names assigned at once (`b, err := json.Marshal(x)`). */
const MULTI = /^\s*(?:var\s+|let\s+|my\s+)?\(?\s*([A-Za-z_]\w*)\s*,\s*[A-Za-z_]\w*\s*\)?\s*:?=(?!=)\s*(.*)$/;

/** A whole object handed through a filter first: `safeHeaders(request.headers)`, `pick(config, ['region'])`. */
const FILTERED_WHOLE =
  /\b(?:safe|filter|redact|mask|sanitiz|scrub|clean|strip|pick|omit|allow)\w*\s*\(\s*(?:request\.headers|req\.headers|r\.Header|config|cfg|settings|credentials)\b/i;
/** A request's field read by a secret's name: `request.getParameter("password")`, `params[:token]`, `req.body.pin`. */
const SECRET_PARAM =
  /\b(?:getParameter|getHeader|GetValue|form|args|params|query|body|POST|GET|cookies|Form|Query|FormValue|PostFormValue|Header\.Get)\s*(?:\(|\[|\.)\s*:?["']?(?:pass(?:word|wd|phrase)?|pwd|secret|token|api_?key|otp|pin|cvv|card_?number)\b/i;
/**
 * A setting read by a key that names a secret (`props.get("sasl.jaas.config")`, `config["db.password"]`,
 * `settings.getProperty("api.token")`): the value is the secret, whatever the line calls it.
 */
const SECRET_SETTING =
  /\b\w*(?:props|[Pp]roperties|[Cc]onfig|[Cc]onf|cfg|[Ss]ettings|[Oo]ptions|opts)\s*(?:\.\s*(?:get|getProperty|getString|getValue|get_value|lookup)\s*\(|\[)\s*["'][\w.-]*(?:jaas\.config|passw(?:or)?d|passphrase|secret|token|api[._-]?key|credentials?)[\w.-]*["']/i;
/**
 * A format that names what it prints (`pass=%s`, `token: {}`, `password=%(pw)s`): whatever fills
 * it is the secret, whatever the variable is called (`arg`, `p`).
 */
const LABELLED =
  /\b(?:pass(?:word|wd|phrase)?|pwd|secret|api_?key|private_?key|access_?token|auth_?token|token|pin|cvv|otp)\s*[=:]\s*['"]?\s*(?:%[-+ #0-9.]*[a-zA-Z]|%\(\w+\)[sdr]|\{\}|\{:\??\}|\{\d+\}|\{@?\w*\}|\$\{?\w+)/i;

/** The arguments a log call receives: its parentheses, or for a stream logger (`LOG(INFO) << x`) what is streamed. */
function logArgs(text: string, at: number): string {
  const stream = /^[^;\n]*?<<(.*)$/m.exec(text.slice(at));
  if (stream && /^(?:[\w:]+\s*\([^()\n]*\)\s*|[\w:]+\s*)<</.test(text.slice(at))) return stream[1];
  // (a logger picked by a first call gets the message in the last: `Log::channel('security')->warning(…)`)
  let from = at;
  for (let k = 0; k < 3; k++) {
    const args = firstCallArgs(text, from);
    if (args === undefined) break;
    const close = text.indexOf('(', from) + args.length + 2;
    const next = /^\s*(?:->|\.)\s*\w+\s*\(/.exec(text.slice(close));
    if (!next) break;
    from = close;
  }
  return callArgs(text, from);
}

/** Type names that are a whole configuration or a credential store by their own name. */
const WHOLE_TYPE = /(?:Config|Configuration|Settings|Credentials|Secrets|Options)$/;
const DECLARED_TYPE = /\b(?:interface|struct|class|record|type|data\s+class)\s+([A-Z]\w*)/g;

/**
 * Whether a log call's arguments read whole (not one field) a value carrying secrets: a value of a
 * type the file declares with a secret field (`interface Session { accessToken: string }`,
 * `record TokenResponse(string AccessToken…)`), or of a type named as a configuration or credential
 * store. A name's type is read from the file where the name is declared: a parameter or annotation
 * (`s: Session`, `const Config& c`, `c Config`), or an assignment naming the type (`new T(…)`,
 * `readJson<T>()`). The types are found once per file; each name is looked up once, by itself.
 */
function secretBearing(text: string): (args: string) => boolean {
  const types = new Set<string>();
  for (const m of text.matchAll(DECLARED_TYPE)) {
    if (types.size >= 20) break;
    if (WHOLE_TYPE.test(m[1])) {
      types.add(m[1]);
      continue;
    }
    const open = text.slice(m.index!, m.index! + 200).search(/[({]/);
    if (open < 0) continue;
    const body = bracketed(text, m.index! + open, 2000);
    if ([...body.matchAll(/[A-Za-z_]\w*/g)].some((f) => secretName(f[0]))) types.add(m[1]);
  }
  // The names declared with one of those types, read around each mention of a type (one pass):
  // `s: Session`, `const Config& c`, `c Config,`, `t = read<Token>(…)`.
  const names = new Set<string>();
  const mention = new RegExp(
    `\\b(?:${[...types].map((x) => x.replace(/[$]/g, '\\$')).join('|') || '(?!)'})\\b|(?:Config|Configuration|Settings|Credentials|Secrets)\\b`,
    'g',
  );
  for (const m of text.matchAll(mention)) {
    if (names.size >= 100) break;
    let at = m.index!;
    while (at > 0 && /\w/.test(text[at - 1])) at--;
    if (!/^[A-Z]/.test(text[at] ?? '')) continue;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const before = text.slice(Math.max(lineStart, at - 240), at);
    const afterEnd = text.indexOf('\n', at);
    const after = text.slice(m.index! + m[0].length, afterEnd < 0 ? undefined : Math.min(afterEnd, at + 200));
    const n =
      /\b([A-Za-z_$][\w$]*)\??\s*:\s*(?:&|\*)?(?:mut\s+|const\s+)?$/.exec(before)?.[1] ??
      /^\s*(?:<[^>\n]*>)?\s*[&*]*\s*([A-Za-z_$][\w$]*)\s*[,;)=]/.exec(after)?.[1] ??
      (/^\s*[,)]/.test(after) ? /\b([A-Za-z_$][\w$]*)\s+\*?$/.exec(before)?.[1] : undefined) ??
      /\b([A-Za-z_$][\w$]*)\s*:?=\s*[^;\n=]*$/.exec(before)?.[1];
    if (
      n &&
      !/^(?:this|self|return|const|new|var|let|val|func|type|struct|class|record|interface|extends|implements)$/.test(n)
    )
      names.add(n);
  }
  if (!names.size) return () => false;
  const holds = (name: string) => names.has(name);
  // (read whole, or spread whole (`{ ...session }`): not a field, not followed by a field, an index or a call)
  return (args) => {
    for (const m of args.matchAll(/(?<![\w$>])(?<![^.]\.)[A-Za-z_$][\w$]*\b(?!\s*(?:\.|->|\?\.|\[|\())/g))
      if (!/^(?:this|self|new|null|nil|None|true|false|err|error|e|ex)$/.test(m[0]) && holds(m[0])) return true;
    return false;
  };
}

/** The text from an opening bracket to its match (at most `max` characters). */
function bracketed(text: string, open: number, max: number): string {
  let d = 0;
  for (let k = open; k < text.length && k < open + max; k++) {
    const ch = text[k];
    if (ch === '(' || ch === '{' || ch === '[') d++;
    else if ((ch === ')' || ch === '}' || ch === ']') && --d === 0) return text.slice(open, k + 1);
  }
  return text.slice(open, open + max);
}

/** Each file's declaration lines found so far, by name. */
const declared = new WeakMap<SourceFile, Map<string, number>>();

/**
 * The first line that assigns `name` (its declaration), or -1. One regex for the whole search, once
 * per name (4,000 sends of a host declared on the last line searched the file 4,000 times: 1.8 s).
 */
function declarationLine(file: SourceFile, name: string): number {
  let known = declared.get(file);
  if (!known) declared.set(file, (known = new Map()));
  let at = known.get(name);
  if (at === undefined) {
    const re = new RegExp(`\\b${name}\\b\\s*(?::[^=]*)?(?::=|=)`);
    known.set(name, (at = file.lines.findIndex((l) => re.test(l))));
  }
  return at;
}

/** An upper-case shell variable named as a secret (`$DEPLOY_TOKEN`, `${DB_PASSWORD}`). */
const SHELL_SECRET =
  /\$\{?([A-Z][A-Z0-9_]*(?:TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|PRIVATE_KEY|ACCESS_KEY|_PAT|CREDENTIALS?))\b/;
const XTRACE = /^\s*set\s+(?:-[a-wyz]*x[a-z]*|-o\s+xtrace)\b/;

/**
 * A shell script's own output is its log (a CI job's, a deploy's): `echo "token $DEPLOY_TOKEN"`
 * prints the secret, and `set -x` in a script that uses secrets prints every command with them.
 * An echo piped into a command or written into a file hands the value over instead.
 */
function shellEchoes(file: SourceFile, lines: string[], add: ReturnType<typeof oncePerLine>): void {
  // (a CI runner told to mask the values prints them masked)
  if (/::add-mask::/.test(file.text)) return;
  let xtrace = -1;
  let traced = -1;
  file.lines.forEach((raw, i) => {
    if (!lines[i]) return;
    if (XTRACE.test(raw)) xtrace = i;
    else if (/^\s*set\s+(?:\+[a-z]*x|\+o\s+xtrace)\b/.test(raw)) xtrace = -1;
    if (!SHELL_SECRET.test(raw)) return;
    // (a secret used while commands are traced: the trace prints it)
    if (xtrace >= 0 && traced < 0) traced = xtrace;
    if (/^\s*(?:echo|printf)\b/.test(raw) && !/\|/.test(raw) && !/>\s*[^&\s]/.test(raw) && !MASKED.test(raw))
      add(
        i,
        'backdoor.secret-to-log',
        'Secret printed by a script',
        'medium',
        'A secret variable is printed to the script’s output (a CI or deploy log keeps it).',
      );
  });
  if (traced >= 0)
    add(
      traced,
      'backdoor.secret-to-log',
      'Command tracing in a script that handles secrets',
      'medium',
      '`set -x` prints every command with its expanded arguments, secrets included, into the log.',
    );
}

/** Secrets nobody sends on purpose: incoming credentials, browser storage, the whole environment or configuration, credential files. */
const COLLECTED =
  /HTTP_AUTHORIZATION|HTTP_COOKIE|\b(?:get_?[Hh]eader|headers?\.get|[Hh]eaders?)\s*[([]\s*["'](?:authorization|cookie|x-api-key)["']|\b(?:getParameter|params|form|body|POST)\s*[([]\s*[:"']?(?:password|passwd|pwd|pass)\b|\blocalStorage\b|\bsessionStorage\b|\bdocument\.cookie\b|\bconfiguration\.AsEnumerable\(\)|\bos\.environ\.copy\(\)|\bdict\(\s*os\.environ\s*\)|\bos\.Environ\(\)|\bprocess\.env\s*\)|\{\s*\.\.\.process\.env\s*\}|\bENV\.to_h\b|\bSystem\.getenv\(\s*\)|\bGetEnvironmentVariables\(\)|\benv::vars\(\)|\.ssh\/|["']\.ssh["']|["']id_(?:rsa|ed25519|ecdsa)["']|\.aws\/credentials|["']\.aws["']|\bos\.environ\.(?:items|keys|values)\(\)|\bfor\s+\w+(?:\s*,\s*\w+)?\s+in\s+os\.environ\b|\bENV\.(?:each|select|filter|to_a)\b|["'][^"'\n]*\/\.?(?:credentials(?:\.json)?|\.pgpass|\.my\.cnf|\.htpasswd)["']|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.docker\/config|\.kube\/config|\/etc\/shadow|wallet\.dat|["']\.(?:docker|kube|gnupg|azure|config\/gh)["']|\b(?:chrome|browser)\.cookies\.(?:getAll|get)\b/;
/** A request's whole input (every field the client sent, its password too): `$request->all()`, `request.form`. */
const WHOLE_INPUT =
  /\$request->(?:all|input|post)\(\s*\)|\brequest\.(?:POST|form|values)\b(?!\s*(?:\.\s*get|\[))|\bparams\.permit!|\$_POST\b(?!\s*\[)/;
const BODY_WRITE = /\bsetDoOutput\s*\(\s*true|\bgetOutputStream\s*\(\s*\)\s*\.\s*write/;
const CHILD_ENV = /\benv\s*[:=]|spawn|exec|fork|Popen|Command|child_process|ProcessStartInfo|subprocess/;

/**
 * A file that collects secrets nobody sends on purpose and talks to a host written in the code: each
 * line that collects them, and the host's line, is a finding (the flow may pass through helpers,
 * encoders and containers this light analysis does not follow).
 */
function collected(file: SourceFile, lines: string[], out: Finding[], seen: Set<number>): void {
  // (nothing to report without a line that collects such secrets: only lines holding one of their words
  // can, and they are asked first; without the scan's automaton, the regex over the text)
  const collects = (i: number) => {
    const raw = file.lines[i];
    return !!lines[i] && COLLECTED.test(raw) && !CHILD_ENV.test(raw) && !MASKED.test(raw);
  };
  const maySource = candidateLines(COLLECTED, file.text, () => file.lineStarts());
  if (maySource ? !maySource.some(collects) : !occurs(COLLECTED, file.text)) return;
  const net = lines.some((c) => NET_CALL.test(c));
  if (!net) return;
  const hosts: number[] = [];
  const sources: number[] = [];
  // Hosts that receive data: a sending call with a literal host and something besides the URL, or
  // the constant such a call names (a bare GET of a status page sends nothing).
  const values = assignments(file);
  const sends = (c: string) => {
    const at = c.search(NET_CALL);
    if (at < 0) return false;
    const args = callArgs(c, at);
    // (or a connection whose body is written after it is opened: `setDoOutput(true)`, `getOutputStream()`)
    return /,|\bdata\b|\bjson\b|\bbody\b/.test(args) || BODY_WRITE.test(c.slice(at));
  };
  file.lines.forEach((raw, i) => {
    const c = lines[i];
    if (!c) return;
    // (the URL may be an argument on its own line, a line or two into the call)
    if (
      (LITERAL_URL.test(raw) || PASTE.test(raw)) &&
      [0, 1, 2].some((k) => i >= k && sends(lines.slice(i - k, i + 5).join(' ')))
    )
      hosts.push(i);
    if (collects(i)) sources.push(i);
    if (sends(lines.slice(i, i + 3).join(' ')))
      for (const m of c.matchAll(/[A-Za-z_]\w*/g)) {
        const v = values.get(m[0]);
        if (v === undefined || !(LITERAL_URL.test(v) || PASTE.test(v))) continue;
        const decl = declarationLine(file, m[0]);
        if (decl >= 0) hosts.push(decl);
      }
  });
  if (!hosts.length || !sources.length) return;
  for (const i of [...sources, ...hosts]) {
    if (seen.has(i)) continue;
    seen.add(i);
    out.push(
      finding(file, {
        ruleId: 'backdoor.secret-to-host',
        title: 'Collected secrets and a host written in the code',
        severity: 'high',
        confidence: 'low',
        category: 'backdoor',
        cwe: 'CWE-200',
        line: i + 1,
        column: 1,
        snippet: file.lines[i].trim(),
        message:
          'This file collects secrets nobody sends on purpose (incoming credentials, browser storage, the whole environment or configuration, credential files) and sends data to a host written in the code: the shape of hidden exfiltration.',
        fix: 'Send only what the feature needs to the configured endpoint; never credentials or the environment.',
      }),
    );
  }
}

/** The text of the first call's arguments from `at` (up to its closing bracket, or the line's end). */
const callArgs = (text: string, at: number): string => firstCallArgs(text, at) ?? text.slice(at).split(/\s{2,}|;/)[0];

// (the words of the hint regexes go into the scan's automaton: one pass over a file finds their lines)
prefilterProvider(() => [DNS_WORDS, DNS_LOOKUP_SH, SECRET_FILE_NAME, BODY_FIELD, ENV_COPY]);
prefilterProvider(() => [SOURCE_HINT, SINK_HINT_G, COLLECTED], true);
prefilterProvider(() => [SINK_HINT, REDACTING_TYPES]);
