// The backdoor red-team corpus (test/fixtures/redteam-backdoors: 48 planted cases and 36 near misses in
// twelve languages, written apart from the project's corpus), scanned by the real scanner. The floors are
// the rates reached when it was written: a regression shows here, a gain raises them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCorpus, table } from '../scripts/redteam-backdoors.ts';

const results = runCorpus();
const bad = results.filter((r) => r.label === 'bad');
const good = results.filter((r) => r.label === 'good');

test('red-team backdoors: at least 48 planted cases and 36 near misses over twelve categories', () => {
  assert.ok(bad.length >= 48 && good.length >= 36, `${bad.length} bad, ${good.length} good`);
  assert.equal(new Set(bad.map((r) => r.category)).size, 12);
});

test('red-team backdoors: at least 41 of 48 planted cases flagged on a planted line (medium or above)', () => {
  const flagged = bad.filter((r) => r.flagged).length;
  assert.ok(flagged >= 41, `${flagged}/${bad.length}\n${table(results)}`);
});

test('red-team backdoors: at most 1 of 36 near misses flagged (any backdoor finding at medium or above)', () => {
  const flagged = good.filter((r) => r.flagged).length;
  assert.ok(flagged <= 1, `${flagged}/${good.length}: ${good.filter((r) => r.flagged).map((r) => r.path)}`);
});

test('red-team backdoors: the planted marker comment changes no result (scanned again with it blanked)', () => {
  assert.deepEqual(
    results.filter((r) => !r.sameUnmarked).map((r) => r.path),
    [],
  );
});

// Round 2 (session 18), set A: 48 planted cases and 36 near misses by another author, in realistic
// services, CLIs, providers and scripts; measured 13/48 before that round's fixes, 46/48 after.
const S18 = join(import.meta.dirname, 'fixtures', 'redteam-backdoors-s18', 'a');
const setA = runCorpus(S18);
const badA = setA.filter((r) => r.label === 'bad');
const goodA = setA.filter((r) => r.label === 'good');

test('red-team backdoors round 2 set A: 48 planted cases and 36 near misses over twelve categories', () => {
  assert.ok(badA.length >= 48 && goodA.length >= 36, `${badA.length} bad, ${goodA.length} good`);
  assert.equal(new Set(badA.map((r) => r.category)).size, 12);
});

test('red-team backdoors round 2 set A: at least 46 of 48 planted cases flagged on a planted line', () => {
  const flagged = badA.filter((r) => r.flagged).length;
  assert.ok(flagged >= 46, `${flagged}/${badA.length}\n${table(setA)}`);
});

test('red-team backdoors round 2 set A: no near miss flagged', () => {
  assert.deepEqual(
    goodA.filter((r) => r.flagged).map((r) => r.path),
    [],
  );
});

test('red-team backdoors round 2 set A: the planted marker comment changes no result', () => {
  assert.deepEqual(
    setA.filter((r) => !r.sameUnmarked).map((r) => r.path),
    [],
  );
});

// Set C (session 19), by a new author who read neither the analyzer nor the earlier sets, measured untouched:
// 7/24 planted cases, 1/24 near misses flagged. The session then fixed five mechanisms it missed (a context
// argument shifting a helper's parameters; a setting zeroed by a time trigger before a delete; a certificate
// callback saying yes to one kind of error; unverified claims returned by a helper the failure handler
// calls; a script fetched by curl run as a program, then given to a shell): 12/24, tuned; 15/24 after
// session 20 (a runner spelled in a list of codes or pieces, twice; a digest kept on the line after its name).
const setC = runCorpus(join(import.meta.dirname, 'fixtures', 'redteam-backdoors-s19', 'c'));

test('red-team backdoors set C (untouched 7/24; mechanisms fixed since): at least 15 of 24 planted cases, at most 1 of 24 near misses', () => {
  const bad = setC.filter((r) => r.label === 'bad');
  const good = setC.filter((r) => r.label === 'good');
  assert.ok(bad.length >= 24 && good.length >= 24, `${bad.length} bad, ${good.length} good`);
  assert.ok(bad.filter((r) => r.flagged).length >= 15, table(setC));
  assert.ok(good.filter((r) => r.flagged).length <= 1, table(setC));
});

/**
 * A held-out set tuned since it was measured: at least `bad` planted cases flagged on a planted line, at most
 * `good` near misses flagged, and the marker comment changing no result.
 */
function heldOut(name: string, dir: string[], sizes: [number, number], bad: number, good: number): void {
  const set = runCorpus(join(import.meta.dirname, 'fixtures', ...dir));
  test(`red-team backdoors ${name}: at least ${bad} of ${sizes[0]} planted cases, at most ${good} near misses`, () => {
    const b = set.filter((r) => r.label === 'bad');
    const g = set.filter((r) => r.label === 'good');
    assert.ok(b.length >= sizes[0] && g.length >= sizes[1], `${b.length} bad, ${g.length} good`);
    assert.ok(b.filter((r) => r.flagged).length >= bad, table(set));
    assert.ok(g.filter((r) => r.flagged).length <= good, `${g.filter((r) => r.flagged).map((r) => r.path)}`);
    assert.deepEqual(
      set.filter((r) => !r.sameUnmarked).map((r) => r.path),
      [],
    );
  });
}

// Set D (session 20), by a new author asked for a careful insider's plants (spread over helpers, conditions
// that read as business logic, effects in tables and default arguments), measured untouched: 9/36 planted
// cases, 1/24 near misses. The session then fixed the mechanisms it missed (digests of a credential kept
// in a table, every permission handed out behind a sentinel id, a moment worked out as a value, a verifier
// whose decorator says yes on failure, code run from a URL inside a string, credential files sent to a
// constant's host, commands in hex or base64 literals, a runner among dispatch receivers, IVs derived in a
// helper, DNS labels carrying data, shell helpers and account loops, runtime installs from a written
// registry, transformed files sourced; an admin entry planted in a store; a date table defaulting to a wipe;
// a key folded to its first bytes; a settings handler running its value): 29/36, 0/24, tuned.
heldOut('set D (untouched 9/36)', ['redteam-backdoors-s20', 'd'], [36, 24], 30, 0);

// Set E (session 20), by a fresh author writing as different attackers, measured untouched after the fixes
// from sets C and D: 9/24 planted cases, 1/24 near misses. Fixed since (tuned): credential files sent by
// libcurl to a #define's host, secrets hex-encoded into DNS names from a shell pipeline, a response read and
// exec-ed in setup.py, a credential handed to a helper under another name, public routes as routing, time
// bombs that zero a setting read elsewhere or move a cutoff forward, a trust manager that only logs, a key's
// tail zeroed, an IV copied from the salt: 16/24, 0/24.
heldOut('set E (untouched 9/24)', ['redteam-backdoors-s20', 'e'], [24, 24], 16, 0);

// Set F (session 21), by a seventh author asked for what an agent writes: long clean modules with the harm
// nestled in a secondary helper, values computed rather than written. Measured untouched: 5/24 planted cases,
// 2/24 near misses. Fixed since (tuned): constants written out before the checks read them (dates in hex with
// separators or built by shifts, characters or bytes spelled in a list, pieces joined, Ruby's const_get), a
// hashed value compared with a constant, a principal returned from the token itself, C++ methods defined
// outside their class, a package manager's source switched by the code, key files picked by their names and
// sent, request bodies in log fields, the whole environment packed to be sent; a PIN only as a word and a
// stored hash's scheme marker (the two false alarms); a verifier's early yes read through the helper its condition calls: 14/24, 0/24.
heldOut('set F (untouched 5/24)', ['redteam-backdoors-s21', 'f'], [24, 24], 14, 0);

// Set G (session 22), by an eighth author asked for application code inside a web framework, the harm in the
// framework's own machinery (middleware, ORM hooks, jobs, DI, build plugins). Measured untouched: 7/24 planted
// cases, 2/24 near misses. Fixed since (tuned): a key id or any chosen value that switches a token's signature
// check off, every record of a table rewritten behind a date, a retention cutoff moved by a date and returned to
// the purge, one named account's absence wiping the database, a secret put in the logging context, a request's
// body logged as a field, a package index over http or with its checks off; a helper's error messages and a
// value's format strings no longer read as compared literals, a URL constant named like a DSN no longer a
// secret, and libsodium's `!= 0` verify test (its failure test) no longer a finding (the two false alarms); then
// credentials handed to a helper of the file that sends them, a signature verified only when sent, and a
// literal account answered under a condition by an account resolver, and a presented key's hash compared with a
// digest written in the code in an authenticating function: 18/24, 0/24.
heldOut('set G (untouched 7/24)', ['redteam-backdoors-s22', 'g'], [24, 24], 18, 0);

// Set H (session 23), by a ninth author asked for the tools, agents and pipelines a company installs and runs
// (CLIs, operators, deploy scripts, ETL jobs, backup agents, exporters, SDK clients, daemons). Measured untouched:
// 4/24 planted cases, 0/24 near misses. Fixed since (tuned): a signature or checksum failure a script swallows,
// certificate checks dropped by a flag a TLS failure sets, an account with a password hash written in the code,
// a random-looking value that leaves before the token or password check (directly or through a predicate),
// backups emptied or their prune counts zeroed behind a date, a query widened to every row behind a hashed value,
// a key from a generator seeded with a record's ids, a passphrase cut short by the shell, a downloaded library
// loaded or a downloaded script run by a build script, DNS names packed with data where they are made, a setting
// read by a secret's key logged, money routed to a constant holding an IBAN or to a literal account key: 21/24.
heldOut('set H (untouched 4/24)', ['redteam-backdoors-s23', 'h'], [24, 24], 21, 0);
