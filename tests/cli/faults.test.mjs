// A provider that misbehaves: every fault on the token endpoint must give one plain sentence,
// leave the stored tokens usable, never be retried once the request may have reached the
// provider, and only `invalid_grant` may mark the account "reconnect needed".

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  SecretCollector, account, accounts, addProvider, assertOneSentence, cli, completeLogin, connect, fails, killAll,
  newHome, ok, reliability,
  startLogin, startProvider,
} from './harness.mjs';

const ENV = { AUTHDECK_HTTP_TIMEOUT_SECS: '2' };

let op;

before(async () => { op = await startProvider({ proxy: true }); });
after(async () => { killAll(); await op?.close(); });

async function secrets() {
  const c = new SecretCollector();
  await c.addFromProxy(op.proxy);
  return c;
}

async function assertNoSecret(text, what) {
  const found = (await secrets()).findIn(text);
  assert.deepEqual(found, [], `${what} contains a secret`);
}

const tokenCount = () => op.proxy.counts()['/token'] ?? 0;

// reached: how many requests the token endpoint must see (exactly): 1 when the request
// reached the server (it must not be retried), 0 when the connection was refused.
const FAULTS = [];
for (const status of [500, 502, 503, 429]) {
  for (const [body, words] of [['json', 'a JSON body'], ['html', 'an HTML page'], ['empty', 'an empty body']]) {
    FAULTS.push({
      name: `HTTP ${status} with ${words}`, spec: { mode: 'status', status, body }, reached: 1, message: new RegExp(`${status}`),
    });
  }
}
FAULTS.push(
  {
    name: 'HTTP 503 with Retry-After: 1', spec: { mode: 'status', status: 503, body: 'json', retryAfter: 1 }, reached: 1, message: /503/,
  },
  { name: 'malformed JSON', spec: { mode: 'malformed' }, reached: 1 },
  { name: 'an answer without access_token', spec: { mode: 'no_access_token' }, reached: 1 },
  { name: 'an HTML page with status 200', spec: { mode: 'html200' }, reached: 1 },
  {
    name: 'a hanging token endpoint (timeout 2 s)', spec: { mode: 'hang' }, reached: 1, message: /in time/i, minMs: 1800, maxMs: 8000,
  },
  { name: 'a connection reset after the request was sent', spec: { mode: 'reset' }, reached: 1 },
  {
    name: 'the provider down (connection refused)', spec: { mode: 'down' }, reached: 0, message: /connect/i,
  },
  {
    name: 'oauth_error invalid_client (401)', spec: { mode: 'oauth_error', status: 401, error: 'invalid_client' }, reached: 1, message: /client/i,
  },
  {
    name: 'oauth_error invalid_request (400) with a hostile description',
    spec: { mode: 'oauth_error', status: 400, error: 'invalid_request', error_description: 'Try\nagain \u001b[31mlater\r\nplease' },
    reached: 1,
  },
  {
    name: 'oauth_error with an HTML description',
    spec: { mode: 'oauth_error', status: 400, error: 'invalid_request', error_description: '<html><body><h1>Bad</h1></body></html>' },
    reached: 1,
  },
  {
    name: 'oauth_error temporarily_unavailable (503 JSON)', spec: { mode: 'oauth_error', status: 503, error: 'temporarily_unavailable' }, reached: 1,
  },
);

for (const fault of FAULTS) {
  test(`refresh on ${fault.name}: one sentence, tokens intact, no retry`, async () => {
    await op.proxy.reset();
    const home = newHome();
    await addProvider(home, 'local', op.issuer);
    const alice = await connect(home, 'local', op, { login: 'alice' });
    const tokenBefore = (await ok(['token', alice], { home })).stdout;
    op.proxy.resetCounts();
    op.proxy.fault(fault.spec);

    const r = await fails(['refresh', alice], { home, env: ENV });
    assert.equal(r.stdout, '');
    if (fault.message) assert.match(r.stderr, fault.message);
    assert.ok(!/reconnect|connect (it|the account) again|sign-in has ended/i.test(r.stderr), `not a reconnect message: ${r.stderr}`);
    if (fault.minMs) assert.ok(r.ms >= fault.minMs, `gave up after ${r.ms} ms, before the timeout`);
    assert.ok(r.ms < (fault.maxMs ?? 6000), `took ${r.ms} ms`);
    await assertNoSecret(r.stdout + r.stderr, 'the output');
    assert.equal(tokenCount(), fault.reached, `token endpoint requests for ${fault.name}`);

    await op.proxy.reset();
    const a = await account(home, alice);
    assert.equal(a.status, 'valid', 'status unchanged (not needs_reconnect)');
    assert.equal(a.has_refresh_token, true);
    assert.equal((await ok(['token', alice], { home })).stdout, tokenBefore, 'the stored access token is intact');

    op.proxy.resetCounts();
    await ok(['refresh', alice], { home, env: ENV });
    assert.equal(tokenCount(), 1, 'the stored refresh token still works (one request)');
    const healed = await account(home, alice);
    assert.equal(healed.status, 'valid');
    assert.equal(healed.last_error, null, 'a successful refresh clears the last error');
    reliability({
      area: 'Provider faults during refresh',
      name: fault.name,
      sees: r.stderr,
      asserts: `exit 1, one sentence, no secret; ${fault.reached === 1 ? 'exactly 1 token request (no retry)' : 'no request reached the provider'}; stored tokens intact and usable; status stays valid`,
      test: `tests/cli/faults.test.mjs: refresh on ${fault.name}`,
    });
  });
}

test('invalid_grant: needs_reconnect, "connect again", no further requests; signing in again fixes it', async () => {
  await op.proxy.reset();
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const alice = await connect(home, 'local', op, { login: 'alice' });
  const bob = await connect(home, 'local', op, { login: 'bob' });
  op.proxy.resetCounts();
  op.proxy.fault({ mode: 'oauth_error', error: 'invalid_grant', error_description: 'grant request is invalid' });
  const r = await fails(['refresh', bob], { home, env: ENV });
  assert.match(r.stderr, /connect/i);
  assert.ok(!r.stderr.includes('grant request is invalid') || /connect/i.test(r.stderr));
  assert.equal(tokenCount(), 1);
  await op.proxy.reset();

  const list = await accounts(home);
  assert.equal(list.find((a) => a.id === bob).status, 'needs_reconnect');
  assert.equal(list.find((a) => a.id === alice).status, 'valid', 'other accounts are not affected');

  op.proxy.resetCounts();
  const again = await fails(['refresh', bob], { home, env: ENV });
  assert.match(again.stderr, /connect/i);
  const tok = await fails(['token', bob], { home, env: ENV });
  assert.match(tok.stderr, /connect/i);
  assert.equal(tok.stdout, '');
  assert.equal(tokenCount(), 0, 'no request for an account that must be connected again');
  assert.equal((await account(home, bob)).status, 'needs_reconnect', 'still needs_reconnect');

  assert.equal(await connect(home, 'local', op, { login: 'bob' }), bob, 'connecting again updates the same account');
  const fixed = await account(home, bob);
  assert.equal(fixed.status, 'valid');
  await ok(['refresh', bob], { home, env: ENV });
  await ok(['token', bob], { home, env: ENV });
  reliability({
    area: 'Provider faults during refresh',
    name: 'invalid_grant (the provider ended the grant)',
    sees: r.stderr,
    asserts: 'exit 1, one sentence; status needs_reconnect (only this account); no further token requests; signing in again restores the same account',
    test: 'tests/cli/faults.test.mjs: invalid_grant: needs_reconnect',
  });
});

test('a grant revoked at the provider (real invalid_grant) -> needs_reconnect', async () => {
  await op.proxy.reset();
  const h = newHome();
  await addProvider(h, 'local', op.issuer);
  const carol = await connect(h, 'local', op, { login: 'carol' });
  await ok(['refresh', carol], { home: h });
  const rt = op.proxy.secretDetails().filter((d) => d.kind === 'refresh_token').at(-1).value;
  const revoke = await fetch(`${op.issuer}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: rt, token_type_hint: 'refresh_token', client_id: 'authdeck' }),
  });
  assert.equal(revoke.status, 200);
  const r = await fails(['refresh', carol], { home: h });
  assert.match(r.stderr, /connect/i);
  assert.equal((await account(h, carol)).status, 'needs_reconnect');
});

test('login: discovery unavailable -> one sentence, nothing pending', async () => {
  await op.proxy.reset();
  const h = newHome();
  await addProvider(h, 'local', op.issuer);
  op.proxy.fault({ path: '/.well-known/openid-configuration', mode: 'status', status: 503, body: 'html' });
  try {
    const r = await fails(['login', 'local', '--no-browser'], { home: h, env: ENV });
    assert.equal(r.stdout, '', 'no authorization URL without discovery');
    assert.ok(r.ms < 8000, `took ${r.ms} ms`);
  } finally {
    await op.proxy.reset();
  }
  assert.deepEqual(fs.readdirSync(path.join(h, 'pending')).filter((f) => f.endsWith('.json')), []);
});

test('login: the code exchange fails (502 HTML) -> callback and login fail plainly, one request, no account', async () => {
  await op.proxy.reset();
  const h = newHome();
  await addProvider(h, 'local', op.issuer);
  const started = await startLogin(h, 'local');
  const genuine = await completeLogin(started.url, { login: 'dave' });
  op.proxy.resetCounts();
  op.proxy.fault({ mode: 'status', status: 502, body: 'html' });
  try {
    const r = await fails(['callback', genuine], { home: h, env: ENV });
    assert.match(r.stderr, /502/);
    assert.equal(tokenCount(), 1, 'the code exchange is not retried');
  } finally {
    await op.proxy.reset();
  }
  const login = await started.done;
  assert.notEqual(login.code, 0);
  const last = login.stderr.split('\n').filter(Boolean).at(-1);
  assert.match(last, /502/);
  assert.ok(!last.includes('<'));
  assert.deepEqual(await accounts(h), []);
  await assertNoSecret(login.stdout + login.stderr, 'login output');
});

test('logout while the revocation endpoint fails: removed here, one-line warning, exit 0', async () => {
  await op.proxy.reset();
  const h = newHome();
  await addProvider(h, 'local', op.issuer);
  const dora = await connect(h, 'local', op, { login: 'dora' });
  op.proxy.fault({ path: '/token/revocation', mode: 'status', status: 503, body: 'html' });
  let r;
  try {
    r = await ok(['logout', dora], { home: h, env: ENV });
  } finally {
    await op.proxy.reset();
  }
  assert.ok(r.stdout.includes(dora));
  const warning = r.stderr.split('\n').filter(Boolean);
  assert.equal(warning.length, 1, `one warning line: ${r.stderr}`);
  assert.ok(!warning[0].includes('<'));
  assert.match(warning[0], /not told|503/i);
  await assertNoSecret(r.stdout + r.stderr, 'logout output');
  assert.deepEqual(await accounts(h), []);
});

test('refresh --all with one failure: the others are refreshed, the failure is named on stdout, one sentence on stderr, exit non-zero', async () => {
  await op.proxy.reset();
  const h = newHome();
  await addProvider(h, 'local', op.issuer);
  const ids = [];
  for (const user of ['gil', 'hal', 'ida']) ids.push(await connect(h, 'local', op, { login: user }));
  op.proxy.resetCounts();
  op.proxy.fault({ mode: 'status', status: 502, body: 'html', times: 1 });
  let r;
  try {
    r = await cli(['refresh', '--all'], { home: h, env: ENV });
  } finally {
    await op.proxy.reset();
  }
  assert.notEqual(r.code, 0);
  assert.equal(tokenCount(), 3, 'one request per account, none retried');
  const refreshed = r.stdout.split('\n').filter((l) => /refreshed/i.test(l));
  assert.equal(refreshed.length, 2, r.stdout);
  const failed = ids.filter((id) => !refreshed.some((l) => l.includes(id)));
  assert.equal(failed.length, 1);
  const failure = r.stdout.split('\n').find((l) => l.includes(failed[0]));
  assert.match(failure, /^Could not refresh .*HTTP 502/, r.stdout);
  assertOneSentence(r.stderr);
  assert.match(r.stderr, /1 of 3 accounts could not be refreshed/);
  assert.ok(!r.stdout.includes('<') && !r.stderr.includes('<'));
  await assertNoSecret(r.stdout + r.stderr, 'refresh --all output');
  for (const a of await accounts(h)) assert.equal(a.status, 'valid');
  await ok(['refresh', failed[0]], { home: h });
});
