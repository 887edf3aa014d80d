/**
 * Constants written so that neither a reader nor a scanner sees them: a number in hex with separators or
 * built by shifts (`0x69_A0_5B_00`, `$(( 0x69 << 24 | 0xF0 << 16 ))`: a date), a string spelled as
 * characters or bytes (`{'o', 'p', 's'}`, `[]byte{0x37, 0x71, …}`), or cut into pieces joined at run time
 * (`["https:", "", "gems.mirror.test"].join("/")`, `implode('', self::KEY)`). `folded` gives the file's text
 * with each such expression written as the literal it evaluates to, line for line, so that every check
 * that reads literals (a moment, a host, a credential, a magic value) reads these too (index.ts runs the
 * checks again on it, only when something folded).
 */

/** A line longer than this is data or minified code: not folded. */
const MAX_LINE = 400;

const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** One string literal's body (single or double quotes, no escapes but `\\` and the quote), or undefined. */
function stringBody(piece: string): string | undefined {
  const m = /^\s*(["'])((?:(?!\1)[^\\\n]|\\.)*)\1\s*$/.exec(piece);
  return m ? m[2].replace(/\\(.)/g, '$1') : undefined;
}

/** The items of a list's text split at top-level commas (strings and brackets kept whole). */
function items(list: string): string[] {
  const out: string[] = [];
  let depth = 0,
    quoteChar = '',
    start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (quoteChar) {
      if (c === '\\') i++;
      else if (c === quoteChar) quoteChar = '';
    } else if (c === '"' || c === "'") quoteChar = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  const last = list.slice(start);
  if (last.trim()) out.push(last);
  return out;
}

/** Pieces of a list that are all string literals, or small integers beside them (at least two), else undefined. */
function stringPieces(list: string): string[] | undefined {
  const raw = items(list);
  const parts = raw.map((p) => stringBody(p) ?? (/^\s*\d{1,6}\s*$/.test(p) ? p.trim() : undefined));
  const quoted = raw.some((p) => stringBody(p) !== undefined);
  return quoted && parts.length >= 2 && parts.every((p) => p !== undefined) ? (parts as string[]) : undefined;
}

/** Characters of a list that are all one-character literals or printable byte values (at least four). */
function spelled(list: string): string | undefined {
  const parts = items(list).map((p) => p.trim());
  if (parts.length < 4) return undefined;
  let out = '';
  for (const p of parts) {
    const ch = /^'(\\?.)'$/.exec(p);
    if (ch) out += ch[1].replace(/^\\/, '');
    // (bytes in hex: lists of decimal character codes are read as such by obfuscation.ts's spelled lists)
    else if (/^0x[0-9a-fA-F]{1,2}$/.test(p)) {
      const code = Number(p);
      if (code < 0x20 || code > 0x7e) return undefined;
      out += String.fromCharCode(code);
    } else return undefined;
  }
  return out;
}

// --- integer expressions: literals joined by shifts, or, and, xor, plus, minus, times ---

const INT = /^(?:0[xX][0-9a-fA-F_]+|\d[\d_]*)(?:u|U|L|UL|ULL|u8|u16|u32|u64|i32|i64)?/;

/** The value of an integer expression without parentheses (precedence as in C), or undefined when it is anything else. */
function evaluate(expr: string): bigint | undefined {
  const tokens = expr.match(/0[xX][0-9a-fA-F_]+\w*|\d[\d_]*\w*|<<|>>|[|&^+\-*]|\S/g) ?? [];
  let k = 0;
  const num = (t: string): bigint | undefined => {
    const m = INT.exec(t);
    return m && m[0].length === t.length ? BigInt(m[0].replace(/_/g, '').replace(/[uUlL]+$|[ui]\d+$/, '')) : undefined;
  };
  const levels: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*']];
  const atom = (): bigint | undefined => {
    const t = tokens[k++];
    return t === undefined ? undefined : num(t);
  };
  const level = (n: number): bigint | undefined => {
    if (n === levels.length) return atom();
    let v = level(n + 1);
    while (v !== undefined && levels[n].includes(tokens[k])) {
      const op = tokens[k++];
      const w = level(n + 1);
      if (w === undefined) return undefined;
      v =
        op === '|'
          ? v | w
          : op === '^'
            ? v ^ w
            : op === '&'
              ? v & w
              : op === '<<'
                ? v << w
                : op === '>>'
                  ? v >> w
                  : op === '+'
                    ? v + w
                    : op === '-'
                      ? v - w
                      : v * w;
    }
    return v;
  };
  const v = level(0);
  return k === tokens.length && v !== undefined && v >= 0n && v < 1n << 63n ? v : undefined;
}

/**
 * An expression of integer literals and operators (at least one operator, no parentheses), standing alone:
 * no operator or name touches it (`i * 2 + 2` is not `i * 4`); or a literal with digit separators.
 */
const INT_EXPR =
  /(?<![\w.*/%+\-<>&|^~!]\s*)(?:0[xX][0-9a-fA-F_]+|\d[\d_]*)\w*(?:\s*(?:<<|>>|[|&^+*-])\s*(?:0[xX][0-9a-fA-F_]+|\d[\d_]*)\w*)+(?!\s*[\w.*/%(\[])|(?<![\w.])0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)+\w*|(?<![\w.])\d{1,3}(?:_\d{3})+\b/g;

/** `fn` applied to the parts of a line outside its string literals (a date or a phone number in quotes stays). */
function outsideStrings(line: string, fn: (code: string) => string): string {
  return line
    .split(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/)
    .map((part, k) => (k % 2 === 1 ? part : fn(part)))
    .join('');
}

function foldNumbers(line: string): string {
  return outsideStrings(line, (code) => code.replace(INT_EXPR, foldInt));
}

/**
 * Only a value as large as a moment (seconds since 1970 from about 2001 on, or milliseconds) is written out:
 * the sizes and durations code computes all day (`60 * 60 * 1000`, `1 << 20`) steer nothing a check reads.
 */
const MOMENT_SIZED = 1_000_000_000n;
function foldInt(m: string): string {
  // (a date written with dashes, `2024-05-01`, comes to less than a moment: it stays as written)
  const v = evaluate(m);
  return v === undefined || v < MOMENT_SIZED ? m : v.toString();
}

// --- strings: spelled lists and joined pieces ---

/** A list in braces or brackets (no nesting): `{'o', 'p'}`, `[0x37, 0x71]`, `vec![…]`. */
const LIST = /(?:vec!\s*|\bnew\s+(?:char|byte|u?int8_t)\s*\[\s*\]\s*|\[\]byte\s*|b?)([[{])([^[\]{}\n]{6,300})[\]}]/g;
/** Pieces joined by a call: `[…].join("sep")`, `"sep".join([…])`, `implode('sep', […])`, `strings.Join([]string{…}, "sep")`. */
const JOINED =
  /\[([^[\]\n]{3,300})\]\s*\.join\(\s*(["'][^"'\n]*["'])?\s*\)|(["'][^"'\n]*["'])\s*\.join\(\s*[[(]([^[\]()\n]{3,300})[\])]\s*\)|\bimplode\(\s*(["'][^"'\n]*["'])\s*,\s*(?:array\()?\[?([^[\]()\n]{3,300})[\])]\s*\)|\bstrings\.Join\(\s*\[\]string\{([^{}\n]{3,300})\}\s*,\s*("[^"\n]*")\s*\)/g;

/** Words or lines joined for reading (`[…].join(" ")`, `", "`, `"\n"`): a list kept readable, not a value hidden. */
const PROSE_SEPARATOR = /[\s,|;]|\\n/;

function foldStrings(line: string): string {
  let out = line.replace(
    JOINED,
    (m, a?: string, aSep?: string, bSep?: string, b?: string, cSep?: string, c?: string, d?: string, dSep?: string) => {
      const list = a ?? b ?? c ?? d!;
      const sep = stringBody(aSep ?? bSep ?? cSep ?? dSep ?? '""') ?? '';
      const pieces = stringPieces(list);
      return pieces && !PROSE_SEPARATOR.test(sep) ? quote(pieces.join(sep)) : m;
    },
  );
  out = out.replace(LIST, (m, _open: string, list: string) => {
    const chars = spelled(list);
    if (chars !== undefined) return quote(chars);
    // (pieces of an address kept in a list and put together in a loop: `{"http://", "198.51.100.", "23", "/c/"}`)
    const pieces = stringPieces(list);
    const whole = pieces?.join('');
    if (pieces && pieces.length >= 3 && whole && /:\/\/|\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/.test(whole))
      return quote(whole);
    return m;
  });
  return out;
}

/**
 * A list of string pieces given a name and joined elsewhere by that name (`ROSTER_KEY = ['emp', 'loyee_no']`,
 * then `implode('', self::ROSTER_KEY)`, `"".join(PARTS)`): the definition folded into the joined string.
 */
function joinedByName(lines: string[], text: string): boolean {
  // The names joined, each call found by its literal word and read in its own stretch of text (`"".join(PARTS)`,
  // `implode('', self::KEY)`, `KEY.join("")`); then one pass over the lines for their definitions (a pass per
  // name made a file of thousands of joins quadratic).
  const call =
    /(?:\bimplode\(\s*(["'][^"'\n]*["'])\s*,\s*|(["'][^"'\n]*["'])\s*\.join\(\s*)(?:self::|static::|this\.|self\.)?([A-Za-z_]\w*)\s*\)$|\b([A-Za-z_]\w*)\.join\(\s*(["'][^"'\n]*["'])?\s*\)$/;
  const joined = new Map<string, string>();
  for (const at of text.matchAll(/\.join\(|\bimplode\(/g)) {
    const close = text.indexOf(')', at.index);
    if (close < 0 || close - at.index > 80) continue;
    const m = call.exec(text.slice(Math.max(0, at.index - 60), close + 1));
    if (!m) continue;
    const sep = stringBody(m[1] ?? m[2] ?? m[5] ?? '""') ?? '';
    if (!PROSE_SEPARATOR.test(sep) && !joined.has(m[3] ?? m[4])) joined.set(m[3] ?? m[4], sep);
  }
  if (!joined.size) return false;
  let changed = false;
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const d = LIST_DEFINITION.exec(lines[i]);
    const sep = d && !seen.has(d[1]) ? joined.get(d[1]) : undefined;
    if (!d || sep === undefined) continue;
    // (a name's first definition only, as it is read where it is joined)
    seen.add(d[1]);
    const pieces = stringPieces(d[2]);
    if (pieces && pieces.length >= 3) {
      lines[i] = lines[i].slice(0, d.index + d[0].indexOf(d[1])) + `${d[1]} = ${quote(pieces.join(sep))};`;
      changed = true;
    }
  }
  return changed;
}
/** A name given a list on one line: `ROSTER_KEY = ['emp', …];`, `PARTS = %w[…].freeze`, `KEY = array(…)`. */
const LIST_DEFINITION =
  /(?:^|[^\w.$])([A-Za-z_]\w*)\s*(?::[^=\n]{1,40})?=\s*(?:array\(|\[|\{|%w\[)([^\n]{3,300})[\])}]\s*(?:\.freeze)?\s*[;,]?\s*(?:(?:\/\/|#).*)?$/;

/** Ruby's constant looked up by symbol: `OpenSSL::SSL.const_get(:VERIFY_NONE)` is `OpenSSL::SSL::VERIFY_NONE`. */
const CONST_GET = /([A-Z]\w*(?:::[A-Z]\w*)*)\.const_get\(\s*:(\w+)\s*\)/g;

/** Words without which nothing here can fold (asked of the whole text first, then found line by line). */
const FOLDABLE =
  /0[xX][0-9a-fA-F]*_|<<|\d_\d|'.'\s*,\s*'.'|0x[0-9a-fA-F]{2}\s*,\s*0x|\.join\(|\bimplode\(|strings\.Join\(|const_get\(|["'](?:https?|wss?|ftp):\/\/["']\s*,|["']\d{1,3}\.\d{1,3}\.(?:\d{1,3}\.?)?["']\s*,/;
const FOLDABLE_G = new RegExp(FOLDABLE.source, 'g');
/** The same asked cheaply first: the literal words by native search, the patterns only where a file may hold them. */
function mayFold(text: string): boolean {
  for (const w of ['<<', '.join(', 'implode(', 'strings.Join(', 'const_get(']) if (text.includes(w)) return true;
  return (
    (text.includes('_') && /0[xX][0-9a-fA-F]*_|\d_\d/.test(text)) ||
    (text.includes("', '") || text.includes("','") ? /'.'\s*,\s*'.'/.test(text) : false) ||
    (text.includes('0x') && /0x[0-9a-fA-F]{2}\s*,\s*0x/.test(text)) ||
    (text.includes('://') && /["'](?:https?|wss?|ftp):\/\/["']\s*,/.test(text)) ||
    /["']\d{1,3}\.\d{1,3}\.(?:\d{1,3}\.?)?["']\s*,/.test(text)
  );
}

/** The text with its hidden constants written out, line for line; undefined when nothing folds. */
export function folded(text: string): string | undefined {
  if (!mayFold(text)) return undefined;
  const lines = text.split('\n');
  let changed = false;
  // (only the lines holding a foldable word are read: one pass of one regex over the text finds them)
  let line = 0,
    from = 0,
    last = -1;
  for (const m of text.matchAll(FOLDABLE_G)) {
    for (let k = text.indexOf('\n', from); k >= 0 && k < m.index; k = text.indexOf('\n', k + 1)) {
      line++;
      from = k + 1;
    }
    if (line === last) continue;
    last = line;
    const l = lines[line];
    if (l.length > MAX_LINE) continue;
    const f = foldStrings(foldNumbers(l)).replace(CONST_GET, '$1::$2');
    if (f !== l) {
      lines[line] = f;
      changed = true;
    }
  }
  const joined = text.includes('.join(') || text.includes('implode(') ? joinedByName(lines, text) : false;
  return changed || joined ? lines.join('\n') : undefined;
}
