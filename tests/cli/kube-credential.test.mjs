// `authdeck kube-credential ACCOUNT [--access-token]`: a kubectl exec credential plugin. The
// ExecCredential has the v1 shape; its token is the account's current ID token (a JWT for
// this client from this issuer, not expired), renewed when within 60 s of its expiry; with
// --access-token it is the access token; the expiry is RFC 3339 in UTC.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { addProvider, connect, killAll, newHome, ok, startProvider } from './harness.mjs';

let op;
let shortIds; // ID tokens that live 30 s

before(async () => {
  [op, shortIds] = await Promise.all([startProvider({}), startProvider({ proxy: true, idTokenTtl: 30 })]);
});
after(async () => { killAll(); await Promise.all([op?.close(), shortIds?.close()]); });

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

function credential(stdout) {
  const c = JSON.parse(stdout);
  assert.equal(c.apiVersion, 'client.authentication.k8s.io/v1');
  assert.equal(c.kind, 'ExecCredential');
  assert.equal(typeof c.status.token, 'string');
  assert.match(c.status.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return c.status;
}

test('the ExecCredential carries a current ID token, or the access token', async () => {
  const home = newHome();
  await addProvider(home, 'local', op.issuer);
  const id = await connect(home, 'local', op, { login: 'lea' });
  const status = credential((await ok(['kube-credential', id], { home, env: { KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}' } })).stdout);
  const c = claims(status.token);
  assert.equal(c.iss, op.issuer);
  assert.equal(c.sub, 'lea');
  assert.equal(c.aud, 'authdeck');
  assert.ok(c.exp > Date.now() / 1000, 'not expired');
  assert.equal(Date.parse(status.expirationTimestamp) / 1000, c.exp);

  const access = credential((await ok(['kube-credential', id, '--access-token'], { home })).stdout);
  assert.equal(access.token, (await ok(['token', id], { home })).stdout.trim());
});

test('an ID token within 60 s of its expiry is renewed first', async () => {
  const home = newHome();
  await addProvider(home, 'short', shortIds.issuer);
  const id = await connect(home, 'short', shortIds, { login: 'max' });
  shortIds.proxy.resetCounts();
  const first = credential((await ok(['kube-credential', id], { home })).stdout);
  assert.equal(shortIds.proxy.counts()['/token'], 1, 'one refresh for the 30-second ID token');
  assert.ok(claims(first.token).exp > Date.now() / 1000);
  // The access token (an hour) needs no refresh.
  shortIds.proxy.resetCounts();
  credential((await ok(['kube-credential', id, '--access-token'], { home })).stdout);
  assert.equal(shortIds.proxy.counts()['/token'], undefined);
});
