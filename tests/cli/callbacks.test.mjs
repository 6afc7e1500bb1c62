// Hostile and broken sign-in answers. Each must exit non-zero with one sentence, change
// nothing (no account, no token request, the pending sign-in still waiting) and the genuine
// answer must still complete the sign-in afterwards.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  DEEP_LINK, TEST_REDIRECT, accounts, addProvider, cli, completeLogin, fails, killAll, loginResult, newHome, ok, paramOf,
  reliability, retarget, startLogin, startProvider, withParams,
} from './harness.mjs';

let op; // behind the proxy: token requests are counted
let op2; // a second, unrelated provider (different issuer)

before(async () => {
  [op, op2] = await Promise.all([startProvider({ proxy: true }), startProvider({ proxy: true })]);
});
after(async () => { killAll(); await Promise.all([op?.close(), op2?.close()]); });

function pendingFiles(home) {
  return fs.readdirSync(path.join(home, 'pending')).sort();
}

/** A home with provider `local` (deep link) and one sign-in waiting, with its genuine answer. */
async function pendingLogin({ login = 'alice', provider = 'local', extra = [], issuer = op.issuer, home = newHome() } = {}) {
  if (!fs.existsSync(path.join(home, 'providers.json')) || !fs.readFileSync(path.join(home, 'providers.json'), 'utf8').includes(`"${provider}"`)) {
    await addProvider(home, provider, issuer, extra);
  }
  const started = await startLogin(home, provider);
  const genuine = await completeLogin(started.url, { login });
  return { home, started, genuine };
}

/**
 * Feeds `url` to `authdeck callback` and checks that it was refused without effect: one
 * sentence, no account, no token request, the sign-in still pending.
 */
async function refused(home, url, { started, message, counted = [op], report } = {}) {
  const accountsBefore = await accounts(home);
  const pendingBefore = pendingFiles(home);
  for (const o of counted) o.proxy.resetCounts();
  const r = await fails(['callback', url], { home });
  assert.equal(r.stdout, '', 'nothing on stdout');
  if (message) assert.match(r.stderr, message);
  for (const o of counted) assert.equal(o.proxy.counts()['/token'], undefined, 'no token request was made');
  assert.deepEqual(await accounts(home), accountsBefore, 'accounts unchanged');
  assert.deepEqual(pendingFiles(home), pendingBefore, 'pending sign-ins unchanged');
  if (started) assert.equal(started.proc.exitCode, null, 'the waiting login is still waiting');
  if (report) {
    reliability({
      area: 'Hostile or broken sign-in answers',
      name: report,
      sees: r.stderr,
      asserts: 'exit 1, one sentence; no token request; accounts and pending sign-ins unchanged'
        + (started ? '; the waiting login keeps waiting and the genuine answer still completes it' : ''),
      test: `tests/cli/callbacks.test.mjs: ${testName}`,
    });
  }
  return r;
}

let testName = '';
function named(name, fn) {
  test(name, async (t) => {
    testName = name;
    await fn(t);
  });
}

/** The genuine answer still completes the sign-in. */
async function completes(home, started, genuine, user = 'alice') {
  await ok(['callback', genuine], { home });
  const id = loginResult(await started.done, started.url);
  const list = await accounts(home);
  assert.ok(list.some((a) => a.id === id && a.subject === user), `account ${id} for ${user} saved`);
  return id;
}

// ------------------------------------------------------------------ tests

named('unknown state', async () => {
  const { home, started, genuine } = await pendingLogin();
  await refused(home, withParams(genuine, { state: 'x'.repeat(43) }), { started, message: /sign-in in progress|start/i, report: 'Unknown state' });
  await refused(home, withParams(genuine, { state: '' }), { started });
  await refused(home, withParams(genuine, { state: null }), { started });
  await completes(home, started, genuine);
});

named('replay after success: refused, and the code is not exchanged again', async () => {
  const { home, started, genuine } = await pendingLogin();
  const id = await completes(home, started, genuine);
  const r = await refused(home, genuine, { message: /already used/i, report: 'Replay of an answer that already succeeded' });
  assert.ok(!r.stderr.includes(paramOf(genuine, 'code')));
  // A second exchange of the code would make the provider revoke the grant.
  await ok(['refresh', id], { home });
});

named('missing code, empty code', async () => {
  const { home, started, genuine } = await pendingLogin();
  await refused(home, withParams(genuine, { code: null }), { started, message: /code/i, report: 'Missing code' });
  await refused(home, withParams(genuine, { code: '' }), { started });
  await completes(home, started, genuine);
});

named('access_denied from the real provider consumes the sign-in; the waiting login fails plainly', async () => {
  const { home, started } = await pendingLogin();
  const denied = await completeLogin(started.url, { deny: true });
  assert.equal(paramOf(denied, 'error'), 'access_denied');
  op.proxy.resetCounts();
  const r = await fails(['callback', denied], { home });
  assert.match(r.stderr, /cancel|denied/i);
  const login = await started.done;
  assert.notEqual(login.code, 0, 'login exits non-zero');
  const lines = login.stderr.split('\n').filter(Boolean);
  assert.ok(lines.length >= 2, login.stderr);
  assert.match(lines.at(-1), /cancel|denied/i, 'the last stderr line says the sign-in was cancelled');
  assert.ok(!/access_denied|<|panicked/.test(lines.at(-1)), `plain message: ${lines.at(-1)}`);
  assert.equal(login.stdout.split('\n').filter(Boolean).length, 1, 'login printed only the URL');
  assert.equal(op.proxy.counts()['/token'], undefined);
  assert.deepEqual(await accounts(home), []);
  assert.ok(!pendingFiles(home).some((f) => f.endsWith('.json')), 'no sign-in pending any more');
  reliability({
    area: 'Hostile or broken sign-in answers',
    name: 'error=access_denied (the user cancelled at the provider)',
    sees: r.stderr,
    asserts: 'exit 1, one sentence; the sign-in is consumed and the waiting login ends with the same plain message; no token request, no account',
    test: `tests/cli/callbacks.test.mjs: ${testName}`,
  });
  // The same answer again is now "already used".
  await refused(home, denied, { message: /already used/i });
});

named('access_denied pasted on standard input ends the login', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const started = await startLogin(home, 'local', { stdinPipe: true });
  const denied = await completeLogin(started.url, { deny: true });
  started.write(`${denied}\n`);
  const login = await started.done;
  assert.notEqual(login.code, 0);
  assert.match(login.stderr.split('\n').filter(Boolean).at(-1), /cancel|denied/i);
  assert.deepEqual(await accounts(home), []);
});

named('mismatched or missing iss', async () => {
  const { home, started, genuine } = await pendingLogin();
  await refused(home, withParams(genuine, { iss: 'https://evil.example' }), { started, message: /provider/i, report: 'Mismatched iss (RFC 9207)' });
  await refused(home, withParams(genuine, { iss: op2.issuer }), { started });
  await refused(home, withParams(genuine, { iss: `${op.issuer}/other` }), { started });
  await refused(home, withParams(genuine, { iss: null }), { started, report: 'Missing iss from a provider that advertises it' }); // the provider advertises iss
  // A forged "denied" answer (right state, wrong iss) must not cancel the sign-in either.
  await refused(home, withParams(genuine, { code: null, error: 'access_denied', iss: 'https://evil.example' }), { started });
  await completes(home, started, genuine);
});

named('another provider error (server_error with an HTML description) consumes the sign-in; plain message', async () => {
  const { home, started, genuine } = await pendingLogin();
  const answer = withParams(genuine, {
    code: null, error: 'server_error', error_description: '<script>alert(1)</script>\nPlease <b>retry</b>',
  });
  const r = await fails(['callback', answer], { home });
  assert.match(r.stderr, /provider/i);
  const login = await started.done;
  assert.notEqual(login.code, 0);
  const last = login.stderr.split('\n').filter(Boolean).at(-1);
  assert.ok(!last.includes('<'), `plain message from the waiting login: ${last}`);
  assert.deepEqual(await accounts(home), []);
  await refused(home, genuine, { message: /already used/i });
});

named('an answer for provider B delivered to provider A\'s redirect (and back) is refused', async () => {
  const home = newHome();
  await addProvider(home, 'deep', op.issuer);
  await addProvider(home, 'test', op.issuer, ['--redirect-uri', TEST_REDIRECT]);
  const a = await startLogin(home, 'deep');
  const b = await startLogin(home, 'test');
  const genuineA = await completeLogin(a.url, { login: 'alice' });
  const genuineB = await completeLogin(b.url, { login: 'bob' });
  assert.ok(genuineA.startsWith(`${DEEP_LINK}?`) && genuineB.startsWith(`${TEST_REDIRECT}?`));
  await refused(home, retarget(genuineB, DEEP_LINK), { started: a, message: /address/i, report: "Provider B's answer delivered to provider A's redirect" });
  await refused(home, retarget(genuineA, TEST_REDIRECT), { started: b });
  await refused(home, retarget(genuineA, 'evil.app:/oauth/callback'), { started: a });
  await refused(home, retarget(genuineA, 'dev.authdeck.app:/oauth/other'), { started: a });
  await refused(home, retarget(genuineA, 'http://127.0.0.1:9/callback'), { started: a });
  assert.equal(b.proc.exitCode, null);
  await completes(home, a, genuineA, 'alice');
  await completes(home, b, genuineB, 'bob');
});

named('same redirect, two issuers: a tampered iss or a swapped state is refused', async () => {
  const home = newHome();
  await addProvider(home, 'one', op.issuer);
  await addProvider(home, 'two', op2.issuer);
  const one = await startLogin(home, 'one');
  const two = await startLogin(home, 'two');
  const genuineOne = await completeLogin(one.url, { login: 'alice' });
  const genuineTwo = await completeLogin(two.url, { login: 'bob' });
  const counted = [op, op2];
  // Provider two's answer (its code and iss) carrying sign-in one's state.
  await refused(home, withParams(genuineTwo, { state: paramOf(genuineOne, 'state') }), { started: one, counted, report: "Provider A's answer carrying provider B's state" });
  // Sign-in two's state with provider one's iss and code.
  await refused(home, withParams(genuineOne, { state: paramOf(genuineTwo, 'state') }), { started: two, counted });
  // Provider one's answer claiming to come from provider two.
  await refused(home, withParams(genuineOne, { iss: op2.issuer }), { started: one, counted });
  await completes(home, one, genuineOne, 'alice');
  await completes(home, two, genuineTwo, 'bob');
  assert.equal((await accounts(home)).length, 2);
});

named('a loopback sign-in answered at another port or path is refused', async () => {
  const home = newHome();
  await addProvider(home, 'loop', op.issuer, ['--loopback']);
  const started = await startLogin(home, 'loop');
  const genuine = await completeLogin(started.url, { login: 'alice' });
  const port = Number(new URL(genuine).port);
  await refused(home, genuine.replace(`:${port}/`, `:${port === 65535 ? port - 1 : port + 1}/`), { started });
  await refused(home, genuine.replace('/callback?', '/callback2?'), { started, report: 'Loopback answer at the wrong path or port' });
  await refused(home, retarget(genuine, DEEP_LINK), { started });
  // The genuine answer through `authdeck callback` (not the listener) also completes it.
  await completes(home, started, genuine);
});

named('providers with their own loopback paths (RFC 9700 §4.4.2) do not take each other\'s answers', async () => {
  const home = newHome();
  await addProvider(home, 'work', op.issuer, ['--redirect-uri', 'http://127.0.0.1/callback/work']);
  await addProvider(home, 'home', op.issuer, ['--redirect-uri', 'http://127.0.0.1/callback/home']);
  const work = await startLogin(home, 'work');
  const homeLogin = await startLogin(home, 'home');
  for (const [started, path] of [[work, '/callback/work'], [homeLogin, '/callback/home']]) {
    assert.equal(new URL(new URL(started.url).searchParams.get('redirect_uri')).pathname, path);
  }
  const genuineWork = await completeLogin(work.url, { login: 'alice' });
  const genuineHome = await completeLogin(homeLogin.url, { login: 'bob' });
  assert.equal(new URL(genuineWork).pathname, '/callback/work');
  // Work's answer carried to home's path (same port), and home's to work's.
  await refused(home, genuineWork.replace('/callback/work?', '/callback/home?'), { started: work, report: "One provider's loopback answer at another provider's path" });
  await refused(home, genuineHome.replace('/callback/home?', '/callback/work?'), { started: homeLogin });
  await completes(home, work, genuineWork, 'alice');
  await completes(home, homeLogin, genuineHome, 'bob');
  assert.equal((await accounts(home)).length, 2);
});

named('an oversized answer (> 8 KiB) is refused', async () => {
  const { home, started, genuine } = await pendingLogin();
  const r = await refused(home, `${genuine}&pad=${'x'.repeat(9000)}`, { started, message: /long/i, report: 'Oversized answer (> 8 KiB)' });
  assert.ok(r.stderr.length < 400);
  await completes(home, started, genuine);
});

named('malformed answers', async () => {
  const { home, started, genuine } = await pendingLogin();
  const state = paramOf(genuine, 'state');
  const code = paramOf(genuine, 'code');
  const bad = [
    'not a url',
    '',
    ' ',
    DEEP_LINK,
    `${DEEP_LINK}?`,
    `${genuine}&state=${encodeURIComponent(state)}`, // duplicated state (same value)
    `${genuine}&state=other`,
    `${genuine}&code=${encodeURIComponent(code)}`, // duplicated code
    `${genuine}&code=other`,
    `${genuine}&iss=${encodeURIComponent(op.issuer)}`, // duplicated iss
    genuine.replace('?', '#'), // answer in the fragment
  ];
  for (const [i, url] of bad.entries()) {
    const report = { 0: 'Malformed address', 5: 'Duplicated state or code parameter' }[i];
    const r = await refused(home, url, { started, report });
    assert.ok(!r.stderr.includes(code), `the message does not echo the code (${JSON.stringify(url.slice(0, 40))})`);
  }
  await completes(home, started, genuine);
});

named('a deep link with no sign-in pending changes nothing', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const iss = encodeURIComponent(op.issuer);
  await refused(home, `${DEEP_LINK}?code=abcdefghijklmnopqrstuvwxyz&state=${'s'.repeat(43)}&iss=${iss}`, { message: /sign-in in progress|start/i, report: 'A deep link while no sign-in is pending' });
  await refused(home, `${DEEP_LINK}?error=access_denied&state=${'s'.repeat(43)}&iss=${iss}`);
  assert.deepEqual(pendingFiles(home), []);
  assert.deepEqual(await accounts(home), []);
});

named('an expired pending sign-in is refused without being consumed', async () => {
  const { home, started, genuine } = await pendingLogin();
  const files = pendingFiles(home).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1, `one pending sign-in: ${files}`);
  const file = path.join(home, 'pending', files[0]);
  const original = fs.readFileSync(file, 'utf8');
  const pending = JSON.parse(original);
  assert.ok(pending.expires_at, 'pending file has expires_at');
  assert.ok(!original.includes(paramOf(started.url, 'state')), 'the pending file does not hold the state itself');
  const expiresIn = Date.parse(pending.expires_at) - Date.now();
  assert.ok(expiresIn > 9 * 60_000 && expiresIn <= 10 * 60_000, `pending sign-ins expire after 10 minutes (${expiresIn} ms)`);
  fs.writeFileSync(file, JSON.stringify({ ...pending, expires_at: new Date(Date.now() - 1000).toISOString() }));
  await refused(home, genuine, { started, message: /expired/i, report: 'Expired pending sign-in (over 10 minutes)' });
  // Restore it: the refusal changed nothing, so the genuine answer still works.
  fs.writeFileSync(file, original);
  await completes(home, started, genuine);
});

named('two processes deliver the same genuine answer at once: exactly one wins, one code exchange', async () => {
  const { home, started, genuine } = await pendingLogin();
  op.proxy.resetCounts();
  const results = await Promise.all([1, 2, 3].map(() => cli(['callback', genuine], { home })));
  const winners = results.filter((r) => r.code === 0);
  assert.equal(winners.length, 1, `one winner: ${results.map((r) => `${r.code} ${r.stderr.trim()}`).join(' | ')}`);
  for (const r of results.filter((x) => x.code !== 0)) assert.match(r.stderr, /already used/i);
  assert.equal(op.proxy.counts()['/token'], 1, 'the code was exchanged once');
  const id = loginResult(await started.done, started.url);
  await ok(['refresh', id], { home });
});
