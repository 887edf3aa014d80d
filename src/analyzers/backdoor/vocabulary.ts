import { candidateLines, mayOccur, occurs, prefilterProvider } from '../literals.ts';
import type { Finding } from '../../engine/types.ts';
import { type SourceFile, finding, pieceAt } from '../source.ts';
import { OWN_NAME, STRING_LITERAL } from './structure.ts';

/**
 * The words the planted-behaviour checks share, language-general: what makes a condition rare and
 * attacker-chosen (a trigger), what a guarded block does (an effect), which functions decide
 * (authenticate, verify…), which names hold secrets, and which calls log or send data out.
 * Each is a mechanism's vocabulary (API names of the twelve languages), never a case's identifiers.
 */

/** Conventional values a condition may test without being a trigger (environments, switches, methods). */
const ORDINARY_LITERAL =
  /^(?:prod(?:uction)?|dev(?:elopment)?|stag(?:e|ing)|test(?:ing)?|local(?:host)?|debug|release|ci|qa|demo|sandbox|true|false|yes|no|on|off|y|n|none|null|nil|enabled?|disabled?|auto|default|get|post|put|patch|delete|head|options|http|https|json|xml|text|html|utf-?8|ascii|admin|root|user|guest|anonymous|[0-9]{1,2}|[a-z]{1,3}|\/|\*|-|\.|string|number|boolean|object|function|undefined|symbol|bigint|int|float|str|bool|list|dict|array|127\.0\.0\.1|::1|0\.0\.0\.0|linux|darwin|windows|win32|macos|amd64|x86_64|arm64|bearer|basic|ok|error|success|fail(?:ed)?|active|inactive|pending|[a-z]+\/[a-z+.-]+)$/i;

/** Names of algorithms, encodings and versions (sha256, utf8, x509, v1, int64): spelled with digits, chosen by nobody. */
const ALGORITHM =
  /^(?:sha|md|aes|rsa|hs|rs|es|ps|ed|base|utf|ucs|iso|x|p|secp|prime|tls|ssl|http|h|v|gzip|int|uint|float|i|u|f|crc|adler|blake|chacha|poly|des|rc|pbkdf|argon|scrypt|bcrypt|hmac|ecdsa|ecdh|curve|ripemd|whirlpool|sm|gost|ipv|s|cp|win|latin|ascii)[-_]?\d+\w*$/i;

/** Names of hash and key-derivation schemes, as stored hashes mark their format. */
const ALGORITHM_NAME = /md5|sha|bcrypt|scrypt|argon|pbkdf|crypt|^\$\d[a-z]?\$$|\$2[abxy]?\$/i;

/** String literals of a text (single, double or back quotes; short, no escapes needed for our tests). */
export function literals(text: string): string[] {
  return [...text.matchAll(/(["'`])((?:(?!\1)[^\\\n]|\\.){0,120})\1/g)].map((m) => m[2]);
}

/**
 * The literals a condition compares values with: a subscript key (`doc["field"]`) or the name a
 * getter is asked for (`headers.get("X-Name")`, `getenv("NAME")`) names a value; it is not one.
 */
export function comparedLiterals(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(["'`])((?:(?!\1)[^\\\n]|\\.){0,120})\1/g)) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 40), m.index).trimEnd();
    if (/\[$/.test(before) || KEY_CALL.test(before)) continue;
    // (`'NAME' in env`, `"k" in headers` test a key's presence, not a value)
    const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 60);
    if (
      /^\s+in\s+[\w.]*(?:env|environ|ENV|headers|params|args|cookies|kwargs|options|opts|config|settings|dict|map|os\.environ)\b/.test(
        after,
      )
    )
      continue;
    out.push(m[2]);
  }
  return out;
}
const KEY_CALL =
  /(?:\b(?:get|Get|getHeader|GetHeader|header|Header|headers|getenv|Getenv|GetEnvironmentVariable|getParameter|param|Param|params|cookie|Cookie|cookies|query|Query|contains_?[Kk]ey|ContainsKey|has|hasOwnProperty|has_key|key\?|isset|array_key_exists|fetch|env|var|environ|getattr|hasattr|field|Field|Value|value|at|find|count|contains|Contains|exists|is_string)\s*[(]\s*(?:[\w.$]+\s*,\s*)?|ENV\s*\[\s*|\.get\s*\(\s*)$/;

/** A literal that looks chosen rather than conventional: not an environment name, switch or method. */
export function magicLiteral(s: string): boolean {
  if (/^\\|^__(?:main|init|name)__$/.test(s)) return false;
  if (s.length < 3 || ORDINARY_LITERAL.test(s) || ALGORITHM.test(s)) return false;
  // (a stored hash's scheme marker, `md5$`, `$2b$`, `{SSHA}`, `pbkdf2_sha256$`: a format, not a chosen value)
  if (/^\$?[\w-]{1,20}[$:]$|^\$\w{1,4}\$$|^\{[A-Z0-9-]{2,12}\}$/.test(s) && ALGORITHM_NAME.test(s)) return false;
  if (/^\s|^%|\{\}|\$\{|^[\w.-]+\.(?:json|ya?ml|toml|ini|cfg|conf|log|txt)$/.test(s)) return false;
  return true;
}

/** Where an outsider's value comes in: request parts, identity, environment, host. */
export const INPUT =
  /\b(?:headers?|get_?[Hh]eader|[Hh]eader[A-Z]\w*|cookies?|[Cc]ookie\w*|query|params?|[Pp]aram\w*|args|form|request|req|[Uu]ser[-_]?[Aa]gent|HTTP_\w+|\$_(?:GET|POST|REQUEST|COOKIE|SERVER)|user_?name|[Uu]ser[Nn]ame|login|email|[Ee]mail|getenv|[Gg]et[Ee]nv\w*|environ|ENV|env|Environment|hostname|[Hh]ost[Nn]ame|gethostname|MachineName|whoami|getuser|getlogin|uid|subject|sub|referer|origin|remote_?addr|RemoteAddr|client_?id|api_?key|token|[Tt]oken|signature|username|user|[Uu]ser)\b/;

/** An equality, membership, prefix/suffix or containment test. */
const MATCH_OP =
  /===?|!==?|\bequals(?:IgnoreCase)?\s*\(|\bEquals\s*\(|\beq\b|\bne\b|\b(?:ends?_?[Ww]ith|EndsWith|HasSuffix|str_ends_with|starts?_?[Ww]ith|StartsWith|HasPrefix|str_starts_with|includes|contains|Contains|include\?|strstr|strpos|str_contains|indexOf|IndexOf|match|Match|has|Has|include|contains_key|in_array)\b|['"]\s+in\b|\[\s[^\]\n]*\s!?=\s|\bstrn?(?:case)?cmp\s*\(|=~|\[\[|-eq\b/;

/**
 * A time or date read, or a moment (year from 2020, a 9-13 digit or 8-hex-digit epoch, an ISO or packed date).
 * (Only ever asked yes or no: `Time` anywhere is a time word, as `\w*Time\w*` said before, without V8
 * trying a `\w*` at every position of the text.)
 */
export const TIME_WORD =
  /[Tt]ime|[Dd]ate|DATE|TIME|[Ee]poch|[Yy]ear|[Bb]uild|BUILD|\b(?:now|today|clock|epoch|timestamp|Instant|SystemTime|UNIX_EPOCH|chrono|Utc|strtotime|mktime|currentTimeMillis|nanoTime|time_t|tm_year|year|uptime|since|elapsed|age)\b|\bdate\s+\+%|\$\(date\b|EPOCH|(?<![A-Za-z])now\s*\(/;
// (and a day number times a day's seconds, `20_270 * 86_400L`: an epoch written as arithmetic)
export const MOMENT =
  /\b\d{1,2}_?\d{3}\s*\*\s*(?:86_?400|24\s*\*\s*(?:3_?600|60\s*\*\s*60))[lLuU]?\b|\b20[2-9]\d\b|\b\d{9,13}(?:[uU]?[lL]{0,2})?\b|\b\d{1,4}(?:_\d{3}){3,4}[lLuU]{0,2}\b|['"]20[2-9]\d-\d\d-\d\d|\b20[2-9]\d[01]\d[0-3]\d\b|\b0x[5-9A-Fa-f][0-9A-Fa-f]{7}(?:[uU]?[lL]{0,2})\b/;
const ORDER = /[<>]|-(?:gt|ge|lt|le)\b|[Aa]fter|[Bb]efore|[Cc]ompare|\bSub\b|until|since|Since|Until/;
/** A calendar day or month tested for one value (`month == 12 && day == 25`, `weekday == 5`). */
const CALENDAR =
  /\b(?:getMonth|getDate|getDay|getUTC\w+|month|Month|tm_mon|tm_mday|tm_wday|tm_hour|day|Day|weekday|DayOfWeek|hour|Hour)\b[^&|\n]{0,20}(?:==|-eq)\s*\d/;
/** A counter or a version reaching a threshold. */
const COUNTER =
  /\b\w*(?:[Cc]ount|[Cc]ounter|[Cc]alls|[Rr]uns|[Aa]ttempts|[Ii]nvocations|[Rr]equests|[Hh]its|[Uu]ses|[Ss]tarts|[Bb]oots|[Ll]aunches|[Ee]xecutions|[Ii]terations|[Ss]eq)\w*(?:\(\))?\s*(?:>=?|==|%)\s*\d{2,}|\b\w*(?:[Vv]ersion|VERSION|[Bb]uild[Nn]umber|[Rr]elease)\w*\b[^&|\n]{0,40}(?:>=?|==|<)\s*['"]?v?\d+\.\d+/;
/** A marker file: an existence test of a literal path. */
const MARKER =
  /\b(?:exists?|isfile|is_file|isFile|file_exists|Exists|FileExists|access|stat|lstat|Path)\b[^\n]{0,40}?['"`](?:[~./]|[A-Za-z]:\\)[^'"`\s]*['"`]|-[efsd]\s+['"]?[~/.][\w./-]+|['"`][~./][^'"`\s]*['"`]\s*\)*\s*\.(?:exists?\??|is_file|isFile|is_dir)\s*\(?/;
/** A remote answer compared with one unusual value (a kill switch on a server the author runs). */
const REMOTE =
  /\b(?:status(?:_?[Cc]ode)?|StatusCode|statusCode|code|getResponseCode)\b(?:\(\))?\s*(?:===?|-eq)\s*(?!(?:400|401|403|404|405|406|408|409|412|413|415|416|422|429|500|501|502|503|504)\b)[45]\d\d\b/;
/** A test of how long an identity or secret is (`len(user) == 13`). */
const LENGTH_TEST =
  /\b(?:len|strlen|count|size|length|Length|Count|len\(\))\b[^\n]{0,30}?(?:user|name|login|email|token|key|pass|secret|id)\w*[^\n]{0,10}?(?:==|===)\s*(?:[3-9]|\d{2,})\b|\b(?:user|name|login|email|token|key|pass|secret)\w*\.(?:length|len\(\)|size\(\)|Length|Count)\s*(?:==|===)\s*(?:[3-9]|\d{2,})\b/i;
/** Whether one named account exists (a user who leaves the directory sets it off). */
const ACCOUNT_QUERY =
  /\b(?:filter|filter_by|where|find_by|findOne|findFirst|FirstOrDefault\w*|Any\w*|exists)\s*\(\s*\{?\s*[^)\n]{0,60}?\b(?:username|user_?name|UserName|login|email|Email)\b["']?\s*(?:=>|==|=|:)\s*["'][\w.@+-]{3,}["']/;
const ACCOUNT_LOOKUP =
  /\b(?:id|getent\s+passwd|getpwnam|ldapsearch|user_?exists|userExists|UserExists|lookup_?[Uu]ser|LookupUser|user\.Lookup|finger)\b\s*\(?\s*['"]?[a-z][\w.-]{2,}|\(uid=[\w.-]+\)|\bfor\s+(\w+)\s+in\s+[a-z][\w.-]{2,}(?:\s+[a-z][\w.-]{2,}){0,4}\s*;?\s*do\b[^\n]*\n?[^\n]*\b(?:getent\s+passwd|id\s+-u|id)\s+"?\$\{?\1\b/;
/**
 * The lines where such a lookup may stand, for triggerLines: ACCOUNT_LOOKUP's, and a lookup of a name
 * held in a shell variable (`getent passwd "$u"`, the loop over literal names above it is read by
 * triggerOf in the helper's text).
 */
const ACCOUNT_LINE = new RegExp(`${ACCOUNT_LOOKUP.source}|${ACCOUNT_QUERY.source}|\\bgetent\\s+passwd\\s+"?\\$\\{?\\w`);
/** Signals nobody sends by accident: a handler for one is a remote switch. */
const RARE_SIGNAL = /\b(?:SIG)?(?:USR1|USR2|PWR|WINCH|URG|TTIN|TTOU|PROF|XCPU|XFSZ|VTALRM|SYS)\b/;
/** A literal nobody types by chance: letters and digits mixed, or marked with unusual punctuation. */
/**
 * (words wrapped in double underscores, `__sys_reset__`, are a marker nobody types by chance; a single
 * word, `__version__`, or a language's own hook, `__init_subclass__`, is the language's, not a choice)
 */
const CHOSEN =
  /^(?=.{4,})(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[^\s]+$|[#!@$%^&*~|]|^[0-9a-f]{8}-[0-9a-f]{4}-|^__(?!(?:init_subclass|class_getitem|set_name|instance_check|subclass_check|length_hint)__)[a-z0-9]+_[a-z0-9_]+__$/i;
const DIRECTORY_ATTRIBUTE =
  /\b(?:groups?|Groups?|roles?|Roles?|department|Department|dept|team|Team|org|organi[sz]ation|claims?|Claims?|tier|plan|scopes?|membership|memberOf|ou)\b/;
/** Who or where the code runs as: a plain word compared with one of these names a person or a machine. */
const IDENTITY =
  /\b(?:uid|user_?name|userName|UserName|username|login|hostname|gethostname|HostName|hostName|MachineName|whoami|getuser|getlogin|getpwuid|USER|LOGNAME|HOSTNAME|Getenv|getenv|environ|GetEnvironmentVariable|env::var)\b/;

/** A value someone picked: random-looking, marked with punctuation, an address or a phrase, or long. */
const chosenish = (s: string) =>
  !/^(?:[~.]{0,2}\/|[a-z][\w+.-]*:\/\/|[\w.-]+\.(?:js|ts|py|rb|json|go|rs|php|java|cs|c|h|cpp)$)/i.test(s) &&
  (CHOSEN.test(s) || /[@#!$%^&*~|+=:;/ ]/.test(s));

export interface Trigger {
  kind:
    | 'date'
    | 'calendar'
    | 'counter'
    | 'magic-value'
    | 'identity-suffix'
    | 'marker-file'
    | 'remote-switch'
    | 'length'
    | 'account'
    | 'signal'
    | 'chosen-constant';
  /** Whether an outsider chooses it (a request or identity value): such a trigger alone opens a success path. */
  input: boolean;
  /**
   * A plain word compared (`user == "factory"`, a suffix `"-a7"`): common in ordinary code, so it counts
   * only when what it opens grants a role or privilege.
   */
  weak?: boolean;
  /** A plain word compared with a person's or a machine's name: it may also open destruction. */
  identity?: boolean;
  /** Only destruction counts behind it (one named account looked up: a bootstrap creates a missing admin). */
  deletesOnly?: boolean;
}

/** A value that is one literal (a trailing comment beside it says nothing about the value). */
export const LITERAL_ONLY = /^\s*(?:[\w:]+\s*\(\s*)?(["'`])[^"'`]*\1\s*\)?\s*;?\s*(?:(?:\/\/|#|\/\*|--)[^"'`]*)?$/;

/** The lines of a text that compare something (MATCH_OP), with the lines either side (a comparison goes on there). */
function comparingLines(text: string): string {
  const lines = text.split('\n');
  const near = (k: number) => MATCH_OP.test(lines[k] ?? '');
  return lines.filter((_l, k) => near(k) || near(k - 1) || near(k + 1)).join('\n');
}

/** Literals held by the root names a text reads: a name holding only a literal, or (depth 2) one more name away. */
function constantsOf(text: string, values: Map<string, string>, depth: number): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(OWN_NAME)) {
    const v = values.get(m[0]);
    if (v === undefined) continue;
    // (a list of literals only when the condition names it: `PROBES.has(ua)`, not a list two names away)
    if (
      (LITERAL_ONLY.test(v) || (depth > 1 && literalList(v))) &&
      !/^\s*(?:require|import|include|load|open)\b/.test(v)
    )
      out.push(...literals(v));
    // (a value that compares, `ops = login.endsWith(SUFFIX)`: its compared literals; a value that only formats or
    // reads, `fs::read(&p).map_err(|e| format!("read {p}"))`, compares nothing)
    else if (depth > 1 && v.length < 200)
      out.push(...comparedLiterals(comparingLines(v)), ...constantsOf(v, values, depth - 1));
  }
  return out;
}

/** Names the file counts up (`n++`, `n += 1`, `n.incrementAndGet()`, `fetch_add`, `Interlocked.Increment(ref n)`). */
function incremented(name: string, text: string): boolean {
  const n = name.replace(/[$]/g, '\\$&');
  return new RegExp(
    `\\b${n}\\s*(?:\\+\\+|\\+=\\s*1\\b|=\\s*${n}\\s*\\+\\s*1\\b)|\\+\\+\\s*(?:this\\.|self\\.)?${n}\\b|\\b${n}\\s*\\.\\s*(?:incrementAndGet|getAndIncrement|inc|incr|increment|fetch_add|Add|add)\\s*\\(|Increment\\(\\s*ref\\s+(?:this\\.|_)?${n}\\b`,
  ).test(text);
}

/** A hash of a value (`s.hashCode()`, `Fnv1a(trace)`, `crc32(x)`, `murmur3(…)`) compared with a constant. */
const HASH_CALL =
  /\.hashCode\(\)|\b(?:[Ff]nv\w*|[Cc]rc\d*\w*|CRC\d*\w*|[Mm]urmur\w*|[Xx]x[Hh]\w*|djb2\w*|[Ss]ip[Hh]ash\w*)\s*\(/;
const CONSTANT_OPERAND =
  /(?:===?|!==?)\s*\(?\s*(?:[A-Z][A-Z0-9_]{2,}|k[A-Z]\w+|0x[0-9a-fA-F]{4,}|\d{6,})\b|\b(?:[A-Z][A-Z0-9_]{2,}|k[A-Z]\w+|0x[0-9a-fA-F]{4,}|\d{6,})\s*(?:===?|!==?)/;
function hashedMagic(text: string): boolean {
  return HASH_CALL.test(text) && text.split('\n').some((l) => HASH_CALL.test(l) && CONSTANT_OPERAND.test(l));
}

/** A value that is the count an atomic increment returns (`COMPACTIONS.fetch_add(1, SeqCst)`). */
const COUNT_CALL =
  /^\s*[\w.:]+\s*\.\s*(?:fetch_add|incrementAndGet|getAndIncrement|increment|incr|inc|Add)\s*\(|^\s*Interlocked\.Increment\s*\(/;
/** What makes a condition rare and attacker-chosen, or undefined for an ordinary condition. */
export function triggerOf(
  condition: string,
  expanded: string,
  helpers = '',
  text = '',
  values: Map<string, string> = new Map(),
): Trigger | undefined {
  const c = expanded;
  const timed = `${c}\n${helpers}`;
  if (TIME_WORD.test(timed) && MOMENT.test(timed) && ORDER.test(timed)) return { kind: 'date', input: false };
  if (CALENDAR.test(timed)) return { kind: 'calendar', input: false };
  if (COUNTER.test(c)) return { kind: 'counter', input: false };
  if (text && /[<>]=?|==/.test(condition) && /\b\d{1,3}(?:_?\d{3})+L?\b|\b[1-9]\d{2,}\b/.test(c))
    for (const m of condition.matchAll(/[A-Za-z_]\w*/g))
      if ((m[0].length > 1 && incremented(m[0], text)) || COUNT_CALL.test(values.get(m[0]) ?? ''))
        return { kind: 'counter', input: false };
  if (MARKER.test(c) || MARKER.test(helpers)) return { kind: 'marker-file', input: false };
  // (an outsider's value hashed and compared with a constant: the magic string kept out of the code)
  if (hashedMagic(c) || (helpers.length < 800 && hashedMagic(helpers) && INPUT.test(helpers)))
    return { kind: 'magic-value', input: true };
  if (REMOTE.test(c)) return { kind: 'remote-switch', input: true };
  if (LENGTH_TEST.test(condition)) return { kind: 'length', input: true };
  // (or in a short helper of the file the condition calls: `if ! owners_present; then`)
  if (ACCOUNT_LOOKUP.test(c) || (helpers.length < 800 && ACCOUNT_LOOKUP.test(helpers)))
    return { kind: 'account', input: false };
  // (one named account looked up in the application's own users, `User.objects.filter(username="d.okafor")`:
  // a dead man's switch when what follows deletes; a bootstrap creating a missing admin is not one)
  if (ACCOUNT_QUERY.test(c) || (helpers.length < 800 && ACCOUNT_QUERY.test(helpers)))
    return { kind: 'account', input: false, weak: true, identity: true, deletesOnly: true };
  if (RARE_SIGNAL.test(condition)) return { kind: 'signal', input: true };
  // (a predicate kept in a short helper of the file, `if fromMesh(h)`, is judged by the test it makes)
  const predicate = !MATCH_OP.test(c) && helpers.length < 800 && MATCH_OP.test(helpers) ? helpers : '';
  if (MATCH_OP.test(c) || predicate) {
    // The literals compared: the condition's own, and those of names that hold nothing but a literal
    // (`kHint = "__reset__"`), followed through one more name (`ops = login.endsWith(SUFFIX)`).
    // (a helper's literals only where it compares: its error messages and log lines compare nothing)
    const own = comparedLiterals(condition).concat(predicate ? comparedLiterals(comparingLines(predicate)) : []);
    const constants = constantsOf(condition, values, 2);
    const tested = c + predicate;
    // (a request's path compared with routes, `PUBLIC_ROUTES.has(`${req.method} ${req.path}`)`, is routing:
    // health checks and login pages are meant to skip the check that follows)
    const routing = ROUTE_TESTED.test(tested);
    const magic = own.concat(constants).filter((s) => magicLiteral(s) && !(routing && ROUTE_LITERAL.test(s)));
    if (
      magic.some(chosenish) &&
      /\b(?:ends?_?[Ww]ith|EndsWith|HasSuffix|str_ends_with|starts?_?[Ww]ith|StartsWith|HasPrefix|str_starts_with)\b/.test(
        tested,
      ) &&
      INPUT.test(tested)
    )
      return { kind: 'identity-suffix', input: true };
    if (magic.some(chosenish) && INPUT.test(tested)) return { kind: 'magic-value', input: true };
    // A constant nobody types by chance is chosen by whoever wrote it, whatever it is compared with.
    if (magic.some((s) => CHOSEN.test(s) && chosenish(s))) return { kind: 'chosen-constant', input: true };
    // (an attribute a directory or an identity provider assigned, a group or a department, mapped to a
    // role is how roles are granted; the identity itself, a header or a suffix mapped to one is not)
    if (magic.length && !DIRECTORY_ATTRIBUTE.test(tested))
      return { kind: 'magic-value', input: INPUT.test(tested), weak: true, identity: IDENTITY.test(tested) };
  }
  return undefined;
}

/** A request's path, route or URL (what a router matches), and a literal that is a route (`/healthz`, `GET /readyz`). */
const ROUTE_TESTED = /\b(?:path|pathname|url|originalUrl|route|routePath|PATH_INFO|REQUEST_URI|RequestURI|URL\.Path)\b/;
const ROUTE_LITERAL = /^(?:(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+)?\/[\w./{}:*-]*$/;

/** Handing out a role, an admin flag or a privilege. */
export const GRANT =
  /\b(?:\w*_role|role|roles|[Rr]ole[A-Z]?\w*|is_?[Aa]dmin|IsAdmin|admin|superuser|is_superuser|is_staff|isSuperUser|privileges?|permissions?|scopes?|access_?level|groups?)\b['"]?\]?\s*(?:=>?|:=?|,|<<|\+=|\.push\(|\.add\(|\.append\(|\.insert\()\s*[^=\n]{0,30}?(?:admin|Admin|ADMIN|root|superuser|owner|true|True|TRUE|all|ALL|\*)|\bgrant\w*\s*\(|\bGRANT\s|\bpromote\w*\s*\(|\bmake_?[Aa]dmin|\bset_?[Aa]dmin|\badd_?[Rr]ole\w*\s*\(|\bAddToRole\w*|\bsetuid\s*\(\s*0|ROLE_ADMIN|Role\.(?:Admin|ADMIN|Owner|Root|SuperUser)|:admin\b|\busermod\b|\bsudoers\b/;

/** What a guarded block does that matters. */
export const EFFECTS: [string, RegExp][] = [
  [
    'deletes or wipes data',
    /\brm\s+-[a-zA-Z]*[rRf]|\brmtree\b|\bRemoveAll\b|\bremove_dir_all\b|\bremove_all\s*\(|\bfind\b[^\n|;]*\s-delete\b|\bdelete(?:All)?By\w*\s*\(|\bdeleteAll\w*\s*\(|\bremove_file\b|\brm_r[f]?\b|\bunlink(?:Sync)?\s*\(|\bFiles\.delete|\bDirectory\.Delete|\bFile\.Delete|\bDROP\s+(?:TABLE|DATABASE|SCHEMA)\b|\bTRUNCATE\b|\bDELETE\s+FROM\b|\bshred\b|\bwipe\w*\s*\(|\bdestroy_all\b|\bdelete_all\b|\bdeleteAll\b|\bdeleteMany\b|\bpurge\w*\s*\(|\bdrop_all\b|\bdropDatabase\b|\bfs\.rm\b|\brmSync\b|\brmdir\w*\s*\(|\brimraf\b|\bos\.[Rr]emove\b|\bFileUtils\.rm\w*|\bFile\.delete\b|\bdd\s+if=|\bmkfs\b|\bflushall\b|\bFLUSHALL\b|\bdropTable\b|\bwipe\b|\bf?truncate\s*\(|\bdeleteIfExists\b|\.toFile\(\)\.delete\(|\bnew\s+File\([^)]*\)\.delete\(|\bFile\.delete\(|\bdelete_?(?:everything|all|files?|dir|directory|tree|data|database|db|bucket|objects?)\s*\(|\bunlink\b|\b\w*_?erase\w*\s*\(|\b\w*Erase\w*\s*\(|\b(?:dropdb|dropuser)\b|\bs3\s+(?:rm|rb)\b|\bgsutil\b[^\n]*\brm\b|\bkubectl\s+delete\b|\bterraform\s+destroy\b|\bdocker\s+(?:volume\s+|system\s+)?(?:rm|prune)\b|\bcall_command\s*\(\s*["'](?:flush|reset_db|sqlflush)["']|\bExecuteDelete(?:Async)?\b/i,
  ],
  [
    'turns a check off',
    /\b(?:csrf|cors|headers|frameOptions|xssProtection|sessionFixation)\b[^;\n]{0,40}\.disable\s*\(\s*\)|\banyRequest\s*\(\s*\)\s*\.\s*permitAll\b|\b\w*(?:[Vv]erif|[Cc]heck|[Vv]alid|[Ee]nforce|[Ss]ecure|[Cc]srf|CSRF|[Ss]ignature|[Ss]sl|SSL|[Tt]ls|TLS|[Cc]ert|[Ss]trict|[Pp]rotect|[Aa]uth)\w*\s*(?:=|:)\s*(?:false|False|FALSE|0|nil|None|off|'none'|"none")\b|\b\w*(?:[Ss]kip|SKIP|[Bb]ypass|BYPASS|[Ii]nsecure|INSECURE|[Dd]isable|DISABLE|[Tt]rust_?[Aa]ll|[Nn]o_?[Vv]erify|[Aa]ccept_?[Ii]nvalid|[Aa]llow_?[Aa]ny)\w*\s*(?:=|:|\()\s*(?:true|True|TRUE|1)\b|\bCERT_NONE\b|\bVERIFY_NONE\b|\bSSL_VERIFY_NONE\b|\bInsecureSkipVerify\b|\bdanger_accept_invalid\w*|\brejectUnauthorized\b|\bverify\s*=\s*False|\b\w*(?:[Ii]nsecure|[Dd]isable|[Ss]kip|[Bb]ypass)_?\w*(?:[Vv]erif|[Vv]alidat|[Ss]ignature|[Cc]heck)\w*\s*\(\s*\)|["']verify_(?:signature|exp|aud)["']\s*\]?\s*[:=]\s*False|\bignoreExpiration\s*:\s*true/,
  ],
  ['grants a role or privilege', GRANT],
  // (every row of a table rewritten at once: `ExecuteUpdateAsync(s => s.SetProperty(…Suspended))`, `update_all`)
  [
    'rewrites every record of a table',
    /\bExecuteUpdate(?:Async)?\s*\(|\.update_all\s*\(|\bupdateMany\s*\(\s*\{\s*\}|\bUPDATE\s+\w+\s+SET\b(?![^;\n`'"]*\bWHERE\b)/,
  ],
  // (a query's filter made true for every row: `whereRaw('1 = 1')`, `WHERE 1=1` with nothing after it)
  [
    'widens a query to every record',
    /\bwhereRaw\s*\(\s*["']\s*1\s*=\s*1\s*["']\s*\)|\bWHERE\s+1\s*=\s*1\b(?!\s+(?:AND|and|OR|or)\b)|\.where\s*\(\s*["']1\s*=\s*1["']\s*\)|\bwhere\s*\(\s*(?:true|True)\s*\)/,
  ],
  // (what would restore the data taken away: a dump made without its rows, every kept backup rotated out)
  [
    'empties the backups',
    // (a prune policy's counts, as restic, borg and their wrappers name them; a generic `keepDays` zeroed only
    // steers whatever uses it, which the moment checks follow)
    /(?:['"\s]|^)--(?:no-data|schema-only)\b|\b(?:keep|retain)_?(?:last|daily|hourly|weekly|monthly|yearly)\s*(?:=|:)\s*0\b(?![.\d])|\b(?:Keep|Retain)(?:Last|Daily|Hourly|Weekly|Monthly|Yearly)\s*(?:=|:)\s*0\b(?![.\d])|\b(?:max_?(?:backups|snapshots)|backups?_?to_?keep|snapshots?_?to_?keep|Max(?:Backups|Snapshots))\s*(?:=|:)\s*0\b(?![.\d])/,
  ],
  [
    'changes an amount or an account',
    /\b\w*(?:[Aa]mount|[Ff]ee|[Tt]otal|[Pp]rice|[Bb]alance|[Pp]ayout|[Rr]emainder|[Cc]ommission|[Aa]ccount|[Ii]ban|IBAN|[Ww]allet|[Rr]ecipient|[Pp]ayee|[Bb]eneficiary|[Dd]estination)\w*['"]?\]?\s*(?:=|\+=|-=|\*=|:)(?!=)|\b(?:transfer|payout|credit|withdraw|deposit|send_?[Pp]ayment|[Pp]ay)\w*\s*\(/,
  ],
  [
    'sends data out',
    /\brequests\.(?:post|get|put)\b|\burlopen\b|(?<![.\w])fetch\s*\(|\baxios\b|\bhttp\.(?:Post|Get|NewRequest)|\bHttpClient\b|\bWebClient\b|\bcurl\b|\bwget\b|\bsocket\b|\bsendto\s*\(|\bNet::HTTP\b|\bsmtplib\b|\breqwest\b|\bureq\b|\bPostAsync\b|\bfile_get_contents\s*\(\s*['"]https?:|\bfsockopen\b|\bnc\s+-?|\bhttps?\.request\b/i,
  ],
  [
    'runs a command or code',
    /\b(?:os\.system|system|popen|execSync|execFile\w*|spawn\w*|shell_exec|passthru|proc_open|eval|exec[lv]?p?e?)\s*\(|\bsubprocess\.\w+|\bRuntime\.getRuntime\(\)\.exec|\bProcessBuilder\b|\bProcess\.Start\b|\bCommand::new\b|\bexec\.Command\b|\bchild_process\b|\bIO\.popen\b|\bOpen3\b|\bexec\s+(?:\/bin\/|\/usr\/bin\/)?(?:ba|z|da)?sh\b|\bbash\s+-i\b/,
  ],
];

/** Saying yes from a function that decides, or letting a request through middleware. */
export const SUCCESS =
  /\breturn\s+(?:Optional\.of|Some|Ok|Optional\.ofNullable)\s*\(\s*(?:new\s+)?\w*(?:User|Principal|Session|Identity|Account)\b|\breturn\s+\w+(?:::|\.)(?:Allow|Permit|Grant|Accept)\w*\s*\(|\breturn\s+(?:true|True|TRUE|1|Ok\s*\(|nil\b|null\b|\w*[Uu]ser\b|\w*[Aa]dmin\w*|next\s*\(|\{\s*(?:ok|valid|authenticated|authorized|authorised|success)\s*:\s*true|AuthenticateResult\.Success|AuthorizationResult\.Success|Status\.OK|http\.StatusOK|PASS|GRANTED|[Aa]llow\w*)|\b(?:next|call_next|Next|proceed|doFilter|yield)\s*\(|\b(?:authenticated|authorized|authorised|logged_?in|is_?authenticated|isAuthenticated|valid|ok)\s*=\s*(?:true|True|TRUE|1)\b|\blogin_user\s*\(|\bsign_in\s*\(|\bset_?current_?user|\bcurrent_?user\s*=|\bSetAuthenticated|\.Succeed\s*\(|\breturn\s+\w*(?:_OK|_SUCCESS|_VALID|_ALLOW)\b|\breturn\s+(?:Ok|OK|Success|Valid|Allow)\w*\b|\breturn\s+handler\s*\(|\bc\.Next\s*\(|\bhandler\.ServeHTTP|\bnext\.ServeHTTP|\bgrant\b/;

/**
 * Every permission handed out (`return ALL`, `return Permissions.FULL_ACCESS`), from a function that says
 * what a caller may do (its name: permissions, scopes, roles, access, authorise): a list of all fields
 * returned elsewhere is no grant.
 */
export const ALL_GRANTED =
  /\breturn\s+(?:[\w.]*\.)?(?:[A-Z_]*(?:ALL|FULL|EVERY)[A-Z_]*|All[A-Z]\w*|Full[A-Z]\w*)\s*;?\s*$/m;
export const PERMISSION_FN =
  /[Pp]ermi|PERMI|[Ss]cope|[Rr]oles?(?![a-z])|[Aa]ccess|[Aa]uthori[sz]|[Pp]rivilege|[Gg]rant|[Cc]apabilit/;

/** A function that refuses (is blocked, locked, expired, revoked): saying no to the refusal is saying yes. */
export const DENIER =
  /(?:[Bb]lock|[Ll]ock(?:ed|out)|[Dd]en(?:y|ied)|[Rr]evok|[Ee]xpir|[Bb]anned|[Ff]orbid|[Rr]eject|[Tt]hrottl|[Rr]ate[Ll]imit|[Ss]uspend|[Dd]isabled)/;
export const REFUSAL_LIFTED = /\breturn\s+(?:false|False|FALSE|0|nil|None|null)\b/;

/** A function that decides: authenticates, authorises, verifies, checks access, validates a token. */
export const DECIDER =
  /(?:auth|Auth|AUTH|login|Login|logon|signin|sign_in|SignIn|verif|Verif|VERIF|valid|Valid|check|Check|permi|Permi|allow|Allow|access|Access|guard|Guard|is_?admin|IsAdmin|isAdmin|require|Require|middleware|Middleware|protect|Protect|session|Session|token|Token|signature|Signature|hmac|Hmac|HMAC|jwt|Jwt|JWT|cert|Cert|trust|Trust|can_?|Can[A-Z]|may_?|has_?[A-Z_]|Has[A-Z]|ensure|Ensure|filter|Filter|intercept|Intercept|handle|Handle|dispatch|call)/;

/** Names that hold secrets (words of an identifier: password, token, api key, card number…). */
export const SECRET_NAME =
  /(?:passw(?:or)?d|passwd|jaas\.config|JAAS_CONFIG|sasl\.password|\bpwd\b|\bpw\b|passphrase|secret|token|api_?key|apiKey|ApiKey|API_KEY|private_?key|privateKey|PrivateKey|PRIVATE_KEY|access_?key|accessKey|AccessKey|ACCESS_KEY|credential|Credential|CREDENTIAL|card_?num\w*|cardNumber|CardNumber|\bpan\b|\bcvv\b|\bcvc\b|\bCVV\b|authorization|Authorization|AUTHORIZATION|\bcookie\b|\bCookie\b|session_?id|sessionId|SessionId|\bssn\b|mnemonic|seed_?phrase|\bpin\b|\bPIN\b|client_?secret|clientSecret|ClientSecret)/;
/** Words that say a secret is masked before it is logged or sent. */
export const MASKED =
  /\b(?:mask\w*|Mask\w*|redact\w*|Redact\w*|scrub\w*|Scrub\w*|sanitiz\w*|Sanitiz\w*|anonymi\w*|hash\w*|Hash\w*|sha\d+|SHA\d+|digest|fingerprint|len|length|Length|strlen|size|count|bool|Boolean|isSet|is_some|present|exists|defined|SecretString|Secret<|expose_secret|LogValue|\*{3,}|REDACTED|\[:?\d\]|\[\d*:\d*\]|slice\(|substring|substr|Substring|last4|\.\.\.)\b|\*\*\*|\[FILTERED\]|\[REDACTED\]|["']X{3,}["']|::add-mask::/;

/** A log, trace, print or error-report call (the sink of a leak to logs); not `new Error(…)` or `fmt.Errorf`. */
export const LOG_CALL =
  /\b(?:log|logger|logging|Log|Logger|LOG|LOGGER|_logger|_log|console|slog|logrus|zap|klog|glog|Rails\.logger|Sentry|sentry|Bugsnag|Rollbar|System\.err|Trace|stderr)\s*(?:\.|::|->)\s*(?!init\b|configure\b|setup\b|child\b|with\b|bind\b|setLevel\b|level\b|addHandler\b|getLogger\b|New\b|new\b)\w+\s*\(|[Ll]og(?:ger)?\s*(?:\.|::|->)\s*(?!init\b|configure\b|setup\b|child\b|with\b|bind\b|setLevel\b|level\b|addHandler\b|getLogger\b|New\b|new\b)\w+\s*\(|\bfprintf\s*\(\s*stderr|\b(?:eprintln|error_log|syslog|NSLog)\s*!?\(|\b(?:info|warn|error|debug|trace|eprintln|dbg|event)!\s*\(|\bfmt\.Fprint\w*\s*\(\s*os\.Stderr|>&2|\b(?:LOG|VLOG|DLOG|PLOG|LOG_\w+|SPDLOG_\w+)\s*\([^()\n]*\)\s*<<|\bstd::(?:cerr|clog)\s*<<|\b(?:MDC|ThreadContext|LogContext|NDC)\s*\.\s*(?:put|push|PushProperty)\w*\s*\(/;

/** A comparison with a literal, anywhere in a text: the literal and the line around it. */
const COMPARED_LITERAL =
  /(?:===?|!==?|\.equals\w*\(|Equals\(|[Ww]ith\??\(|HasSuffix\(|HasPrefix\(|includes\(|include\?\(?|[Cc]ontains\(|indexOf\(|\b(?:strstr|memcmp|strn?(?:case)?cmp)\([^,\n]{1,60},|\beq|\bne|\bin)\s*(?:[\w.:]{1,40}\(\s*|[\w.]{1,40},\s*)?["'`]((?:[^"'`\n\\]|\\.){3,80})["'`]|["'`]((?:[^"'`\n\\]|\\.){3,80})["'`]\s*(?:===?|!==?|\bin\b|\.equals)|\b(?:HasSuffix|HasPrefix|str_ends_with|str_starts_with|str_contains|strings\.Contains)\([^,\n]{1,80},\s*["'`]((?:[^"'`\n\\]|\\.){3,80})["'`]|\bin_array\s*\([^,\n]{1,80},\s*\[\s*["'`]((?:[^"'`\n\\]|\\.){3,80})["'`]/g;
/** A shell test of a value with a literal, `[ "$x" = "lit" ]` (one `=`: read in shell scripts only). */
const SHELL_COMPARED = /\[\[?\s[^\]\n]{0,80}?\s!?==?\s*["']((?:[^"'\n\\]|\\.){3,80})["']/g;

/**
 * Whether a text may hold a trigger at all: the cheap test made before a file is parsed (most files
 * compare no literal a person chose, read no moment, count nothing up to a threshold). Each test
 * is one pass over the text.
 */
export function mayHoldTrigger(text: string): boolean {
  if (MOMENT.test(text) && TIME_WORD.test(text)) return true;
  if (CALENDAR.test(text) || COUNTER.test(text) || MARKER.test(text) || REMOTE.test(text)) return true;
  if (LENGTH_TEST.test(text) || ACCOUNT_LOOKUP.test(text) || ACCOUNT_QUERY.test(text) || RARE_SIGNAL.test(text))
    return true;
  if (/\+\+|\+=\s*1\b|[Ii]ncrement|fetch_add/.test(text) && /\b[1-9]\d{2,}\b|\b\d{1,3}(?:_\d{3})+/.test(text))
    return true;
  COMPARED_LITERAL.lastIndex = 0;
  for (let m = COMPARED_LITERAL.exec(text); m; m = COMPARED_LITERAL.exec(text)) {
    const lit = m[1] ?? m[2];
    if (!magicLiteral(lit)) continue;
    if (CHOSEN.test(lit)) return true;
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    if (INPUT.test(text.slice(start, end < 0 ? undefined : end))) return true;
  }
  // (a chosen constant kept in a name: `kHint = "__reset__"` compared elsewhere)
  return /^\s*(?:[\w:<>]+\s+)*\w+\s*[:=]\s*["'`](?=[^"'`\n]*\d)(?=[^"'`\n]*[A-Za-z])[^"'`\s]{4,}["'`]\s*;?\s*$|["'`]__\w+__["'`]/m.test(
    text,
  );
}

const g = (re: RegExp) => new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
/** (COUNTER without its leading `\\b\\w*`: a scan of a whole text must not try a word at every position) */
const COUNTER_LINE = new RegExp(COUNTER.source.replace(/\\b\\w\*\(\?:/g, '(?:'), 'g');
/** A value's hash compared with a constant on its line (`zlib.crc32(h) == 0x5E1FA11D`): a magic value kept out of sight. */
const HASHED_LINE =
  /(?:\.hashCode\(\)|\b(?:[Ff]nv|[Cc]rc|CRC|[Mm]urmur|[Xx]x[Hh]|djb2|[Ss]ip[Hh]ash)\w*\s*\()[^\n]*(?:===?|!==?)\s*\(?\s*(?:[A-Z][A-Z0-9_]{2,}|k[A-Z]\w+|0x[0-9a-fA-F]{4,}|\d{6,})\b/;
const LINE_HINTS = [CALENDAR, MARKER, REMOTE, LENGTH_TEST, ACCOUNT_LINE, RARE_SIGNAL, HASHED_LINE]
  .map(g)
  .concat(COUNTER_LINE);
/**
 * The hints each of whose matches holds one of its words on the line where it starts (the word opens
 * the match, or follows it without a possible line break): their lines are read only where the words
 * are (`wordLineMatches`). Not MARKER: its `'/path'\n  .exists()` starts a line before its word.
 */
const WORD_LED = new Set(LINE_HINTS.filter((re) => re.source !== g(MARKER).source));
/** (for the tests: the hints read by `wordLineMatches`) */
export const wordLedHints = (): RegExp[] => [...WORD_LED];
export const MOMENT_G = g(MOMENT);
const MARKER_G = LINE_HINTS.find((re) => re.source === MARKER.source)!;
/**
 * What every MARKER match starts with: one of its existence words (`exists`, `isfile`, `stat`, `Path`…),
 * a shell test (`-e`, `-f`, `-s`, `-d`) or a quoted path (`'./`, `"~`, `` `/ ``). Its `'/path'\n.exists()`
 * does not start on its word's line, but it starts on a line holding one of these.
 */
const MARKER_START =
  /\b(?:exists?|isfile|is_file|isFile|file_exists|Exists|FileExists|access|stat|lstat|Path)\b|-[efsd]|['"`][~./]/;
/** (for the tests: MARKER's lines as triggerLines finds them, and the regex itself) */
export const markerHint = { lines: (file: Parameters<typeof markerLines>[0]) => markerLines(file), re: () => MARKER_G };
/** MARKER's lines, searched for only on the lines holding what its matches start with (the scan's automaton). */
function markerLines(file: {
  text: string;
  lines: string[];
  lineStarts?(): number[];
  matchingLines(re: RegExp): number[];
}): number[] {
  const lineStarts = file.lineStarts?.bind(file);
  const lines = lineStarts && candidateLines(MARKER_START, file.text, lineStarts);
  return lines && lineStarts ? matchesOnLines(file, MARKER_G, lines, lineStarts()) : file.matchingLines(MARKER_G);
}
const INCREMENT_OP = /\+\+|\+=\s*1\b|[Ii]ncrement\w*\s*\(|\.inc\(|\.incr\(|fetch_add\(/g;
const INCREMENTED =
  /\b([A-Za-z_]\w*)\s*(?:\+\+|\+=\s*1\b)|\+\+\s*(?:this\.|self\.)?([A-Za-z_]\w*)|\b([A-Za-z_]\w*)\s*\.\s*(?:incrementAndGet|getAndIncrement|inc|incr|increment|fetch_add)\s*\(/g;
/** A line that answers with a comparison (`return now > CUTOFF`, `=> Date.now() > END`). */
// (or a Rust or Ruby body's last expression, its value without `return`: `now_secs() >= self.policy.schema_epoch`)
const PREDICATE_RETURN =
  /(?:\breturn\b|=>)[^;\n]*?(?:[<>]=?|[=!]==?)|^\s*[\w.:()&\s]+\s(?:[<>]=?|[=!]=)\s[\w.:()&]+\s*(?:\/\/.*|#.*)?$/;
/** The name an increment call's result is assigned to, from the text before the call on its line. */
const CAPTURED_COUNT =
  /(?:^|[\s(])(?:let|var|val|auto|const|int|long|u?int\d*|usize|u64|i64)?\s*(?:mut\s+)?([A-Za-z_]\w*)\s*(?::\s*\w+)?\s*:?=\s*[\w.:()&]*$/;
/** A word compared with a number or a constant: `seen > 50000`, `n() >= LIMIT`, `c.get() < 1_000`. */
const COMPARED_WORD = /\b\w+(?=(?:\(\)|\.get\(\))?\s*[<>]=?\s*(?:\d{3,}|\d{1,3}_\d{3}|[A-Z_]{3,}))/g;
const DEFINITION =
  /\b(?:def|function|func|fn|sub)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)|^\s*(?:(?:public|private|protected|static|async|final|override|virtual|internal)\s+)*[\w<>\[\],.:*&]+\s+(?:[\w<>]+::)*([A-Za-z_]\w*)\s*\([^)]*\)\s*(?:const\s*)?(?:noexcept\s*)?(?:throws\s+[\w, .]+)?\s*\{?\s*$|\b(?:const|let|var)\s+([A-Za-z_]\w*)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>|^\s*([A-Za-z_]\w*)\s*\(\)\s*\{\s*$/;

/**
 * The 0-based lines that may hold (part of) a trigger, read from the text alone: a moment, a calendar
 * day, a counter or version threshold, a marker file, a remote switch, an identity length or lookup,
 * a rare signal, a chosen literal in a comparison; and the lines that name a constant holding one, a
 * name the file counts up, or a function of the file that holds one. Only guards that start on
 * these lines are built from the tree (most guards of most files are never looked at).
 */
export function triggerLines(
  file: { text: string; lines: string[]; language?: string; matchingLines(re: RegExp): number[] },
  values: Map<string, string>,
): Set<number> {
  const out = new Set<number>();
  const text = file.text;
  // (the time words and the increments are asked of the scan's automaton first: a file without them is not read for them)
  if (occurs(TIME_WORD, text)) for (const i of file.matchingLines(MOMENT_G)) out.add(i);
  // (a hint whose words the file lacks matches nowhere: the scan's automaton says so without a pass)
  for (const re of LINE_HINTS)
    if (mayOccur(re, text))
      for (const i of WORD_LED.has(re)
        ? wordLineMatches(file, re)
        : re === MARKER_G
          ? markerLines(file)
          : file.matchingLines(re))
        out.add(i);
  const lineOf = (at: number) => {
    let n = 0;
    for (let k = text.indexOf('\n'); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) n++;
    return n;
  };
  const hits: number[] = [];
  // (a plain word compared is a trigger only where the file hands out roles, or compared with a
  // person's or machine's name where the file deletes something: see Trigger.weak)
  let grantsAt: boolean | undefined;
  const grants = () => (grantsAt ??= occurs(GRANT_HINT, text));
  let destroys: boolean | undefined;
  const compared = file.language === 'bash' ? [COMPARED_LITERAL, SHELL_COMPARED] : [COMPARED_LITERAL];
  for (const re of compared) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      // (the literal a two-argument test compares with comes second: `HasSuffix(getenv("CTX"), "-prod-eu")`)
      const lit = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (!magicLiteral(lit)) continue;
      const start = text.lastIndexOf('\n', m.index) + 1;
      const end = text.indexOf('\n', m.index);
      const line = text.slice(start, end < 0 ? undefined : end);
      if (CHOSEN.test(lit) || (chosenish(lit) && INPUT.test(line)) || grants()) hits.push(m.index);
      // (deleting through a store or a client counts too: `client.Namespaces().Delete(…)`, read after a helper's answer)
      else if (
        IDENTITY.test(line) &&
        (destroys ??= occurs(EFFECTS[0][1], text) || /\.\s*(?:Delete|Remove|Destroy|Purge|Drop)\w*\s*\(/.test(text))
      )
        hits.push(m.index);
    }
  }
  if (hits.length) {
    const starts = (file as { lineStarts?: () => number[] }).lineStarts?.();
    for (const at of hits) out.add(starts ? pieceAt(starts, at) : lineOf(at));
  }
  // Names that hold a trigger's constant, names counted up, and functions that hold a trigger line.
  const names = new Set<string>();
  // (a constant holding a moment, a marker path or a chosen literal; a big number only under a
  // name that says it is a threshold: `CEILING = 50_000`, not every buffer size)
  const THRESHOLD_NAME =
    /^[A-Z_$][A-Z0-9_]*$|^k[A-Z]|[Ll]imit|[Mm]ax|[Cc]eiling|[Tt]hreshold|[Cc]utoff|[Dd]eadline|[Ee]xpir|[Aa]fter|[Uu]ntil|[Ss]unset/;
  for (const [name, v] of values)
    if (
      MOMENT.test(v) ||
      MARKER.test(v) ||
      (/["'`]/.test(v) &&
        (LITERAL_ONLY.test(v) || literalList(v)) &&
        literals(v).some((s) => magicLiteral(s) && chosenish(s))) ||
      (THRESHOLD_NAME.test(name) && /\b[1-9]\d{2,}\b|\b\d{1,3}(?:_\d{3})+/.test(v))
    )
      names.add(name);
  // (a name counted up, when the file compares it with a number: `seen > 50000`, `n >= LIMIT`)
  // (found from the `++` / `+= 1` / increment call, then the name beside it: one literal scan)
  // (a name counted up in many places is compared once: each test reads the whole text)
  const uncompared = new Set<string>();
  let comparedWords: Set<string> | undefined;
  for (const m of mayOccur(INCREMENT_OP, text) ? text.matchAll(INCREMENT_OP) : []) {
    const at = m.index ?? 0;
    const around = text.slice(Math.max(0, at - 60), at + 60);
    const i = INCREMENTED.exec(around.slice(0, 60 + m[0].length + 40));
    INCREMENTED.lastIndex = 0;
    // (the count an atomic increment returns, kept in a name: `let n = HITS.fetch_add(1, …)`, `int c = hits.incrementAndGet()`)
    const kept = i?.[3] ? CAPTURED_COUNT.exec(text.slice(text.lastIndexOf('\n', at) + 1, at))?.[1] : undefined;
    const n = kept ?? (i ? (i[1] ?? i[2] ?? i[3]) : undefined);
    if (!n || (n.length < 2 && !kept) || names.has(n) || uncompared.has(n)) continue;
    // (the words compared with a number, found in one pass: a regex per counted name read the whole
    // text once each, 14 s for 20,000 names counted up in 184 KB)
    comparedWords ??= new Set(Array.from(text.matchAll(COMPARED_WORD), (c) => c[0]));
    if (!comparedWords.has(n)) uncompared.add(n);
    else if (n.length < 2) {
      // (a one-letter local is too common a word to find by its mentions: the lines that compare it are
      // the trigger's; read once per letter)
      const compared = new RegExp(
        `\\b${n}\\b(?:\\(\\)|\\.get\\(\\))?\\s*[<>]=?\\s*(?:\\d{3,}|\\d{1,3}_\\d{3}|[A-Z_]{3,})`,
        'g',
      );
      for (const k of file.matchingLines(compared)) out.add(k);
      uncompared.add(n);
    } else names.add(n);
  }
  // (a name computed from one of those: `ops = login.endsWith(SUFFIX)`, then `if (ops)`; one regex, one pass)
  if (names.size) {
    const held = new RegExp(`\\b(?:${[...names].map((n) => n.replace(/[$]/g, '\\$')).join('|')})\\b`);
    for (const [name, v] of values) if (!names.has(name) && v.length < 300 && held.test(v)) names.add(name);
  }
  // (hint lines of one function look back over the same lines: each line is read once)
  const definedOn = new Map<number, string | null>();
  const definition = (k: number) => {
    let name = definedOn.get(k);
    if (name === undefined) {
      const d = DEFINITION.exec(file.lines[k] ?? '');
      definedOn.set(k, (name = d ? (d[1] ?? d[2] ?? d[3] ?? d[4]) : null));
    }
    return name;
  };
  const enclosing = (lines: Iterable<number>) => {
    for (const i of lines)
      for (let k = i; k >= 0 && k >= i - 30; k--) {
        const d = definition(k);
        if (d !== null) {
          names.add(d);
          break;
        }
      }
    names.delete('');
  };
  enclosing([...out]);
  const mentions = (list: string[]) =>
    file.matchingLines(new RegExp(`\\b(?:${list.map((n) => n.replace(/[$]/g, '\\$')).join('|')})\\b`, 'g'));
  const list = [...names].filter((n) => n && n.length > 1).slice(0, 60);
  if (list.length) {
    const fresh = mentions(list).filter((i) => !out.has(i));
    for (const i of fresh) out.add(i);
    // (a function that reads a trigger's constant is itself a trigger where it is called: `legacy()`
    // holding `now > SUPPORT_END`; one more round, for the functions new to the list)
    const known = new Set(names);
    // (only a predicate that answers with the comparison, `return now() > SUPPORT_END`: a function that
    // merely uses the constant somewhere is not one, and its callers are not triggers)
    enclosing(fresh.filter((i) => PREDICATE_RETURN.test(file.lines[i] ?? '')));
    const more = [...names].filter((n) => n && n.length > 1 && !known.has(n)).slice(0, 5);
    if (more.length) for (const i of mentions(more)) out.add(i);
  }
  // (a minified line holds hundreds of guards and is generated: the line shapes read it, not this)
  // (nor a comment, or a line that decides nothing: a copyright year is not a time bomb)
  for (const i of out) {
    const l = file.lines[i] ?? '';
    if (l.length > 1000 || COMMENT_LINE.test(l) || !CONDITIONISH.test(l)) out.delete(i);
  }
  return out;
}

/** A file that hands out an admin role somewhere (`ROLE_ADMIN`, `roles: ["admin"]`, `is_admin = true`). */
const GRANT_HINT =
  /ROLE_ADMIN|\b[Rr]oles?\b\W{0,12}(?:\w+\W{1,6}){0,3}admin|\bis_?[Aa]dmin\s*[:=]\s*(?:true|True|TRUE|1)\b|\bis_superuser\s*=\s*True|\bsuperuser\s*[:=]\s*true|'administrator'|"administrator"/;

const LIST_START =
  /^\s*(?:\[|\{|\(|new\s|%w|Set\b|List\.of|frozenset|set\(|vec!|array\(|Arrays\.asList|Immutable\w*\.of|map\[|const\s*\[)/;
/** A list or set of literals and nothing else (`new Set(['a', 'b'])`, `%w[a b]`, `[]string{"a"}`). */
function literalList(v: string): boolean {
  if (v.length > 600 || !LIST_START.test(v)) return false;
  const rest = v
    .replace(STRING_LITERAL, '')
    .replace(
      /\b(?:new|Set|HashSet|frozenset|set|List|Arrays|asList|of|array|vec|string|str|String|const|readonly|Array|ImmutableSet|map|bool|true|struct)\b/g,
      '',
    )
    .replace(/[\s\[\](){},;:!&*<>]/g, '');
  return rest.length === 0;
}

const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*|#(?![!\[{])|--|;)/;
const CONDITIONISH =
  /\b(?:if|unless|elif|elsif|when|case|switch|match|while|guard|until)\b|\?|&&|\|\||[=!]==?|[<>]=?|-(?:gt|ge|lt|le|eq|ne)\b|\b(?:exists?|isfile|is_file|access|stat|equals|Equals|With|HasSuffix|HasPrefix|includes|contains|Contains|has|strcmp|memcmp)\b|\bcase\b|=>|:$/;

/**
 * The lines that hold one of the words a hint regex needs, from the scan's word automaton
 * (literals.ts: one pass for all regexes of a file) when it knows the regex, else by the regex.
 */
export function linesWith(
  file: { text: string; lineStarts(): number[]; matchingLines(re: RegExp): number[] },
  re: RegExp,
): number[] {
  return candidateLines(re, file.text, () => file.lineStarts()) ?? file.matchingLines(re);
}

/**
 * The lines (0-based, ascending) where a global regex starts a match, as `matchingLines` finds them,
 * but read only where the scan's automaton saw one of its words; undefined without the automaton.
 * For regexes whose words come before any `\s` that may cross a line break (a match starts on the
 * line of its word): each such line is tried with the blank lines and spaces after it.
 */
export function matchLines(
  file: { text: string; lines: string[]; lineStarts(): number[] },
  re: RegExp,
): number[] | undefined {
  const lines = candidateLines(re, file.text, () => file.lineStarts());
  if (!lines) return undefined;
  let one = ONE.get(re);
  if (!one) ONE.set(re, (one = new RegExp(re.source, re.flags.replace(/[gy]/g, ''))));
  const text = file.text;
  const starts = file.lineStarts();
  return lines.filter((k) => {
    const start = starts[k];
    const end = start + file.lines[k].length;
    let stop = end;
    while (stop < text.length && /\s/.test(text[stop])) stop++;
    const m = one.exec(text.slice(start, stop + 2));
    return m !== null && m.index <= end - start;
  });
}
const ONE = new WeakMap<RegExp, RegExp>();

/**
 * The lines (0-based, ascending) where a global regex starts a match, exactly as `matchingLines`
 * finds them (the same matches, one after another, each tried on the whole text), but searched for
 * only on the lines that hold one of its words (the scan's automaton), for a regex each of whose
 * matches has one of its words on the line where it starts. The search on such a line is for the
 * regex or the line's end (`(?:re)|(\n)`, the regex preferred wherever it matches), so it never runs
 * on through the lines after it; the lines between hold no match's start. Without the automaton,
 * `matchingLines`.
 */
export function wordLineMatches(
  file: { text: string; lines: string[]; lineStarts?(): number[]; matchingLines(re: RegExp): number[] },
  re: RegExp,
): number[] {
  const lineStarts = file.lineStarts?.bind(file);
  const lines = lineStarts && candidateLines(re, file.text, lineStarts);
  if (!lines || !lineStarts) return file.matchingLines(re);
  return matchesOnLines(file, re, lines, lineStarts());
}

/**
 * The lines (0-based, ascending) where a global regex starts a match, exactly as `matchingLines`
 * finds them, given the lines (ascending) on which a match may start: searched for on those only.
 */
function matchesOnLines(
  file: { text: string; lines: string[] },
  re: RegExp,
  lines: number[],
  starts: number[],
): number[] {
  let stop = TO_LINE_END.get(re);
  if (!stop) {
    const groups = new RegExp(`${re.source}|`, re.flags.replace(/[gy]/g, '')).exec('')!.length - 1;
    stop = {
      re: new RegExp(`(?:${re.source})|(\n)`, re.flags.replace(/y/g, '') + (re.global ? '' : 'g')),
      end: groups + 1,
    };
    TO_LINE_END.set(re, stop);
  }
  const text = file.text;
  const out: number[] = [];
  // (where the last match ended: the search goes on from there, as a global regex's does)
  let pos = 0;
  for (const k of lines) {
    const lineEnd = starts[k] + file.lines[k].length;
    if (lineEnd < pos) continue;
    stop.re.lastIndex = Math.max(pos, starts[k]);
    for (;;) {
      const m = stop.re.exec(text);
      if (!m) return out; // (no match and no line break after: the text's last line, done)
      if (m[stop.end] !== undefined) break; // (this line's end: no match starts on it after pos)
      if (out[out.length - 1] !== k) out.push(k);
      pos = m.index + Math.max(1, m[0].length);
      // (a match that ends past this line leaves the rest of the search to the lines after it)
      if (pos > lineEnd) break;
      stop.re.lastIndex = pos;
    }
  }
  return out;
}
const TO_LINE_END = new WeakMap<RegExp, { re: RegExp; end: number }>();

/**
 * A reporter that keeps one backdoor finding per line (the first wins): the passes of one family
 * (leaks, decoded code) each call it with the line index, rule, title, severity and message.
 */
export function oncePerLine(
  file: SourceFile,
  out: Finding[],
  cwe: (ruleId: string) => string,
  fix: string,
  seen = new Set<number>(),
) {
  return (i: number, ruleId: string, title: string, severity: Finding['severity'], message: string) => {
    if (seen.has(i)) return;
    seen.add(i);
    const snippet = file.lines[i].trim();
    const f = { ruleId, title, severity, confidence: 'medium' as const, category: 'backdoor' as const };
    out.push(finding(file, { ...f, cwe: cwe(ruleId), line: i + 1, column: 1, snippet, message, fix }));
  };
}

// (the words of the line hints go into the scan's automaton: a file without them is not read for them)
// (the word-led hints are read where their words are: their places are recorded too)
prefilterProvider(() => LINE_HINTS);
prefilterProvider(() => [...WORD_LED, MARKER_START], true);
prefilterProvider(() => [GRANT_HINT, EFFECTS[0][1], TIME_WORD, INCREMENT_OP]);
