// Status and expiry: valid / expiring (< 5 min) / expired, and `token` refreshing first when
// the access token is expired or within 60 s of expiry (and only then).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  account, addProvider, connect, killAll, newHome, ok, startProvider, waitFor,
} from './harness.mjs';

const providers = {};

before(async () => {
  const ttls = [3, 30, 90, 200, 3600];
  const started = await Promise.all(ttls.map((accessTtl) => startProvider({ proxy: true, accessTtl })));
  ttls.forEach((ttl, i) => { providers[ttl] = started[i]; });
});
after(async () => { killAll(); await Promise.all(Object.values(providers).map((p) => p.close())); });

async function setup(ttl, login = 'alice') {
  const op = providers[ttl];
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login });
  return { op, home, id };
}

const tokenRequests = (op) => op.proxy.counts()['/token'] ?? 0;

test('accessTtl 3600: valid; token does not refresh', async () => {
  const { op, home, id } = await setup(3600);
  const a = await account(home, id);
  assert.equal(a.status, 'valid');
  const left = Date.parse(a.expires_at) - Date.now();
  assert.ok(left > 3590_000 && left <= 3600_000, `${left} ms left`);
  op.proxy.resetCounts();
  const t1 = (await ok(['token', id], { home })).stdout;
  const t2 = (await ok(['token', id], { home })).stdout;
  assert.equal(t1, t2);
  assert.equal(tokenRequests(op), 0);
  assert.equal((await account(home, id)).last_refreshed_at, null);
});

test('accessTtl 200: expiring (< 5 min left); token does not refresh yet (> 60 s left)', async () => {
  const { op, home, id } = await setup(200);
  const a = await account(home, id);
  assert.equal(a.status, 'expiring');
  op.proxy.resetCounts();
  await ok(['token', id], { home });
  assert.equal(tokenRequests(op), 0);
  const human = await ok(['accounts'], { home });
  assert.match(human.stdout, /expires in \d+ min/i);
});

test('accessTtl 90: token does not refresh at 90 s left', async () => {
  const { op, home, id } = await setup(90);
  assert.equal((await account(home, id)).status, 'expiring');
  op.proxy.resetCounts();
  await ok(['token', id], { home });
  assert.equal(tokenRequests(op), 0, '90 s left is outside the 60 s window');
});

test('accessTtl 30: token refreshes first (within 60 s of expiry)', async () => {
  const { op, home, id } = await setup(30);
  const before = await account(home, id);
  const old = op.proxy.secretDetails().filter((d) => d.kind === 'access_token').at(-1).value;
  op.proxy.resetCounts();
  const t0 = Date.now();
  const r = await ok(['token', id], { home });
  assert.equal(tokenRequests(op), 1, 'one refresh');
  const token = r.stdout.trim();
  assert.notEqual(token, old, 'a new access token');
  assert.equal(op.proxy.secretDetails().filter((d) => d.kind === 'access_token').at(-1).value, token, 'the one just issued');
  const a = await account(home, id);
  assert.ok(a.last_refreshed_at && Date.parse(a.last_refreshed_at) >= t0 - 1000, 'last_refreshed_at set');
  assert.ok(Date.parse(a.expires_at) > Date.parse(before.expires_at), 'expiry moved forward');
});

test('accessTtl 3: expired after expiry; token refreshes first; refresh works on an expired account', async () => {
  const { op, home, id } = await setup(3);
  const first = await account(home, id);
  assert.notEqual(first.status, 'valid');
  await waitFor(async () => (await account(home, id)).status === 'expired', { timeoutMs: 8000, intervalMs: 250, what: 'status expired' });
  const expired = await account(home, id);
  assert.ok(Date.parse(expired.expires_at) <= Date.now());
  const human = await ok(['accounts'], { home });
  assert.match(human.stdout, /expired/i);
  const insp = JSON.parse((await ok(['inspect', id, '--json'], { home })).stdout);
  assert.equal(insp.account.status, 'expired');
  assert.ok(insp.expires_in_seconds <= 0);

  const old = op.proxy.secretDetails().filter((d) => d.kind === 'access_token').at(-1).value;
  op.proxy.resetCounts();
  const t0 = Date.now();
  const r = await ok(['token', id], { home });
  assert.equal(tokenRequests(op), 1, 'token refreshed first');
  assert.notEqual(r.stdout.trim(), old);
  const a = await account(home, id);
  assert.ok(a.last_refreshed_at, 'last_refreshed_at set');
  assert.ok(Date.parse(a.last_refreshed_at) >= t0 - 1000);
  assert.ok(Date.parse(a.expires_at) > t0, `new expiry ${a.expires_at} is in the future`);
  const userinfo = await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${r.stdout.trim()}` } });
  assert.equal(userinfo.status, 200, 'the printed token works');

  await waitFor(async () => (await account(home, id)).status === 'expired', { timeoutMs: 8000, intervalMs: 250, what: 'expired again' });
  op.proxy.resetCounts();
  await ok(['refresh', id], { home });
  assert.equal(tokenRequests(op), 1);
  assert.notEqual((await account(home, id)).status, 'expired');
});
