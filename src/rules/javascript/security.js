const child_process = require('child_process');
const crypto = require('crypto');
const fs = require('fs');

function run(dir, cb) {
  // ruleid: js.child-process-injection
  child_process.exec('ls ' + dir, cb);
  // ruleid: js.child-process-injection
  child_process.spawn(`tar -xf ${dir}`, { shell: true });
  // ok: js.child-process-injection
  child_process.execFile('ls', [dir], cb);
  // ok: js.child-process-injection
  child_process.exec('git status', cb);
}

function code(expr, body) {
  // ruleid: js.eval-injection
  eval(expr);
  // ruleid: js.eval-injection
  const f = new Function('a', 'b', body);
  // ok: js.eval-injection
  setTimeout(() => f(1, 2), 10);
  // ruleid: js.eval-injection
  setTimeout("refresh('" + panelId + "')", 100);
  // ok: js.eval-injection
  setTimeout(finish, 0);
  // ok: js.eval-injection
  eval('1 + 1');
}

function dom(el, user) {
  // ruleid: js.xss-dom-sink
  el.innerHTML = '<b>' + user + '</b>';
  // ok: js.xss-dom-sink
  el.innerHTML = DOMPurify.sanitize(user);
  // ok: js.xss-dom-sink
  el.textContent = user;
  // ruleid: js.xss-dom-sink
  document.write(user);
}

async function sql(db, id) {
  // ruleid: js.sql-injection
  await db.query(`SELECT * FROM users WHERE id = ${id}`);
  // ruleid: js.sql-injection
  await db.query("DELETE FROM t WHERE name = '" + id + "'");
  // ok: js.sql-injection
  await db.query('SELECT * FROM users WHERE id = ?', [id]);
}

app.get('/file', (req, res) => {
  // ruleid: js.path-traversal
  const body = fs.readFileSync('/srv/files/' + req.query.name);
  // ok: js.path-traversal
  const safe = fs.readFileSync('/srv/files/' + path.basename(req.query.name));
  // ruleid: js.open-redirect
  res.redirect(req.query.next);
  // ok: js.open-redirect
  res.redirect('/home');
});

app.get('/proxy', async (req, res) => {
  // ruleid: js.ssrf
  const r = await fetch(req.query.url);
  // ok: js.ssrf
  const s = await fetch('https://api.example.com/health');
  // ruleid: js.nosql-injection
  const u = await Users.findOne({ name: req.body.name, password: req.body.password });
  // ok: js.nosql-injection
  const v = await Users.findOne({ name: String(req.body.name) });
  res.send(r, s, u, v);
});

function loadPlugin(name) {
  // ruleid: js.dynamic-require
  return require('./plugins/' + name);
}
// ok: js.dynamic-require
const path = require('path');

function ids() {
  // ruleid: js.weak-random
  const jitter = Math.random() * 100;
  // ruleid: js.weak-random
  const salt = crypto.pseudoRandomBytes(16);
  // ruleid: js.buffer-noassert
  const first = packet.readUInt32BE(offset, true);
  // ruleid: js.buffer-noassert
  packet.writeUInt16LE(value, offset, true);
  // ok: js.buffer-noassert
  const second = packet.readUInt32BE(offset);
  // ruleid: js.weak-random, js.weak-random-secret
  const resetToken = Math.random().toString(36).slice(2);
  // ok: js.weak-random, js.weak-random-secret
  const sessionId = crypto.randomUUID();
  return [jitter, resetToken, sessionId];
}

function hashes(data, password, key) {
  // ruleid: js.weak-hash
  crypto.createHash('md5').update(data).digest('hex');
  // ok: js.weak-hash
  crypto.createHash('sha256').update(data).digest('hex');
  // ruleid: js.weak-hash
  crypto.createCipheriv('des-ede3-cbc', key, iv);
  // ruleid: js.deprecated-create-cipher
  crypto.createCipher('aes-256-cbc', key);
  // ok: js.deprecated-create-cipher
  crypto.createCipheriv('aes-256-gcm', key, iv);
  // ruleid: js.fast-hash-for-password
  crypto.createHash('sha256').update(password).digest('hex');
  // ok: js.fast-hash-for-password
  crypto.createHash('sha256').update(data).digest('hex');
}

const agent = new https.Agent({
  // ruleid: js.tls-verification-disabled
  rejectUnauthorized: false,
});
// ok: js.tls-verification-disabled
const agent2 = new https.Agent({ rejectUnauthorized: true });

function messaging(frame, payload) {
  // ruleid: js.postmessage-any-origin
  frame.contentWindow.postMessage(payload, '*');
  // ok: js.postmessage-any-origin
  frame.contentWindow.postMessage(payload, 'https://app.example.com');
  // ruleid: js.message-origin-not-checked
  window.addEventListener('message', (e) => { run(e.data.cmd); });
  // ok: js.message-origin-not-checked
  window.addEventListener('message', (e) => { if (e.origin !== 'https://app.example.com') return; run(e.data.cmd); });
}

function matcher(pattern, text) {
  // ruleid: js.regexp-injection
  const re = new RegExp('^' + pattern);
  // ok: js.regexp-injection
  const fixed = new RegExp('^[a-z]+$');
  return re.test(text) && fixed.test(text);
}

function buffers(n, s) {
  // ruleid: js.unsafe-buffer
  const a = new Buffer(n);
  // ok: js.unsafe-buffer
  const b = Buffer.from(s);
  return [a, b];
}

function query(doc, name) {
  // ruleid: js.xpath-injection
  return xpath.select(`//user[@name='${name}']`, doc);
}
// ok: js.xpath-injection
const all = xpath.select('//user', doc);

function tokens(jwt, token, key) {
  // ruleid: js.jwt-none-algorithm
  jwt.verify(token, key, { algorithms: ['HS256', 'none'] });
  // ok: js.jwt-none-algorithm
  jwt.verify(token, key, { algorithms: ['HS256'] });
}

function check(provided, token) {
  // ruleid: js.timing-unsafe-compare
  if (provided === token) return true;
  // ok: js.timing-unsafe-compare
  if (token === undefined) return false;
  // ruleid: js.timing-unsafe-compare
  if (user.password !== password) return false;
}

function login(user, password) {
  // ruleid: js.secret-in-log
  console.log('login', user, password);
  // ok: js.secret-in-log
  console.log('login', user);
}

// Queries held in variables, JWT decoding, constant IVs, short RSA keys.
const jwt = require('jsonwebtoken');
function findUser(db, username, password, token, key, xpath, doc) {
  const query = `SELECT info FROM users WHERE name = '${username}' AND pw = '${password}'`;
  // ruleid: js.sql-injection
  db.get(query, (err, row) => row);
  const safe = 'SELECT info FROM users WHERE name = ? AND pw = ?';
  // ok: js.sql-injection
  db.get(safe, [username, password], (err, row) => row);
  const xq = `//student[username="${username}"]`;
  // ruleid: js.xpath-injection
  xpath.select(xq, doc);
  // ok: js.xpath-injection
  xpath.select('//student', doc);
  // ruleid: js.jwt-decode-unverified
  const claims = jwt.decode(token, { complete: true });
  // ok: js.jwt-decode-unverified
  const verified = jwt.verify(token, key, { algorithms: ['HS256'] });
  return [claims, verified];
}
// A query held in a variable and run inside a promise executor (the function around the call).
function findOrder(db, id) {
  const sql = `SELECT * FROM orders WHERE id = ${id}`;
  return new Promise((resolve) => {
    // ruleid: js.sql-injection
    db.all(sql, (err, rows) => resolve(rows));
  });
}
// A cache lookup by a variable that no enclosing function declares as a query.
function cached(cache, key) {
  const label = `Update ${key}`;
  // ok: js.sql-injection
  return cache.get(key) ?? label;
}
function encrypt(crypto, key, data) {
  const iv = Buffer.alloc(16, 0);
  // ruleid: js.static-iv
  const c1 = crypto.createCipheriv('aes-128-cbc', key, iv);
  const iv2 = crypto.randomBytes(16);
  // ok: js.static-iv
  const c2 = crypto.createCipheriv('aes-128-cbc', key, iv2);
  const salt = Buffer.from('d61086db351ee47cfb490d90e6e61e72', 'hex');
  // ruleid: js.constant-salt
  const h1 = crypto.pbkdf2Sync(password, salt, 600000, 32, 'sha256');
  // ruleid: js.constant-salt
  const h2 = crypto.scryptSync(password, 'static-salt', 32);
  const fresh = crypto.randomBytes(16);
  // ok: js.constant-salt
  const h3 = crypto.pbkdf2Sync(password, fresh, 600000, 32, 'sha256');
  // ruleid: js.weak-rsa-key
  const weak = new NodeRSA({ b: 1024 });
  // ok: js.weak-rsa-key
  const strong = new NodeRSA({ b: 2048 });
  return [c1, c2, weak, strong, data];
}

function readFromDir(fs, path, filename, dirPath) {
  // ruleid: js.path-join-parameter
  const abs = path.resolve(dirPath, filename);
  return fs.readFileSync(abs, 'utf8');
}
function readFromDirChecked(fs, path, filename, dirPath) {
  // ok: js.path-join-parameter
  const abs = path.resolve(dirPath, filename);
  if (!abs.startsWith(path.resolve(dirPath) + path.sep)) return '';
  return fs.readFileSync(abs, 'utf8');
}

function storeHeader(header, key, value) {
  // ruleid: js.header-injection
  header[key] = value;
  return header;
}
function storeHeaderClean(header, key, value) {
  const clean = value.replace(/[\r\n]/g, '');
  // ok: js.header-injection
  header[key] = clean;
  return header;
}

function redirectTarget(target, domain) {
  const u = new URL(target);
  // ruleid: js.host-substring-check
  if (u.hostname.includes(domain)) return target;
  // ok: js.host-substring-check
  if (u.hostname === domain || u.hostname.endsWith(`.${domain}`)) return target;
  return `https://${domain}`;
}
function encryptFilled(crypto, key) {
  const iv = Buffer.alloc(16);
  crypto.randomFillSync(iv);
  // ok: js.static-iv
  return crypto.createCipheriv('aes-128-cbc', key, iv);
}

function evalRequest(req, vm, engine) {
  // ruleid: js.eval-injection
  eval(req.body.code);
  // ruleid: js.eval-injection
  vm.runInNewContext(req.body.code, {});
  // ok: js.eval-injection
  setTimeout(engine.tick, 50);
}

function pages(app, escapeHtml) {
  app.get('/hi', (req, res) => {
    // ruleid: js.xss-response
    res.send('<h1>Hello ' + req.query.name + '</h1>');
  });
  app.get('/hi2', (req, res) => {
    // ruleid: js.xss-response
    res.write(`<p>${req.params.id}</p>`);
    // ok: js.xss-response
    res.end(`<p>${escapeHtml(String(count))}</p>`);
  });
  app.get('/json', (req, res) => {
    // ok: js.xss-response
    res.send({ name: req.query.name });
  });
}

function sessions(app, makeSession) {
  app.post('/login', (req, res) => {
    // ruleid: js.cookie-insecure
    res.cookie('sid', makeSession(req.body.user));
    // ruleid: js.cookie-insecure
    res.cookie('sid', makeSession(req.body.user), { httpOnly: false });
    // ok: js.cookie-insecure
    res.cookie('sid', makeSession(req.body.user), { httpOnly: true, secure: true, sameSite: 'lax' });
    res.end();
  });
}

function corsSetup(app, cors) {
  // ruleid: js.cors-any-origin-credentials
  app.use(cors({ origin: true, credentials: true }));
  // ok: js.cors-any-origin-credentials
  app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
}

function settings(app, _, config) {
  app.post('/cfg', (req, res) => {
    // ruleid: js.prototype-pollution-merge
    _.merge(config, req.body);
    // ok: js.prototype-pollution-merge
    _.merge(config, { theme: req.body.theme === 'dark' ? 'dark' : 'light' });
    res.end();
  });
}

function restore(req) {
  const serialize = require('node-serialize');
  // ok: js.unsafe-deserialization
  const saved = serialize.serialize({ at: Date.now() });
  // ruleid: js.unsafe-deserialization
  return [saved, serialize.unserialize(req.body.data)];
}

function tokens(jwt, user) {
  // ruleid: js.jwt-hardcoded-secret
  const t = jwt.sign({ sub: user.id }, 'super-secret-key', { expiresIn: '1h' });
  // ok: js.jwt-hardcoded-secret
  return jwt.verify(t, process.env.JWT_SECRET);
}

app.get('/download', (req, res) => {
  const name = req.query.file;
  const folder = `${req.params.folder}/`;
  // ruleid: js.path-from-request-variable
  fs.readFile('/srv/files/' + name, (err, data) => res.send(data));
  // ruleid: js.path-from-request-variable
  const list = fs.readdirSync(folder);
  const base = path.basename(name);
  // ok: js.path-from-request-variable
  fs.readFile('/srv/files/' + base, (err, data) => res.send(data));
  // ok: js.path-from-request-variable
  fs.readFile('/srv/files/index.html', (err, data) => res.send(data));
  res.json(list);
});

app.post('/save', (req, res) => {
  const { dest, body } = req.body;
  const { dir: where } = req.params;
  // ruleid: js.path-from-request-variable
  fs.writeFileSync(dest, body);
  // ruleid: js.path-from-request-variable
  fs.mkdirSync(where) || fs.writeFileSync(where + '/x', body);
  // ok: js.path-from-request-variable
  fs.writeFileSync('/srv/data/out.txt', body);
});

function readTemplate(templateName) {
  // ok: js.path-from-request-variable
  return fs.readFileSync(templateName, 'utf8');
}

function renderComment(comment, $list) {
  // ruleid: js.jquery-html-injection
  $('#comment').html('<p>' + comment.body + '</p>');
  // ruleid: js.jquery-html-injection
  $('#preview').html(comment.html);
  // ruleid: js.jquery-html-injection
  jQuery('.list').append(`<li>${comment.author}</li>`);
  // ok: js.jquery-html-injection
  $('#comment').html('<p>Loading…</p>');
  // ok: js.jquery-html-injection
  $('#comment').html(DOMPurify.sanitize(comment.html));
  // ok: js.jquery-html-injection
  $('#comment').text(comment.body);
  // ok: js.jquery-html-injection
  $('#list').append($list);
}

function validators(input) {
  // ruleid: js.redos-nested-quantifier
  const word = /^(\w+)+$/;
  // ruleid: js.redos-nested-quantifier
  const spaced = /^([a-z0-9]*)*@example\.com$/i;
  // ruleid: js.redos-nested-quantifier, js.regexp-injection
  const fromString = new RegExp('^(a+)+$' + input);
  // ok: js.redos-nested-quantifier
  const safeWord = /^\w+$/;
  // ok: js.redos-nested-quantifier
  const pairs = /^(ab)+(\d+)-(\d+)$/;
  // ok: js.redos-nested-quantifier
  const fixed = new RegExp('^(\\d+)-(\\d{2})$');
  return [word, spaced, fromString, safeWord, pairs, fixed].some((r) => r.test(input));
}

async function report(payload, xhr) {
  // ruleid: js.cleartext-http-request
  await fetch('http://metrics.example.com/collect', { method: 'POST', body: JSON.stringify(payload) });
  // ruleid: js.cleartext-http-request
  await axios.post(`http://api.example.com/v1/users/${payload.id}`, payload);
  // ruleid: js.cleartext-http-request
  xhr.open('POST', 'http://localhostexample.com/log');
  // ok: js.cleartext-http-request
  await fetch('https://metrics.example.com/collect', { method: 'POST', body: JSON.stringify(payload) });
  // ok: js.cleartext-http-request
  await fetch('http://localhost:8080/health');
  // ok: js.cleartext-http-request
  await fetch('http://127.0.0.1:9229/json');
  // ok: js.cleartext-http-request
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  return svg;
}

function frame(socket, size) {
  // ruleid: js.unsafe-buffer, js.unsafe-buffer-exposed
  const header = Buffer.allocUnsafe(size);
  socket.write(header);
}

function frameFilled(socket, size, payload) {
  // ruleid: js.unsafe-buffer
  // ok: js.unsafe-buffer-exposed
  const header = Buffer.allocUnsafe(size);
  header.fill(0);
  socket.write(header);
  // ruleid: js.unsafe-buffer
  // ok: js.unsafe-buffer-exposed
  const body = Buffer.allocUnsafe(payload.length);
  payload.copy(body);
  socket.write(body);
  // ok: js.unsafe-buffer-exposed
  const zeroed = Buffer.alloc(size);
  socket.write(zeroed);
}

app.get('/search', (req, res) => {
  const { q } = req.query;
  const plugin = req.params.plugin;
  // ruleid: js.regexp-injection, js.regexp-from-request
  const re = new RegExp(q, 'i');
  // ruleid: js.regexp-injection, js.regexp-from-request
  const direct = RegExp('^' + req.query.prefix);
  // ok: js.regexp-from-request
  const escaped = new RegExp(escapeRegExp(q));
  // ok: js.regexp-from-request
  const fixed = /^[a-z]+$/;
  // ruleid: js.dynamic-require, js.require-from-request
  const mod = require('./plugins/' + plugin);
  // ok: js.require-from-request
  const known = require('./plugins/index.js');
  res.json([re, direct, escaped, fixed, mod, known].length);
});

function loadTheme(name) {
  // ruleid: js.dynamic-require
  // ok: js.require-from-request
  return require('./themes/' + name);
}

// A payload kept in a declaration file, which the code rules do not read, and loaded as a module.
function loadHidden() {
  // ruleid: js.declaration-file-loaded
  const hidden = require('./lib/types.d.ts');
  // ruleid: js.declaration-file-loaded
  import(`./vendor/index.d.mts`).then((m) => m.start());
  // ok: js.declaration-file-loaded
  const types = require('./lib/types.js');
  // ok: js.declaration-file-loaded
  const docs = fs.readFileSync('./lib/types.d.ts', 'utf8');
  return [hidden, types, docs];
}
