// `authdeck inspect ACCOUNT --remote [--json]`: asks the provider whether it still accepts the
// access token. Introspection while the token is good; after the provider revoked it,
// `active: false` with the plain sentence and Reconnect (exit 0), and the account shows
// "reconnect needed" until it is connected again (or refreshed); introspection refused -> userinfo, said so; provider
// down -> non-zero with one sentence.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  account, addProvider, assertOneSentence, connect, fails, killAll, newHome, ok, reliability, startProvider,
} from './harness.mjs';

let op;
before(async () => { op = await startProvider({ proxy: true }); });
after(async () => { killAll(); await op?.close(); });

async function connected(login) {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login });
  const token = (await ok(['token', id], { home })).stdout.trim();
  return { home, id, token };
}

/** Revokes the access token at the provider, as an administrator or a breach response would. */
async function revokeAtProvider(token) {
  const r = await fetch(`${op.issuer}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: 'authdeck' }),
  });
  assert.equal(r.status, 200, await r.text());
}

async function remote(home, id) {
  const r = await ok(['inspect', id, '--remote', '--json'], { home });
  const inspection = JSON.parse(r.stdout);
  assert.equal(inspection.account.id, id, 'the inspect --json object, extended');
  assert.ok(inspection.remote, r.stdout);
  return inspection.remote;
}

test('introspection: accepted before, not accepted after the provider revoked the token', async () => {
  await op.proxy.reset();
  const { home, id, token } = await connected('ann');
  const good = await remote(home, id);
  assert.equal(good.method, 'introspection');
  assert.equal(good.active, true);
  assert.equal(good.subject, 'ann');
  assert.equal(good.client_id, 'authdeck');
  assert.ok(good.scopes.includes('openid'), JSON.stringify(good));
  assert.ok(Date.parse(good.expires_at) > Date.now(), good.expires_at);
  assert.equal(good.fallback_reason, null);
  const human = await ok(['inspect', id, '--remote'], { home });
  assert.match(human.stdout, /local still accepts this account's token\./);
  assert.match(human.stdout, /Asked by +token introspection/);

  await revokeAtProvider(token);
  const gone = await remote(home, id);
  assert.equal(gone.method, 'introspection');
  assert.equal(gone.active, false);
  const said = await ok(['inspect', id, '--remote'], { home });
  assert.equal(said.code, 0, 'exit 0 whether active or not');
  assert.match(said.stdout, /no longer accepts this account's token: it was revoked or has expired at .*Reconnect the account/);
  assert.ok(!said.stdout.includes(token) && !JSON.stringify(gone).includes(token), 'never the token');
  reliability({
    area: 'Checking a token with the provider',
    name: 'the access token revoked at the provider while it looks valid here',
    sees: said.stdout.split('\n').find((l) => /no longer accepts/.test(l)),
    asserts: 'inspect --remote: active false by introspection, exit 0, never the token; the account shows reconnect needed until it is connected again',
    test: 'tests/cli/remote-check.test.mjs: introspection: accepted before, not accepted after the provider revoked the token',
  });

  // The account remembers it: reconnect needed. Revoking the access token ended the whole
  // grant here (oidc-provider's policy), so only connecting again brings a token it accepts.
  const marked = await account(home, id);
  assert.equal(marked.status, 'needs_reconnect');
  assert.ok(marked.provider_rejected_at, JSON.stringify(marked));
  const human2 = await ok(['accounts'], { home });
  assert.match(human2.stdout, /Reconnect needed/);
  await fails(['refresh', id], { home });
  assert.equal(await connect(home, 'local', op, { login: 'ann' }), id, 'the same account, connected again');
  const renewed = await account(home, id);
  assert.equal(renewed.status, 'valid');
  assert.equal(renewed.provider_rejected_at, null);
  assert.equal((await remote(home, id)).active, true);
});

test('introspection refused for this client: userinfo instead, and it says so', async () => {
  await op.proxy.reset();
  const { home, id, token } = await connected('ben');
  op.proxy.fault({ path: '/token/introspection', mode: 'oauth_error', status: 401, error: 'invalid_client' });
  try {
    const check = await remote(home, id);
    assert.equal(check.method, 'userinfo');
    assert.equal(check.active, true);
    assert.equal(check.subject, 'ben');
    assert.match(check.fallback_reason, /does not let AuthDeck use its token check \(introspection\)/);
    const human = await ok(['inspect', id, '--remote'], { home });
    assert.match(human.stdout, /still accepts this account's token\. It does not let AuthDeck use its token check \(introspection\), so AuthDeck asked its user information instead\./);
    assert.match(human.stdout, /Asked by +user information endpoint/);

    await revokeAtProvider(token);
    const gone = await remote(home, id);
    assert.deepEqual([gone.method, gone.active], ['userinfo', false]);
    assert.ok(op.proxy.counts()['/token/introspection'] >= 2, 'introspection was tried each time');
  } finally {
    await op.proxy.reset();
  }
});

test('provider down: non-zero, one sentence, nothing remembered', async () => {
  await op.proxy.reset();
  const { home, id } = await connected('cat');
  op.proxy.fault({ mode: 'down', path: '/' });
  try {
    const r = await fails(['inspect', id, '--remote'], { home, env: { AUTHDECK_HTTP_TIMEOUT_SECS: '2' } });
    const line = assertOneSentence(r.stderr);
    assert.match(line, /^Could not connect to local \(127\.0\.0\.1:\d+\)/);
    reliability({
      area: 'Checking a token with the provider',
      name: 'the provider down (connection refused) during inspect --remote',
      sees: line,
      asserts: 'exit 1, one sentence, nothing on stdout; the account is not marked',
      test: 'tests/cli/remote-check.test.mjs: provider down: non-zero, one sentence, nothing remembered',
    });
    assert.equal(r.stdout, '');
    const j = await fails(['inspect', id, '--remote', '--json'], { home, env: { AUTHDECK_HTTP_TIMEOUT_SECS: '2' } });
    assert.equal(j.stdout, '');
  } finally {
    await op.proxy.reset();
  }
  assert.equal((await account(home, id)).status, 'valid');
  // Plain inspect does not ask the provider and has no `remote`.
  const plain = JSON.parse((await ok(['inspect', id, '--json'], { home })).stdout);
  assert.equal(plain.remote, undefined);
});
