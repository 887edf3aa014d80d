// Runs inside a `warden run` sandbox, before the agent: the sandbox has loopback only, so this
// relays 127.0.0.1:PORT to Warden's Unix sockets bound into it (the egress proxy, the gateway),
// then runs the agent and exits with its status. Plain Node, no dependencies: it starts in the
// sandbox's own Node before anything else.
//   node relay.mjs PORT=SOCKET... -- AGENT [ARGS...]
import { createServer, connect } from 'node:net';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const sep = args.indexOf('--');
const pairs = args.slice(0, sep).map((p) => p.split('='));
const argv = args.slice(sep + 1);

function relay(port, socket) {
  const server = createServer((c) => {
    c.pause();
    c.on('error', () => c.destroy());
    // Warden's sockets appear a few milliseconds after the agent starts: wait for them (5 s).
    const attempt = (left) => {
      const up = connect(socket);
      up.once('connect', () => {
        up.on('error', () => c.destroy());
        c.on('close', () => up.destroy());
        c.pipe(up).pipe(c);
        c.resume();
      });
      up.once('error', (e) => {
        if (left > 0 && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED')) setTimeout(() => attempt(left - 1), 10);
        else c.destroy();
      });
    };
    attempt(500);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', () => resolve(server));
  });
}

try {
  await Promise.all(pairs.map(([port, socket]) => relay(port, socket)));
} catch (e) {
  process.stderr.write(`warden run: the sandbox relay could not listen (${e.message})\n`);
  process.exit(125);
}
const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
child.on('error', (e) => {
  process.stderr.write(`warden run: cannot start ${argv[0]} (${e.code ?? e.message})\n`);
  process.exit(127);
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? osSignal(signal) : 0)));

function osSignal(name) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[name] ?? 1;
}
