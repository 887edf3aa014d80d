/**
 * Shells run as programs (`bash x.sh`, `sh -c …`, `bash -i`): interactive shells, scripts outside
 * the workspace, downloaded earlier or only known at run time, and shell languages Warden does not
 * parse. A shell is judged completely here: this check ends the judging of the command (what the
 * shell runs is parsed and judged as commands of its own).
 */
import { check, DONE } from './registry.ts';
import { fedByPipe, PARSED_SHELLS } from '../parse.ts';
import { SHELLS } from '../tables.ts';

check({
  id: 'shells.shell',
  phase: 'start',
  names: SHELLS,
  ends: true,
  run(x) {
    const { c, name, args, pt } = x;
    const { downloaded } = x.line;
    if (SHELLS.has(name)) {
      const hasC = args.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
      if (hasC && !PARSED_SHELLS.has(name))
        x.report('shells.unparsed', {
          capability: 'unknown',
          detail: `${name} -c runs code in a shell language Warden does not parse`,
        });
      const script = args.find((a) => !a.startsWith('-') && a !== '+o' && a !== '+e');
      const fed = fedByPipe(c);
      const heredoc = c.redirects.some((r) => r.heredoc !== undefined || r.op === '<' || r.op === '<<<');
      if (!hasC && !fed && !heredoc && (!script || (args.some((a) => /^-[a-zA-Z]*[ip][a-zA-Z]*$/.test(a)) && !script)))
        x.report('shells.interactive', {
          capability: 'interactive-shell',
          detail: `starts an interactive ${name}${args.some((a) => /p/.test(a) && a.startsWith('-')) ? ' keeping privileges (-p)' : ''}`,
        });
      if (args.some((a) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(a)))
        x.report('shells.interactive-flag', {
          capability: 'interactive-shell',
          detail: `starts an interactive ${name} (-i)`,
        });
      if (!hasC && !fed && args.some((a, i) => !a.startsWith('-') && x.isDynamic(i)))
        x.report('shells.script-path-dynamic', {
          capability: 'unknown',
          detail: `${name} runs a script whose path is only known at run time`,
        });
      if (script && !hasC && downloaded.has(pt.abs(script)))
        x.report('shells.downloaded-script', {
          capability: 'download-exec',
          detail: `runs ${script}, which this command line downloaded`,
          paths: [pt.abs(script)],
        });
      if (script && !hasC && !script.startsWith('/dev/fd/') && pt.outside(script) && !downloaded.has(pt.abs(script)))
        x.report('shells.script-outside', {
          capability: 'read-outside',
          detail: `runs the script ${script}, outside the workspace`,
          paths: [script],
        });
      if (script === '/dev/fd/63' || script === '/dev/stdin')
        x.report('shells.runs-output', {
          capability: 'unknown',
          detail: `${name} runs the output of another command`,
        });
      return DONE;
    }
  },
});
