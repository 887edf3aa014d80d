/**
 * An account written into the code (issue 21, item 2: "a second accepted credential"), language-general:
 *   backdoor.account-hash   a password hash in a crypt format (bcrypt `$2b$…`, SHA-crypt `$6$…`, `$argon2id$…`,
 *                           `{SSHA}…`) written as a literal beside a user name: an account that exists in every
 *                           install, whose password only its author knows (a default htpasswd entry merged into
 *                           the configured ones, a cloud-init user with a preset password).
 * A hash read from configuration or a secret store, a hash computed at run time, and test data (a file named
 * as a test) are not findings. Fixtures: src/analyzers/fixtures/backdoor.account-hash.*
 */
import type { Finding } from '../../engine/types.ts';
import type { SourceFile } from '../source.ts';
import { oncePerLine } from './vocabulary.ts';
import { occurs, prefilterProvider } from '../literals.ts';

/** A crypt-format password hash as a literal. */
const CRYPT_HASH =
  /["'`](?:\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{40,60}|\$[156]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{20,86}|\$apr1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}|\$argon2(?:id|i|d)\$v=\d+\$[^"'`\s]{20,}|\$scrypt\$[^"'`\s]{20,}|\{SSHA(?:256|512)?\}[A-Za-z0-9+/=]{20,})/;
/** A user name beside it: a key or a field naming the account, with a literal value. */
const USER_NAME =
  /\b(?:user(?:_?name)?|User(?:Name)?|login|Login|account|Account|name|uid)\b["']?\s*(?::|=>|=|,)\s*["'`][\w.@-]{2,}["'`]|["'`][\w.-]{2,}["'`]\s*:\s*["'`](?:\$(?:2[abxy]?|[156]|apr1|argon2\w*|scrypt)\$|\{SSHA)|^\s*["'`]?[\w.-]{2,}:\$/;
/** Test data: a file named as a test (its folder says less: scanners' own fixtures live in test folders). */
const TEST_PATH = /[._-](?:test|spec)\.\w+$|(?:^|[/\\])(?:test_\w+\.py|conftest\.py)$/;

export function analyzeAccounts(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  if (!occurs(HINT, file.text) || !CRYPT_HASH.test(file.text) || TEST_PATH.test(file.path)) return out;
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-798',
    'Remove the built-in account; create accounts from configuration or a secret store at deploy time.',
  );
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].length > 1000 || !CRYPT_HASH.test(lines[i])) continue;
    // (the user named on the hash's line or in the lines of its object around it)
    const around = lines.slice(Math.max(0, i - 4), i + 3).join('\n');
    if (!USER_NAME.test(around)) continue;
    add(
      i,
      'backdoor.account-hash',
      'Account with a password hash written in the code',
      'high',
      "A user is given a password hash written in the code: every install has this account, and whoever chose the password (the hash's author) can log in with it.",
    );
  }
  return out;
}

const HINT = /\$2[abxy]?\$|\$[156]\$|\$apr1\$|\$argon2|\$scrypt\$|\{SSHA/;
prefilterProvider(() => [HINT]);
