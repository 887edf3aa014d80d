// Starts hook calls all at once, the way an agent runs parallel tool calls, from a small process
// of its own (spawned from the large benchmark runner, each fork would copy its address space and
// delay the calls by seconds, which belongs to neither Warden nor the agent). Each call's time runs
// from its spawn to the close of its pipes.
// Input: a JSON file {cmd: [file, ...args], inputs: [payload file, ...], env}.
// Output on stdout: JSON [{code, ms, out, err}] in input order (out and err cut to 2,000 characters).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const inputs = job.inputs.map((f) => readFileSync(f));
const call = (input) =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(job.cmd[0], job.cmd.slice(1), { env: job.env });
    let out = '',
      err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.stdin.on('error', () => {}); // a capped input is not read to its end
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, ms: performance.now() - t0, out: out.slice(0, 2000), err: err.slice(0, 2000) });
    });
    child.stdin.end(input);
  });
process.stdout.write(JSON.stringify(await Promise.all(inputs.map(call))));
