/**
 * Unicode deception ("Trojan Source", CVE-2021-42574 and CVE-2021-42694, and their successors):
 *   unicode.bidi-control       bidi overrides/isolates that reorder how code is displayed
 *   unicode.escaped-bidi       bidi controls written as escapes (they appear at run time)
 *   unicode.invisible          zero-width and other invisible characters inside code or identifiers
 *   unicode.variation-selector extended variation selectors (payloads hidden GlassWorm-style)
 *   unicode.tag-characters     invisible TAG characters hiding text (prompt injection)
 *   unicode.homoglyph          identifiers mixing Latin with look-alike Cyrillic/Greek letters
 *   unicode.deceptive-space    no-break and other odd spaces between code tokens
 * Legitimate right-to-left text (balanced controls next to RTL letters) and locale files pass.
 * Fixtures: src/analyzers/fixtures/unicode.*
 */
import type { Finding } from '../engine/types.ts';
import { SourceFile, finding } from './source.ts';

const BIDI_OPEN = /[\u202A\u202B\u202D\u202E\u2066\u2067\u2068]/g;
const BIDI_CLOSE = /[\u202C\u2069]/g;
const BIDI_ANY = /[\u202A-\u202E\u2066-\u2069\u061C]/;
/** A character class made of three or more direction controls (and marks), as a filter for them writes it. */
const BIDI_SET = /\[(?:[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069-]){3,}\]/g;
const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const ESCAPED_BIDI =
  /\\u(?:202[a-eA-E]|206[6-9])|\\u\{0*(?:202[a-eA-E]|206[6-9])\}|\\x\{0*(?:202[a-eA-E]|206[6-9])\}|&#x0*(?:202[a-eA-E]|206[6-9]);/;
/** Invisible characters; ZWJ/ZWNJ/VS16 are allowed between non-ASCII letters and emoji. */
const INVISIBLE =
  /[\u200B\u200C\u200D\u2060-\u2064\uFEFF\u00AD\u180E\u3164\u115F\u1160\uFFA0\u2800\u034F\uFE00-\uFE0F]/gu;
const EXT_VS = /[\u{E0100}-\u{E01EF}]/u;
const TAGS = /[\u{E0000}-\u{E007F}]+/gu;
const ODD_SPACE = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;
const CONFUSABLE =
  /[\u0430\u0435\u043E\u0440\u0441\u0443\u0445\u0455\u0456\u0458\u04BB\u0501\u051B\u051D\u0410\u0412\u0415\u041A\u041C\u041D\u041E\u0420\u0421\u0422\u0425\u0405\u0406\u0408\u03BF\u03B1\u03BD\u03C1\u03C4\u0391\u0392\u0395\u0396\u0397\u0399\u039A\u039C\u039D\u039F\u03A1\u03A4\u03A5\u03A7\u13A0-\u13F4]/u;
const WORD = /[\p{L}\p{N}_$]+/gu;
const LATIN = /[A-Za-z]/;
const NON_LATIN_LETTER = /[\u0370-\u03FF\u0400-\u052F\u13A0-\u13FF]/u;

/** Translation and locale files hold right-to-left text and its controls by design. */
export function isLocaleFile(path: string): boolean {
  return (
    /(^|\/)(locales?|i18n|l10n|lang|translations?)\/|\.(po|pot|mo|xliff|xlf|strings|stringsdict|arb|resx)$|(^|\/)messages[._-][a-z]{2}([_-][A-Z]{2})?\.\w+$/.test(
      path,
    ) || LANGUAGE_FOLDER_DATA.test(path)
  );
}
/** Data files in a folder named for a language (typescript/lib/ru/diagnosticMessages.generated.json). */
const LANGUAGE_FOLDER_DATA =
  /(^|\/)(?:ar|bg|cs|da|de|el|es|et|fa|fi|fr|he|hi|hr|hu|ja|ko|lt|lv|nb|nl|pl|pt|ro|ru|sk|sl|sr|sv|th|tr|uk|vi|zh)(?:[-_][A-Za-z]{2,4})?\/[^/]+\.(?:json|ya?ml|properties|ftl|toml|txt)$/;

const META = {
  'unicode.bidi-control': {
    title: 'Bidirectional control character in code',
    severity: 'critical',
    confidence: 'high',
    cwe: 'CWE-451',
    message:
      'A bidi override/isolate makes the code display in a different order from how it compiles (Trojan Source, CVE-2021-42574): reviewers see one program, the compiler another.',
    fix: 'Delete the control character; if right-to-left text is needed, keep it in a string with balanced isolates (or in a locale file).',
  },
  'unicode.escaped-bidi': {
    title: 'Escaped bidi control character',
    severity: 'low',
    confidence: 'medium',
    cwe: 'CWE-451',
    message:
      'A bidi control written as an escape produces a reordering character at run time (in generated code, logs or UI).',
    fix: 'Make sure the string cannot end up in source code or in text shown to reviewers; sanitisers that strip these are fine.',
  },
  'unicode.invisible': {
    title: 'Invisible character in code',
    severity: 'high',
    confidence: 'high',
    cwe: 'CWE-1007',
    message:
      'A zero-width or otherwise invisible character sits inside code: two identifiers that look the same are different, or text is hidden from review.',
    fix: 'Delete the invisible character.',
  },
  'unicode.variation-selector': {
    title: 'Hidden data in variation selectors',
    severity: 'critical',
    confidence: 'high',
    cwe: 'CWE-506',
    message:
      'Supplementary variation selectors (U+E0100–U+E01EF) render as nothing; strings of them carry hidden payloads (as in the GlassWorm attacks).',
    fix: 'Delete them and check what code decodes them.',
  },
  'unicode.tag-characters': {
    title: 'Invisible TAG characters hide text',
    severity: 'critical',
    confidence: 'high',
    cwe: 'CWE-451',
    message:
      'Unicode TAG characters (U+E0000–U+E007F) are invisible to people but read by models: hidden instructions (prompt injection) or data.',
    fix: 'Delete them; review the decoded text for instructions aimed at an AI agent.',
  },
  'unicode.homoglyph': {
    title: 'Identifier mixes scripts (homoglyph)',
    severity: 'high',
    confidence: 'medium',
    cwe: 'CWE-1007',
    message:
      'An identifier mixes Latin letters with look-alike Cyrillic/Greek/Cherokee letters, so it can impersonate another name (CVE-2021-42694).',
    fix: 'Spell the identifier in one script.',
  },
  'unicode.deceptive-space': {
    title: 'No-break or unusual space between code tokens',
    severity: 'medium',
    confidence: 'medium',
    cwe: 'CWE-1007',
    message:
      'A space look-alike joins code tokens: it can make an identifier look like two words or hide a token boundary.',
    fix: 'Replace it with an ordinary space.',
  },
} as const;

type Id = keyof typeof META;

const isAsciiWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);
const isCodeChar = (c: string | undefined) => c !== undefined && /[!-~]/.test(c);

const NON_ASCII = /[^\x00-\x7F]/;
/** NON_ASCII and ESCAPED_BIDI taking the rest of the line: one match per line (for SourceFile.matchingLines). */
const NON_ASCII_REST = /[^\x00-\x7F][^\n]*/g;
const ESCAPED_BIDI_REST = new RegExp(`(?:${ESCAPED_BIDI.source})[^\\n]*`, 'g');

export function analyzeUnicode(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const add = (id: Id, line: number, column: number, detail?: string) => {
    const m = META[id];
    out.push(
      finding(file, {
        ruleId: id,
        category: 'unicode',
        line,
        column,
        ...m,
        message: detail ? `${m.message} ${detail}` : m.message,
      }),
    );
  };
  const text = file.text;
  // Fast exit: pure ASCII files (the vast majority) have nothing here but escaped bidi.
  const ascii = !/[^\x00-\x7F]/.test(text);
  if (ascii && !/\\u\{?0*20[26]|\\x\{0*20[26]|&#x0*20[26]/.test(text)) return out;
  const locale = isLocaleFile(file.path);
  // Prose and translations are text for people: a joiner or a mixed-script word in them is writing,
  // not a disguised identifier (TAG characters and variation-selector payloads still count).
  const prose = (file.language === undefined && /\.(md|markdown|txt|rst|adoc|html?)$/i.test(file.path)) || locale;

  // Only lines with a non-ASCII character, or an escaped control, can hold a finding: the others
  // are not read.
  const nonAscii = ascii ? [] : file.matchingLines(NON_ASCII_REST);
  const escaped = locale ? [] : file.matchingLines(ESCAPED_BIDI_REST);
  const worth = escaped.length === 0 ? nonAscii : [...new Set([...nonAscii, ...escaped])].sort((a, b) => a - b);
  for (const i of worth) {
    const line = file.lines[i];
    const n = i + 1;
    if (line.length > 20000) continue;
    if (!ascii && NON_ASCII.test(line)) {
      // (controls only inside a character class that lists them, as a filter that strips them has, deceive no one)
      if (BIDI_ANY.test(line) && !locale && BIDI_ANY.test(line.replace(BIDI_SET, ''))) {
        const opens = line.match(BIDI_OPEN)?.length ?? 0;
        const closes = line.match(BIDI_CLOSE)?.length ?? 0;
        const hasOverride = /[\u202D\u202E]/.test(line);
        const legit = RTL_LETTER.test(line) && opens === closes && !hasOverride;
        if (!legit)
          add(
            'unicode.bidi-control',
            n,
            line.search(BIDI_ANY) + 1,
            `(${opens} opening, ${closes} closing controls on this line)`,
          );
      }
      for (const m of line.matchAll(INVISIBLE)) {
        const c = m[0];
        const prev = line[m.index - 1],
          next = line[m.index + c.length];
        if (c === '\uFEFF' && n === 1 && m.index === 0) continue; // byte-order mark
        if (c === '\uFE0F' && next === '\u20E3' && /[0-9#*]/.test(prev ?? '')) continue; // keycap emoji (1️⃣)
        if (c === '\u2800' && (/[\u2801-\u28FF]/.test(prev ?? '') || /[\u2801-\u28FF]/.test(next ?? ''))) continue; // blank cell in Braille art (spinners)
        const joiner = /[\u200C\u200D\uFE00-\uFE0F\u034F]/.test(c);
        // Emoji sequences and scripts that need joiners: the neighbours are non-ASCII.
        if (joiner && !(isAsciiWord(prev) && isAsciiWord(next)) && !(isAsciiWord(prev) && c >= '\uFE00')) continue;
        if (prose && !(isAsciiWord(prev) && isAsciiWord(next))) continue;
        add(
          'unicode.invisible',
          n,
          m.index + 1,
          `(U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`,
        );
        break;
      }
      if (EXT_VS.test(line)) add('unicode.variation-selector', n, line.search(EXT_VS) + 1);
      for (const m of line.matchAll(TAGS)) {
        // Flag emoji (U+1F3F4 + tag letters + CANCEL TAG) are the one legitimate use.
        const before = line.slice(Math.max(0, m.index - 2), m.index);
        if (before.includes('\u{1F3F4}') && m[0].endsWith('\u{E007F}') && [...m[0]].length <= 8) continue;
        const hidden = [...m[0]]
          .map((ch) => String.fromCodePoint(ch.codePointAt(0)! - 0xe0000))
          .join('')
          .replace(/[^\x20-\x7e]/g, '');
        add(
          'unicode.tag-characters',
          n,
          m.index + 1,
          hidden ? `Hidden text: "${hidden.slice(0, 80)}${hidden.length > 80 ? '…' : ''}"` : undefined,
        );
        break;
      }
      if (!prose) {
        for (const m of line.matchAll(WORD)) {
          const w = m[0];
          if (w.length < 2 || !NON_LATIN_LETTER.test(w)) continue;
          if (LATIN.test(w) && CONFUSABLE.test(w)) {
            add('unicode.homoglyph', n, m.index + 1, `("${w}")`);
            break;
          }
        }
        if (file.language !== undefined) {
          for (const m of line.matchAll(ODD_SPACE)) {
            if (
              isCodeChar(line[m.index - 1]) &&
              isCodeChar(line[m.index + 1]) &&
              !RTL_LETTER.test(line) &&
              !/[^\x00-\x7F\u00A0\u2000-\u200A\u202F\u205F\u3000]/.test(line)
            ) {
              add('unicode.deceptive-space', n, m.index + 1);
              break;
            }
          }
        }
      }
    }
    if (!locale && ESCAPED_BIDI.test(line)) add('unicode.escaped-bidi', n, line.search(ESCAPED_BIDI) + 1);
  }
  return out;
}
