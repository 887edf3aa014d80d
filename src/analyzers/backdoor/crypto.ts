/**
 * Weak crypto planted inside careful code (issue 21, item 5), language-general:
 *   backdoor.constant-iv       an IV, nonce or salt that is a constant (a literal, all zeros) and is
 *                              never filled from a random source in the file
 *   backdoor.weakened-key      a key cut to a few bytes, padded or partly overwritten with zeros
 *   backdoor.constant-key      a cipher keyed with a literal of the source (`KEY = "…".getBytes()` then
 *                              `new SecretKeySpec(KEY, "AES")`)
 *   backdoor.predictable-rng   a PRNG seeded with the time or a constant in a file that makes tokens,
 *                              keys, nonces, salts or passwords from it
 *   backdoor.weak-kdf          a key derivation with a tiny work factor (PBKDF2 iterations under 10,000)
 * A random nonce, a CSPRNG key, a seeded PRNG for test data (no secret made from it) and MD5 for
 * ETags are not findings (the existing rule packs keep MD5/SHA-1/ECB; nothing here doubles them).
 * Fixtures: src/analyzers/fixtures/backdoor.crypto.*
 */
import type { Finding } from '../../engine/types.ts';
import { type SourceFile, finding } from '../source.ts';
import { linesWith } from './vocabulary.ts';
import { STRING_LITERAL } from './structure.ts';
import { occurs, prefilterProvider } from '../literals.ts';
import { enclosing, splitArgs } from './calls.ts';

const IV_NAME =
  /(?:^|_|\b)(?:iv|IV|nonce|Nonce|NONCE|salt|Salt|SALT|[a-z]*(?:Iv|Nonce|Salt)|\w*_(?:iv|nonce|salt|IV|NONCE|SALT))$/;
/** A function named for making an IV, nonce or salt (`_iv_for`, `ivFor`, `makeNonce`, `salt_of`). */
const IV_FUNCTION = /(?:^|_)(?:iv|nonce|salt)(?:_|$)|^(?:iv|nonce|salt)(?=[A-Z])|[a-z](?:Iv|IV|Nonce|Salt)(?=[A-Z_]|$)/;
/** A constant value: a literal, a zero-filled buffer, an encoded literal. */
const CONSTANT =
  /^\s*(?:b?["'`][^"'`]*["'`]|bytes\(\s*\d+\s*\)|bytearray\(\s*\d+\s*\)|b["']\\x00["']\s*\*\s*(?:\d+|[A-Z_][A-Z0-9_]*)|\[\s*0u?8?\s*;\s*\d+\s*\]|new\s+byte\s*\[\s*\d+\s*\]|make\(\s*\[\]byte\s*,\s*\d+\s*\)|Buffer\.alloc\(\s*\d+\s*(?:,\s*0\s*)?\)|new\s+Uint8Array\(\s*\d+\s*\)|\{\s*0\s*\}|(?:Encoding\.\w+\.GetBytes|\w+\.getBytes|Buffer\.from|bytes\.fromhex|hex::decode|hex!|[\w.]*encode|unhexlify|\[\]byte)\s*\(\s*["'`][^"'`]*["'`]\s*(?:,\s*["'][\w-]+["']\s*)?\)(?:\.\w+\(\))?|\[(?:\s*0x[0-9a-fA-F]{1,2}\s*,?){4,}\]|\{(?:\s*0x[0-9a-fA-F]{1,2}\s*,?){4,}\})\s*[;,)]?\s*(?:#.*|\/\/.*)?$/;
const RANDOM_FILL =
  /\b(?:rand\.Read|io\.ReadFull\s*\(\s*rand\.Reader|RAND_bytes|RAND_priv_bytes|getrandom|randomFill\w*|getRandomValues|fill_bytes|try_fill_bytes|GetBytes|GetNonZeroBytes|nextBytes|random_bytes|urandom|randombytes_buf|SecureRandom|Fill)\s*\(/;
/**
 * Filled from the message it decrypts (`in.get(iv)`, `System.arraycopy(data, 0, iv, 0, 12)`,
 * `io.ReadFull(r, nonce)`, `iv.copy_from_slice(&buf[..12])`): the reading side of a random IV stored
 * beside the ciphertext, not a constant.
 */
const READ_INTO = /\b(?:get|read|readFully|readBytes|Read|ReadFull|arraycopy|copy|memcpy|BlockCopy|Copy)\s*\(/;
const filledAt = (text: string, name: string) =>
  new RegExp(
    `(?:${RANDOM_FILL.source}|${READ_INTO.source})[^)\\n]*\\b${name}\\b|\\b${name}\\s*\\.\\s*(?:copy_from_slice|put|set)\\s*\\(`,
  ).test(text);
/** A name for a symmetric key (`KEY`, `aesKey`, `secret_key`, `ENC_KEY`). */
const KEY_NAME = /(?:^|_)(?:key|Key|KEY|secret|Secret|SECRET)$|[a-z](?:Key|Secret)$/;
/** A literal of eight or more characters, possibly turned into bytes (`"…".getBytes(UTF_8)`, `b"…"`, `[]byte("…")`). */
const KEY_LITERAL =
  /^\s*(?:[\w.]*\(\s*)?b?(["'`])[^"'`\s]{8,}\1(?:\s*,\s*[\w."'-]+)?\s*\)?(?:\.\w+\([\w.]*\))?\s*[;,)]?\s*(?:#.*|\/\/.*)?$/;
/** Calls that make a cipher from a key: the key named there is the cipher's. */
const CIPHER_FROM_KEY =
  '(?:SecretKeySpec|createCipheriv|createDecipheriv|NewCipher|AES\\.new|ARC4\\.new|DES3?\\.new|AESGCM|ChaCha20Poly1305|Fernet|Key::from_slice|new_from_slice|new_from_slices|openssl_encrypt|openssl_decrypt|EVP_\\w*Init\\w*|AES_set_\\w*key|CreateEncryptor|CreateDecryptor)\\s*\\(';
const TRUNCATED_KEY =
  /\b(\w*(?:key|Key|KEY|okm|secret|Secret)\w*)\s*(?:\[\s*0?\s*:\s*([1-9]|1[0-5])\s*\]|\.(?:subarray|slice|substring|substr)\s*\(\s*0\s*,\s*([1-9]|1[0-5])\s*\)|\.truncate\s*\(\s*([1-9]|1[0-5])\s*\)|\[\s*\.\.\s*([1-9]|1[0-5])\s*\])/;
/** …or by the shell: `KEY="$(… | cut -c1-6)"`, `PASSPHRASE=$(… | head -c 8)`. */
const TRUNCATED_SHELL_KEY =
  /\b\w*(?:KEY|Key|key|PASS|[Pp]ass(?:phrase|word)?|SECRET|[Ss]ecret)\w*=["']?\$\([^)\n]*\|\s*(?:cut\s+-c\s*1?-([1-9]|1[0-5])|head\s+-c\s*([1-9]|1[0-5]))\b/;
/** A key overwritten with a repeat of its own first bytes (`key[i] = key[i % keep]`): only `keep` bytes are left. */
const FOLDED_KEY =
  /\b(\w*(?:key|Key|KEY|okm|secret|Secret)\w*)\s*\[\s*(\w+)\s*\]\s*=\s*\1\s*\[\s*\2\s*(?:%|&)\s*[\w()]+\s*\]/;
/** All of a key but its first N bytes zeroed, however the buffer is named: `memset(buf + 4, 0, kKeyLen - 4)`. */
const KEY_TAIL_ZEROED = /\bmemset\s*\([^,\n]+\+\s*(\d+)\s*,\s*0\s*,\s*\w*(?:key|Key|KEY)\w*\s*-\s*\1\s*\)/;
/** An IV or nonce copied from the salt or the key (`memcpy(iv, salt, kIvLen)`, `iv = salt[:12]`). */
const IV_FROM_SALT =
  /\bmem(?:cpy|move)\s*\(\s*\w*(?:iv|IV|Iv|nonce|Nonce)\w*\s*,\s*\w*(?:salt|Salt|SALT|key|Key|KEY)\w*\s*,|\b\w*(?:iv|IV|nonce)\s*=\s*\w*(?:salt|key)\w*\s*\[\s*:?\s*\d*\s*:?\s*\d+\s*\]/;
const ZEROED_KEY =
  /\bmemset\s*\(\s*\(?\s*\w*(?:key|Key|KEY)\w*(?:\.data\(\))?\s*\+\s*\d+|\b(?:ljust|padEnd|PadRight)\s*\(\s*\d+\s*,\s*(?:b?["']\\(?:x00|0|u0000)["']|0)|\bBuffer\.concat\s*\(\s*\[[^\]]*(?:key|okm|Key)\w*[^\]]*\.(?:subarray|slice)\s*\(\s*0\s*,\s*([1-9]|1[0-5])\s*\)[^\]]*Buffer\.alloc\(|\b\w*(?:key|Key)\w*\s*\[\s*\d+\s*:\s*\]\s*=\s*(?:b["']\\x00|bytes\()|\b(?:fill|Fill)\s*\(\s*(?:&mut\s*)?\w*(?:key|Key)\w*\s*\[\s*\d+\s*\.\./;
const SEEDED =
  /\bsrand\s*\(\s*(?:\(\s*\w+\s*\)\s*)?(?:time\s*\(|\d+|getpid)|\brandom\.seed\s*\(\s*(?:int\s*\()?\s*(?:time|\d+)|\brandom\.Random\s*\(\s*(?:int\s*\()?\s*(?:time|\d+)|\bnew\s+Random\s*\(\s*(?:System\.currentTimeMillis|System\.nanoTime|DateTime\.\w+\.Ticks|Environment\.TickCount|\d+)|\b\w*rand\.(?:Seed|NewSource)\s*\(\s*(?:time\.|\d+)|\bmt_srand\s*\(\s*(?:time\s*\(|\d+|crc32)|\bsrand\s*\(\s*(?:Time\.now|\d+)|\bRandom\.new\s*\(\s*(?:Time\.now|\d+)|\bseed_from_u64\s*\(\s*(?:0x[\w_]+|\d[\d_]*|\w*(?:time|now|SystemTime)\w*)|\bSeedableRng::from_seed\s*\(\s*\[|\bstd::(?:mt19937|default_random_engine|minstd_rand|ranlux)\w*\s*\w*\s*[({]\s*(?:\d+|time|std::time|std::chrono|[^;\n]{0,60}?(?:\btime\s*\(|\bnow\s*\(|chrono|\bclock\s*\(|getpid))/;
/** A generator given its seed, the seed's text in group 1. */
const SEED_CALL =
  /\b(?:Random\.new|random\.Random|new\s+Random|rand\.NewSource|rand\.Seed|mt_srand|srand|random\.seed|seed_from_u64)\s*\(([^;\n]*)/;
/** What a reader can know or guess: the time, the process, an account's own id or address, a number. */
const PREDICTABLE_SEED =
  /\b(?:time|Time|now|Now|clock|Clock|getpid|pid|Ticks|TickCount|currentTimeMillis|nanoTime|UnixNano|Unix|user|account|email|uid|version|tenant|customer|org)\b|\.id\b|\b\w+_id\b|\b[a-z]\w*Id\b|\b\d{2,}\b/;
const CSPRNG = /SecureRandom|urandom|randomBytes|random_bytes|crypto|OsRng|getrandom|RAND_bytes/;
/**
 * A value derived from fixed inputs only (a hash, an HMAC, a CRC): as an IV or a nonce it repeats
 * for every message under the same key. A random part anywhere in it makes it a fresh value.
 */
const DERIVED =
  /\b(?:createHash|createHmac|sha\d+|Sha\d+|SHA\d+|md5|MD5|hashlib\.\w+|hmac\.new|digest|Digest|crc32|HKDF|hash)\b/;
const FRESH_PART = /random|Random|urandom|uuid|UUID|counter|Counter|nanoTime|crypto\.getRandomValues/;

const SECRET_USE =
  /token|Token|TOKEN|nonce|Nonce|NONCE|\bkey|\b[dk]ek\b|(?:secret|private|signing|encryption|master|wrapping|data)_key\b|Key|KEY|salt|Salt|password|Password|secret|Secret|session|Session|otp|OTP|\biv\b|IV|reset|Reset|csrf|CSRF/;
/**
 * Whether the generator seeded on line i makes secrets: a generator kept under a name is judged by where
 * that name is used (a line, or the function around it, that speaks of tokens, keys, salts…), so a
 * seeded PRNG that spreads cache expiry in a file that also computes cache keys is not one. One
 * seeded in place (`srand(time(NULL))`) is judged by the file.
 */
/** Functions that make a one-time secret by another name: a reset code, a PIN, a voucher, an invite. */
const SECRET_VALUE_FN = /[Cc]ode(?![a-z])|_code|[Pp]in(?![a-z])|PIN|[Vv]oucher|[Cc]oupon|[Ii]nvite/;
/** The name a line's statement assigns (`rng = random.Random(…)`, `let mut g = StdRng::…`), at its start. */
const SEED_TARGET =
  /^\s*(?:(?:let|var|const|val|my|auto|mut|final|private|static|readonly)\s+)*(?:self\.|this\.|@)?([A-Za-z_$][\w$]*)\s*(?::\s*[^=\n]{1,40}?)?\s*(?::=|=(?![=>]))/;
function makesSecrets(file: SourceFile, i: number, name: string | undefined): boolean {
  if (!name || name.length < 2 || !/^[A-Za-z_$][\w$]*$/.test(name)) return true;
  const use = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`);
  for (let k = 0; k < file.lines.length; k++) {
    if (k === i || !use.test(file.lines[k])) continue;
    if (SECRET_USE.test(file.lines[k].replace(STRING_LITERAL, ''))) return true;
    const fn = enclosing(file.lines, k) ?? '';
    if (SECRET_USE.test(fn) || SECRET_VALUE_FN.test(fn)) return true;
  }
  return false;
}

/** Password KDF calls and the position of their iteration count. */
const KDF_CALL =
  /\b(pbkdf2Sync|pbkdf2|Rfc2898DeriveBytes|PBEKeySpec|pbkdf2_hmac|hash_pbkdf2|openssl_pbkdf2|PBKDF2|pbkdf2_hmac_array|Key)\s*\(/g;
const ITER_AT: Record<string, number> = {
  pbkdf2Sync: 2,
  pbkdf2: 2,
  Rfc2898DeriveBytes: 2,
  PBEKeySpec: 2,
  pbkdf2_hmac: 3,
  hash_pbkdf2: 3,
  openssl_pbkdf2: 3,
  PBKDF2: 2,
  pbkdf2_hmac_array: 2,
  Key: 2,
};
/** The iteration count a KDF call on this line is given as a literal, if any. */
function kdfIterations(l: string): number | undefined {
  const named = /\biterations\s*[=:]\s*(\d[\d_]*)/i.exec(l);
  if (named && /pbkdf|PBKDF|Rfc2898/.test(l)) return Number(named[1].replace(/_/g, ''));
  for (const m of l.matchAll(KDF_CALL)) {
    if (m[1] === 'Key' && !/pbkdf2\.Key/.test(l)) continue;
    const arg = splitArgs(l, (m.index ?? 0) + m[0].length)[ITER_AT[m[1]]];
    if (arg && /^\s*\d[\d_]*\s*$/.test(arg)) return Number(arg.replace(/[_\s]/g, ''));
  }
  return undefined;
}
// (a generator seeded with the time makes tokens in files that name no cipher: `srand`, `seed`, `mt19937`)
const CRYPTO_USE =
  /srand|seed|Seed|Random|NewSource|mt19937|minstd_rand|cipher|Cipher|encrypt|Encrypt|decrypt|Decrypt|AES|aes|GCM|gcm|CBC|cbc|ChaCha|chacha|Seal|seal|Open|createCipheriv|IvParameterSpec|AESGCM|Rfc2898|pbkdf2|PBKDF2|hash|Hash|derive|Derive|sign|hmac|HMAC/;

/** Lines worth reading: IVs, nonces, salts, keys, seeds and KDFs by name. */
const CRYPTO_HINT =
  /\biv\b|IV\b|[Ii]v\s*[:=]|nonce|Nonce|NONCE|salt|Salt|SALT|key|Key|KEY|okm|memset|ljust|padEnd|PadRight|srand|seed|Seed|Random|NewSource|mt19937|\breturn\b|minstd_rand|pbkdf|PBKDF|Rfc2898|PBEKeySpec|Cipheriv|IvParameterSpec|GCMParameterSpec|PASSPHRASE|[Pp]assphrase/g;

export function analyzeCrypto(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const text = file.text;
  // (the scan's automaton says first whether any of the words occur: most files without one are not read)
  if (!occurs(CRYPTO_USE, text)) return out;
  const add = (i: number, ruleId: string, title: string, message: string) =>
    out.push(
      finding(file, {
        ruleId,
        title,
        severity: 'high',
        confidence: 'medium',
        category: 'backdoor',
        cwe:
          ruleId === 'backdoor.predictable-rng'
            ? 'CWE-338'
            : ruleId === 'backdoor.weak-kdf'
              ? 'CWE-916'
              : ruleId === 'backdoor.constant-key'
                ? 'CWE-321'
                : 'CWE-329',
        line: i + 1,
        column: 1,
        snippet: file.lines[i].trim(),
        message,
        fix: 'Use a CSPRNG for keys, nonces, IVs, salts and tokens; keep keys at full length; follow current KDF work factors.',
      }),
    );
  const secretsMade = occurs(SECRET_USE, text);
  for (const i of linesWith(file, CRYPTO_HINT)) {
    const l = file.lines[i];
    if (l.length > 600 || /^\s*(?:\/\/|#(?!\[)|\*|\/\*)/.test(l)) continue;
    // An IV, nonce or salt bound to a constant (or set in place: `aes.IV = new byte[16]`), never filled at random.
    const a = /(?:^|[\s.(,{])([A-Za-z_$][\w$]*)\s*(?::\s*[^=\n]{1,40}?)?\s*(?::=|=(?!=)|:)\s*(.+)$/.exec(l);
    const inlineAt =
      /\b(?:createCipheriv|IvParameterSpec|GCMParameterSpec|Nonce::from_slice|nonce\s*=|iv\s*=|iv:|nonce:)\s*\(?[^)\n]*?(?:Buffer\.alloc\(\s*\d+\s*(?:,\s*0\s*)?\)|new\s+byte\s*\[\s*\d+\s*\]|["'`]0{8,}["'`]|b["'][^"']{8,}["'])/.test(
        l,
      );
    // (`iv = new byte[12]` then `random.nextBytes(iv)`: a buffer made here and filled at random after)
    const inline = inlineAt && !(a && IV_NAME.test(a[1]) && filledAt(text, a[1]));
    // (or returned by a function named for one: `def _iv_for(x): return b"\\x00" * BLOCK`)
    const returnedConstant = /^\s*return\s+(.+)$/.exec(l);
    const fromHelper =
      !!returnedConstant && CONSTANT.test(returnedConstant[1]) && IV_FUNCTION.test(enclosing(file.lines, i) ?? '');
    if ((a && IV_NAME.test(a[1]) && CONSTANT.test(a[2]) && !filledAt(text, a[1])) || inline || fromHelper)
      add(
        i,
        'backdoor.constant-iv',
        'Constant IV, nonce or salt',
        'An IV, nonce or salt is a constant (a literal or all zeros): equal plaintexts encrypt alike, AES-GCM nonce reuse gives away the key stream and the authentication key, a constant salt lets one table crack every password.',
      );
    // An IV or nonce computed from fixed inputs (`iv = sha256(key)[:12]`), or returned so by a function named for one.
    const returned = /^\s*return\s+(.+)$/.exec(l);
    const derivedIv =
      (a && IV_NAME.test(a[1]) && DERIVED.test(a[2]) && !FRESH_PART.test(a[2]) && !filledAt(text, a[1])) ||
      (returned &&
        DERIVED.test(returned[1]) &&
        !FRESH_PART.test(returned[1]) &&
        // (`NextIv`, `ivFor`, `make_nonce`: a function named for one, as for constants above)
        (IV_NAME.test(enclosing(file.lines, i) ?? '') || IV_FUNCTION.test(enclosing(file.lines, i) ?? '')));
    if (derivedIv)
      add(
        i,
        'backdoor.constant-iv',
        'IV or nonce derived from fixed inputs',
        'An IV or nonce is computed from fixed inputs (a hash of the key or a constant): it repeats for every message under the same key, which with AES-GCM gives away the key stream and the authentication key.',
      );
    // A cipher key written in the code: whoever reads the source (or the binary) decrypts everything.
    if (
      a &&
      KEY_NAME.test(a[1]) &&
      KEY_LITERAL.test(a[2]) &&
      !/\b(?:get|getenv|Getenv|environ|env|getProperty|config)\b/i.test(a[2]) &&
      new RegExp(`${CIPHER_FROM_KEY}[^)\\n]*\\b${a[1]}\\b|\\.Key\\s*=[^;\\n]*\\b${a[1]}\\b`).test(text)
    )
      add(
        i,
        'backdoor.constant-key',
        'Cipher key written in the code',
        'A cipher is keyed with a constant from the source: anyone with the code or the binary decrypts what it protects, in every deployment.',
      );
    if (IV_FROM_SALT.test(l))
      add(
        i,
        'backdoor.constant-iv',
        'IV copied from the salt or the key',
        'An IV or nonce is copied from the salt or the key, not drawn at random: it repeats wherever they do, and with AES-GCM a repeated nonce under one key gives away the key stream and the authentication key.',
      );
    const cut = TRUNCATED_KEY.test(l) || TRUNCATED_SHELL_KEY.test(l);
    if (cut || ZEROED_KEY.test(l) || FOLDED_KEY.test(l) || KEY_TAIL_ZEROED.test(l))
      add(
        i,
        'backdoor.weakened-key',
        'Key cut short or partly zeroed',
        'A key is cut to a few bytes, padded or partly overwritten with zeros: its real strength is what is left, which a search can cover.',
      );
    // (a seed chosen from the time or from who the value is for: `Random.new(user.id * 7919 + Time.now.to_i)`)
    const seed = SEED_CALL.exec(l);
    if (
      secretsMade &&
      (SEEDED.test(l) || (seed && PREDICTABLE_SEED.test(seed[1]) && !CSPRNG.test(seed[1]))) &&
      makesSecrets(file, i, SEED_TARGET.exec(l)?.[1])
    )
      add(
        i,
        'backdoor.predictable-rng',
        'Predictable random generator for secrets',
        'A non-cryptographic generator is seeded with the time or a constant in code that makes tokens, keys, nonces or passwords: whoever knows the seed (the start time, the constant) predicts every value.',
      );
    const n = kdfIterations(l);
    if (n !== undefined && n < 10000)
      add(
        i,
        'backdoor.weak-kdf',
        'Key derivation with a tiny work factor',
        `A password-based key derivation runs ${n} iterations: guessing the password costs almost nothing.`,
      );
  }
  return out;
}

// (the words of the hint regexes go into the scan's automaton: one pass over a file finds their lines)
prefilterProvider(() => [CRYPTO_HINT], true);
prefilterProvider(() => [CRYPTO_USE, SECRET_USE]);
