// Times commands the way an agent runs hooks: a new process per call, the payload on stdin, from a
// small process of its own. (Timed from the benchmark runner itself, every spawn would also pay
// for copying that runner's large address space, a few milliseconds that belong to neither Warden
// nor the agent.) Input: a JSON file {runs: [{name, cmd: [file, ...args], input}], n, env?}.
// Output on stdout: JSON {name: [ms...], 'spawn /bin/true': [ms...]}.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const env = job.env ?? process.env;
const time = (cmd, input) => {
  const t = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { input, env, stdio: ['pipe', 'ignore', 'ignore'] });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${cmd.join(' ')} failed (exit ${r.status})`);
  return ms;
};
const out = { 'spawn /bin/true': [] };
// One warm-up call each, then n rounds; within a round the commands alternate, so all of them
// see the same moments of a noisy machine.
for (const r of job.runs) {
  out[r.name] = [];
  time(r.cmd, r.input);
}
for (let i = 0; i < job.n; i++) {
  for (const r of job.runs) out[r.name].push(time(r.cmd, r.input));
  out['spawn /bin/true'].push(time(['/bin/true'], ''));
}
process.stdout.write(JSON.stringify(out));
