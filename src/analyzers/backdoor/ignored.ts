/**
 * A check that runs but whose failure is let through (issue 21, item 2, in the tools and scripts that
 * install and fetch things), language-general:
 *   backdoor.verify-ignored    a signature or checksum verification whose failure the script swallows
 *                              (`gpg --verify … || true`, `sha256sum -c … || echo "…continuing"`)
 *   backdoor.insecure-retry    certificate checks switched off by a flag that an error handler sets (a TLS
 *                              failure's: `rescue OpenSSL::SSL::SSLError; relaxed = true; retry`, or any)
 * A verification whose failure exits, returns, raises or dies, and a TLS setting read from configuration,
 * are not findings. Fixtures: src/analyzers/fixtures/backdoor.verify-ignored.sh, backdoor.insecure-retry.rb
 */
import type { Finding } from '../../engine/types.ts';
import type { SourceFile } from '../source.ts';
import { oncePerLine } from './vocabulary.ts';
import { occurs, prefilterProvider } from '../literals.ts';

/** A command that verifies a signature or a checksum. */
const VERIFY_COMMAND =
  /\b(?:gpg2?\b[^|;&\n]*\s--verify\b|gpgv\b|sha(?:1|224|256|384|512)sum\b[^|;&\n]*\s(?:-c|--check)\b|shasum\b[^|;&\n]*\s(?:-c|--check)\b|md5sum\b[^|;&\n]*\s(?:-c|--check)\b|cosign\s+verify(?:-blob|-attestation)?\b|minisign\b[^|;&\n]*\s-V\b|signify\b[^|;&\n]*\s-C\b|rpm\s+(?:-K|--checksig)\b|openssl\s+dgst\b[^|;&\n]*\s-verify\b|slsa-verifier\s+verify)/;
/** What a failure branch does that refuses: leaves, fails or raises. */
const REFUSES = /\b(?:exit|return|die|fail|fatal|abort|panic|false|raise|throw|error_exit|bail)\b|\bkill\b/;

/**
 * The failure branch after `||` on the verifying line, to the line's end (a group's braces or a subshell's
 * parentheses hold the whole branch: `|| { echo bad; exit 1; }`); undefined when there is none, or when the
 * work goes on only after success (`verify && install || echo failed`: nothing is installed on failure).
 */
function failureBranch(line: string, from: number): string | undefined {
  const at = line.indexOf('||', from);
  if (at < 0 || line.slice(from, at).includes('&&')) return undefined;
  return line.slice(at + 2);
}

/** A verification whose failure is swallowed: `|| true`, `|| :`, `|| echo …`, `|| log "…continuing"`. */
function swallowed(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 1000 || /^\s*#/.test(l)) continue;
    const m = VERIFY_COMMAND.exec(l);
    // (a command quoted in a message or a note is not run: `echo "verify with sha256sum -c …"`)
    if (!m || /^(?:[^"']|"[^"]*"|'[^']*')*["']/.test(l.slice(0, m.index))) continue;
    const branch = failureBranch(l, m.index);
    // (`if ! sha256sum -c …; then warn; fi`: the block after it, up to its `fi`)
    const negated = /^\s*(?:if|elif)\s+!\s/.test(l.slice(0, m.index + 1)) || /\bif\s+!\s*$/.test(l.slice(0, m.index));
    let handled: string | undefined = branch;
    if (handled === undefined && negated) {
      const block: string[] = [];
      for (let k = i; k < Math.min(lines.length, i + 12); k++) {
        block.push(k === i ? l.slice(m.index) : lines[k]);
        if (/^\s*(?:fi|else|elif)\b/.test(lines[k]) && k > i) break;
      }
      handled = block.join('\n');
    }
    if (handled === undefined || REFUSES.test(handled.replace(/(["'])(?:(?!\1).)*\1/g, ''))) continue;
    add(
      i,
      'backdoor.verify-ignored',
      'Signature or checksum failure ignored',
      'high',
      'The script verifies a signature or a checksum and goes on when the check fails (the failure is swallowed, logged or echoed): a tampered or substituted download is installed as if it had passed.',
    );
  }
}

/** Certificate checks off, in any of the usual spellings. */
const TLS_OFF =
  /\bVERIFY_NONE\b|\bverify\s*=\s*False\b|\bCERT_NONE\b|\b(?:InsecureSkipVerify|insecureSkipVerify)\s*[:=]\s*true\b|\brejectUnauthorized\s*[:=]\s*false\b|\bdanger_accept_invalid_certs\s*\(\s*true|\bCURLOPT_SSL_VERIFYPEER\s*,\s*(?:0|false)\b|\bServerCertificateCustomValidationCallback\b|\bverify_ssl\s*[:=]\s*(?:false|False)\b/;
/** An error handler (a TLS failure's, or any: retrying without the checks after any error is no better). */
const HANDLER = /^\s*(?:\}\s*)?(?:rescue|except|catch)\b/;
/** A name set to true: `relaxed = true`, `self.insecure = True`, `let mut lax = true`. */
const SET_TRUE = /^\s*(?:(?:let|var|mut)\s+)*(?:self\.|this\.|@)?([A-Za-z_]\w*)\s*=\s*(?:true|True|TRUE)\b/;

/** Certificate checks switched off by a flag that an error handler turns on. */
function insecureRetry(file: SourceFile, add: ReturnType<typeof oncePerLine>): void {
  const lines = file.lines;
  const flags = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    if (!HANDLER.test(lines[i])) continue;
    // (the handler's first lines: a flag set there is what the failure changes)
    for (let k = i + 1; k < Math.min(lines.length, i + 8); k++) {
      const m = SET_TRUE.exec(lines[k]);
      if (m) flags.set(m[1], k);
      if (/^\s*(?:end|}|rescue|except|catch|else|ensure|finally)\b/.test(lines[k])) break;
    }
  }
  if (!flags.size) return;
  for (let i = 0; i < lines.length; i++) {
    if (!TLS_OFF.test(lines[i])) continue;
    // (the flag guards it: on its line, `… if relaxed`, or in the test opening its block just above)
    const around = lines.slice(Math.max(0, i - 3), i + 1).join('\n');
    for (const [name, set] of flags) {
      const flag = `(?:self\\.|this\\.|@)?${name}\\b`;
      // (`if relaxed`, `… if lax else …`, `&& lax`; or the flag first: `lax && new Agent({ rejectUnauthorized: false })`)
      const guarded = new RegExp(`(?:\\b(?:if|unless|when)|&&|\\?)\\s*\\(?\\s*!?\\s*${flag}|\\b${flag}\\s*(?:&&|\\?)`);
      if (!guarded.test(around)) continue;
      const why =
        'Certificate verification is switched off by a flag that an error handler sets: a server that fails the check (an interceptor, a forged certificate) gets a second, unchecked connection.';
      add(i, 'backdoor.insecure-retry', 'Certificate checks dropped after a TLS failure', 'high', why);
      add(set, 'backdoor.insecure-retry', 'Certificate checks dropped after a TLS failure', 'high', why);
    }
  }
}

const HINT = /--verify|gpgv|sum\b|cosign|minisign|signify|checksig|dgst|slsa-verifier/;
const TLS_HINT =
  /VERIFY_NONE|verify|CERT_NONE|nsecureSkipVerify|rejectUnauthorized|danger_accept|SSL_VERIFYPEER|Validation/;

export function analyzeIgnored(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  const cwe = (id: string) => (id === 'backdoor.verify-ignored' ? 'CWE-347' : 'CWE-295');
  const ignoredAt = oncePerLine(file, out, cwe, 'Stop when the verification fails (`|| exit 1`).', seen);
  const retryAt = oncePerLine(
    file,
    out,
    cwe,
    'Treat a TLS failure as a refusal; trust a private CA by adding it to the trust store.',
    seen,
  );
  if (occurs(HINT, file.text) && VERIFY_COMMAND.test(file.text)) swallowed(file, ignoredAt);
  if (occurs(TLS_HINT, file.text) && TLS_OFF.test(file.text)) insecureRetry(file, retryAt);
  return out;
}

prefilterProvider(() => [HINT, TLS_HINT]);
