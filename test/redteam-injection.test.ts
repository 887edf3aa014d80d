/**
 * The red-team cases of issue 22 (test/fixtures/redteam-injection, written apart from the project's
 * corpus) as floors: the rates reached, read as scripts/redteam-injection.ts and eval read them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { judgeCase, loadCases, tally } from '../scripts/redteam-injection.ts';

const results = loadCases().map((c) => judgeCase(c));
const { total, groups, onLine } = tally(results);

test('red-team: at least 97% of 109 bad cases flagged at medium or above, 93% on a line holding the injection', () => {
  assert.ok(total.bad >= 109, `${total.bad} bad cases`);
  const missed = results.filter((r) => r.case.label === 'bad' && !r.findings.length).map((r) => r.case.file);
  assert.ok(total.badFlagged / total.bad >= 0.97, `missed: ${missed.join(', ')}`);
  assert.ok(onLine / total.bad >= 0.93, `on a planted line ${onLine}/${total.bad}`);
});

test('red-team: none of 85 good near misses (human installers, agent guides, security writing, i18n) flagged', () => {
  assert.ok(total.good >= 85, `${total.good} good cases`);
  const flagged = results
    .filter((r) => r.case.label === 'good' && r.findings.length)
    .map((r) => `${r.case.file}:${r.findings[0].line} ${r.findings[0].ruleId}`);
  assert.deepEqual(flagged, []);
});

test('red-team: every channel, technique and goal with bad cases is flagged at 75% or more', () => {
  const low = [...groups]
    .filter(([k, t]) => !k.startsWith('set ') && t.bad > 0 && t.badFlagged / t.bad < 0.75)
    .map(([k, t]) => `${k} ${t.badFlagged}/${t.bad}`);
  assert.deepEqual(low, []);
});

// Round 2 (session 18): set A was written before this round's fixes (53/75 bad, 2/52 good untouched)
// and the mechanisms were fixed against it; set B was written after them by another author and
// measured untouched (27/44 bad, 1/32 good), never tuned against: its floor only keeps it from dropping.
// Set C, by a third author after every fix of the round (speed included), likewise: 19/30 bad, 0/20 good
// (20/30 since session 22: a general mechanism made for set G reached one of its misses).
const S18 = join(import.meta.dirname, 'fixtures/redteam-injection-s18');
const s18 = (set: string) => {
  const dir = join(S18, set);
  const results = loadCases(dir).map((c) => judgeCase(c, dir));
  return { results, ...tally(results) };
};
const missedOf = (results: ReturnType<typeof s18>['results']) =>
  results.filter((r) => r.case.label === 'bad' && !r.findings.length).map((r) => r.case.file);
const falseOf = (results: ReturnType<typeof s18>['results']) =>
  results
    .filter((r) => r.case.label === 'good' && r.findings.length)
    .map((r) => `${r.case.file}:${r.findings[0].line}`);

/** A set measured untouched, then tuned against: its floor of bad cases flagged, and no near miss flagged. */
function tunedSet(name: string, folder: string, [bad, good]: [number, number], floor: number): void {
  test(`red-team ${name}: at least ${floor} of ${bad} bad flagged, none of ${good} near misses`, () => {
    const dir = join(import.meta.dirname, 'fixtures', folder);
    const results = loadCases(dir).map((c) => judgeCase(c, dir));
    const total = tally(results).total;
    assert.ok(total.bad >= bad && total.good >= good, `${total.bad} bad, ${total.good} good`);
    assert.ok(total.badFlagged >= floor, `flagged ${total.badFlagged}; missed: ${missedOf(results).join(', ')}`);
    assert.deepEqual(falseOf(results), []);
  });
}

test('red-team s18 set A: at least 97% of 75 bad cases flagged (on a planted line), none of 52 near misses', () => {
  const { results, total, onLine } = s18('a');
  assert.ok(total.bad >= 75 && total.good >= 50, `${total.bad} bad, ${total.good} good`);
  assert.ok(total.badFlagged / total.bad >= 0.97, `missed: ${missedOf(results).join(', ')}`);
  assert.ok(onLine / total.bad >= 0.95, `on a planted line ${onLine}/${total.bad}`);
  assert.deepEqual(falseOf(results), []);
});

test('red-team s18 set A: every channel, technique and goal with bad cases is flagged at 75% or more', () => {
  const low = [...s18('a').groups]
    .filter(([k, t]) => !k.startsWith('set ') && t.bad > 0 && t.badFlagged / t.bad < 0.75)
    .map(([k, t]) => `${k} ${t.badFlagged}/${t.bad}`);
  assert.deepEqual(low, []);
});

test('red-team s18 set B (held out until session 19 fixed mechanisms it shares): at least 30 of 44 bad flagged, at most 1 of 32 near misses', () => {
  const { results, total } = s18('b');
  assert.ok(total.bad >= 40 && total.good >= 30, `${total.bad} bad, ${total.good} good`);
  assert.ok(total.badFlagged >= 30, `flagged ${total.badFlagged}; missed: ${missedOf(results).join(', ')}`);
  assert.ok(total.goodFlagged <= 1, `near misses flagged: ${falseOf(results).join(', ')}`);
});

test('red-team s18 set C (held out, never tuned): at least 19 of 30 bad flagged, none of 20 near misses', () => {
  const { results, total } = s18('c');
  assert.ok(total.bad >= 30 && total.good >= 20, `${total.bad} bad, ${total.good} good`);
  assert.ok(total.badFlagged >= 19, `flagged ${total.badFlagged}; missed: ${missedOf(results).join(', ')}`);
  assert.deepEqual(falseOf(results), []);
});

// Set D (session 19), by a fourth author who read neither the analyzer nor the earlier sets: 28/40 bad and
// 0/28 good untouched; the session then fixed the mechanisms it missed (37/40), so it is tuned now and its
// floor holds that (test/fixtures/redteam-injection-s19/README.md).
tunedSet('s19 set D', 'redteam-injection-s19/d', [40, 28], 38);

// Set E (session 20), by a fifth author asked for injections buried mid-file, never saying "AI", in 16
// languages: 20/40 bad and 0/28 good untouched; the session then fixed the mechanisms it missed (addresses
// to tools and bots in other languages, duties and prohibitions there, a secret file uploaded with curl -F,
// an image URL carrying a secret's name, a note that points to a step elsewhere): 40/40, tuned now
// (test/fixtures/redteam-injection-s20/README.md).
tunedSet('s20 set E', 'redteam-injection-s20/e', [40, 28], 40);

// Set F (session 21), by a sixth author asked for what tools hand back (MCP results and tool descriptions,
// search results, API JSON, notebooks, CI logs, SQL tables, CSV, chat and mail exports, kubectl, SVG), a
// quarter of it in other languages: 20/40 bad and 0/28 good untouched; the session then fixed the mechanisms
// it missed (an order to act behind the person's back, whoever acts on the text, the user's turn faked in
// data, SVG's hiding attributes, percent-encoded text, a sentence cut into numbered fields): 37/40, tuned
// now (test/fixtures/redteam-injection-s21/README.md).
tunedSet('s21 set F', 'redteam-injection-s21/f', [40, 28], 37);

// Set G (session 22), by a seventh author asked for what an agent runs into while fixing a failing build
// (compiler, linter and test output, git log and diffs, review and bot comments, HTTP error bodies, help and
// man pages, lockfiles, fetched docs, library source), a quarter in other scripts: 25/40 bad and 0/28 good
// untouched; the session then fixed the mechanisms it missed (acting unasked said as "don't stop to ask me",
// "without waiting for approval", "a PR is not needed"; a user's label with how it came, a system message
// labelled in other languages; CI jobs let fail, alerts dismissed, coverage gates emptied; infrastructure
// torn down; a link parameter to decode; a stand-in named before its link; an install written as a command, as
// tool output writes it): 36/40, tuned now (test/fixtures/redteam-injection-s22/README.md).
tunedSet('s22 set G', 'redteam-injection-s22/g', [40, 28], 36);

// Set H (session 23), by an eighth author asked for what an agent reads through its tools and the company's data
// (tickets, chat exports, emails and invites, query results, CSV headers, API fields, alerts, crash reports, MCP
// tool descriptions), a quarter in other scripts: 18/40 bad and 0/28 good untouched; the session then fixed the
// mechanisms it missed (whoever reads the data named by what it does with it; a tool's caller; a system label in
// a table's cell; a reply with a file's contents, data copied to an address, a key passed in a parameter; hiding
// said in the passive and in more languages; a security guard removed so it does not block; lines written
// backwards, ROT13 on its own line, URL-encoded text; Thai, Hebrew and Arabic orders): 36/40, tuned now
// (test/fixtures/redteam-injection-s23/README.md).
tunedSet('s23 set H', 'redteam-injection-s23/h', [40, 28], 36);
