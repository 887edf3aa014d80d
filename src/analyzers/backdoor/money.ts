/**
 * Money and records that go somewhere they should not (issue 21, item 4), language-general:
 *   backdoor.fixed-account  money moved (credited, transferred, posted, paid, returned as the payee)
 *                           to an account written in the code: an IBAN or wallet literal, an id-like
 *                           literal, or a constant whose name says it is an account
 *   backdoor.record-copy    personal, card or password data written to a file or table beside the
 *                           real processing (several such fields in one write, or a plaintext password)
 * Configured accounts (read from settings) and documented archive tables holding no such fields
 * are not findings. Fixtures: src/analyzers/fixtures/backdoor.money.*
 */
import type { Finding } from '../../engine/types.ts';
import type { SourceFile } from '../source.ts';
import { assignments } from './structure.ts';
import { oncePerLine } from './vocabulary.ts';
import { enclosing } from './calls.ts';
import { candidateLines, mayOccur, occurs, prefilterProvider } from '../literals.ts';

const MONEY =
  /amount|\bfee|remainder|residu|difference|skim|cents|balance|payout|transfer|credit|debit|ledger|withdraw|deposit|invoice|payment|\bpay|iban|wallet|destination|payee|beneficiar|\bnet\b|charged|salary|wage|refund|commission|adjustment|settle/i;
/** Literals that are accounts by their form: IBAN, Ethereum/Bitcoin/Tron addresses. */
const ACCOUNT_FORM =
  /["'`](?:[A-Z]{2}\d{2}[A-Z0-9]{11,30}|0x[0-9a-fA-F]{40}|bc1[a-z0-9]{20,60}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33})["'`]/;
/** An id-like literal: a prefix and a code with digits (`acct_7Qx9…`, `ACCT-55120`), or six digits and more. */
const ID_LITERAL = /["'`]([A-Za-z]{2,10}[-_:](?:[A-Za-z0-9]+[-_:])*[A-Za-z0-9]*\d[A-Za-z0-9]{3,}|\d{6,})["'`]/;
/** An id-like literal that names itself an account (`"acct_pt_0x7731"`, `"wallet-9F31"`). */
const ACCOUNT_ID = /^(?:acc(?:oun)?t|acct|iban|wallet|payee|vault|treasury)/i;
/** An object written once holding an account-form literal: `{ iban: 'XX00…', name: 'Settlement Hold' }`. */
const ACCOUNT_OBJECT =
  /^\s*\{[^{}\n]*\b(?:iban|IBAN|account\w*|wallet|address|number)\s*:\s*["'`][^"'`\n]+["'`][^{}\n]*\}\s*;?\s*$/;
const ACCOUNT_NAME =
  /acc(?:oun)?t|acct|iban|wallet|payee|recipient|beneficiar|destination|dest\b|sink|pool|house|treasury|suspense|vault|reserve|employee_?id|EmployeeId|user_?id|UserId/i;
/** A value written once that names an account: a literal, or a constructor of one (`AccountId::User(48_211)`). */
const CONSTANT_VALUE = /^\s*(?:[\w:.]+\s*\(\s*)?(?:["'`][^"'`\n]{4,}["'`]|\d[\d_]{3,}[LlUu]?)\s*\)?\s*;?\s*$/;
const MOVE =
  /\b(?:credit|debit|transfer|payout|pay|post|Post|deposit|withdraw|send|move|book|record|add|Add|push|append|insert|create)\w*\s*\(|=|\breturn\b|:/;

const WRITE =
  /\bFile\.open\s*\([^\n]*?["'](?:a|w|ab|a\+)["']|\bfile_put_contents\s*\(|FILE_APPEND|\bappendFile(?:Sync)?\s*\(|\bwriteFile(?:Sync)?\s*\(|\bopen\s*\([^\n]*?["'](?:a|w|ab|a\+|wb)["']|\bfputs\s*\(|\bfprintf\s*\(|\bfwrite\s*\(|\bAppendAllText\w*\s*\(|\bWriteAllText\w*\s*\(|\bOpenOptions\b|\bos\.OpenFile\s*\(|\bINSERT\s+INTO\b|\.objects\.create\s*\(|\.create\s*\(|\.insert\w*\s*\(|\bFileWriter\s*\(|\bofstream\b|>>\s*["'$\/]/;
const PERSONAL =
  /\b\w*(?:email|phone|tax_?id|taxId|ssn|national_?id|date_?of_?birth|dob|birth|card(?:_?number)?|\bpan\b|cvc|cvv|exp(?:iry)?|iban|passport|address)\w*/gi;
/** (a cheap first test for PERSONAL: one of its words anywhere) */
const PERSONAL_HINT = /email|phone|tax_?id|taxId|ssn|birth|card|cvv|cvc|iban|passport|passw/i;
const PLAINTEXT_PASSWORD =
  /\b(?:raw|plain(?:text)?|clear)_?(?:password|pass|pwd|pw)\b|\bpassword_?(?:raw|plain|clear)\b/i;
const PROTECTED = /\b(?:hash|digest|encrypt|bcrypt|argon|scrypt|pbkdf|mask|redact|last4|tokeni[sz]e)\w*/i;

const CONDITIONAL_RETURN = /\bif\b[^\n]*?[):{]\s*\{?\s*(?:then\s+)?return\s+["'`]/;
/** A literal returned on its own line, the line above opening an `if` block. */
const conditionalReturn = (lines: readonly string[], i: number) =>
  CONDITIONAL_RETURN.test(lines[i]) ||
  (/^\s*return\s+["'`]/.test(lines[i]) &&
    i > 0 &&
    /^\s*(?:\}\s*)?(?:if|elif|else\s+if)\b[^\n]*[:{]\s*$/.test(lines[i - 1]));

/** Lines worth reading: money words, account-shaped literals, writes. */
const MONEY_HINT = new RegExp(`${MONEY.source}|${ACCOUNT_FORM.source}|${WRITE.source}`, 'gi');
/** MONEY_HINT without its wordless branch (an account's form), which is read apart: see moneyLines. */
const MONEY_WORDS = new RegExp(`${MONEY.source}|${WRITE.source}`, 'gi');
const ACCOUNT_FORM_ANY_CASE = new RegExp(ACCOUNT_FORM.source, 'gi');

/**
 * The lines to read: where MONEY_HINT matches, or more. Every check needs MONEY, WRITE or ACCOUNT_FORM
 * to match on the line itself and judges the line alone, so any lines that hold one of their words
 * (the scan's automaton), with the lines an account's form matches on, find the same; without the
 * automaton, the regex over the text.
 */
function moneyLines(file: SourceFile): number[] {
  const worded = candidateLines(MONEY_WORDS, file.text, () => file.lineStarts());
  if (!worded) return file.matchingLines(MONEY_HINT);
  const forms = file.matchingLines(ACCOUNT_FORM_ANY_CASE);
  if (!forms.length) return worded;
  return [...new Set([...worded, ...forms])].sort((x, y) => x - y);
}

export function analyzeMoney(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const text = file.text;
  // (records copied aside need no money word: a customer model's side file holds none)
  const money = occurs(MONEY, text);
  if (!money && !(occurs(PERSONAL_HINT, text) && occurs(WRITE, text))) return out;
  const values = assignments(file);
  // Constants that hold an account: by their name, or by the form of the literal they hold.
  const accounts = new Set<string>();
  for (const [name, v] of values)
    if (
      (CONSTANT_VALUE.test(v) || (ACCOUNT_OBJECT.test(v) && ACCOUNT_FORM.test(v))) &&
      /\d/.test(v) &&
      !/require|import|include|load|["'`][./]/.test(v) &&
      (ACCOUNT_NAME.test(name) || ACCOUNT_FORM.test(v) || ID_LITERAL.test(v))
    )
      if (!/^\s*["'`]?\d{1,3}["'`]?\s*;?$/.test(v)) accounts.add(name);
  // What each finding needs somewhere in the text (a line has it only if the text has): a file with
  // neither is not read line by line. A fixed account: an account constant, or an account or id literal;
  // a record copy: a write, and personal fields or a plain password.
  const fixed = accounts.size > 0 || ACCOUNT_FORM.test(text) || ID_LITERAL.test(text);
  const copy = occurs(WRITE, text) && (mayOccur(PERSONAL, text) || occurs(PLAINTEXT_PASSWORD, text));
  if (!fixed && !copy) return out;
  const add = oncePerLine(
    file,
    out,
    (ruleId) => (ruleId === 'backdoor.record-copy' ? 'CWE-359' : 'CWE-506'),
    'Take accounts from reviewed configuration (and write records only where the design says); remove the planted destination.',
  );
  for (const i of moneyLines(file)) {
    const l = file.lines[i];
    if (l.length > 600 || /^\s*(?:\/\/|#|\*|\/\*)/.test(l)) continue;
    if (!fixed && !WRITE.test(l)) continue;
    const declared = /^\s*(?:[\w<>:]+\s+)*([A-Za-z_]\w*)\s*(?::\s*[\w:<>]+\s*)?(?::=|=)/.exec(l)?.[1];
    const usesConstant = [...l.matchAll(/[A-Za-z_]\w*/g)].some((m) => accounts.has(m[0]) && m[0] !== declared);
    const formLiteral = ACCOUNT_FORM.test(l);
    const id = ID_LITERAL.exec(l);
    const idLiteral = !!id && MONEY.test(l) && (ACCOUNT_NAME.test(l.replace(ID_LITERAL, '')) || ACCOUNT_ID.test(id[1]));
    const inMove = MONEY.test(l) && MOVE.test(l);
    // (an id-like literal returned under a condition by a function that resolves an account: the payee for
    // the cases the condition picks, `if (floorMod(id.hashCode(), 40) == 7) return "acct_1PqR…"`)
    const returnedId =
      conditionalReturn(file.lines, i) && ID_LITERAL.test(l) && ACCOUNT_NAME.test(enclosing(file.lines, i) ?? '');
    if (
      money &&
      ((formLiteral && !declared) ||
        (inMove && (usesConstant || idLiteral)) ||
        returnedId ||
        // (an id-like literal handed straight to a call that moves money is the destination, named or not)
        (ID_LITERAL.test(l) && /\b(?:credit|transfer|payout|pay)\w*\s*\(\s*["'`]/i.test(l)))
    )
      add(
        i,
        'backdoor.fixed-account',
        'Money sent to an account fixed in the code',
        'high',
        'Money is moved to an account written in the code (a literal or a constant, not the configured account): the shape of a skim or a payout diversion.',
      );
    if (copy && WRITE.test(l)) {
      const window = file.lines.slice(i, i + 4).join('\n');
      const fields = new Set([...window.matchAll(PERSONAL)].map((m) => m[0].toLowerCase()));
      if ((fields.size >= 3 || PLAINTEXT_PASSWORD.test(window)) && !PROTECTED.test(window))
        add(
          i,
          'backdoor.record-copy',
          'Sensitive records copied aside',
          'high',
          'Personal, card or password data is written in clear to a file or table on the side: the shape of a data diversion.',
        );
    }
  }
  return out;
}

// (the words of the hint regexes go into the scan's automaton: one pass over a file finds their lines)
prefilterProvider(() => [MONEY_HINT, MONEY_WORDS], true);
prefilterProvider(() => [MONEY, WRITE, PERSONAL, PLAINTEXT_PASSWORD, PERSONAL_HINT]);
