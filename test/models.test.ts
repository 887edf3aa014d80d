// The static model-file analyzer: pickles of every protocol, obfuscations, containers, safetensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModelFile } from '../src/analyzers/models/index.ts';
import { analyzePickle, classifyGlobal } from '../src/analyzers/models/pickle.ts';

const dir = mkdtempSync(join(tmpdir(), 'warden-models-'));
const made = spawnSync('python3', [join(import.meta.dirname, 'helpers', 'make-pickles.py'), dir], { encoding: 'utf8' });
const scan = (name: string) => analyzeModelFile(join(dir, name), name);
const RANK = ['info', 'low', 'medium', 'high', 'critical'];
const top = (name: string) =>
  scan(name)
    .findings.map((f) => f.severity)
    .sort((a, b) => RANK.indexOf(b) - RANK.indexOf(a))[0] ?? 'none';

test(
  'os.system in a pickle is critical in every protocol, 0 to 5',
  { skip: made.status !== 0 && 'python3 missing' },
  () => {
    for (let p = 0; p <= 5; p++) {
      const r = scan(`os_system_p${p}.pkl`);
      assert.ok(
        r.findings.some(
          (f) =>
            f.ruleId === 'model.dangerous-global' && f.severity === 'critical' && /(posix|os)\.system/.test(f.snippet),
        ),
        `protocol ${p}: ${JSON.stringify(r)}`,
      );
    }
    assert.equal(top('benign.pkl'), 'none');
  },
);

test(
  'obfuscations are resolved: memo tricks, nested pickles, object arrays, zip checkpoints, truncation',
  { skip: made.status !== 0 && 'python3 missing' },
  () => {
    assert.match(scan('memo_trick.pkl').findings[0].snippet, /posix\.system/);
    assert.ok(scan('nested.pkl').findings.some((f) => /nested pickle/.test(f.message) && /system/.test(f.snippet)));
    assert.equal(top('objects.npy'), 'critical');
    assert.ok(
      scan('model.pt').findings.some((f) => f.snippet.startsWith('archive/data.pkl') && f.severity === 'critical'),
    );
    assert.ok(scan('traversal.zip').findings.some((f) => f.ruleId === 'archive.path-traversal'));
    // A cut-off stream still imports os.system before it fails: reported.
    assert.equal(top('truncated.pkl'), 'critical');
  },
);

test('an unresolvable STACK_GLOBAL, EXT codes and reflection gadgets are dangerous; checkpoint globals are safe', () => {
  // STACK_GLOBAL on a value computed by a call: module unknown.
  const r = analyzePickle(Buffer.from('\x80\x04\x8c\x03abc\x8c\x05upper\x93)R\x8c\x06system\x93.', 'latin1'));
  assert.ok(r.globals.some((g) => g.risk === 'dangerous' && g.module === '?'));
  assert.equal(analyzePickle(Buffer.from('\x80\x02\x82\x01).', 'latin1')).globals[0].risk, 'dangerous');
  for (const [m, n] of [
    ['builtins', 'getattr'],
    ['operator', 'attrgetter'],
    ['functools', 'partial'],
    ['pkgutil', 'resolve_name'],
    ['runpy', '_run_code'],
    ['webbrowser', 'open'],
    ['importlib', 'import_module'],
    ['torch.jit', 'load'],
    ['numpy.testing._private.utils', 'runstring'],
  ])
    assert.equal(classifyGlobal(m, n), 'dangerous', `${m}.${n}`);
  for (const [m, n] of [
    ['torch._utils', '_rebuild_tensor_v2'],
    ['collections', 'OrderedDict'],
    ['numpy.core.multiarray', '_reconstruct'],
    ['torch', 'FloatStorage'],
    ['_codecs', 'encode'],
  ])
    assert.equal(classifyGlobal(m, n), 'safe', `${m}.${n}`);
  assert.equal(classifyGlobal('mypkg.models', 'Net'), 'unknown');
});

test('safetensors: a valid header passes; overlap, bad sizes and trailing data are flagged', () => {
  const st = (header: object, data: number) => {
    const h = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(h.length));
    const p = join(dir, `t${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(p, Buffer.concat([len, h, Buffer.alloc(data)]));
    return analyzeModelFile(p, 'x.safetensors').findings;
  };
  assert.deepEqual(
    st({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, __metadata__: { format: 'pt' } }, 16),
    [],
  );
  assert.match(st({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, 40)[0].message, /trailing data/);
  assert.match(
    st(
      {
        a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
        b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
      },
      16,
    )[0].message,
    /overlaps/,
  );
  assert.match(st({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, 16)[0].message, /needs 12 bytes/);
});

test('malformed input is a clear result, never a crash', () => {
  for (const bytes of [
    Buffer.alloc(0),
    Buffer.from('PK\x03\x04garbage'),
    Buffer.from('\x80\x05\x95\xff\xff\xff\xff\xff\xff\xff\x7f', 'latin1'),
    Buffer.from('\x93NUMPY\x01\x00\xff\xff', 'latin1'),
    Buffer.from('(((((((((((((((((', 'latin1'),
    Buffer.from('\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1'),
  ]) {
    const p = join(dir, `m${Math.random().toString(36).slice(2)}.pkl`);
    writeFileSync(p, bytes);
    const r = analyzeModelFile(p, 'm.pkl');
    assert.ok(Array.isArray(r.findings) && Array.isArray(r.notes));
  }
  assert.ok(readFileSync(join(dir, 'benign.pkl')).length > 0);
});
