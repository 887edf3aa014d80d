/**
 * Decisions that are not what they claim (issue 21, item 2), and credentials planted beside the
 * real ones: code that authenticates, verifies or compares but has a path that says yes without
 * the check. Line-based and language-general (the API names of the twelve languages):
 *   backdoor.self-compare        a comparison of a value with itself (`timingSafeEqual(sig, sig)`)
 *   backdoor.short-compare       a MAC, signature or hash compared over a few bytes only
 *   backdoor.verify-error-passes a verify result tested with `!= 0` (an error, -1, passes as success)
 *   backdoor.empty-signature     a verification skipped when the signature is empty or missing
 *   backdoor.verify-by-value     a verification option switched by a runtime value
 *   backdoor.default-secret      a secret read from the environment with a literal fallback
 *   backdoor.constant-credential a credential compared with a constant or a hash literal of the file
 *   backdoor.planted-account     an account created or given a password from a literal
 *   backdoor.callback-says-yes   a certificate callback that answers yes on every path (it only logs)
 *   backdoor.unverified-fallback a failed verification answered with the claims decoded unverified
 *   (and backdoor.verify-by-value also for a check switched off in a branch on an environment value)
 * Fixtures: src/analyzers/fixtures/backdoor.decisions.*
 */
import type { Finding } from '../../engine/types.ts';
import { type SourceFile, finding } from '../source.ts';
import { STRING_LITERAL, assignments, bodiesOf } from './structure.ts';
import { literals, matchLines } from './vocabulary.ts';
import { mayOccur, occurs, prefilterProvider } from '../literals.ts';
import { enclosing, splitArgs } from './calls.ts';

interface Meta {
  title: string;
  severity: Finding['severity'];
  cwe: string;
  message: string;
  fix: string;
}

const META: Record<string, Meta> = {
  'backdoor.self-compare': {
    title: 'A value compared with itself',
    severity: 'high',
    cwe: 'CWE-697',
    message: 'A comparison checks a value against itself, so it always passes: the check it stands for never happens.',
    fix: 'Compare the received value with the expected one (computed from the key or the stored record).',
  },
  'backdoor.short-compare': {
    title: 'Signature or MAC compared over a few bytes',
    severity: 'high',
    cwe: 'CWE-1240',
    message: 'Only a few bytes of a MAC, signature, hash or token are compared, so a forgery needs a small guess.',
    fix: 'Compare the full length, in constant time.',
  },
  'backdoor.verify-error-passes': {
    title: 'Verification error taken for success',
    severity: 'high',
    cwe: 'CWE-347',
    message:
      'A verify result is tested with "!= 0": verify functions of this kind return a negative value on error, which then passes as a valid signature.',
    fix: "Test for the success value exactly (=== 1, or the library's boolean result).",
  },
  'backdoor.empty-signature': {
    title: 'Verification skipped when the signature is empty',
    severity: 'high',
    cwe: 'CWE-347',
    message: 'The check rejects only a present, wrong signature: an empty or missing one skips verification.',
    fix: 'Reject a missing or empty signature before verifying.',
  },
  'backdoor.verify-skipped': {
    title: 'A verifier says yes before it verifies',
    severity: 'high',
    cwe: 'CWE-347',
    message:
      'A function that verifies a signature, MAC or certificate returns success early when a field of its input equals a constant: whoever sets that field skips the check.',
    fix: 'Remove the early success; every input goes through the verification.',
  },
  'backdoor.verify-if-present': {
    title: 'A signature checked only when it is sent',
    severity: 'high',
    cwe: 'CWE-347',
    message:
      'The verification runs only when the signature (or MAC, or token) is present, and nothing refuses the request without one: leaving the header out skips the check.',
    fix: 'Refuse a request without a signature before verifying; never make the check depend on the input carrying one.',
  },
  'backdoor.verify-by-value': {
    title: 'Verification switched by a runtime value',
    severity: 'high',
    cwe: 'CWE-295',
    message:
      'Whether a signature or certificate is verified depends on a value at run time (a key lookup, a header, an environment variable): whoever controls that value turns verification off.',
    fix: 'Always verify; reject the input when the key or setting is missing.',
  },
  'backdoor.callback-says-yes': {
    title: 'Certificate callback that accepts everything',
    severity: 'high',
    cwe: 'CWE-295',
    message:
      'The certificate callback answers yes on every path (it may log the errors it sees, but never refuses): any certificate, a forged one included, is accepted.',
    fix: 'Return false when the platform reports a policy error; pin the expected certificate if needed.',
  },
  'backdoor.unverified-fallback': {
    title: 'Verification failure answered with the unverified claims',
    severity: 'high',
    cwe: 'CWE-347',
    message:
      'When the signature check fails, the error path returns the token decoded without verification: a forged token passes as a valid one.',
    fix: 'Treat a failed verification as a refusal; accept old keys by verifying against them, not by skipping.',
  },
  'backdoor.fail-open': {
    title: 'A failed verification answered with success',
    severity: 'high',
    cwe: 'CWE-636',
    message:
      'The path that handles a failed verification (a signature, MAC, token or certificate error) says yes: it returns success, a value built without the check, or repeats the call with verification off.',
    fix: 'Treat a verification error as a refusal; handle key or CA rotation by trying the known keys or re-reading the trust store.',
  },
  'backdoor.jwt-alg-none': {
    title: 'Token verification accepts the algorithm "none"',
    severity: 'high',
    cwe: 'CWE-347',
    message:
      'The algorithms a token verification accepts include "none": a token with no signature at all passes, so anyone can write one with any claims.',
    fix: 'List only the algorithms the issuer signs with (RS256, ES256…), never "none".',
  },
  'backdoor.default-secret': {
    title: 'Secret with a literal default',
    severity: 'high',
    cwe: 'CWE-1188',
    message:
      'A key, token or password is read from the environment with a literal fallback: wherever the variable is unset, the literal (known to anyone with the code) is the secret.',
    fix: 'Fail at start-up when the secret is not configured; never ship a fallback value.',
  },
  'backdoor.constant-credential': {
    title: 'Credential compared with a constant of the code',
    severity: 'critical',
    cwe: 'CWE-798',
    message:
      'A password, PIN, token or key is compared with a value written in the code (a constant or a password hash literal): a second credential that works for whoever has read the code.',
    fix: 'Remove the constant; check credentials only against the account store.',
  },
  'backdoor.planted-account': {
    title: 'Account created with a password from the code',
    severity: 'critical',
    cwe: 'CWE-798',
    message: 'An account is created or given a password written in the code: a hidden login for whoever has read it.',
    fix: 'Create accounts from configuration with a generated secret, or not at all.',
  },
  'backdoor.planted-admin-entry': {
    title: 'Admin session or key planted in a store',
    severity: 'critical',
    cwe: 'CWE-798',
    message:
      'A session, token or key store is given an entry with admin rights under a key written in the code (a literal, or a run of one character): whoever sends that key is admin, and revoking the stored ones does not remove it.',
    fix: 'Issue admin sessions and keys only through the normal, audited path; remove the planted entry and rotate.',
  },
};

const COMPARE_FN =
  /\b(?:compare_digest|timingSafeEqual|hash_equals|ConstantTimeCompare|CRYPTO_memcmp|memcmp|strn?cmp|FixedTimeEquals|secure_compare|constant_time_eq|ct_eq|isEqual|hmac\.Equal|Equal|equals|Equals|SequenceEqual|compare|verify_slices_are_equal)\s*\(\s*/g;
/** An operand as written, without `&`, `*`, casts and byte views (`&sig`, `sig.as_bytes()`, `[]byte(sig)`). */
const norm = (s: string) =>
  s
    .trim()
    .replace(/^(?:&|\*|\(\s*\w+\s*\)\s*|\[\]byte\(|Buffer\.from\(|bytes\(|str\()+/, '')
    .replace(/(?:\.as_bytes\(\)|\.as_ref\(\)|\.data\(\)|\.encode\(\)|\.getBytes\(\)|\.bytes|\))+$/, '')
    .trim();

const MAC_NAME = /(?:sig|mac|hmac|tag|digest|hash|token|signature|expected|received|actual|cookie)/i;
// (a slice, `sig[:4]`: an element, `lines[2]`, is no cut MAC)
const SHORT_SLICE =
  /\[\s*:\s*([1-9])\s*\]|\[\s*0?\s*:\s*([1-9])\s*\]|\.(?:slice|substring|substr|subarray|Substring)\s*\(\s*0\s*,\s*([1-9])\s*\)/;
const VERIFY_NE_ZERO = /\b\w*[Vv]erify\w*\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*!==?\s*0\b/;
/** A digest made (a presented key before it is compared); vocabulary.ts HASH_CALL is the non-cryptographic kind. */
const DIGEST_CALL = /\b(?:[Ss][Hh][Aa]\d+\w*|[Hh]ash\w*|[Dd]igest\w*|HMAC\w*|hmac\w*|createHash)\s*[.(]/;
/** A function that authenticates a caller (not one that verifies a file or a message). */
const AUTHENTICATES = /[Aa]uthenticat|[Ll]og_?[Ii]n|[Ss]ign_?[Ii]n|[Aa]pi_?[Kk]ey|API_KEY|[Cc]redential/;
/** libsodium's verifiers answer 0 for valid and -1 for not: `!= 0` is their failure test. */
const SODIUM_VERIFY = /\bcrypto_\w*verify\w*\s*\(/;
/** The block a `!= 0` test opens refuses (a failure handled as one): the test was the failure test. */
const REFUSAL_NEXT =
  /^\s*(?:\{\s*)?(?:continue\b|break\b|throw\b|abort\s*\(|exit\s*\(|goto\s+\w*(?:err|fail|out|bad)\w*|return\s+(?:false|-\d+|null|nullptr|NULL|nil|None|Err\b|std::nullopt|\w*(?:ERR|FAIL|INVALID|DENIED)\w*)\b)/;
const YES_NEXT = /^\s*(?:\{\s*)?return\s+(?:true|1|ok|OK|\w*(?:OK|SUCCESS|VALID))\b/;
function refusedNext(lines: readonly string[], i: number): boolean {
  // (the block's first few lines, whatever it logs or closes first: a refusal there, and no yes before it)
  for (let k = i + 1; k < Math.min(lines.length, i + 5); k++) {
    const l = lines[k];
    if (YES_NEXT.test(l) || /^\s*\}/.test(l)) return false;
    if (REFUSAL_NEXT.test(l)) return true;
  }
  return false;
}
const EMPTY_SKIP =
  /(?:\blen\s*\(\s*(\w+)\s*\)\s*(?:!=|>)\s*0|\b(\w+)\s*!==?\s*(?:nil|null|None|''|"")|\b(\w+)\.(?:length|size\(\)|len\(\))\s*(?:!==?|>)\s*0|^\s*(?:if|elif)\s+(\w+)\s+and)\s*(?:&&|\band\b)\s*(?:!|not\s+)\s*[\w.:]*(?:[Vv]erif|[Vv]alid|[Cc]heck)\w*\s*\(([^)\n]*)/;
const VERIFY_BY_VALUE =
  /\b(?:verify\w*|check_?signature|verify_?signature|VerifySignature|validate\w*|require_?signature)["']?\s*[:=]\s*(?!\s*(?:true|True|TRUE|false|False|FALSE|0|1)\b)[^,}\n;]*?(?:\bis not None\b|\bis None\b|!=|==|\?|&&|\|\||\.is_some\(\)|\.isPresent\(\)|\bnot\b)/;
const ENV_DEFAULT =
  /(?:environ\.get|getenv|ENV\.fetch|env\.get|Getenv\w*|GetEnvironmentVariable|env::var|env\s*\()\s*\(?\s*["']([A-Za-z0-9_]+)["']\s*(?:,\s*["']([^"'\n]{6,})["']|\)\s*(?:\|\||\?\?|\?:|or|\.unwrap_or(?:_else)?\s*\(\s*(?:\|\|\s*)?)\s*["']([^"'\n]{6,})["'])|process\.env\.([A-Za-z0-9_]+)\s*(?:\|\||\?\?)\s*["'`]([^"'`\n]{6,})["'`]|\$\{([A-Za-z0-9_]+):-([^}\n]{6,})\}|\b\w*(?:[Ee]nv|ENV)\w*\s*\(\s*["']([A-Za-z0-9_]+)["']\s*,\s*["']([^"'\n]{6,})["']\s*\)/;
const SECRET_ENV = /SECRET|KEY|TOKEN|PASSW|PASS\b|PWD|HMAC|SIGN|SALT|PEPPER|CREDENTIAL|AUTH/i;
const PLACEHOLDER =
  /^(?:changeme|change[-_]?me|secret|password|dev|test|example|xxx+|\*+|none|null|todo|replace[-_]?me|your[-_].*|<.*>|\$\{.*\})$/i;
const HASH_LITERAL =
  /["'](\$2[abyx]?\$\d\d\$[./A-Za-z0-9]{53}|\$argon2\w*\$[^"']{20,}|\$[56]\$[^"']{8,}|[a-f0-9]{32,128}|pbkdf2_sha256\$[^"']+)["']/;
// (a PIN only as a word or a name's part, `pin`, `user_pin`, `userPin`, `pin_code`: not inside a word,
// `PINNED_SHA256`, `mapping`, which made a pinned checksum's table a credential)
const CRED_OPERAND =
  /\b\w*(?:passw(?:or)?d|passwd|pwd|pw|passcode|passphrase|secret|token|api_?key|apikey|otp)\w*\b|\b(?:\w*_)?pin(?:_?code|_?number|s)?(?:_\w*)?\b|\b\w*[a-z0-9]pin\b/i;
/**
 * A list of accepted token algorithms holding "none" (`algorithms: ['RS256', 'none']`,
 * `algorithms=["HS256", "none"]`, `ValidAlgorithms = new[] { "RS256", "none" }`).
 */
const ALG_NONE =
  /\b(?:algorithms|algs|allowed_?algorithms|allowedAlgorithms|ValidAlgorithms|accepted_?algorithms)\b["']?\s*(?:=>|[:=])\s*(?:new\s*(?:\w+\s*)?\[\s*\]\s*)?[\[{(](?:[^\]})\n]*,\s*)?["']none["']/gi;
/** A line that ends by opening a value for a name: `X =`, `X = Convert.FromHexString(`, `TABLE = Map.of(`. */
const OPENED_BY_NAME = /(\w+)\s*(?::=|=(?![=>]))(?:[^=;]*[(\[{,])?\s*$/;
/** A line that leaves its expression open: an opening bracket, a comma, `&&` or `||` at its end. */
const CONTINUED = /(?:[(,]|&&|\|\|)\s*$/;
/** The line without a trailing `//`, `#` or `/* … *\/` comment (outside quotes: a line's code, as written). */
const uncommented = (l: string) => l.replace(/\s*(?:\/\/[^"'`]*|#[^"'`]*|\/\*[^"'`]*\*\/)$/, '');
/** `pass` as a word of a name (`pass`, `backupPass`, `ADMIN_PASS`), not inside one (`bypass`, `passive`). */
const PASS_NAME = /(?<![A-Za-z])(?:pass|Pass|PASS)(?![a-z])|(?<=[a-z0-9])Pass(?![a-z])/;
const CREDENTIAL_COMPARE =
  /==|!=|\.equals\(|\bEquals\(|\w(?:Equals?|_eq|_equal|Eq)\s*\(|\bstrn?cmp\s*\(|compare\w*\s*\(|verify\w*\s*\(|check\w*\s*\(|checkpw\s*\(|hash_equals\s*\(|timingSafeEqual\s*\(|secure_compare\s*\(/i;
const SET_PASSWORD =
  /\b(?:GenerateFromPassword|hashpw|hash_?password|make_password|password_hash|hashSync|bcrypt\.hash|argon2\.hash|CreateAsync|create_?user|createUser|create_?superuser|set_?password|setPassword|AddPasswordAsync|ResetPasswordAsync|HashPassword|encode|useradd|adduser)\b|\bchpasswd\b|\bpassword\s*[:=]\s*["']/i;
const TEST_FILE =
  /\b(?:def test_|@Test\b|describe\s*\(|\bit\s*\(\s*['"]|#\[test\]|#\[cfg\(test\)\]|\bTEST(?:_F)?\s*\(|RSpec\.|pytest|unittest|testing\.T\b|\[Fact\]|\[TestMethod\]|PHPUnit|cmocka)/;

// (the one branch that needs no word, a one-digit subscript, is kept apart so that the others are found by
// their words: see decisionLines)
const DECISION_WORDS_BEFORE =
  /compare|Compare|memcmp|strn?cmp|[Ee]quals?\b|Equal|_eq\b|verif|Verif|VERIF|signature|\blen\s*\(|\.length|\.size\(/;
const DIGIT_SUBSCRIPT = /[:\[\]]\s*\d\s*\]/g;
const DECISION_WORDS_AFTER =
  /slice|substr|subarray|environ|getenv|Getenv|ENV\b|process\.env|env::var|GetEnvironmentVariable|\$\{\w+:-|[Ee]nv\w*\s*\(|passw|pwd|\bpw\b|\bpin\b|passcode|secret|token|api_?key|apikey|otp|useradd|adduser|chpasswd|[Cc]reate\w*|hash|Hash/;
const DECISION_HINT = new RegExp(
  `${DECISION_WORDS_BEFORE.source}|${DIGIT_SUBSCRIPT.source}|${DECISION_WORDS_AFTER.source}`,
  'g',
);
const DECISION_WORDS = new RegExp(`${DECISION_WORDS_BEFORE.source}|${DECISION_WORDS_AFTER.source}`, 'g');

export function analyzeDecisions(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const text = file.text;
  const seen = new Set<string>();
  const add = (ruleId: string, i: number, detail?: string) => {
    if (seen.has(`${i}`)) return;
    seen.add(`${i}`);
    const m = META[ruleId];
    out.push(
      finding(file, {
        ruleId,
        title: m.title,
        severity: m.severity,
        confidence: 'medium',
        category: 'backdoor',
        cwe: m.cwe,
        line: i + 1,
        column: 1,
        snippet: file.lines[i].trim(),
        message: detail ? `${m.message} (${detail})` : m.message,
        fix: m.fix,
      }),
    );
  };
  // (read when a check that spares test files may fire: most files never ask)
  let testFile: boolean | undefined;
  const inTests = () => (testFile ??= TEST_FILE.test(text));
  let values: Map<string, string> | undefined;
  const hashNames = new Set<string>();
  // (a line holds a hash literal only if the text does: most files have none, and skip the line loop)
  if (HASH_LITERAL.test(text)) {
    for (const [i, l] of file.lines.entries()) {
      const m = HASH_LITERAL.exec(l);
      if (!m) continue;
      // (a literal on the line after its name, `Hash = Convert.FromHexString(` then the digest, or a value
      // of a table opened there, `ACCOUNTS = Map.of(` then `"svc", "<digest>"`, belongs to that name)
      const name = /(\w+)["']?\s*[:=]/.exec(l) ?? OPENED_BY_NAME.exec(uncommented(file.lines[i - 1] ?? ''));
      const digest = /^[a-f0-9]+$/i.test(m[1]) && [32, 40, 64, 128].includes(m[1].length);
      if (name && (digest || /hash|digest|passw|pwd|secret|pin|key/i.test(`${name[1]} ${l}`))) hashNames.add(name[1]);
    }
    // (a name read from one, `expected = ACCOUNTS.get(user)`, holds the digest too)
    if (hashNames.size)
      for (const [n, v] of (values ??= assignments(file)))
        if ([...v.matchAll(/[A-Za-z_]\w*/g)].some((w) => hashNames.has(w[0]))) hashNames.add(n);
  }
  // What each check needs somewhere in the text (a line has it only if the text has): a check the
  // text cannot feed is not tried on its lines, and a text that feeds none is not read line by line.
  const mac = occurs(MAC_NAME, text);
  const can = {
    compareFn: mayOccur(COMPARE_FN, text),
    shortSlice: mac && SHORT_SLICE.test(text),
    verifyNeZero: mayOccur(VERIFY_NE_ZERO, text),
    emptySkip: mac && mayOccur(EMPTY_SKIP, text),
    verifyByValue: mayOccur(VERIFY_BY_VALUE, text),
    envDefault: mayOccur(ENV_DEFAULT, text),
    // (a credential compared with a constant: the file holds a hash literal, or a name assigned a literal that looks set)
    constant:
      (mayOccur(CRED_OPERAND, text) || occurs(PASS_NAME, text) || (hashNames.size > 0 && AUTHENTICATES.test(text))) &&
      mayOccur(CREDENTIAL_COMPARE, text) &&
      (hashNames.size > 0 ||
        [...(values = assignments(file)).values()].some((v) => secretLooking(constantSecret(v) ?? ''))) &&
      !inTests(),
    planted: mayOccur(SET_PASSWORD, text) && !inTests(),
  };
  // (these read their own lines, found by their own words: before the gate, which knows only the checks above)
  if (occurs(TLS_OFF_LITERAL, text)) tlsOffUnderOutsideGuard(file, add);
  if (occurs(CERT_CALLBACK, text)) callbackSaysYes(file, add);
  if (occurs(UNVERIFIED_DECODE, text)) unverifiedFallback(file, add);
  if (TLS_OFF_LITERAL.test(text) || occurs(VERIFY_ERROR, text) || occurs(CATCH_LINE, text)) failOpen(file, add);
  if (occurs(ADMIN_RIGHTS, text) && STORE_ENTRY.test(text) && !inTests()) plantedAdminEntries(file, add);
  if (text.includes('@') && YES_ON_FAILURE.test(text)) decoratedYes(file, add);
  if (occurs(SIGNATURE_VERIFIED, text)) verifiedIfPresent(file, add);
  if (!mac && !Object.values(can).some(Boolean)) return out;
  // (names assigned from a credential, `given = Encoding.UTF8.GetBytes(password)`: the credential under another name)
  let credNames: Set<string> | undefined;
  // (what a caller presents, hashed, compared with a digest written in the code, in a function that authenticates:
  // `FixedTimeEquals(SHA256.HashData(presented), SupportConsoleKeyHash)` is a second key that always works; a
  // download's bytes hashed against a pinned digest, in a function that verifies or checks, is integrity)
  const hashedAgainstConstant = (l: string, i: number): boolean => {
    if (!hashNames.size) return false;
    const ids = [...l.matchAll(/[A-Za-z_]\w*/g)].map((m) => m[0]);
    if (!ids.some((n) => hashNames.has(n))) return false;
    values ??= assignments(file);
    const hashed = ids.some((n) => !hashNames.has(n) && DIGEST_CALL.test(values!.get(n) ?? '')) || DIGEST_CALL.test(l);
    return hashed && AUTHENTICATES.test(enclosing(file.lines, i) ?? '');
  };
  const mentionsCredential = (l: string): boolean => {
    if (!credNames) {
      credNames = new Set();
      for (const [n, v] of (values ??= assignments(file)))
        if (CRED_OPERAND.test(v) && !CRED_OPERAND.test(n) && !/["'`]/.test(v.trim()[0] ?? '')) credNames.add(n);
      // (a parameter given a credential where the file calls its function: `IsMigrationWindow(providedPassword)`
      // makes `provided` the password inside it)
      for (const n of credentialParameters(file)) credNames.add(n);
      // (and names assigned from those, one step: `h = SHA256.HashData(… provided)`)
      for (const [n, v] of values)
        if ([...v.matchAll(/[A-Za-z_]\w*/g)].some((m) => credNames!.has(m[0]) && m[0] !== n)) credNames.add(n);
    }
    return credNames.size > 0 && [...l.matchAll(/[A-Za-z_]\w*/g)].some((m) => credNames!.has(m[0]));
  };
  // (only lines holding one of the words these checks need are read: one pass of one regex over the text)
  for (const i of decisionLines(file)) {
    const l = file.lines[i];
    if (l.length > 600) continue;
    const trimmed = l.trimStart();
    if (/^(?:\/\/|#(?!\[)|\*|\/\*)/.test(trimmed)) continue;
    // A comparison of a value with itself.
    for (const m of can.compareFn ? l.matchAll(COMPARE_FN) : []) {
      const a = splitArgs(l, (m.index ?? 0) + m[0].length);
      if (a.length >= 2 && norm(a[0]) && norm(a[0]) === norm(a[1]) && /^[\w.$>-]+$/.test(norm(a[0]))) {
        add('backdoor.self-compare', i);
      }
      // (memcmp-like calls with a length: a MAC compared over fewer than eight bytes)
      if (a.length >= 3 && /^\s*[1-7]\s*$/.test(a[2]) && MAC_NAME.test(`${a[0]} ${a[1]}`))
        add('backdoor.short-compare', i, `${a[2].trim()} bytes`);
    }
    const eq = mac ? /([\w.$>\[\]:-]+)\s*(?:===?|!==?)\s*([\w.$>\[\]:-]+)/.exec(l) : null;
    if (eq && eq[1] === eq[2] && /[A-Za-z]/.test(eq[1]) && MAC_NAME.test(eq[1]) && !/["']/.test(eq[1]))
      add('backdoor.self-compare', i);
    const bare = can.shortSlice ? l.replace(STRING_LITERAL, '""') : '';
    if (
      can.shortSlice &&
      SHORT_SLICE.test(bare) &&
      /==|!=|equals|compare|Equal/i.test(bare) &&
      MAC_NAME.test(bare) &&
      !/len\(|length/.test(bare)
    )
      add('backdoor.short-compare', i);
    if (can.verifyNeZero && VERIFY_NE_ZERO.test(l) && !SODIUM_VERIFY.test(l) && !refusedNext(file.lines, i))
      add('backdoor.verify-error-passes', i);
    const e = can.emptySkip ? EMPTY_SKIP.exec(l) : null;
    if (e) {
      const name = e[1] ?? e[2] ?? e[3] ?? e[4];
      if (name && new RegExp(`\\b${name}\\b`).test(e[5] ?? '') && MAC_NAME.test(name))
        add('backdoor.empty-signature', i);
    }
    if (can.verifyByValue && VERIFY_BY_VALUE.test(l) && /sign|verif|cert|ssl|tls|jwt|token|hmac/i.test(l))
      add('backdoor.verify-by-value', i);
    const d = can.envDefault ? ENV_DEFAULT.exec(l) : null;
    if (d) {
      const name = d[1] ?? d[4] ?? d[6] ?? d[8];
      const fallback = d[2] ?? d[3] ?? d[5] ?? d[7] ?? d[9];
      if (SECRET_ENV.test(name) && secretLooking(fallback) && !/^https?:|\/|^\d+$/.test(fallback))
        add('backdoor.default-secret', i, name);
    }
    // (a comparison cut after its opening bracket or an `&&` goes on on the next line)
    const whole = can.constant && CONTINUED.test(uncommented(l)) ? `${l} ${file.lines[i + 1] ?? ''}` : l;
    if (
      can.constant &&
      CREDENTIAL_COMPARE.test(l) &&
      (CRED_OPERAND.test(whole) ||
        PASS_NAME.test(whole) ||
        mentionsCredential(whole) ||
        hashedAgainstConstant(whole, i))
    ) {
      values ??= assignments(file);
      const names = [...whole.matchAll(/[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?/g)].map((m) => m[0]);
      for (const n of names) {
        const base = n.split('.')[0];
        const field = n.split('.')[1];
        const v = values.get(base);
        const lit = v !== undefined ? constantSecret(v) : undefined;
        // (the constant named as the credential, `CONTINUITY_SECRET`, counts when the line also compares what a
        // caller gave under another name: `isEqual(p, …CONTINUITY_SECRET…)` with `p` made from the password)
        if (
          (lit &&
            secretLooking(lit) &&
            (base !== CRED_OPERAND.exec(l)?.[0] ||
              mentionsCredential(l.replace(new RegExp(`\\b${base}\\b`, 'g'), '')))) ||
          hashNames.has(field ?? '') ||
          hashNames.has(base)
        ) {
          if (/\b(?:if|unless|return|when|&&|\|\||\?)\b|\?|&&|\|\|/.test(l)) add('backdoor.constant-credential', i, n);
          break;
        }
      }
    }
    if (can.planted && SET_PASSWORD.test(l)) {
      const lits = literals(l).filter((s) => secretLooking(s));
      if (lits.length && /passw|pwd|user|account|chpasswd|admin|Create/i.test(l)) add('backdoor.planted-account', i);
    }
  }
  if (occurs(VERIFY_CALL, text)) skippedVerification(file, add);
  if (mayOccur(ALG_NONE, text)) for (const i of file.matchingLines(ALG_NONE)) add('backdoor.jwt-alg-none', i);
  if (occurs(TLS_OFF_BY_NAME, text)) tlsOffByUnrelatedValue(file, add);
  return out;
}

/** A certificate or hostname check switched off with a constant (`InsecureSkipVerify = true`, `CERT_NONE`). */
const TLS_OFF_LITERAL =
  /\b(?:InsecureSkipVerify|insecureSkipVerify)\s*[:=]\s*true\b|\brejectUnauthorized\s*[:=]\s*false\b|\bverify\s*=\s*False\b|\bdanger_accept_invalid_(?:certs|hostnames)\s*\(\s*true|\bCERT_NONE\b|\bVERIFY_NONE\b|\bcheck_hostname\s*=\s*False\b|\bCURLOPT_SSL_VERIFY(?:PEER|HOST)\s*,\s*(?:0|false)\b|\bNODE_TLS_REJECT_UNAUTHORIZED\W{1,6}0\b/;
const GUARD_LINE = /^\s*(?:\}\s*)?(?:if|elif|else\s+if|elsif|unless)\b(.*)$/;

/**
 * A certificate check switched off inside a branch that reads an unrelated outside value (issue 21,
 * item 2): `if os.Getenv("PARTNER_COMPAT") != "" { cfg.InsecureSkipVerify = true }`. The guard is the
 * nearest `if` above, at a shallower indent, within four lines; an opt-in whose name says what it
 * switches (`INSECURE_TLS`, `SKIP_VERIFY`) is configuration, not a trigger.
 */
function tlsOffUnderOutsideGuard(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  const indent = (l: string) => l.length - l.trimStart().length;
  for (const i of file.matchingLines(new RegExp(TLS_OFF_LITERAL.source, 'g'))) {
    const l = file.lines[i];
    for (let k = i - 1; k >= 0 && k >= i - 4; k--) {
      const g = GUARD_LINE.exec(file.lines[k]);
      if (!g || indent(file.lines[k]) >= indent(l)) continue;
      // (OUTSIDE_VALUE's `ENV[` needs a word after the bracket: Ruby's `ENV["X"]` is asked for on its own)
      if (
        (OUTSIDE_VALUE.test(g[1]) || /\bENV\s*\[/.test(g[1])) &&
        !SAYS_INSECURE.test(g[1]) &&
        !/\b(?:debug|DEBUG|dev|DEV|test|TEST)\b/.test(g[1])
      ) {
        add('backdoor.verify-by-value', k, 'a branch on that value');
        add('backdoor.verify-by-value', i, 'a branch on that value');
      }
      break;
    }
  }
}

/** A certificate callback given by name (`ServerCertificateCustomValidationCallback = ValidateServer`). */
const CERT_CALLBACK =
  /\b(?:ServerCertificateCustomValidationCallback|ServerCertificateValidationCallback|RemoteCertificateValidationCallback|CertificateValidationCallback|VerifyPeerCertificate|VerifyConnection|checkServerIdentity|HostnameVerifier)\b\s*[:=]\s*(?:new\s+\w+\s*\(\s*)?(?:this\.|self\.)?([A-Za-z_]\w*)\s*\)?\s*[,;}\n]/;
/** Saying yes (`return true`, `return nil`, `return undefined`) and saying no, in a callback's body. */
const SAYS_YES = /\breturn\s+(?:true|nil|undefined|null)\s*;?\s*$/m;
const SAYS_NO = /\breturn\s+(?!true\b|nil\b|undefined\b|null\b)[^;\n]+|\bthrow\b|\braise\b|\bpanic\s*\(/;

/**
 * A certificate callback that answers yes whatever it is shown (issue 21, item 2): the method named
 * as the callback has a `return true` and no path that refuses (no other return, no throw). It may
 * log the errors it sees: logging is not checking.
 */
function callbackSaysYes(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  for (const i of file.matchingLines(new RegExp(CERT_CALLBACK.source, 'g'))) {
    const name = CERT_CALLBACK.exec(file.lines[i] + '\n')?.[1];
    if (!name || /^(?:null|nil|None|true|false|undefined)$/.test(name)) continue;
    const def = file.lines.findIndex(
      (l, k) => k !== i && new RegExp(`\\b${name}\\s*\\(`).test(l) && !/[=:]\s*$/.test(l) && !CERT_CALLBACK.test(l),
    );
    if (def < 0) continue;
    const body = bodyFrom(file.lines, def);
    const code = body.map((l) => l.replace(/\/\/.*$|#.*$/, ''));
    const passes = (l: string) => ERRORS_PASS.test(l) && ERROR_PRESENT.test(l);
    // (a yes given when one kind of error is there: `if ((errors & RemoteCertificateChainErrors) != 0) return
    // true;` accepts every certificate no chain vouches for, whatever else the callback checks)
    const forError = code.findIndex((l, k) => ERROR_KIND.test(l) && /\bif\b/.test(l) && yesNext(code, k));
    if (forError >= 0) {
      add('backdoor.callback-says-yes', i, name);
      add('backdoor.callback-says-yes', def + forError, name);
      continue;
    }
    const yes = code.findIndex((l) => SAYS_YES.test(l) || passes(l));
    if (yes < 0 || code.some((l) => SAYS_NO.test(l) && !passes(l))) continue;
    add('backdoor.callback-says-yes', i, name);
    add('backdoor.callback-says-yes', def + yes, name);
  }
}

/** One kind of certificate error found present: a flag tested in, or the errors equal to one kind. */
const ERROR_KIND =
  /\b\w*[Ee]rrors?\b[^\n]{0,30}(?:&\s*[\w.]*(?:Chain|Name|NotAvailable|Mismatch|Untrusted|Expired)\w*\s*\)?\s*(?:!=\s*0|>\s*0|==\s*[\w.]*(?:Chain|Name|NotAvailable|Mismatch|Untrusted|Expired)\w*)|==\s*[\w.]*(?:Chain|NotAvailable|Untrusted|Expired)\w*|\.HasFlag\s*\(\s*[\w.]*(?:Chain|Name|NotAvailable|Mismatch|Untrusted|Expired))/;
/** The line, or the next one that holds code, says yes: `return true`. */
function yesNext(code: string[], k: number): boolean {
  if (/\breturn\s+true\b/.test(code[k])) return true;
  const next = code.slice(k + 1).find((l) => l.trim() && !/^\s*\{\s*$/.test(l));
  return !!next && /^\s*return\s+true\s*;?\s*\}?\s*$/.test(next);
}

/**
 * A callback's answer that holds whenever there is an error, or whenever a certificate is shown:
 * `return cert is not null || errors != SslPolicyErrors.None` says yes to every failure.
 */
const ERRORS_PASS = /\breturn\b[^;\n]*(?:\|\||\bor\b)[^;\n]*;?\s*$|\breturn\s+\w*[Ee]rrors?\s*!=/;
const ERROR_PRESENT =
  /\b\w*[Ee]rrors?\s*!=\s*[\w.]*(?:None|0)\b|\b(?:cert|certificate|chain|x509)\w*\s*(?:is\s+not\s+null|!=\s*null|!==?\s*(?:null|undefined)|is\s+not\s+None)/;

/** A function's lines from its definition: those indented deeper, a lone opening brace, and the closing line. */
function bodyFrom(lines: string[], at: number): string[] {
  const indent = (l: string) => l.length - l.trimStart().length;
  const base = indent(lines[at]);
  let end = at;
  let opened = false;
  for (let j = at + 1; j < lines.length && j <= at + 60; j++) {
    if (!lines[j].trim()) continue;
    // (a brace on its own line opens the body, after a signature that may run over several lines)
    const lone: boolean = !opened && /^\s*\{\s*$/.test(lines[j]);
    opened ||= lone;
    end = j;
    if (!lone && indent(lines[j]) <= base) break;
  }
  return lines.slice(at, end + 1);
}

/** Reading a token's claims without checking its signature. */
const UNVERIFIED_DECODE =
  /\bjwt\.decode\s*\(|\bjwt_decode\s*\(|\bdecode_unverified\s*\(|\bverify_signature["']?\s*:\s*False|\bJWT\.decode\s*\([^)\n]*,\s*(?:nil|false)\b|\bParseUnverified\s*\(|\binsecure_decode\s*\(|\bdangerous_insecure_decode\w*\s*\(/;
const CATCH_LINE = /^\s*(?:\}\s*)?(?:catch\b|except\b|rescue\b)|\.catch\s*\(|\bif\s+err\s*!=\s*nil\b/;

/**
 * A verification whose failure path answers with the unverified claims (issue 21, item 2): in the
 * block that handles the verify error, `return jwt.decode(token)`. The error then passes as success.
 */
function unverifiedFallback(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  for (const i of file.matchingLines(new RegExp(UNVERIFIED_DECODE.source, 'g'))) {
    const l = file.lines[i];
    // (returned, assigned, or the block's value: Ruby's and Rust's last expression is the answer)
    if (
      !/\breturn\b|=>/.test(l) &&
      !/^\s*(?:(?:const|let|var|val)\s+)?\w+(?:\s*:\s*[^=\n]+)?\s*=|^\s*[\w:.]*decode\w*\s*\(/.test(l)
    )
      continue;
    let near = false;
    for (let k = i; k >= 0 && k >= i - 3 && !near; k--) near = CATCH_LINE.test(file.lines[k]);
    // (or in a helper the failure handler calls: `catch (err) { claims = this.recover(token, err) }`)
    if (near || (returnsIt(file.lines, i) && calledOnFailure(file.lines, enclosing(file.lines, i))))
      add('backdoor.unverified-fallback', i);
  }
}

/** The decoded claims are the helper's answer: returned on the line, or the name they went to returned below. */
function returnsIt(lines: string[], i: number): boolean {
  if (/\breturn\b/.test(lines[i])) return true;
  const name = /^\s*(?:(?:const|let|var|val)\s+)?(\w+)/.exec(lines[i])?.[1];
  return !!name && lines.slice(i + 1, i + 10).some((l) => new RegExp(`\\breturn\\s+${name}\\b`).test(l));
}

/** Whether a function of the file is called in a failure handler (the catch line or the three after it). */
function calledOnFailure(lines: string[], fn: string | undefined): boolean {
  if (!fn || fn.length < 3 || !/^[A-Za-z_]\w*$/.test(fn)) return false;
  const call = new RegExp(`(?<![\\w])(?:[\\w$]+(?:\\.|::|->))?${fn}\\s*\\(`);
  return lines.some((l, k) => CATCH_LINE.test(l) && lines.slice(k, k + 4).some((x) => call.test(x)));
}

/** An error of a verification, by its type or its library: what a handler of a failed check names. */
const VERIFY_ERROR =
  /\b(?:x509\.\w+Error|UnknownAuthorityError|CertificateInvalidError|HostnameError|SSLError|SSLCertVerificationError|CertificateError|CertificateException|SSLHandshakeException|SSLPeerUnverifiedException|AuthenticationException|SignatureException|InvalidSignature\w*|BadSignature\w*|SignatureVerification\w*|JWTError|JwtException|JWTVerificationException|InvalidTokenError|ExpiredSignatureError|SecurityToken\w*Exception|CryptographicException|HmacMismatch|IntegrityError|ChecksumError|VerificationError|OpenSSL::SSL::SSLError)\b/;
/** A handler's answer that refuses: false, nothing, an error, a throw. */
const REFUSES =
  /\b(?:false|False|FALSE|null|nil|None|undefined|empty\w*|Empty|Err|err|error|Error|throw|raise|abort|reject\w*|panic|deny|Deny|invalid|Invalid|fail\w*|Fail\w*|Unauthori[sz]ed|Forbidden)\b|\b40[13]\b|\breturn\s*;|^\s*return\s*$/;

/**
 * A failed verification answered with success (issue 21, item 2): the block that handles the error
 * of a signature, token or certificate check (a catch naming such an error, a test of such an error,
 * or any error handler of a function named for verifying) returns success, returns a value that is
 * not a refusal, or repeats the call through a client made with verification off.
 *   backdoor.fail-open
 */
function failOpen(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  const lines = file.lines;
  // Names that hold a client or setting with verification off: the line's own name, or the field or
  // name that opens the literal (up to three lines above).
  const insecure = new Set<string>();
  for (const i of file.matchingLines(new RegExp(TLS_OFF_LITERAL.source, 'g')))
    for (let k = i; k >= 0 && k >= i - 3; k--) {
      const m = /^\s*(?:(?:var|let|const|val|my)\s+)?(?:self\.|this\.|@)?([A-Za-z_]\w*)\s*(?::=|=(?!=)|:(?!:))/.exec(
        lines[k],
      );
      if (m && !/^(?:TLSClientConfig|Transport|tls|ssl|verify|InsecureSkipVerify|rejectUnauthorized)$/.test(m[1])) {
        insecure.add(m[1]);
        break;
      }
    }
  const usesInsecure = (t: string) =>
    TLS_OFF_LITERAL.test(t) || [...t.matchAll(/[A-Za-z_]\w*/g)].some((m) => insecure.has(m[0]));
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 400) continue;
    const handler = CATCH_LINE.test(l);
    const iff = !handler && /^\s*(?:\}\s*)?(?:if|elif|else\s+if)\b/.test(l) ? l : '';
    if (!handler && !iff) continue;
    // (what the handler is about: the error it names, here or in the lines just above a Go `if`)
    const about = handler ? l : lines.slice(Math.max(0, i - 4), i + 1).join('\n');
    const verifying = VERIFY_ERROR.test(about);
    if (iff && !(verifying && /\berr\w*\b|\bAs\s*\(|\bIs\s*\(|isinstance/.test(iff))) continue;
    const body = bodyFrom(lines, i).slice(1);
    const fn = handler && !verifying ? enclosingName(lines, i) : '';
    if (!verifying && !VERIFIER_FN.test(fn)) continue;
    for (const [k, b] of body.entries()) {
      const c = b.replace(/\/\/.*$|#.*$/, '');
      if (!/\S/.test(c) || /^\s*\}?\s*$/.test(c)) continue;
      const at = i + 1 + k;
      if (SUCCESS_ONLY.test(c) || /^\s*return\s+(?:true|True|TRUE)\b/.test(c)) {
        add('backdoor.fail-open', at);
        break;
      }
      if (verifying && /\breturn\b/.test(c) && (usesInsecure(c) || !REFUSES.test(c))) {
        add('backdoor.fail-open', at);
        break;
      }
      if (/\breturn\b|\bthrow\b|\braise\b/.test(c)) break;
    }
  }
}

/**
 * A decorator that gives the function's answer for when it fails (`@retrying(on_exhausted=True)`,
 * `@Fallback({ otherwise: true })`): on a verifier, every error (a bad signature raised as one) ends
 * as a yes. The same decorator on a fetch or a flag is a default, not a verdict.
 */
const YES_ON_FAILURE =
  /^[ \t]*@[\w.]+\s*\([^)\n]*\b\w*(?:default|fallback|exhausted|otherwise|fail\w*|error\w*|on_\w+|on[A-Z]\w*)\s*[=:]\s*(?:True|true)\b/m;
const DEF_LINE =
  /^\s*(?:(?:async|export|public|private|protected|static)\s+)*(?:def|function|fn|func)?\s*\*?\s*([A-Za-z_]\w*)\s*\(/;
/**
 * A signature verified only when present (`if (signature !== undefined) { this.verifySignature(raw, signature) }`,
 * `if sig: verify(body, sig)`), with no `else` and no earlier refusal of its absence: whoever leaves it out
 * skips the check.
 */
/** How a presence is tested: `x !== undefined`, `x is not None`, `len(x) > 0`, `!!x`, `typeof x === 'string'`, `x?.length`, `x`. */
const PRESENT = String.raw`(?:([A-Za-z_][\w.]*)\s*!==?\s*(?:undefined|null|nil|None|''|"")|([A-Za-z_][\w.]*)\s+is\s+not\s+None|len\(\s*([A-Za-z_][\w.]*)\s*\)\s*(?:>|!=)\s*0|!!\s*([A-Za-z_][\w.]*)|typeof\s+([A-Za-z_][\w.]*)\s*===?\s*['"]string['"]|([A-Za-z_][\w.]*)\?\.length|([A-Za-z_][\w.]*))`;
const PRESENCE_TEST = new RegExp(
  String.raw`^[ \t]*(?:\}\s*)?(?:if|elif|else\s+if)\s*\(?\s*${PRESENT}\s*\)?\s*(?:\{|:|then)?\s*(?:(?:\/\/|#|\/\*).*)?$`,
  'm',
);
/** The same test opening a one-line body: `if (sig) verifySig(raw, sig);`. */
const PRESENCE_INLINE = new RegExp(String.raw`^[ \t]*(?:\}\s*)?(?:if|elif|else\s+if)\s*\(\s*${PRESENT}\s*\)\s*\S`);
const SIGNATURE_NAME = /(?:sig|signature|hmac|mac)(?![a-z])/i;
/** A verify call given a signature: where verifiedIfPresent looks (the test that opens it stands above). */
const SIGNATURE_VERIFIED = /\b\w*[Vv]erif\w*[!?]?\s*\([^)\n]*(?:[Ss]ig|[Hh]mac|HMAC|[Mm]ac\b)/;
function verifiedIfPresent(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  const lines = file.lines;
  // (from each verify call given a signature, the line or two above it: the test that opens it)
  for (const v of file.matchingLines(new RegExp(SIGNATURE_VERIFIED.source, 'g'))) {
    for (let i = v; i >= Math.max(0, v - 2); i--) {
      const m = (i === v ? PRESENCE_INLINE : PRESENCE_TEST).exec(lines[i]);
      const name = m?.slice(1).find((g) => g !== undefined);
      const last = name?.split('.').pop() ?? '';
      if (!name || !SIGNATURE_NAME.test(last) || /^(?:true|false|none|null)$/i.test(last)) continue;
      const esc = name.replace(/[.$]/g, '\\$&');
      if (!new RegExp(`\\b\\w*[Vv]erif\\w*[!?]?\\s*\\([^)\\n]*\\b${esc}\\b`).test(lines[v])) continue;
      // (an else after the block, or an absence refused above it: the check cannot be skipped)
      if (/\belse\b/.test(lines.slice(i + (i === v ? 0 : 1), i + 6).join('\n'))) break;
      const before = lines.slice(Math.max(0, i - 8), i).join('\n');
      if (
        new RegExp(`(?:!|\\bnot\\s+)\\s*${esc}\\b|\\b${esc}\\s*(?:===?|is)\\s*(?:undefined|null|nil|None)`).test(before)
      )
        break;
      add('backdoor.verify-if-present', i);
      break;
    }
  }
}

function decoratedYes(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  const lines = file.lines;
  for (const i of file.matchingLines(new RegExp(YES_ON_FAILURE.source, 'gm'))) {
    // (the decorated definition: the next line that is not another decorator)
    let k = i + 1;
    while (k < lines.length && k < i + 6 && /^\s*@/.test(lines[k])) k++;
    const name = DEF_LINE.exec(lines[k] ?? '')?.[1] ?? '';
    if (VERIFIER_FN.test(name) || /^(?:verify|check|validate|authenticate|authorize|authorise)\w*$/i.test(name))
      add('backdoor.fail-open', i, name);
  }
}

/**
 * Admin rights written as a value: a role name in quotes (as any case writes it: `'ADMIN'`, `"Administrator"`),
 * a scope or role enum's admin member, an admin flag.
 */
const ADMIN_RIGHTS =
  /["'](?:[Aa]dmin(?:istrator)?|ADMIN(?:ISTRATOR)?|[Ss]uper_?[Aa]dmin|SUPER_?ADMIN|[Rr]oot|ROOT|[Ss]uper_?[Uu]ser|SUPER_?USER|[Oo]wner|OWNER)["']|\b(?:Scope|Role|Roles|Permission|Perm|Access|Level)s?(?:::|\.)(?:Admin|ADMIN|Root|ROOT|SuperUser|SUPERUSER|Owner|OWNER|All|ALL)\b|\bis_?[Aa]dmin\s*[:=]\s*true\b/;
/** An entry put into a keyed store: `m[k] = v`, `.insert(`, `.put(`, `.emplace(`, a seed list of pairs. */
const STORE_ENTRY =
  /\w\s*\[[^\]\n]+\]\s*=(?!=)|\.(?:insert|put|emplace|set|Store|Add|TryAdd)\s*\(|\bseed\w*\s*[:=]|vec!\s*\[\s*\(/;
/**
 * A key written in the code: a token-like literal (not a UUID: a migration's fixed row id), or a run of one
 * character (`std::string(40, '0')`, `"0" * 40`).
 */
const CONSTANT_KEY =
  /["'`](?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-)(?=[A-Za-z0-9_-]{20,}["'`])(?=[^"'`]*\d)(?=[^"'`]*[A-Za-z])[A-Za-z0-9_-]+["'`]|\(\s*\d{2,}\s*,\s*'(.)'\s*\)|["'](.)\2{15,}["']|["'](.)["']\s*\*\s*\d{2,}|["'](.)["']\.repeat\(\s*\d{2,}\s*\)/;
/**
 * A store of sessions, tokens or keys given an entry with admin rights under a constant key, in one
 * statement (up to four lines) or under a name declared so a few lines above (`kProbe(40, '0')` then
 * `entries_[key(kProbe)] = Session{…, "admin", …}`; a seed list of `("igk_…", {… Scope::Admin})`).
 */
function plantedAdminEntries(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  const lines = file.lines;
  for (const i of file.matchingLines(new RegExp(STORE_ENTRY.source, 'g'))) {
    const l = lines[i];
    if (l.length > 600 || /^\s*(?:\/\/|#|\*)/.test(l)) continue;
    const statement = lines.slice(i, i + 4).join(' ');
    if (!ADMIN_RIGHTS.test(statement)) continue;
    const keyed =
      CONSTANT_KEY.test(statement) ||
      [...l.matchAll(/[A-Za-z_]\w*/g)].some((m) =>
        lines
          .slice(Math.max(0, i - 6), i)
          .some((p) => new RegExp(`\\b${m[0]}\\b`).test(p) && CONSTANT_KEY.test(p) && !/\bfunction\b|\bdef\b/.test(p)),
      );
    if (keyed) add('backdoor.planted-admin-entry', i);
  }
}

/**
 * The parameters that receive a credential at a call of the file's own function: for each call with an
 * argument named as one (`check(user, password)`), the parameter in that place of its definition
 * (`def check(u, secret_in)`, `bool Check(string u, string provided)`, `function check(u: string, p)`).
 */
function credentialParameters(file: SourceFile): string[] {
  const out = new Set<string>();
  const text = file.text;
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(([^()\n]{1,200})\)/g)) {
    const args = m[2].split(',').map((a) => a.trim());
    const at = args.findIndex((a) => /^[\w.]+$/.test(a) && CRED_OPERAND.test(a));
    if (at < 0 || out.size > 50) continue;
    const def = new RegExp(
      `(?:\\b(?:def|function|func|fn)\\s+${m[1]}|[\\w>\\]?]\\s+${m[1]})\\s*\\(([^()\\n]*)\\)\\s*(?:\\{|:|->|$|throws|\\/\\/|\\/\\*|#)`,
      'm',
    ).exec(text);
    const param = def?.[1]
      .split(',')
      [at]?.replace(/[:=].*$/, '')
      .trim()
      .split(/\s+/)
      .pop();
    if (param && /^[A-Za-z_]\w*$/.test(param) && !CRED_OPERAND.test(param)) out.add(param);
  }
  return [...out];
}

/** The name of the function around line i (the nearest definition above with less indent). */
function enclosingName(lines: string[], i: number): string {
  const indent = (l: string) => l.length - l.trimStart().length;
  const own = indent(lines[i]);
  for (let k = i - 1; k >= 0 && k >= i - 80; k--) {
    if (indent(lines[k]) >= own || !lines[k].trim()) continue;
    const d = FN_DEF.exec(lines[k]);
    if (d && !/^(?:if|for|while|switch|catch|try|with|except)$/.test(d[1])) return d[1];
  }
  return '';
}

/** A call that verifies: a signature, a MAC, a certificate, a digest compared in constant time. */
const VERIFY_CALL =
  /(?:[Vv]erify|VERIFY|[Vv]alid_?[Ss]ignature|[Cc]heck_?[Ss]ig|compare_digest|timingSafeEqual|ConstantTimeCompare|secure_compare|FixedTimeEquals|MessageDigest\.isEqual)\w*\s*\(|[A-Za-z0-9]_?(?:[Ss]ig|SIG|[Ss]ignature)\s*\(/;
/** A function named for what it verifies. */
const VERIFIER_FN =
  /verif|signature|Signature|hmac|Hmac|HMAC|cert|Cert|signed|Signed|integrity|Integrity|checksum|webhook|Webhook/;
const IF_LINE = /^(\s*)(?:\}\s*)?(?:else\s+)?(?:if|elif|elsif|unless)\b(.*)$/;
/** A comparison with a constant: a hex or multi-digit number, or a non-empty string. */
const WITH_CONSTANT =
  /(?:===?|!==?|\beq\b|\bne\b|\.equals\w*\()\s*(?:0x[0-9A-Fa-f]{2,}|\d{2,}|["'][^"'\n]{1,40}["'])|(?:0x[0-9A-Fa-f]{2,}|["'][^"'\n]{1,40}["'])\s*(?:===?|!==?)/;
/** A membership test with a constant: `parsed.schemes.has("v0")`, `flags.includes('skip')`, `'x' in opts`. */
const HAS_CONSTANT =
  /\.(?:has|includes|contains|Contains|include\?)\(\s*["'][^"'\n]{1,40}["']\s*\)|["'][^"'\n]{1,40}["']\s+in\s+\w/;
/**
 * The condition as it tests: its own text, or, when it only calls one of the file's functions
 * (`if (isDashboardTest(parsed)) return true;`), that function's body, which holds the comparison.
 */
function testedBy(condition: string, bodies: ReturnType<typeof bodiesOf>): string {
  if (WITH_CONSTANT.test(condition) || HAS_CONSTANT.test(condition)) return condition;
  const call = /^\s*\(?\s*!?\s*(?:this\.|self\.)?([A-Za-z_]\w*)\s*\([^()]*\)\s*\)?/.exec(condition)?.[1];
  const body = call && bodies.get(call);
  return body ? `${condition}\n${body.split('\n').slice(0, 6).join('\n')}` : condition;
}
const SUCCESS_ONLY =
  /^\s*\{?\s*return\s+(?:true|True|TRUE|1|Ok\s*\(\s*\(\s*\)\s*\)|nil|\w*_OK|\w*_SUCCESS|\w*_VALID|OK|Success\w*)\s*;?\s*\}?\s*(?:\/\*.*\*\/|\/\/.*|#.*)?$/;
const REQUEST_READ =
  /\b(?:headers?|get_?[Hh]eader|[Hh]eader\s*\(|cookies?|query|params|getParameter|\$_(?:GET|POST|SERVER|COOKIE))\b/;
const REFUSAL =
  /\babort\s*\(|\b40[13]\b|\braise\b|\bthrow\b|return\s+(?:false|False|null|nil|None)\b|Unauthori[sz]ed|Forbidden|\breject/;
const FN_DEF =
  /^\s*(?:(?:export|public|private|protected|static|async|pub|int|bool|void|func|def|fn|function|sub)\b[^=;]*?)?\b([A-Za-z_]\w*)\s*\([^;]*$/;

/**
 * A verifier with a way around its own check (issue 21, item 2), read from the lines:
 *   backdoor.verify-skipped   in a function named for what it verifies, `if (field == CONSTANT)`
 *                             whose only statement returns success, before the verification call
 *   backdoor.verify-by-value  a verification (and its refusal) run only when a request value equals
 *                             or differs from a constant: the sender chooses whether it runs
 */
/** Where the parenthesis opened at `open` closes (strings not read), or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '(') depth++;
    else if (text[k] === ')' && --depth === 0) return k;
  }
  return -1;
}

function skippedVerification(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  const lines = file.lines;
  let bodies: ReturnType<typeof bodiesOf> | undefined;
  const indent = (l: string) => l.length - l.trimStart().length;
  for (const i of file.matchingLines(/\b(?:if|elif|elsif|unless)\b/g)) {
    const m = IF_LINE.exec(lines[i]);
    if (!m || lines[i].length > 400 || VERIFY_CALL.test(m[2])) continue;
    const tested = testedBy(m[2], (bodies ??= bodiesOf(file)));
    if (!WITH_CONSTANT.test(tested) && !HAS_CONSTANT.test(tested)) continue;
    // (the guarded statements: the rest of the line, or the lines indented deeper, up to fifteen)
    const body: string[] = [];
    // (after the condition's own closing parenthesis: `if (isTest(parsed)) return true;` nests one)
    const close = m[2].trimStart().startsWith('(') ? closingParen(m[2], m[2].indexOf('(')) : -1;
    const tail =
      close > 0
        ? m[2].slice(close + 1).replace(/^\s*(?:\{|then|:)?\s*/, '')
        : m[2].replace(/^.*?(?:\)\s*(?:\{|then|:)?|:)\s*/, '');
    for (let j = i + 1; j < lines.length && j <= i + 15; j++) {
      if (!lines[j].trim()) continue;
      if (indent(lines[j]) <= m[1].length) break;
      body.push(lines[j]);
    }
    const block = body.join('\n');
    // Verification run only on the sender's say-so.
    if (REQUEST_READ.test(m[2]) && VERIFY_CALL.test(block) && REFUSAL.test(block)) {
      add('backdoor.verify-by-value', i);
      continue;
    }
    // Success returned early, then the real check.
    const only = body.length === 0 ? tail : body.length === 1 ? body[0] : '';
    if (!only || !SUCCESS_ONLY.test(only)) continue;
    const after = lines.slice(i + 1 + body.length, i + 40).join('\n');
    if (!VERIFY_CALL.test(after)) continue;
    let fn = '';
    for (let k = i - 1; k >= 0 && k >= i - 80; k--) {
      const d = indent(lines[k]) < m[1].length || k === 0 ? FN_DEF.exec(lines[k]) : null;
      if (d) {
        fn = d[1];
        break;
      }
    }
    if (VERIFIER_FN.test(fn)) add('backdoor.verify-skipped', i, fn);
  }
}

/**
 * The lines where DECISION_HINT matches: the word branches from the lines holding their words (the
 * scan's automaton), confirmed by the regex, and the subscript branch by a pass of its own. Without the
 * automaton (a single small file), the whole regex over the text.
 */
function decisionLines(file: SourceFile): number[] {
  const worded = matchLines(file, DECISION_WORDS);
  if (!worded) return file.matchingLines(DECISION_HINT);
  const subscripts = file.matchingLines(DIGIT_SUBSCRIPT);
  if (!subscripts.length) return worded;
  return [...new Set([...worded, ...subscripts])].sort((x, y) => x - y);
}

/** The literal a name holds, when it holds nothing else (`PASS = "…"`, `String k = env("…")`). */
function constantSecret(v: string): string | undefined {
  const m = /^\s*(?:([\w:.]+)\s*\(\s*)?["'`]([^"'`]{6,})["'`]\s*\)?\s*;?\s*$/.exec(v);
  if (!m) return undefined;
  if (!m[1]?.includes('.')) return m[2];
  // (a literal decoded once, `Convert.FromBase64String("…")`, holds what it decodes to: a password when that
  // reads as one, not a payload or a key blob)
  if (!/base64|Base64|b64|hex|Hex/.test(m[1])) return undefined;
  const text = Buffer.from(m[2], /hex|Hex/.test(m[1]) ? 'hex' : 'base64').toString('latin1');
  return /^[\x21-\x7e]{8,40}$/.test(text) ? text : undefined;
}

/** A certificate check's switch given a name: `.danger_accept_invalid_certs(x)`, `InsecureSkipVerify: x`. */
const TLS_OFF_BY_NAME =
  /\b(?:danger_accept_invalid_certs|danger_accept_invalid_hostnames|InsecureSkipVerify|insecureSkipVerify|rejectUnauthorized|verify_ssl|ssl_verify|verify_peer|VerifyPeer|check_hostname|CURLOPT_SSL_VERIFYPEER|CURLOPT_SSL_VERIFYHOST)\b\s*(?:[:=]|\(|,)\s*(!?)\s*([A-Za-z_]\w*)\s*[),;}\n]/;
/** A reading of the environment or of a request: where an outsider's or the machine's value comes in. */
const OUTSIDE_VALUE =
  /\b(?:env::var\w*|getenv|Getenv|environ|process\.env|ENV\s*\[|ENV\.fetch|System\.getenv|GetEnvironmentVariable|LookupEnv|headers?|cookies?|query|params)\b/;
/** Names that say what they switch: an explicit opt-in to skip verification is configuration, not a trigger. */
const SAYS_INSECURE =
  /insecure|INSECURE|Insecure|verif|VERIF|Verif|tls|TLS|Tls|ssl|SSL|Ssl|cert|CERT|Cert|skip|SKIP|Skip|strict|STRICT|Strict/;

/**
 * A certificate check switched off by a value read from somewhere unrelated (issue 21, item 2): the
 * switch is given a name assigned from the environment or a request, and neither the name nor what it
 * reads says "insecure", "verify", "tls" or "cert" (`behind_proxy = env::var_os("HTTPS_PROXY").is_some()`
 * then `.danger_accept_invalid_certs(behind_proxy)`): whoever sets that value turns verification off.
 */
function tlsOffByUnrelatedValue(file: SourceFile, add: (ruleId: string, i: number, detail?: string) => void): void {
  let values: Map<string, string> | undefined;
  const declLines = new Map<string, number>();
  for (const i of file.matchingLines(new RegExp(TLS_OFF_BY_NAME.source, 'g'))) {
    const m = TLS_OFF_BY_NAME.exec(file.lines[i] + '\n');
    if (!m || /^(?:true|false|True|False|TRUE|FALSE|nil|None|null)$/.test(m[2]) || SAYS_INSECURE.test(m[2])) continue;
    values ??= assignments(file);
    const v = values.get(m[2]);
    if (v === undefined || !OUTSIDE_VALUE.test(v) || SAYS_INSECURE.test(v)) continue;
    add('backdoor.verify-by-value', i, m[2]);
    // (once per name and value: 4,000 switches of one name declared on the last line took 11 s)
    const key = `${m[2]}\n${v}`;
    const head = v.split('\n')[0].trim().slice(0, 40);
    if (!declLines.has(key))
      declLines.set(
        key,
        file.lines.findIndex((l) => l.includes(m[2]) && l.includes(head)),
      );
    const decl = declLines.get(key)!;
    if (decl >= 0 && decl !== i) add('backdoor.verify-by-value', decl, m[2]);
  }
}

/** A literal that looks like a password someone set: long enough, letters with digits or symbols, no spaces. */
function secretLooking(s: string): boolean {
  if (s.length < 8 || /\s/.test(s) || PLACEHOLDER.test(s) || /^[a-z]+$|^[A-Z_]+$|^https?:|^\/|\{|%|\.\w{2,4}$/.test(s))
    return false;
  return (/\d/.test(s) && /[A-Za-z]/.test(s)) || /[^\w]/.test(s.replace(/[-.:@]/g, ''));
}

// (the words of the hint regexes go into the scan's automaton: one pass over a file finds their lines)
prefilterProvider(() => [DECISION_HINT, DECISION_WORDS], true);
prefilterProvider(() => [
  COMPARE_FN,
  VERIFY_NE_ZERO,
  EMPTY_SKIP,
  VERIFY_BY_VALUE,
  ENV_DEFAULT,
  CRED_OPERAND,
  PASS_NAME,
  CREDENTIAL_COMPARE,
  SET_PASSWORD,
  ALG_NONE,
  VERIFY_CALL,
  TLS_OFF_BY_NAME,
  MAC_NAME,
  TLS_OFF_LITERAL,
  CERT_CALLBACK,
  UNVERIFIED_DECODE,
  VERIFY_ERROR,
  CATCH_LINE,
  ADMIN_RIGHTS,
  SIGNATURE_VERIFIED,
]);
