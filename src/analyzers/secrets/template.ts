/**
 * Template syntax in a value (`%s`, `${PASS}`, `{{ .Values.pw }}`, `<password>`, `$(pass show db)`):
 * such a value is filled in elsewhere and is no secret. But a generated password may hold the same
 * characters by chance (`lhOAKbLH%SlO%s…`, `Xy7${kP9…`): a value counts as a template only when
 * what is left without its template parts does not itself look generated.
 */

/**
 * Template parts, closed, with the name they enclose (not the value's own text). An unclosed one
 * (`${DB_PASSWORD`, cut where an unquoted value stops) loses only its marker: the name stays and is
 * judged with the rest, so a generated password holding `${` is not taken for a template.
 */
const TEMPLATE_PARTS =
  /<[A-Za-z][\w\- .]*>|\$\{[A-Za-z_][^}]*\}|\{\{[^}]*\}\}|%\([A-Za-z_]\w*\)[a-z]|%[sd]|\$\([a-z][^)]*\)|^\$[A-Za-z_]\w*$/gi;
const UNCLOSED = /\$\{[A-Za-z_]|\{\{|%\([A-Za-z_]|\$\([a-z]/;

/**
 * Some template part that is one. printf's `%s` stands apart (`Bearer %s`, `%s:%s`, `user_%s_v2`); glued
 * to a letter or digit (`…LH%SlO…`, `…Lop%d`) it is a generated password's characters.
 */
function hasTemplatePart(value: string): boolean {
  for (const m of value.matchAll(TEMPLATE_PARTS)) {
    if (!/^%[sd]$/i.test(m[0])) return true;
    if (!/[A-Za-z0-9]/.test(value[m.index - 1] ?? '') && !/[A-Za-z0-9]/.test(value[m.index + 2] ?? '')) return true;
  }
  return UNCLOSED.test(value);
}

/**
 * Letters and digits that look generated rather than written: two kinds of character, many distinct
 * ones, and not a run of words (`MyAppSecret`, `db2internal`, `HTTPProxy`, `SUMO_ACCESS_KEY`): a written
 * word of three letters or more has a vowel (acronyms aside), few words are of one or two letters, and a
 * letter alone between digits is rare; drawn characters break one of these.
 */
export function looksGenerated(text: string): boolean {
  const rest = text.replace(/[^A-Za-z0-9]/g, '');
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((r) => r.test(rest)).length;
  if (rest.length < 10 || kinds < 2 || new Set(rest).size < Math.min(rest.length * 0.55, 16)) return false;
  // (words as written, `SUMO_ACCESS_KEY` three of them: the punctuation between them still separates)
  const words = wordsOf(text);
  return !wordsWritten(words) || words.filter((w) => w.length <= 2).length >= 2 || /\d[A-Za-z]\d/.test(rest);
}

/** The words of a name or text as camel case and capitals cut them (`getToken` → get, Token; `HTTPProxy` → HTTP, Proxy). */
const wordsOf = (text: string) => text.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];

/** Every word of three letters or more has a vowel, but for acronyms (`HTTP`, `SQL`: capitals, four at most). */
function wordsWritten(words: string[]): boolean {
  return words.every((w) => w.length < 3 || /[aeiou]/i.test(w) || (w.length <= 4 && !/[a-z]/.test(w)));
}

/** An identifier made of written words (`getToken`, `List`, `HTTPProxy`), not drawn letters (`KEOBvnfF`). */
export function writtenName(name: string): boolean {
  return wordsWritten(wordsOf(name));
}

/**
 * True when the value is template syntax with only written text around it. The rest is judged whole
 * and in pieces, cut where URLs and settings are (`https://deploy:…@img.internal`): a generated password
 * beside written host names still counts as generated.
 */
export function isTemplate(value: string): boolean {
  if (!hasTemplatePart(value)) return false;
  const rest = value.replace(TEMPLATE_PARTS, '');
  const pieces = [rest, ...rest.split(/[\s/:@.,;=&?]+/)];
  return !pieces.some(looksGenerated);
}
